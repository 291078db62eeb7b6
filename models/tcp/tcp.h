/* models/tcp/tcp.h — a host's TCP: the stack object, its configuration and profiles,
 * the knob table, per-connection statistics and traces, and the lower edge to IPv4.
 *
 * Applications use socket.h; this header is for whoever builds a host (the world
 * builder, tests) and for reporting (the CLI's summary).
 *
 * Where it sits:
 *
 *   app ──socket.h──► socket.c ──► output.c ──lower.output()──► IPv4
 *   IPv4 ──tcp_stack_input()──► input.c ──► socket.c ──readiness event──► app
 *   IPv4/ICMP ──tcp_stack_icmp_error()──► input.c (PMTUD)
 *
 * The lower edge is a small hook table (struct tcp_lower), so TCP can run over the
 * real network layer (models/tcp/attach.h) or over a test's fake wire that captures
 * every segment and injects exact replies.
 *
 * Memory per connection (x86-64, measured by tests/tcp/test_e2e "many-connections"):
 *   struct tcp_sock (the TCB, timers, cc state, options,
 *     the scoreboard's and the SACK receiver's state)          936 bytes
 *   statistics block (kept while anyone holds a reference)    224 bytes
 *   4-tuple hash entry (+ a port-table entry for active ends)  ~40–80 bytes
 *   ≈ 1.2 KB per connection, plus data actually held:
 *   send ring: allocated on the first write, grown by doubling from 4 KiB up to
 *     SO_SNDBUF while unacknowledged/unsent data needs it, freed once our FIN is
 *     acknowledged (a bulk sender keeping its buffer full holds SO_SNDBUF bytes);
 *   scoreboard (scoreboard.h): 32 bytes per segment in flight, allocated on the first
 *     send from 64 entries, grown by doubling, freed with the send ring;
 *   received data (in-order unread and out-of-order) stays in the pool packets that
 *     carried it: one 2 KiB pool buffer per segment held, bounded by the window.
 * So 10 000 bulk flows with 64 KiB buffers need about 10 000 × (1 KB + 64 KiB) on
 * the senders plus what is in flight.
 * The steady state allocates nothing per segment or per event (segments are pool
 * packets, timers are embedded, the tables only grow).
 */
#ifndef MODELS_TCP_TCP_H
#define MODELS_TCP_TCP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "models/tcp/cc.h"
#include "models/tcp/cc_cubic.h"
#include "models/tcp/socket.h"
#include "sim/core/packet.h"
#include "sim/core/time.h"

struct sim;

/* ---- States (RFC 9293 §3.3.2) ---------------------------------------------------- */

enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

/* The RFC 9293 name ("SYN-SENT", "TIME-WAIT"). */
const char *tcp_state_str(enum tcp_state st);

/* ---- Configuration ---------------------------------------------------------------
 *
 * Every value TCP assumes is a field here, filled by tcp_config_defaults() for a
 * profile, settable one by one (by code or through the knob table below) and
 * reportable. Durations are nanoseconds, sizes bytes. Each field is one entry of the
 * knob table in config.c — name, type, unit, range, the linux and rfc profiles'
 * values, the Linux sysctl it mirrors, documentation — which docs/scenario-format.md
 * lists (generated from it).
 */

enum tcp_profile {
	TCP_PROFILE_LINUX,
	TCP_PROFILE_RFC,
};

enum tcp_rto_formula {
	/* Linux: RTO = SRTT + max(rto_min, 4·RTTVAR) — Linux floors the variance term
	 * (tcp_rtt_estimator's mdev_max >= tcp_rto_min), not the RTO. */
	TCP_RTO_FORMULA_LINUX,
	/* RFC 6298 §2.3 with (2.4): RTO = max(rto_min, SRTT + max(G, 4·RTTVAR)). */
	TCP_RTO_FORMULA_RFC,
};

/* The FlightSize that sets ssthresh at the third duplicate ACK (RFC 5681 §3.2 step 2). */
enum tcp_loss_flightsize {
	/* RFC 5681 §3.2: the data outstanding, snd.nxt − snd.una, without what limited
	 * transmit sent (RFC 3042 / RFC 5681 step 2: it MUST NOT be included). */
	TCP_LOSS_FLIGHTSIZE_OUTSTANDING,
	/* An RFC 6675-style "pipe" without SACK: every duplicate ACK counts as one segment
	 * that has left the network, snd.nxt − snd.una − DupAcks·SMSS (limited-transmit data
	 * included, as sent). ns-3's TcpSocketBase does this (TcpTxBuffer::AddRenoSack marks
	 * a segment as SACKed per duplicate ACK; its BytesInFlight() is then pipe plus the
	 * head it counts back in); one segment less than OUTSTANDING after two limited-
	 * transmit segments, which lowers goodput under random loss by about 6 %. */
	TCP_LOSS_FLIGHTSIZE_PIPE,
};

