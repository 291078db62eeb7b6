/* models/tcp/info.c — tcp_info (info.h): the connection read in Linux's terms.
 *
 * Each field follows Linux's tcp_get_info() (net/ipv4/tcp.c), converted from netsim's
 * units: netsim keeps windows in bytes, Linux in segments (cwnd and ssthresh divided by
 * the MSS, as Linux's are counted in MSS-sized packets); times are nanoseconds here,
 * microseconds there. Fields without a counterpart in netsim's model say why.
 */
#include "models/tcp/info.h"

#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "sim/core/sim.h"

typedef uint64_t (*info_fn)(const struct tcp_sock *c);

struct info_field {
	const char *name;
	info_fn get; /* NULL: not modelled */
	const char *why;
	bool linux_only; /* modelled under recovery linux only */
};

#define LINUX_ONLY "kept under recovery linux only (Linux's counters)"

/* Linux's TCP state numbers (include/net/tcp_states.h). */
static uint64_t f_state(const struct tcp_sock *c)
{
	static const uint8_t linux_state[] = {
	    [TCP_CLOSED] = 7,       [TCP_LISTEN] = 10,     [TCP_SYN_SENT] = 2,
	    [TCP_SYN_RECEIVED] = 3, [TCP_ESTABLISHED] = 1, [TCP_FIN_WAIT_1] = 4,
	    [TCP_FIN_WAIT_2] = 5,   [TCP_CLOSE_WAIT] = 8,  [TCP_CLOSING] = 11,
	    [TCP_LAST_ACK] = 9,     [TCP_TIME_WAIT] = 6,
	};
	return linux_state[c->state];
}

/* Linux's icsk_ca_state (tcp_input.c tcp_fastretrans_alert): Open, Disorder (duplicate
 * ACKs below the threshold), Recovery (fast recovery), Loss (after an RTO: netsim
 * leaves it at the next ACK of new data, where Linux waits for everything sent before
 * the RTO; CWR: the reduction for an ECN echo, ecn.c). */
static uint64_t f_ca_state(const struct tcp_sock *c)
{
	if (tcp_lx(c))
		return c->cc.ca_state;
	if (c->flags & TF_IN_RECOVERY)
		return 3;
	if (c->retries > 0 && c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED)
		return 4;
	if (c->dupacks > 0)
		return 1;
	return 0;
}

static uint64_t f_retransmits(const struct tcp_sock *c)
{
	return c->retries;
}

/* icsk_probes_out counts zero-window and keepalive probes alike. */
static uint64_t f_probes(const struct tcp_sock *c)
{
	return c->probes_out ? c->probes_out : c->keepalive_sent;
}

/* icsk_backoff: doublings of the retransmission or the probe timer. */
static uint64_t f_backoff(const struct tcp_sock *c)
{
	return MAX(c->rtt.backoff, c->persist_backoff);
}

static uint64_t f_options(const struct tcp_sock *c)
{
	/* TCPI_OPT_TIMESTAMPS 1, TCPI_OPT_SACK 2, TCPI_OPT_WSCALE 4, TCPI_OPT_ECN 8,
	 * TCPI_OPT_ECN_SEEN 16. */
	return ((c->flags & TF_TS_OK) ? 1u : 0u) | ((c->flags & TF_SACK_OK) ? 2u : 0u) |
	       ((c->flags & TF_WS_OK) ? 4u : 0u) | ((c->ecn.flags & TCP_ECN_OK) ? 8u : 0u) |
	       ((c->ecn.flags & TCP_ECN_SEEN) ? 16u : 0u);
}

static uint64_t f_snd_wscale(const struct tcp_sock *c)
{
	return c->snd_wscale;
}

static uint64_t f_rcv_wscale(const struct tcp_sock *c)
{
	return c->rcv_wscale;
}

static uint64_t f_rto(const struct tcp_sock *c)
{
	return (uint64_t)tcp_current_rto(c) / 1000;
}

/* The delayed-ACK timeout now: Linux's adaptive ato (ack.c; 0 before any data), or
 * the fixed one. */
static uint64_t f_ato(const struct tcp_sock *c)
{
	if (c->cfg->delack_adaptive)
		return (uint64_t)c->ack.ato / 1000;
	return c->cfg->delayed_ack ? (uint64_t)c->cfg->delack_timeout / 1000 : 0;
}

