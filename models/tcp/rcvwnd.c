/* models/tcp/rcvwnd.c — the receive window we offer and the receive buffer behind it.
 *
 * Where it sits: output.c asks here for the window field of every segment it builds
 * (tcp_rcvwnd_syn_field, tcp_rcvwnd_select); input.c and ack.c report what arrives
 * (tcp_rcvwnd_admit, _ratio, _grow, _ooo, _rtt_measure); socket.c reports each
 * segment the application reads (tcp_rcvwnd_read), through which the buffer grows.
 *
 * Two ways to choose the window (knob rcv_window):
 *   rfc    RFC 9293 §3.8.6.2.2: the free buffer space, its right edge moved only by
 *          min(RCV.BUFF/2, Eff.snd.MSS) (receiver SWS avoidance), never moved left.
 *   linux  Linux 6.18 (tcp_output.c tcp_select_initial_window, tcp_select_window,
 *          __tcp_select_window; tcp_input.c tcp_grow_window, tcp_init_buffer_space,
 *          tcp_clamp_window): the SYN offers the buffer's window rounded down to the
 *          MSS; the window then grows from there (rcv_ssthresh) by two segments per
 *          segment received, up to the free space and window_clamp (the buffer's
 *          window less one reserved segment); it is aligned up to the window scale,
 *          and a window that would shrink is kept instead.
 * and two ways to count the buffer (knob rcvbuf_accounting, read by the linux rule):
 * payload bytes, or memory as Linux's sk_rcvbuf does (every queued segment costs its
 * socket buffer's truesize; the window is the space times the payload/truesize ratio
 * of the last full-sized segment, tp->scaling_ratio).
 *
 * Receive-buffer autotuning (knob moderate_rcvbuf; Linux tcp_rcv_space_adjust and
 * tcp_rcvbuf_grow as in 6.18): once per receiver RTT, if the application read more
 * than ever before in one RTT, the buffer grows to twice that plus twice the growth
 * (the sender in slow start doubles), up to rcvbuf_max. The receiver's RTT comes from
 * the time a window's worth of data takes to arrive (tcp_rcv_rtt_measure, a minimum),
 * or from timestamp echoes when those are in use (tcp_rcvwnd_rtt_sample).
 */
#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "sim/core/sim.h"

/* Linux's constants (include/net/tcp.h, include/net/sock.h). */
#define RMEM_TO_WIN_SCALE 8        /* scaling_ratio is in 1/256 */
#define DEFAULT_SCALING_RATIO 128  /* 1/2 until a full-sized segment measured it */
#define MIN_CLAMP 2304             /* SOCK_MIN_RCVBUF / 2 (tcp_set_window_clamp) */
#define APP_WIN 31                 /* net.ipv4.tcp_app_win */
#define INIT_CWND 10               /* TCP_INIT_CWND (the first rcvq_space) */