/* What the persist timer sends into a zero window. */
enum tcp_window_probe {
	/* An ACK with SEG.SEQ = SND.UNA - 1 and no data, which the peer must answer
	 * with its window (Linux tcp_write_wakeup -> tcp_xmit_probe_skb). */
	TCP_WINDOW_PROBE_ACK,
	/* One octet of new data beyond the window (RFC 9293 §3.8.6.1, BSD). */
	TCP_WINDOW_PROBE_DATA,
};

/* When a partial ACK resets the retransmission timer (RFC 6582 §3.2 step 3: on
 * the first only; Appendix A discusses both). */
enum tcp_partial_ack_timer {
	TCP_PARTIAL_ACK_IMPATIENT,       /* only on the first partial ACK */
	TCP_PARTIAL_ACK_SLOW_BUT_STEADY, /* on every partial ACK */
};

/* Loss recovery (the `recovery` knob). */
enum tcp_recovery {
	/* The congestion-control algorithm's own recovery without SACK (Reno's or
	 * NewReno's, tcp_cc_ops.recovery); RFC 6675 when SACK was negotiated. */
	TCP_RECOVERY_AUTO,
	TCP_RECOVERY_RENO,    /* RFC 5681 §3.2: any ACK of new data ends fast recovery */
	TCP_RECOVERY_NEWRENO, /* RFC 6582: partial ACKs keep it going */
	/* RFC 6675: the SACK scoreboard, pipe and NextSeg(); NewReno when the peer did
	 * not agree to SACK. */
	TCP_RECOVERY_RFC6675,
	/* Linux's (recovery_linux.c): the ca_state machine, PRR, RACK-TLP with SACK and
	 * NewReno's rule without, F-RTO, undo; windows in packets. */
	TCP_RECOVERY_LINUX,
};

/* When unacknowledged data makes the delayed ACK go at once (RFC 1122 §4.2.3.2). */
enum tcp_delack_count {
	/* As bytes: once more than delack_segments − 1 full-sized segments' worth is
	 * unacknowledged (Linux __tcp_ack_snd_check: more than one rcv_mss), so a
	 * segment larger than rcv_mss, or a full one and a small one, are acknowledged
	 * at once; rcv_mss as Linux tcp_measure_rcv_mss estimates it (a smaller size
	 * seen twice in a row becomes it). */
	TCP_DELACK_COUNT_BYTES,
	/* As segments: once delack_segments full-sized segments' worth has arrived
	 * (RFC 1122 / RFC 5681 §4.2: "at least every second full-sized segment"), a
	 * full-sized segment being the largest seen. */
	TCP_DELACK_COUNT_SEGMENTS,
};

/* How the window to advertise is chosen (models/tcp/rcvwnd.c). */
enum tcp_rcv_window {
	/* RFC 9293 §3.8.6.2.2: the free buffer space, moved only by min(RCV.BUFF/2, MSS)
	 * (receiver SWS avoidance), never shrunk; the SYN offers min(rcvbuf, 65535). */
	TCP_RCV_WINDOW_RFC,
	/* Linux tcp_select_initial_window / __tcp_select_window: the SYN offers the
	 * buffer's window rounded down to the MSS; afterwards the window grows from
	 * there by 2 MSS per segment received (rcv_ssthresh, tcp_grow_window) up to the
	 * free space less one reserved segment, aligned to the window scale, and a
	 * window that would shrink is kept (rounded up to the scale). */
	TCP_RCV_WINDOW_LINUX,
};

/* What rcvbuf and rcvbuf_max count (models/tcp/rcvwnd.c). */
enum tcp_rcvbuf_accounting {
	TCP_RCVBUF_PAYLOAD, /* payload bytes: the buffer is the window */
	/* Memory, as Linux's sk_rcvbuf: every queued segment costs its socket buffer's
	 * truesize (for a NIC that receives each frame into one kmalloc'd buffer, as the
	 * tun device packetdrill uses: about 2.3 KB for a full-sized segment), and the
	 * window is the space times the payload/truesize ratio of the last full-sized
	 * segment (tp->scaling_ratio; 1/2 before any arrived). */
	TCP_RCVBUF_SKB,
};