/* The receive window's growth limit, its receiver RTT estimate and the most read in
 * one RTT (rcvwnd.c; Linux rcv_ssthresh, rcv_rtt_est.rtt_us >> 3, rcvq_space.space). */
static uint64_t f_rcv_ssthresh(const struct tcp_sock *c)
{
	return c->rw.ssthresh;
}

static uint64_t f_rcv_rtt(const struct tcp_sock *c)
{
	return (uint64_t)(c->rw.rtt8 >> 3) / 1000;
}

static uint64_t f_rcv_space(const struct tcp_sock *c)
{
	return c->rw.space;
}

static uint64_t f_snd_mss(const struct tcp_sock *c)
{
	return c->mss;
}

static uint64_t f_rcv_mss(const struct tcp_sock *c)
{
	return c->rcv_mss;
}

static uint32_t outstanding(const struct tcp_sock *c)
{
	/* A zero-window probe's byte is not a packet out (Linux probes with an empty
	 * segment). */
	if (c->snd_wnd == 0 && sim_timer_pending(tcp_sim(c), &c->t_persist))
		return 0;
	int32_t d = seq_diff(c->snd_max, c->snd_una);
	return d > 0 ? (uint32_t)d : 0;
}

/* packets_out: netsim sends MSS-sized segments but for the last of a burst, so the
 * count is the bytes outstanding in MSS units, rounded up. */
static uint64_t f_unacked(const struct tcp_sock *c)
{
	if (tcp_lx(c))
		return tcp_sb_packets_out(&c->sb); /* Linux packets_out */
	return (outstanding(c) + c->mss - 1) / c->mss;
}

/* The scoreboard's counters: Linux's sacked_out, lost_out, retrans_out (segments). */
static uint64_t f_sacked(const struct tcp_sock *c)
{
	return tcp_lx(c) ? tcp_lx_sacked_out(c) : c->sb.sacked_out;
}

static uint64_t f_lost(const struct tcp_sock *c)
{
	return c->sb.lost_out;
}

static uint64_t f_retrans(const struct tcp_sock *c)
{
	return c->sb.retrans_out;
}

/* recovery linux's counters (Linux tp->delivered, dsack_dups, reord_seen) and when
 * data was last sent (lsndtime). */
static uint64_t f_delivered_ce(const struct tcp_sock *c)
{
	return c->ecn.delivered_ce;
}

static uint64_t f_delivered(const struct tcp_sock *c)
{
	return c->lx.delivered;
}

static uint64_t f_dsack_dups(const struct tcp_sock *c)
{
	return c->lx.dsack_dups;
}

static uint64_t f_reord_seen(const struct tcp_sock *c)
{
	return c->lx.reord_seen;
}

static uint64_t f_last_data_sent(const struct tcp_sock *c)
{
	return (uint64_t)(sim_now(tcp_sim(c)) - c->lx.lsndtime) / 1000000;
}

static uint64_t f_last_ack_sent(const struct tcp_sock *c)
{
	(void)c;
	return 0; /* Linux: "Not remembered, sorry." */
}

static uint64_t f_last_ack_recv(const struct tcp_sock *c)
{
	return (uint64_t)(sim_now(tcp_sim(c)) - c->last_rcv) / 1000000;
}

/* Linux tcp_get_info(): now − icsk_ack.lrcvtime, the arrival of the last in-order
 * data segment (tcp_event_data_recv) or the establishment, in milliseconds. */
static uint64_t f_last_data_recv(const struct tcp_sock *c)
{
	return (uint64_t)(sim_now(tcp_sim(c)) - c->ack.lrcvtime) / 1000000;
}

static uint64_t f_pmtu(const struct tcp_sock *c)
{
	return c->mtu;
}

static uint64_t f_rtt(const struct tcp_sock *c)
{
	return (uint64_t)c->rtt.srtt / 1000;
}

static uint64_t f_rttvar(const struct tcp_sock *c)
{
	return (uint64_t)c->rtt.rttvar / 1000;
}