static bool linux_rule(const struct tcp_sock *c)
{
	return c->cfg->rcv_window == TCP_RCV_WINDOW_LINUX;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* max(x, 0) */
static uint64_t pos(int64_t x)
{
	return x > 0 ? (uint64_t)x : 0;
}

/* ---- memory ---- */

/* Linux's truesize of a received frame of ip_len bytes, for a NIC driver that puts
 * each frame in one kmalloc'd head (the tun device packetdrill drives): NET_SKB_PAD
 * (64) of headroom and the IPv4 packet, cache-line aligned, plus struct
 * skb_shared_info (320); heads up to 576 bytes come from the small-head cache
 * (SKB_SMALL_HEAD_CACHE_SIZE), larger ones from kmalloc's power-of-two caches; plus
 * struct sk_buff (256). Measured on Linux 6.18 (skmem of ss) with a 40-byte header:
 * payloads of 1 to 152 bytes cost 832, 153 to 600 cost 1280, 601 to 1460 cost 2304
 * (and, by the same rule, up to 1624). */
static uint32_t skb_truesize(uint32_t ip_len)
{
	uint64_t head = ((64 + (uint64_t)ip_len + 63) & ~(uint64_t)63) + 320;
	uint64_t alloc = 576;
	if (head > alloc) {
		alloc = 1024;
		while (alloc < head)
			alloc <<= 1;
	}
	return (uint32_t)(alloc + 256);
}

uint32_t tcp_rcvwnd_truesize(const struct tcp_sock *c, uint32_t payload, uint32_t ip_len)
{
	if (c->cfg->rcvbuf_accounting == TCP_RCVBUF_SKB)
		return skb_truesize(ip_len);
	return payload;
}

/* Linux tcp_win_from_space: the window memory `space` holds (floor; may be < 0). */
static int64_t win_from_space(const struct tcp_sock *c, int64_t space)
{
	int64_t v = space * (int64_t)c->rw.ratio;
	return v >= 0 ? v >> RMEM_TO_WIN_SCALE : -((-v + 255) >> RMEM_TO_WIN_SCALE);
}

/* Linux tcp_space_from_win. */
static uint64_t space_from_win(const struct tcp_sock *c, uint64_t win)
{
	return (win << RMEM_TO_WIN_SCALE) / (c->rw.ratio ? c->rw.ratio : 1);
}

static uint64_t rmem(const struct tcp_sock *c)
{
	return c->rcvq.mem + c->ooo.mem;
}

/* Linux tcp_space: the window the free memory holds. */
static int64_t free_space(const struct tcp_sock *c)
{
	return win_from_space(c, (int64_t)c->opt.rcvbuf - (int64_t)rmem(c));
}

/* Linux tcp_full_space. */
static int64_t full_space(const struct tcp_sock *c)
{
	return win_from_space(c, c->opt.rcvbuf);
}

/* tcp_rmem[2]: how far autotuning and tcp_clamp_window may grow the buffer. */
static uint32_t rcvbuf_cap(const struct tcp_sock *c)
{
	return c->cfg->rcvbuf_max ? c->cfg->rcvbuf_max : c->cfg->rcvbuf;
}

/* ---- the rfc rule ---- */

uint32_t tcp_rcv_space(const struct tcp_sock *c)
{
	return c->opt.rcvbuf > c->rcvq.bytes ? c->opt.rcvbuf - c->rcvq.bytes : 0;
}

static uint32_t rcv_sws_threshold(const struct tcp_sock *c)
{
	/* RFC 9293 §3.8.6.2.2: min(Fr · RCV.BUFF, Eff.snd.MSS), Fr = 1/2. */
	uint32_t half = c->opt.rcvbuf / 2;
	return half < c->adv_mss ? half : c->adv_mss;
}

/* Largest window representable with our shift (RFC 7323 §2.3: at most 2^30). */
static uint32_t max_rcv_window(const struct tcp_sock *c)
{
	uint64_t w = (uint64_t)65535 << c->rcv_wscale;
	return w > (1u << 30) ? (1u << 30) : (uint32_t)w;
}

static uint32_t rcv_cur_window(const struct tcp_sock *c)
{
	int32_t cur = seq_diff(c->rcv_adv, c->rcv_nxt);
	return cur > 0 ? (uint32_t)cur : 0;
}

/* The window RFC 9293 §3.8.6.2.2 would offer now: the free space if the right edge
 * moves by the SWS threshold, else the current window. */
static uint32_t rfc_window(const struct tcp_sock *c)
{
	uint32_t space = tcp_rcv_space(c);
	uint32_t maxw = max_rcv_window(c);
	if (space > maxw)
		space = maxw;
	uint32_t cur = rcv_cur_window(c);
	return space > cur && space - cur >= rcv_sws_threshold(c) ? space : cur;
}

static uint16_t rfc_select(struct tcp_sock *c)
{
	uint32_t s = c->rcv_wscale;
	uint32_t cur = rcv_cur_window(c);
	int32_t cur_i = seq_diff(c->rcv_adv, c->rcv_nxt);
	/* Never move the right edge left (shrink); scaling rounds up so it cannot. */
	uint32_t field = rfc_window(c) >> s;
	if ((field << s) < cur)
		field = (cur + (1u << s) - 1) >> s;
	if (field > 65535)
		field = 65535;
	uint32_t edge = c->rcv_nxt + (field << s);
	if (seq_gt(edge, c->rcv_adv) || cur_i < 0)
		c->rcv_adv = edge;
	c->rcv_wnd = field << s;
	return (uint16_t)field;
}

/* ---- the linux rule: the handshake ---- */

static uint32_t initial_ratio(const struct tcp_config *cfg)
{
	return cfg->rcvbuf_accounting == TCP_RCVBUF_SKB ? DEFAULT_SCALING_RATIO
						       : 1u << RMEM_TO_WIN_SCALE;
}

/* Linux tcp_select_initial_window's window: the buffer's (a buffer fixed by SO_RCVBUF
 * clamps the window to it), rounded down to the MSS we announce (with timestamps,
 * less their 12 bytes). *clamp gets the clamp, 0 for none. */
static uint32_t initial_window(const struct tcp_config *cfg, const struct tcp_sockopts *o,
			       uint32_t mss, uint64_t *clamp)
{
	uint64_t full = ((uint64_t)o->rcvbuf * initial_ratio(cfg)) >> RMEM_TO_WIN_SCALE;
	*clamp = o->rcvbuf_set ? full : 0;
	uint64_t space = full;
	if (space > mss)
		space -= space % mss;
	return (uint32_t)min_u64(space, UINT32_MAX);
}

uint32_t tcp_rcvwnd_cookie_window(const struct tcp_config *cfg, const struct tcp_sockopts *o,
				  uint32_t mss)
{
	if (cfg->rcv_window != TCP_RCV_WINDOW_LINUX)
		return o->rcvbuf < 65535 ? o->rcvbuf : 65535;
	uint64_t clamp;
	uint32_t w = initial_window(cfg, o, mss, &clamp);
	return w < 65535 ? w : 65535;
}

void tcp_rcvwnd_syn(struct tcp_sock *c, bool wscale_ok)
{
	c->rw.ratio = initial_ratio(c->cfg);
	wscale_ok = wscale_ok && c->cfg->window_scaling;
	if (!linux_rule(c)) {
		c->rcv_wscale = wscale_ok ? tcp_conn_wscale(c) : 0;
		return;
	}
	/* Linux tcp_connect_init / tcp_openreq_init_rwin, then
	 * tcp_select_initial_window: the window offered is the buffer's, rounded down to
	 * the MSS; the scale covers the largest the buffer may grow to (tcp_rmem[2]),
	 * within the clamp. */
	uint64_t clamp;
	uint64_t space = initial_window(c->cfg, &c->opt, c->adv_mss, &clamp);
	if (clamp == 0)
		clamp = (uint64_t)65535 << TCP_WSCALE_MAX;
	c->rcv_wnd = (uint32_t)space;
	uint8_t ws = 0;
	if (wscale_ok) {
		uint64_t top = min_u64(max_u64(space, c->cfg->rcvbuf_max), clamp);
		ws = tcp_choose_wscale((uint32_t)min_u64(top, UINT32_MAX));
	}
	c->rcv_wscale = ws;
	c->rw.clamp = (uint32_t)min_u64((uint64_t)65535 << ws, clamp);
	c->rw.ssthresh = c->rcv_wnd;
}

uint16_t tcp_rcvwnd_syn_field(struct tcp_sock *c)
{
	if (!linux_rule(c))
		c->rcv_wnd = c->opt.rcvbuf < 65535 ? c->opt.rcvbuf : 65535;
	/* RFC 7323 §2.2: the window of a SYN is not scaled. */
	return (uint16_t)(c->rcv_wnd < 65535 ? c->rcv_wnd : 65535);
}

void tcp_rcvwnd_established(struct tcp_sock *c)
{
	uint32_t advmss = c->adv_mss;
	c->rw.space_time = sim_now(tcp_sim(c));
	c->rw.space_seq = c->rcv_nxt - c->rcvq.bytes;
	uint32_t first = c->rcv_wnd;
	if (linux_rule(c)) {
		/* Linux tcp_init_buffer_space: the clamp is the buffer's window, less one
		 * segment kept back for the application (tcp_app_win; "force reservation
		 * of one segment"); the window grows no further than that. */
		int64_t maxwin = full_space(c);
		if ((int64_t)c->rw.clamp >= maxwin) {
			c->rw.clamp = (uint32_t)maxwin;
			if (maxwin > 4 * (int64_t)advmss)
				c->rw.clamp = (uint32_t)max_u64((uint64_t)(maxwin - (maxwin >> APP_WIN)),
								4 * (uint64_t)advmss);
		}
		if (c->rw.clamp > 2 * advmss && (int64_t)c->rw.clamp + advmss > maxwin)
			c->rw.clamp = (uint32_t)max_u64(2 * (uint64_t)advmss, pos(maxwin - advmss));
		if (c->rw.ssthresh > c->rw.clamp)
			c->rw.ssthresh = c->rw.clamp;
		if (first > c->rw.ssthresh)
			first = c->rw.ssthresh;
		/* The peer's SYN-ACK opened the window the SYN offered (tcp_receive_window
		 * = rcv_wup + rcv_wnd - rcv_nxt). */
		c->rcv_adv = c->rcv_wup + c->rcv_wnd;
	}
	/* rcvq_space.space starts at what the sender's initial window can send. */
	c->rw.space = (uint32_t)min_u64(first, (uint64_t)INIT_CWND * advmss);
	if (c->cfg->delack_count == TCP_DELACK_COUNT_BYTES) {
		/* Linux tcp_initialize_rcv_mss: better an estimate below the peer's MSS
		 * (ACKs too often) than above. */
		uint32_t hint = c->adv_mss < c->mss ? c->adv_mss : c->mss;
		if (hint > c->rcv_wnd / 2)
			hint = c->rcv_wnd / 2;
		if (hint > TCP_MSS_DEFAULT)
			hint = TCP_MSS_DEFAULT;
		c->rcv_mss = hint < 88 ? 88 : hint; /* TCP_MIN_MSS */
	}
}

/* ---- the linux rule: the window of each segment ---- */

/* Linux __tcp_select_window: the window to offer now, before the never-shrink rule.
 * Drops quick ACKs when the free space is below half the buffer's window. */
static uint32_t linux_window(struct tcp_sock *c)
{
	int64_t mss = c->rcv_mss;
	int64_t space = free_space(c);
	int64_t allowed = full_space(c);
	int64_t full = (int64_t)c->rw.clamp < allowed ? (int64_t)c->rw.clamp : allowed;
	int64_t unit = (int64_t)1 << c->rcv_wscale;
	if (mss > full) {
		mss = full;
		if (mss <= 0)
			return 0;
	}
	if (space < full / 2) {
		c->ack.quick = 0;
		/* Free space might become the window: aligned down, so the scale cannot
		 * round it up; below 1/16 of the buffer's window or one segment, offer
		 * nothing (a zero window in time, before the memory runs out). */
		space = space >= 0 ? space & ~(unit - 1) : -((-space + unit - 1) & ~(unit - 1));
		if (space < allowed / 16 || space < mss)
			return 0;
	}
	if (space > (int64_t)c->rw.ssthresh)
		space = c->rw.ssthresh;
	if (c->rcv_wscale)
		return (uint32_t)((space + unit - 1) & ~(unit - 1)); /* enough not to scale away */
	/* Without scaling: a multiple of the MSS, kept while within one MSS of the space. */
	int64_t window = c->rcv_wnd;
	if (window <= space - mss || window > space)
		window = space / mss * mss;
	else if (mss == full && space > window + (full >> 1))
		window = space;
	return (uint32_t)window;
}

static uint16_t linux_select(struct tcp_sock *c)
{
	if (c->flags & TF_ACK_NOMEM) {
		/* Linux tcp_select_window: a segment was dropped for want of memory: a
		 * zero window, now. */
		c->flags &= ~TF_ACK_NOMEM;
		c->rcv_wnd = 0;
		c->rcv_adv = c->rcv_nxt;
		return 0;
	}
	uint32_t s = c->rcv_wscale;
	uint32_t cur = rcv_cur_window(c);
	uint32_t w = linux_window(c);
	/* Never shrink the window offered: keep it, rounded up to the scale. */
	if (w < cur)
		w = (uint32_t)min_u64(((uint64_t)cur + (1u << s) - 1) & ~(((uint64_t)1 << s) - 1),
				      UINT32_MAX);
	c->rcv_wnd = w;
	c->rcv_adv = c->rcv_nxt + w;
	return (uint16_t)(min_u64(w, (uint64_t)65535 << s) >> s);
}

uint16_t tcp_rcvwnd_select(struct tcp_sock *c)
{
	return linux_rule(c) ? linux_select(c) : rfc_select(c);
}

uint32_t tcp_rcvwnd_peek(struct tcp_sock *c)
{
	return linux_rule(c) ? linux_window(c) : rfc_window(c);
}

bool tcp_window_update_due(struct tcp_sock *c)
{
	if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 &&
	    c->state != TCP_FIN_WAIT_2)
		return false; /* the peer has sent its FIN, or we are not synchronised */
	uint32_t cur = rcv_cur_window(c);
	if (linux_rule(c)) {
		/* Linux tcp_cleanup_rbuf: the window at least doubles, from at most half
		 * the clamp. */
		if (2 * (uint64_t)cur > c->rw.clamp)
			return false;
		uint32_t w = linux_window(c);
		return w != 0 && w >= 2 * (uint64_t)cur;
	}
	uint32_t space = tcp_rcv_space(c);
	uint32_t maxw = max_rcv_window(c);
	if (space > maxw)
		space = maxw;
	/* RFC 9293 §3.8.6.2.2: only a move of the right edge by the SWS threshold is
	 * worth announcing; and, as Linux's tcp_cleanup_rbuf, only when the window at
	 * least doubles from at most half the buffer (else the next ACK carries it). */
	if (space < cur || space - cur < rcv_sws_threshold(c))
		return false;
	return 2 * (uint64_t)cur <= c->opt.rcvbuf && space >= 2 * (uint64_t)cur;
}