#define TCP_CC_NAME_MAX 16

struct tcp_config {
	enum tcp_profile profile;         /* which defaults were loaded (reported) */

	/* Congestion control (models/tcp/cc.h). */
	char cc[TCP_CC_NAME_MAX];         /* algorithm name: "reno", "newreno", "cubic" */
	struct tcp_cc_config cc_cfg;      /* growth rule, ABC L, recovery exit (any algorithm) */
	struct tcp_cc_cubic_params cubic; /* CUBIC's own (cc_cubic.h) */

	/* Retransmission timeout (RFC 6298). */
	enum tcp_rto_formula rto_formula;
	sim_time_t rto_min;
	sim_time_t rto_initial;           /* before the first RTT sample */
	sim_time_t rto_syn_initial;       /* for SYN and SYN-ACK */
	sim_time_t rto_max;               /* cap of the backed-off RTO and persist interval */
	sim_time_t clock_granularity;     /* G */
	uint32_t data_retries;            /* RTO expirations in a row before ETIMEDOUT */
	uint32_t syn_retries;             /* SYN retransmissions before ETIMEDOUT */
	uint32_t syn_linear_timeouts;     /* first SYN retransmissions without backoff
					   * (Linux 6.5+); they add to syn_retries */
	uint32_t synack_retries;          /* SYN-ACK retransmissions before giving up */

	/* Acknowledgements (RFC 1122 §4.2.3.2, RFC 5681 §4.2; models/tcp/ack.c). */
	bool delayed_ack;
	sim_time_t delack_timeout;        /* rfc: the delay; linux: the smallest ato */
	sim_time_t delack_max;            /* linux: the largest ato (TCP_DELACK_MAX) */
	uint32_t delack_segments;         /* ACK at least every this many full-sized segments */
	enum tcp_delack_count delack_count; /* how the segments are counted */
	bool delack_window_check;         /* Linux: ... and only if the window would not shrink */
	bool delack_adaptive;             /* Linux's ato adapts (else always delack_timeout) */
	uint32_t quickack_max;            /* Linux quick-ACK mode, at most this many; 0 = off */
	uint32_t ack_pingpong;            /* Linux interactive (pingpong) mode threshold;
					   * 0 = off */
	bool ack_on_read;                 /* Linux tcp_cleanup_rbuf: the owed ACK when read */
	bool shut_rd_discard;             /* shutdown(SHUT_RD) discards what is received (BSD);
					   * false: it stays readable (Linux) */

	/* Windows and buffers. */
	uint32_t initial_window;          /* segments; 0 = RFC 5681 §3.1 rule */
	uint32_t sndbuf;
	uint32_t rcvbuf;                  /* the receive buffer at the start (tcp_rmem[1]) */
	uint32_t rcvbuf_max;              /* the largest the buffer may grow to (Linux's
					   * tcp_rmem max): the window scale covers it and
					   * autotuning stops there; 0 = rcvbuf */
	bool moderate_rcvbuf;             /* receive-buffer autotuning (Linux) */
	enum tcp_rcv_window rcv_window;   /* how the window to advertise is chosen */
	enum tcp_rcvbuf_accounting rcvbuf_accounting; /* what rcvbuf counts */
	bool window_scaling;
	enum tcp_window_probe window_probe; /* zero-window probe format */
	uint32_t mss;                     /* 0 = egress MTU − 40 */

	/* Sending. */
	bool nagle;
	bool nagle_minshall;
	bool limited_transmit;
	uint32_t dupack_threshold;
	enum tcp_partial_ack_timer partial_ack_timer;
	enum tcp_loss_flightsize loss_flightsize;
	enum tcp_recovery recovery;
	/* recovery linux (Linux sysctls of the same names). */
	uint32_t rack;                    /* tcp_recovery bits (TCP_RACK_* in conn.h) */
	uint32_t early_retrans;           /* tcp_early_retrans: TLP when 3 or 4 */
	uint32_t frto;                    /* tcp_frto: F-RTO (RFC 5682) when not 0 */
	uint32_t max_reordering;          /* tcp_max_reordering */
	bool slow_start_after_idle;       /* tcp_slow_start_after_idle (RFC 5681 §4.1,
					   * RFC 2861) */
	sim_time_t min_rtt_wlen;          /* tcp_min_rtt_wlen: the minimum RTT's window */