/* TCP_INFINITE_SSTHRESH is 0x7fffffff. */
static uint64_t f_snd_ssthresh(const struct tcp_sock *c)
{
	if (c->cc.ssthresh == TCP_CC_INFINITE)
		return 0x7fffffff;
	return c->cc.packets ? c->cc.ssthresh : c->cc.ssthresh / c->mss;
}

static uint64_t f_snd_cwnd(const struct tcp_sock *c)
{
	return c->cc.packets ? c->cc.cwnd : c->cc.cwnd / c->mss;
}

static uint64_t f_advmss(const struct tcp_sock *c)
{
	return c->adv_mss;
}

/* tp->reordering: adapted to the reordering seen under recovery linux; the
 * duplicate-ACK threshold otherwise. */
static uint64_t f_reordering(const struct tcp_sock *c)
{
	return tcp_lx(c) ? c->lx.reordering : c->cfg->dupack_threshold;
}

static uint64_t f_total_retrans(const struct tcp_sock *c)
{
	return c->stats->st.segs_retransmitted;
}

static uint64_t f_bytes_acked(const struct tcp_sock *c)
{
	return c->stats->st.bytes_acked;
}

static uint64_t f_bytes_received(const struct tcp_sock *c)
{
	return c->stats->st.bytes_received;
}

static uint64_t f_segs_out(const struct tcp_sock *c)
{
	return c->stats->st.segs_sent;
}

static uint64_t f_segs_in(const struct tcp_sock *c)
{
	return c->stats->st.segs_received;
}

static uint64_t f_notsent_bytes(const struct tcp_sock *c)
{
	int32_t off = seq_diff(c->snd_nxt, c->snd_buf_seq);
	uint32_t o = off > 0 ? (uint32_t)off : 0;
	return o < c->sndbuf.len ? c->sndbuf.len - o : 0;
}

/* Linux's min_rtt starts at ~0U before a sample (minmax). */
static uint64_t f_min_rtt(const struct tcp_sock *c)
{
	const struct tcp_stats *s = &c->stats->st;
	return s->rtt_samples ? (uint64_t)s->rtt_min / 1000 : UINT32_MAX;
}

static uint64_t f_bytes_sent(const struct tcp_sock *c)
{
	return c->stats->st.bytes_sent + c->stats->st.bytes_retransmitted;
}

static uint64_t f_bytes_retrans(const struct tcp_sock *c)
{
	return c->stats->st.bytes_retransmitted;
}

static uint64_t f_rcv_ooopack(const struct tcp_sock *c)
{
	return c->stats->st.ooo_segments;
}

/* Linux tcp_get_info_chrono_stats(): microseconds busy (all three clocks), limited by
 * the peer's window, limited by the send buffer (chrono.c). */
static uint64_t f_busy_time(const struct tcp_sock *c)
{
	sim_time_t t = 0;
	for (int k = TCP_CHRONO_BUSY; k <= TCP_CHRONO_SNDBUF_LIMITED; k++)
		t += tcp_chrono_time(c, (enum tcp_chrono_type)k);
	return (uint64_t)t / 1000;
}

static uint64_t f_rwnd_limited(const struct tcp_sock *c)
{
	return (uint64_t)tcp_chrono_time(c, TCP_CHRONO_RWND_LIMITED) / 1000;
}

static uint64_t f_sndbuf_limited(const struct tcp_sock *c)
{
	return (uint64_t)tcp_chrono_time(c, TCP_CHRONO_SNDBUF_LIMITED) / 1000;
}

static uint64_t f_snd_wnd(const struct tcp_sock *c)
{
	return c->snd_wnd;
}