/* ---- the linux rule: what arrives ---- */

/* Linux tcp_set_window_clamp (as tcp_measure_rcv_mss calls it): a smaller clamp
 * lowers rcv_ssthresh with it, a larger one lets it up to the window offered. */
static void set_window_clamp(struct tcp_sock *c, int64_t val)
{
	uint32_t nc = (uint32_t)min_u64(max_u64(MIN_CLAMP, pos(val)), UINT32_MAX);
	if (nc == c->rw.clamp)
		return;
	uint32_t old = c->rw.clamp;
	c->rw.clamp = nc;
	if (nc < old) {
		if (c->rw.ssthresh > nc)
			c->rw.ssthresh = nc;
	} else {
		uint32_t t = c->rcv_wnd < nc ? c->rcv_wnd : nc;
		if (t > c->rw.ssthresh)
			c->rw.ssthresh = t;
	}
}

void tcp_rcvwnd_ratio(struct tcp_sock *c, uint32_t len, uint32_t mem)
{
	if (c->cfg->rcvbuf_accounting != TCP_RCVBUF_SKB || mem == 0)
		return;
	/* Linux tcp_measure_rcv_mss: the payload share of the memory of a segment
	 * larger than rcv_mss is the ratio from now on; the clamp follows it. */
	uint32_t r = (uint32_t)(((uint64_t)len << RMEM_TO_WIN_SCALE) / mem);
	if (r == 0)
		r = 1;
	if (r > 255)
		r = 255;
	uint32_t old = c->rw.ratio;
	c->rw.ratio = r;
	if (old == r || !linux_rule(c))
		return;
	set_window_clamp(c, full_space(c));
	if (c->rw.clamp < c->rw.ssthresh)
		c->rw.ssthresh = c->rw.clamp;
}