	/* Options negotiated on the SYNs (each used only when both ends offer it). */
	uint32_t ecn;                     /* tcp_ecn: 0 off, 1 request and accept, 2
					   * accept only (RFC 3168 §6.1.1; ecn.h) */
	bool sack;                        /* SACK-permitted (RFC 2018) */
	bool dsack;                       /* report duplicates as DSACK (RFC 2883) */
	bool timestamps;                  /* timestamps: RTTM and PAWS (RFC 7323) */

	/* Connection lifecycle. */
	sim_time_t msl;                   /* TIME-WAIT lasts 2 × msl */
	sim_time_t fin_wait2_timeout;     /* orphaned FIN-WAIT-2; 0 = wait forever */
	uint32_t syncookies;              /* 0 never, 1 when the SYN queue is full, 2 always
					   * (Linux tcp_syncookies; listen.c) */
	uint32_t max_syn_backlog;         /* without syncookies, SYNs beyond 3/4 of this
					   * many half-open connections are dropped (Linux
					   * tcp_max_syn_backlog) */
	bool keepalive;
	sim_time_t keepalive_idle;
	sim_time_t keepalive_interval;
	uint32_t keepalive_probes;
	bool keepalive_rst;               /* a RST when keepalive gives up (Linux) */

	/* IP. */
	bool pmtud;                       /* DF on every segment; ICMP frag-needed lowers MSS */
	uint32_t ttl;
};

/* Fills every field with the profile's values from the knob table. */
void tcp_config_defaults(struct tcp_config *cfg, enum tcp_profile profile);

/* Checks cross-field constraints the knob ranges cannot (rto_min <= rto_max, a known
 * cc). Returns 0, or -EINVAL with a static message in *why. */
int tcp_config_validate(const struct tcp_config *cfg, const char **why);

/* The parameter block of algorithm ops within cfg, for tcp_cc_init() (NULL when
 * the algorithm has none). */
const void *tcp_config_cc_params(const struct tcp_config *cfg, const struct tcp_cc_ops *ops);

const char *tcp_profile_name(enum tcp_profile p);
/* Returns 0 and sets *p, or -EINVAL for an unknown name. */
int tcp_profile_parse(const char *name, enum tcp_profile *p);

/* ---- The knob table --------------------------------------------------------------
 *
 * A description of every field of struct tcp_config, so the scenario reader can set
 * any of them from a `tcp` object generically, the summary can write "the values in
 * force", the reference documentation is generated, and the sysctl lines of a
 * packetdrill script can be applied. Apply `profile` first: setting it reloads every
 * other knob's default.
 *
 * Values are int64: bools 0/1, counts and bytes as numbers, durations in ns, enums
 * as the index into the knob's names() list. Text forms (tcp_knob_parse/format) use
 * the project's units: "200ms", "64KiB", "true", "cubic".
 */
enum tcp_knob_type {
	TCP_KNOB_BOOL,
	TCP_KNOB_INT,       /* a count, or a number in the knob's unit */
	TCP_KNOB_BYTES,
	TCP_KNOB_DURATION,
	TCP_KNOB_ENUM,
};

/* How the text of the Linux sysctl a knob mirrors maps onto the knob (after the
 * field is picked out of a multi-value sysctl such as tcp_rmem). */
enum tcp_sysctl_map {
	TCP_SYSCTL_NONE,     /* no sysctl mirrors the knob */
	TCP_SYSCTL_VALUE,    /* the knob's own text form: 0/1 for a bool, a number */
	TCP_SYSCTL_NOT,      /* an integer, 0 = the bool knob true (ip_no_pmtu_disc) */
	TCP_SYSCTL_INDEX,    /* an integer 0, 1, 2, ...: the enum knob's names in order
			      * (for 0/1/2 sysctls such as tcp_ecn, tcp_frto) */
	TCP_SYSCTL_SEC,      /* an integer number of seconds, for a duration knob */
	TCP_SYSCTL_MS,       /* milliseconds */
	TCP_SYSCTL_US,       /* microseconds */
	TCP_SYSCTL_LINUX_CC, /* a Linux congestion-control name (reno = newreno here) */
};