static const struct info_field fields[] = {
    {"tcpi_state", f_state, NULL, false},
    {"tcpi_ca_state", f_ca_state, NULL, false},
    {"tcpi_retransmits", f_retransmits, NULL, false},
    {"tcpi_probes", f_probes, NULL, false},
    {"tcpi_backoff", f_backoff, NULL, false},
    {"tcpi_options", f_options, NULL, false},
    {"tcpi_snd_wscale", f_snd_wscale, NULL, false},
    {"tcpi_rcv_wscale", f_rcv_wscale, NULL, false},
    {"tcpi_delivery_rate_app_limited", NULL, "netsim does not estimate the delivery rate", false},
    {"tcpi_fastopen_client_fail", NULL, "netsim has no TCP Fast Open", false},
    {"tcpi_rto", f_rto, NULL, false},
    {"tcpi_ato", f_ato, NULL, false},
    {"tcpi_snd_mss", f_snd_mss, NULL, false},
    {"tcpi_rcv_mss", f_rcv_mss, NULL, false},
    {"tcpi_unacked", f_unacked, NULL, false},
    {"tcpi_sacked", f_sacked, NULL, false},
    {"tcpi_lost", f_lost, NULL, false},
    {"tcpi_retrans", f_retrans, NULL, false},
    {"tcpi_fackets", NULL, "netsim has no FACK", false},
    {"tcpi_last_data_sent", f_last_data_sent, LINUX_ONLY, true},
    {"tcpi_last_ack_sent", f_last_ack_sent, NULL, false},
    {"tcpi_last_data_recv", f_last_data_recv, NULL, false},
    {"tcpi_last_ack_recv", f_last_ack_recv, NULL, false},
    {"tcpi_pmtu", f_pmtu, NULL, false},
    {"tcpi_rcv_ssthresh", f_rcv_ssthresh, NULL, false},
    {"tcpi_rtt", f_rtt, NULL, false},
    {"tcpi_rttvar", f_rttvar, NULL, false},
    {"tcpi_snd_ssthresh", f_snd_ssthresh, NULL, false},
    {"tcpi_snd_cwnd", f_snd_cwnd, NULL, false},
    {"tcpi_advmss", f_advmss, NULL, false},
    {"tcpi_reordering", f_reordering, NULL, false},
    {"tcpi_rcv_rtt", f_rcv_rtt, NULL, false},
    {"tcpi_rcv_space", f_rcv_space, NULL, false},
    {"tcpi_total_retrans", f_total_retrans, NULL, false},
    {"tcpi_pacing_rate", NULL, "netsim has no pacing", false},
    {"tcpi_max_pacing_rate", NULL, "netsim has no pacing", false},
    {"tcpi_bytes_acked", f_bytes_acked, NULL, false},
    {"tcpi_bytes_received", f_bytes_received, NULL, false},
    {"tcpi_segs_out", f_segs_out, NULL, false},
    {"tcpi_segs_in", f_segs_in, NULL, false},
    {"tcpi_notsent_bytes", f_notsent_bytes, NULL, false},
    {"tcpi_min_rtt", f_min_rtt, NULL, false},
    {"tcpi_data_segs_in", NULL, "netsim does not count data segments apart", false},
    {"tcpi_data_segs_out", NULL, "netsim does not count data segments apart", false},
    {"tcpi_delivery_rate", NULL, "netsim does not estimate the delivery rate", false},
    {"tcpi_busy_time", f_busy_time, NULL, false},
    {"tcpi_rwnd_limited", f_rwnd_limited, NULL, false},
    {"tcpi_sndbuf_limited", f_sndbuf_limited, NULL, false},
    {"tcpi_delivered", f_delivered, LINUX_ONLY, true},
    {"tcpi_delivered_ce", f_delivered_ce, LINUX_ONLY, true},
    {"tcpi_bytes_sent", f_bytes_sent, NULL, false},
    {"tcpi_bytes_retrans", f_bytes_retrans, NULL, false},
    {"tcpi_dsack_dups", f_dsack_dups, LINUX_ONLY, true},
    {"tcpi_reord_seen", f_reord_seen, LINUX_ONLY, true},
    {"tcpi_rcv_ooopack", f_rcv_ooopack, NULL, false},
    {"tcpi_snd_wnd", f_snd_wnd, NULL, false},
};

enum tcp_info_status tcp_info_get(const struct tcp_sock *c, const char *name, uint64_t *value,
                                  const char **why)
{
	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
		if (strcmp(fields[i].name, name) != 0)
			continue;
		if (!fields[i].get || (fields[i].linux_only && !tcp_lx(c))) {
			*why = fields[i].why;
			return TCP_INFO_NOT_MODELLED;
		}
		*value = fields[i].get(c);
		return TCP_INFO_OK;
	}
	return TCP_INFO_UNKNOWN;
}

const char *tcp_info_name(size_t i)
{
	return i < G_N_ELEMENTS(fields) ? fields[i].name : NULL;
}