/* Linux __tcp_grow_window: a segment whose memory is large for its payload opens the
 * window only while rcv_ssthresh is small against tcp_rmem[2]. */
static uint32_t grow_slow(const struct tcp_sock *c, uint32_t len, uint32_t mem)
{
	int64_t t = win_from_space(c, mem) >> 1;
	int64_t w = win_from_space(c, rcvbuf_cap(c)) >> 1;
	while ((int64_t)c->rw.ssthresh <= w) {
		if (t <= (int64_t)len)
			return 2 * c->rcv_mss;
		t >>= 1;
		w >>= 1;
	}
	return 0;
}

void tcp_rcvwnd_grow(struct tcp_sock *c, uint32_t len, uint32_t mem)
{
	if (!linux_rule(c))
		return;
	/* Linux tcp_grow_window: rcv_ssthresh (the window's growth limit) rises by two
	 * segments per segment received, as long as the clamp and the free space
	 * allow; each rise allows one quick ACK, so the sender hears of it at once. */
	int64_t top = free_space(c);
	if ((int64_t)c->rw.clamp < top)
		top = c->rw.clamp;
	int64_t room = top - (int64_t)c->rw.ssthresh;
	if (room <= 0)
		return;
	uint32_t incr;
	if (win_from_space(c, mem) <= (int64_t)len)
		incr = 2 * (uint32_t)c->adv_mss;
	else
		incr = grow_slow(c, len, mem);
	if (!incr)
		return;
	if (incr < 2 * len)
		incr = 2 * len;
	c->rw.ssthresh += (uint32_t)min_u64((uint64_t)room, incr);
	if (c->cfg->quickack_max && c->ack.quick == 0)
		c->ack.quick = 1;
}