struct tcp_knob {
	const char *name;                      /* snake_case scenario key */
	enum tcp_knob_type type;
	const char *unit;                      /* what an INT counts ("segments"), or NULL */
	int64_t min, max;                      /* accepted range (not for enums) */
	const char *linux_default;             /* the profiles' values, in the text form */
	const char *rfc_default;
	const char *sysctl;                    /* "net.ipv4.tcp_syn_retries", or NULL */
	enum tcp_sysctl_map sysctl_map;
	unsigned sysctl_field;                 /* 1-based field of a multi-value sysctl
						* ("min default max"), 0 = the whole */
	const char *doc;                       /* meaning, one line (see tcp_knob_doc) */
	const char *const *(*names)(void);     /* ENUM: accepted names, NULL-terminated */
	size_t offset, size;                   /* the field in struct tcp_config ... */
	int64_t (*get)(const struct tcp_config *cfg);    /* ... or accessors (profile, */
	void (*set)(struct tcp_config *cfg, int64_t v);  /* cc); v already checked */
};

/* The table, in a stable order (the order the summary and the docs list them). */
const struct tcp_knob *tcp_knobs(size_t *count);
/* NULL when no knob has that name. */
const struct tcp_knob *tcp_knob_find(const char *name);

int64_t tcp_knob_get(const struct tcp_config *cfg, const struct tcp_knob *k);
/* Range-checks and sets. Returns 0 or -ERANGE (-EINVAL for an enum index). */
int tcp_knob_set(struct tcp_config *cfg, const struct tcp_knob *k, int64_t v);
/* Parses text in the knob's unit ("200ms", "64KiB", "true", "cubic", "3") and sets
 * it. Returns 0, -EINVAL (syntax or unknown name) or -ERANGE. */
int tcp_knob_parse(struct tcp_config *cfg, const struct tcp_knob *k, const char *text);
/* Formats the current value as text (the same forms tcp_knob_parse reads). */
int tcp_knob_format(const struct tcp_config *cfg, const struct tcp_knob *k, char *buf, size_t n);
/* The knob's documentation line: its doc, unit and the sysctl it mirrors with the
 * mapping ("SYN retransmissions ...; sysctl net.ipv4.tcp_syn_retries"). g_free it. */
char *tcp_knob_doc(const struct tcp_knob *k);

/* The knob a Linux sysctl mirrors: "net.ipv4.tcp_rmem", also written as its
 * /proc/sys path ("net/ipv4/tcp_rmem", "/proc/sys/net/ipv4/tcp_rmem"). NULL when
 * no knob does. */
const struct tcp_knob *tcp_knob_find_sysctl(const char *name);
/* Applies a sysctl's value text (what `sysctl -w NAME=TEXT` writes, e.g. "4096 87380
 * 6291456" or "1") to cfg through its knob's mapping. Returns 0, -ENOENT (no knob
 * mirrors the sysctl), -EINVAL (not a value of that form) or -ERANGE. */
int tcp_config_apply_sysctl(struct tcp_config *cfg, const char *name, const char *text);

/* ---- The lower edge --------------------------------------------------------------- */

struct tcp_lower {
	void *ctx;
	/* Sends one TCP segment: pkt->data is the TCP header followed by the payload,
	 * with at least 68 bytes of headroom for the IPv4 header. Takes the packet in
	 * every case. Must not call back into TCP synchronously (deliver later as an
	 * event). tos is the IPv4 TOS byte (IP_TOS). Returns 0 or a negative errno;
	 * the segment is then lost, as on a wire. -EMSGSIZE (the path MTU shrank) is
	 * recovered by the retransmission, built for the new MTU. Any other error is
	 * taken as final (the retransmission would meet it too: a datagram longer than
	 * IPv4 allows, a source address the host does not have): the connection fails
	 * with it when its retransmission timer fires, instead of retrying silently. */
	int (*output)(void *ctx, struct sim_packet *pkt, ipv4_addr_t src, ipv4_addr_t dst,
		      uint8_t ttl, uint8_t tos, bool df);
	/* Route query: the source address to use towards dst and the egress MTU.
	 * Returns 0, or a negative errno (-ENETUNREACH) when there is no route. */
	int (*route)(void *ctx, ipv4_addr_t dst, ipv4_addr_t *src, uint32_t *mtu);
	/* True when addr is one of this host's addresses (loopback included). */
	bool (*is_local)(void *ctx, ipv4_addr_t addr);
};

/* ---- The stack -------------------------------------------------------------------- */

struct tcp_stack;

/* A host's TCP. `host` names the host; it keys the RNG stream "host:<host>:tcp"
 * from which the ISN secret (RFC 6528) and the ephemeral port start are drawn.
 * cfg (copied) holds the defaults of every socket. */
struct tcp_stack *tcp_stack_new(struct sim *sim, const char *host, const struct tcp_config *cfg,
				const struct tcp_lower *lower);

/* Frees every connection (cancelling its timers, closing its traces, without
 * sending anything) and the stack. Sockets the application still holds become
 * invalid. */
void tcp_stack_free(struct tcp_stack *stack);
/* While on, the host's local queue refuses every data segment, as a full queue
 * discipline does (Linux: `tc qdisc add dev D root pfifo limit 0`, the drop reported
 * back to TCP): the data stays unsent and TCP retries every 500 ms on its probe and
 * retransmission timers, without backing off (Linux TCP_RESOURCE_PROBE_INTERVAL).
 * Pure ACKs are not modelled as refused. */
void tcp_stack_set_local_drop(struct tcp_stack *stack, bool on);

/* The stack's default configuration (changes apply to sockets created later). */
struct tcp_config *tcp_stack_config(struct tcp_stack *stack);
struct sim *tcp_stack_sim(const struct tcp_stack *stack);

/* Entry point for a received segment: pkt->data is the TCP header (IPv4 header
 * already pulled), pkt->len the TCP length; src/dst from the IPv4 header. Takes
 * the packet. Checksum verified here; bad segments are counted and dropped. */
void tcp_stack_input(struct tcp_stack *stack, struct sim_packet *pkt, ipv4_addr_t src,
		     ipv4_addr_t dst);
/* The same with the IPv4 TOS byte the segment arrived with (its ECN field matters
 * to TCP: RFC 3168 §6.1.3). tcp_stack_input() is this with TOS 0 (Not-ECT). */
void tcp_stack_input_tos(struct tcp_stack *stack, struct sim_packet *pkt, ipv4_addr_t src,
			 ipv4_addr_t dst, uint8_t tos);

/* Entry point for an ICMP error about a segment this host sent: the ICMP type and
 * code, the next-hop MTU field (type 3 code 4, RFC 1191), and the quoted datagram
 * (its IPv4 header and at least 8 bytes of TCP header). Fragmentation needed lowers
 * the connection's MSS to MTU − 40 and resends; other errors are recorded as soft
 * errors (reported if the connection later times out). */
void tcp_stack_icmp_error(struct tcp_stack *stack, uint8_t type, uint8_t code,
			  uint16_t next_hop_mtu, const uint8_t *quoted, size_t quoted_len);

struct tcp_stack_stats {
	uint64_t segs_received;   /* segments handed to tcp_stack_input */
	uint64_t segs_sent;       /* segments handed to lower.output */
	uint64_t bad_checksum;    /* dropped: checksum failed */
	uint64_t malformed;       /* dropped: not a TCP header; or options malformed */
	uint64_t no_socket;       /* segments for no connection or listener */
	uint64_t rst_sent;        /* RSTs sent (any reason) */
	uint64_t syn_dropped;     /* SYNs (and handshake ACKs) dropped by a listener's
				   * queues: every listener's drops together */
	uint64_t conns_opened;    /* connections created (active and passive) */
	uint64_t conns_live;      /* connection objects currently allocated */
};
const struct tcp_stack_stats *tcp_stack_stats(const struct tcp_stack *stack);

/* The first error writing a trace (NULL if none); owned by the stack. Traces are
 * flushed when closed, so only tcp_stack_close_traces() sees them all. */
const GError *tcp_stack_trace_error(const struct tcp_stack *stack);

/* Closes the traces of every connection of the stack (the connections go on,
 * untraced) and returns 0, or -1 with *error set to a copy of the first error any
 * trace of the stack met, naming the file: call it when the run ends, before the
 * outputs are taken as complete. */
int tcp_stack_close_traces(struct tcp_stack *stack, GError **error);

/* ---- Per-socket extras (beside socket.h) ------------------------------------------ */

/* Replaces the socket's configuration (copied) before connect() or listen();
 * connections accepted from a listener inherit it. Socket options are reset from
 * it. Returns 0, -EISCONN once connecting/listening, or -EINVAL (validation). */