/* Linux tcp_clamp_window: memory ran over the buffer: the buffer grows to what is in
 * use (up to tcp_rmem[2], unless fixed by SO_RCVBUF); if still over, the window's
 * growth restarts from two segments. No more quick ACKs. */
static void clamp_window(struct tcp_sock *c)
{
	c->ack.quick = 0;
	uint64_t in_use = rmem(c);
	uint32_t cap = rcvbuf_cap(c);
	if (c->opt.rcvbuf < cap && !c->opt.rcvbuf_set)
		c->opt.rcvbuf = (uint32_t)min_u64(in_use, cap);
	if (in_use > c->opt.rcvbuf)
		c->rw.ssthresh = (uint32_t)min_u64(c->rw.clamp, 2 * (uint64_t)c->adv_mss);
}

bool tcp_rcvwnd_admit(struct tcp_sock *c, uint32_t mem)
{
	(void)mem;
	/* Linux tcp_try_rmem_schedule: the queues already hold more than the buffer:
	 * tcp_prune_queue clamps the window. (Linux then collapses the queues into
	 * fewer buffers before it drops anything; that is not modelled: what does not
	 * fit then is dropped.) */
	if (!linux_rule(c) || rmem(c) <= c->opt.rcvbuf)
		return true;
	clamp_window(c);
	return rmem(c) <= c->opt.rcvbuf;
}