int tcp_sock_set_config(struct tcp_sock *s, const struct tcp_config *cfg);
const struct tcp_config *tcp_sock_config(const struct tcp_sock *s);

/* Forces the initial send sequence number of the next connection made from this
 * socket (connect, or every connection accepted from this listener) instead of the
 * RFC 6528 value — for wrap-around tests and for replaying a capture. */
void tcp_sock_set_isn(struct tcp_sock *s, uint32_t isn);

enum tcp_state tcp_sock_state(const struct tcp_sock *s);

/* Per-connection counters. */
struct tcp_stats {
	uint64_t bytes_sent;          /* payload bytes sent for the first time */
	uint64_t bytes_retransmitted; /* payload bytes sent again */
	uint64_t bytes_acked;         /* payload bytes acknowledged by the peer */
	uint64_t bytes_received;      /* payload bytes accepted in order */
	uint64_t bytes_delivered;     /* bytes the application read */
	uint64_t segs_sent;           /* all segments, pure ACKs and retransmissions included */
	uint64_t segs_received;       /* all segments demultiplexed to this connection */
	uint64_t segs_retransmitted;  /* segments carrying already-sent sequence space */
	uint64_t fast_retransmits;    /* entries into fast retransmit/recovery */
	uint64_t rto_expirations;     /* expiries of the retransmission timer, SYN ones
				       * included, and the last one that gives up with
				       * ETIMEDOUT (as Linux's TCPTimeouts): N retries
				       * that all time out are N + 1 expirations */
	uint64_t dupacks_sent;        /* immediate ACKs for out-of-order / duplicate data */
	uint64_t dupacks_received;    /* duplicate ACKs by RFC 5681 §2's definition */
	uint64_t zero_window_probes;  /* persist-timer probes */
	uint64_t keepalive_probes;
	uint64_t ooo_segments;        /* data segments received beyond rcv.nxt */
	uint64_t sack_blocks_received; /* SACK blocks in ACKs received (DSACKs included) */
	uint64_t dsacks_received;     /* ACKs whose first block was a DSACK (RFC 2883 §4) */
	uint64_t dsacks_sent;         /* ACKs we sent with a DSACK */
	uint64_t spurious_retransmits; /* retransmitted segments a DSACK showed the peer
				       * had received twice (RFC 3708 §2) */
	uint64_t paws_rejected;       /* segments dropped by PAWS (RFC 7323 §5.3 R1) */
	uint64_t sack_reneging;       /* timeouts that found SACKed data dropped by the
				       * receiver (RFC 2018 §8) */
	/* recovery linux. */
	uint64_t tlp_probes;          /* tail loss probes sent (RFC 8985 §7) */
	uint64_t tlp_recoveries;      /* probes that repaired a loss (CWR) */
	uint64_t frto;                /* timeouts F-RTO watched (RFC 5682) */
	uint64_t spurious_rtos;       /* timeouts F-RTO found spurious and undid */
	uint64_t undos;               /* window reductions undone (DSACK, timestamps,
				       * F-RTO) */
	uint64_t rtt_samples;
	sim_time_t rtt_min;           /* 0 until the first sample */
	sim_time_t rtt_max;
	sim_time_t rtt_sum;           /* mean = rtt_sum / rtt_samples */
	int error;                    /* 0, or how the connection failed: -ECONNRESET,
				       * -ECONNREFUSED, -ETIMEDOUT */
	enum tcp_state state;         /* the latest state */
	uint32_t mss;                 /* effective send MSS (after PMTUD and options) */
	bool sack;                    /* SACK negotiated (both SYNs offered it) */
	bool timestamps;              /* timestamps negotiated */
	bool wscale;                  /* window scaling negotiated */
	/* ECN (RFC 3168, ecn.c). */
	bool ecn;                     /* ECN negotiated */
	uint64_t ecn_ce_received;     /* data segments that arrived CE */
	uint64_t ecn_ece_received;    /* ACKs that echoed congestion (ECE) */
	uint64_t ecn_cwr_sent;        /* segments sent with CWR */
	uint64_t ecn_reductions;      /* window reductions for ECE (at most one per
				       * window of data) */
	uint32_t dctcp_alpha;         /* DCTCP: α × 1024 after the last update (a
				       * sender's: 0 until data was acknowledged) */
};

/* A copy of the counters now. */
void tcp_sock_get_stats(const struct tcp_sock *s, struct tcp_stats *out);

/* A reference to the live counters that stays valid after the application closed
 * the handle and after the connection itself is gone (TIME-WAIT over), until
 * tcp_stats_unref(): take it when the flow starts, read it for the summary. */
const struct tcp_stats *tcp_sock_stats_ref(struct tcp_sock *s);
void tcp_stats_unref(const struct tcp_stats *stats);

/* ---- Listeners (listen.c) ---------------------------------------------------------
 *
 * A listener keeps, as Linux does (tcp_input.c tcp_conn_request()), two queues:
 * the SYN queue of half-open connections (SYN-RECEIVED) and the accept queue of
 * established ones the application has not accepted yet, both bounded by the listen
 * backlog. A SYN finding the SYN queue full gets a SYN cookie (knob syncookies = 1,
 * or always with 2) or is dropped (0); a SYN or handshake ACK finding the accept
 * queue full is dropped; without cookies, a SYN finding more than 3/4 of
 * max_syn_backlog half-open connections is dropped too. */
struct tcp_listen_stats {
	uint64_t syns;                /* SYNs that reached the listener */
	uint64_t syn_queue_drops;     /* dropped: SYN queue full, syncookies 0 */
	uint64_t syn_backlog_drops;   /* dropped: over 3/4 of max_syn_backlog, syncookies 0 */
	uint64_t accept_queue_drops;  /* SYNs and handshake ACKs dropped: accept queue full
				       * (Linux ListenOverflows) */
	uint64_t cookies_sent;        /* SYN-ACKs carrying a cookie (no state kept) */
	uint64_t cookies_accepted;    /* connections made from a valid cookie's ACK */
	uint64_t cookies_rejected;    /* ACKs whose cookie did not check (answered by RST) */
	uint64_t established;         /* connections that entered the accept queue */
	uint32_t max_syn_queue;       /* most half-open connections at once */
	uint32_t max_accept_queue;    /* most established, unaccepted connections at once */
};

/* The counters of a listening socket (zeros for any other). */
void tcp_listen_get_stats(const struct tcp_sock *listener, struct tcp_listen_stats *out);

/* The backlog in force (listen()'s, capped at 4096 as Linux's somaxconn). */
uint32_t tcp_listen_backlog(const struct tcp_sock *listener);

/* Called when a SYN makes a new connection on a listener — before it leaves LISTEN
 * for SYN-RECEIVED, so a trace enabled here (tcp_sock_trace) shows the server's
 * whole handshake: LISTEN, SYN-RECEIVED, ESTABLISHED. The child is not the
 * application's yet (it is accepted later, or dies in the SYN queue). */
typedef void (*tcp_child_fn)(struct sim *sim, struct tcp_sock *listener, struct tcp_sock *child,
			     void *ctx);
void tcp_listen_set_child_fn(struct tcp_sock *listener, tcp_child_fn fn, void *ctx);

/* ---- Traces (docs/outputs.md) -----------------------------------------------------
 *
 * TCP_TRACE_ENDPOINT writes "<prefix>.<side>.tsv" (time_s, cwnd_bytes, ssthresh_bytes,
 * inflight_bytes, rtt_ms, srtt_ms, rttvar_ms, rto_ms, state, event): a first row
 * `open`, then a row whenever a congestion hook changed cwnd/ssthresh (event
 * slow_start, congestion_avoidance, fast_retransmit, recovery, recovery_exit, rto),
 * an RTT sample was taken (rtt_sample) or the state changed (state).
 * TCP_TRACE_SEQ writes "<prefix>.<side>.seq.tsv" (time_s, kind, seq, end, win_bytes):
 * one row per segment sent that occupies sequence space (send / retransmit) and per
 * ACK received (ack), sequence numbers relative to the ISN (64-bit, no wrap).
 * prefix is a path without extension ("results/x/flow1"); side is "sender",
 * "receiver", "client" or "server". Call before connect() to see the handshake.
 * The files stay open while the connection lives (also after close) and are closed
 * when it is freed or by tcp_stack_free(). Disabled traces cost one NULL check.
 */
enum {
	TCP_TRACE_ENDPOINT = 1u << 0,
	TCP_TRACE_SEQ = 1u << 1,
};
int tcp_sock_trace(struct tcp_sock *s, const char *prefix, const char *side, unsigned what,
		   GError **error);

#endif