/* Linux tcp_rcvbuf_grow (6.18): rcvq_space.space becomes newval; with autotuning the
 * buffer grows to hold twice newval (the estimate is one RTT late) plus twice its
 * growth since the last time (slow start doubles the rate), plus what the
 * out-of-order queue spans; the clamp follows. */
static void rcvbuf_grow(struct tcp_sock *c, uint32_t newval)
{
	uint32_t oldval = c->rw.space;
	c->rw.space = newval;
	if (!c->cfg->moderate_rcvbuf || c->opt.rcvbuf_set)
		return;
	uint64_t win = (uint64_t)newval << 1;
	if (oldval && newval > oldval)
		win += (win * (newval - oldval) / oldval) << 1;
	if (c->ooo.count)
		win += (uint32_t)(tcp_ooo_end(&c->ooo) - c->rcv_nxt);
	uint64_t buf = min_u64(space_from_win(c, win), rcvbuf_cap(c));
	if (buf > c->opt.rcvbuf) {
		c->opt.rcvbuf = (uint32_t)buf;
		c->rw.clamp = (uint32_t)min_u64(pos(full_space(c)), UINT32_MAX);
	}
}

void tcp_rcvwnd_ooo(struct tcp_sock *c, uint32_t len, uint32_t mem)
{
	(void)len;
	(void)mem;
	/* Linux tcp_data_queue_ofo: (with SACK the window grows as for in-order data;
	 * without, it does not, so that the sender sees duplicate ACKs) the buffer is
	 * provisioned for what the out-of-order queue spans, for an accepted socket. */
	if (c->app_ref)
		rcvbuf_grow(c, c->rw.space);
}

/* Linux tcp_rcv_rtt_update (6.18): the estimate keeps the smallest sample; a larger
 * one from timestamps (!win_dep) is averaged in (1/8) if the application keeps up. */
static void rcv_rtt_update(struct tcp_sock *c, sim_time_t sample, bool win_dep)
{
	sim_time_t m = sample << 3;
	sim_time_t old = c->rw.rtt8;
	if (old == 0 || m < old) {
		c->rw.rtt8 = m;
		return;
	}
	if (win_dep || c->rcvq.bytes > 0)
		return;
	c->rw.rtt8 = old - (old >> 3) + sample;
}

void tcp_rcvwnd_rtt_measure(struct tcp_sock *c)
{
	/* Linux tcp_rcv_rtt_measure: the time from a segment to the one that completes
	 * the window offered then; at least one window's transfer takes an RTT. */
	sim_time_t now = sim_now(tcp_sim(c));
	if (c->rw.rtt_started && seq_lt(c->rcv_nxt, c->rw.rtt_seq))
		return;
	if (c->rw.rtt_started) {
		sim_time_t d = now - c->rw.rtt_time;
		rcv_rtt_update(c, d > 0 ? d : SIM_US(1), true);
	}
	c->rw.rtt_started = true;
	c->rw.rtt_seq = c->rcv_nxt + c->rcv_wnd;
	c->rw.rtt_time = now;
}

void tcp_rcvwnd_rtt_sample(struct tcp_sock *c, sim_time_t sample)
{
	/* Linux tcp_rcv_rtt_measure_ts: an echoed timestamp of a full-sized segment. */
	if (sample > 0)
		rcv_rtt_update(c, sample, false);
}

void tcp_rcvwnd_read(struct tcp_sock *c)
{
	/* Linux tcp_rcv_space_adjust: once per receiver RTT, what the application
	 * read in it (not counting what still waits) against the most so far. */
	sim_time_t rtt = c->rw.rtt8 >> 3;
	if (c->rw.rtt8 == 0)
		return;
	sim_time_t now = sim_now(tcp_sim(c));
	if (now - c->rw.space_time < rtt)
		return;
	uint32_t copied_seq = c->rcv_nxt - c->rcvq.bytes;
	int64_t copied = (int64_t)(uint32_t)(copied_seq - c->rw.space_seq) - c->rcvq.bytes;
	if (copied > (int64_t)c->rw.space)
		rcvbuf_grow(c, (uint32_t)copied);
	c->rw.space_seq = copied_seq;
	c->rw.space_time = now;
}
