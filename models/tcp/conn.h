/* models/tcp/conn.h — TCP's internal objects: the stack and the connection (TCB).
 *
 * Private to the .c files of models/tcp. The connection control block is `struct tcp_sock`, the
 * same object an application holds as its socket handle: RFC 9293 §3.3.1's variables
 * under their RFC names, the buffers, the timers (embedded scheduler events, so no
 * allocation per segment or per timer), congestion control, readiness state, the
 * statistics and the optional traces.
 *
 * Division of the work between the files of this folder:
 *   stack.c   stack object, demultiplexing tables, ISN (RFC 6528), ports, ICMP errors
 *   conn.c    the connection's life: allocation, tcp_set_state(), establishment,
 *             TIME-WAIT, failure, close, freeing; starting congestion control and
 *             calling its hooks (tcp_conn_cc_hook)
 *   input.c   tcp_input(): RFC 9293 §3.10.7's steps in order, one helper each; ACK
 *             processing
 *   recovery.c  the sender's loss detection and recovery: duplicate ACKs, fast
 *             retransmit, Reno/NewReno (RFC 5681, 6582, 3042) and SACK-based
 *             recovery (RFC 6675) on the scoreboard; the timeout's marking
 *   recovery_linux.c  `recovery: linux`: Linux's tcp_ack()/tcp_fastretrans_alert(),
 *             the ca_state machine, PRR, NewReno without SACK, the timeout's CA_Loss
 *             with F-RTO, undo, adaptive reordering, window validation
 *   rack.c    `recovery: linux`: RACK loss detection and its reordering timer, tail
 *             loss probes (RFC 8985; Linux tcp_recovery.c, tcp_output.c)
 *   scoreboard.c  the retransmission queue: one entry per segment with its SACK,
 *             lost and retransmitted marks (RFC 6675's data structure)
 *   sackrcv.c the SACK and DSACK blocks the receiver reports (RFC 2018, 2883)
 *   segopts.c SYN option negotiation (SACK-permitted, timestamps) and the options
 *             of every segment sent; the MSS in use
 *   timestamp.c  RFC 7323: the TSval clock, TS.Recent, PAWS, RTT from TSecr
 *   output.c  what to send: segmentation, Nagle, sender SWS avoidance, ACKs, RSTs,
 *             retransmissions
 *   ack.c     the receiver's ACK policy: at once or delayed, and for how long
 *   rcvwnd.c  the receive window to advertise, the receive buffer, autotuning
 *   timer.c   retransmission, persist, delayed ACK, keepalive, FIN-WAIT-2, TIME-WAIT
 *   rtt.c     RFC 6298 estimator
 *   socket.c  the application API and readiness events
 *   chrono.c  the sender's time busy, limited by the peer's window or the send buffer
 *   trace.c   the endpoint and sequence traces
 *   sndbuf.c, rcvq.c  the send ring and the receive/out-of-order queues
 *   config.c  profiles and the knob table
 */
#ifndef MODELS_TCP_CONN_H
#define MODELS_TCP_CONN_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/cc.h"
#include "models/tcp/chrono.h"
#include "models/tcp/connmap.h"
#include "models/tcp/ecn.h"
#include "models/tcp/rcvq.h"
#include "models/tcp/rtt.h"
#include "models/tcp/sackrcv.h"
#include "models/tcp/scoreboard.h"
#include "models/tcp/seg.h"
#include "models/tcp/sndbuf.h"
#include "models/tcp/tcp.h"
#include "sim/core/rng.h"
#include "sim/core/sched.h"

struct sim;
struct tcp_trace;

/* struct tcp_tuple, a connection's identity, is in connmap.h. */

struct tcp_stack {
	struct sim *sim;
	char *host;
	struct tcp_config cfg;
	struct tcp_lower lower;
	struct sim_rng rng;            /* "host:<host>:tcp" */
	uint8_t isn_key[32];           /* RFC 6528 secret */
	struct tcp_connmap conns;      /* full 4-tuple → tcp_sock (connmap.h) */
	GHashTable *listeners;         /* struct tcp_tuple* (raddr=rport=0) → tcp_sock */
	GHashTable *ports;             /* GUINT_TO_POINTER(port) → first socket bound to it */
	uint16_t next_ephemeral;
	/* Every connection object, oldest first (teardown order; never used for output). */
	struct tcp_sock *all_head, *all_tail;
	struct tcp_stack_stats stats;
	GError *trace_error;
	bool local_drop;               /* tcp_stack_set_local_drop */
};

/* Refcounted statistics block (tcp_sock_stats_ref). `st` must stay first. */
struct tcp_stats_block {
	struct tcp_stats st;
	uint32_t refs;
};

/* Flags of a connection (c->flags). */
enum {
	TF_ACK_NOW = 1u << 0,      /* send an ACK at the end of this processing */
	TF_FIN_QUEUED = 1u << 1,   /* the application shut down writing: FIN after the data */
	TF_FIN_RCVD = 1u << 2,     /* the peer's FIN has been processed (EOF) */
	TF_SHUT_RD = 1u << 3,      /* the application discards further data */
	TF_SYN_RETX = 1u << 4,     /* the SYN or SYN-ACK was retransmitted */
	TF_PASSIVE = 1u << 5,      /* created by a listener (RFC 9293 "passive OPEN") */
	TF_WS_OK = 1u << 6,        /* window scaling in effect (both sides sent it) */
	TF_TIMING = 1u << 7,       /* an RTT measurement is running (rtt_seq, rtt_time) */
	TF_IN_RECOVERY = 1u << 8,  /* fast recovery (RFC 5681 §3.2 / RFC 6582) */
	TF_PARTIAL_SEEN = 1u << 9, /* a partial ACK arrived in this recovery (RFC 6582 §3.2 step 3) */
	TF_ACTIVE = 1u << 11,      /* connect() or accept(): poll() reports HUP when closed */
	TF_CWND_LIMITED = 1u << 12, /* output stopped by cwnd since the last check */
	TF_ISN_FIXED = 1u << 14,   /* tcp_sock_set_isn() */
	TF_CONNECTING = 1u << 15,  /* connect() called, completion not reported yet */
	TF_CFG_OWNED = 1u << 16,   /* cfg points to cfg_own */
	TF_ESTABLISHED_ONCE = 1u << 17,
	TF_MORE = 1u << 18,        /* inside a MSG_MORE send: hold a partial segment */
	TF_MORE_TAIL = 1u << 19,   /* the last bytes written came with MSG_MORE: no PSH */
	TF_PUSH_ONCE = 1u << 20,   /* this output pushes partial segments (TCP_NODELAY
				    * set: Linux TCP_NAGLE_PUSH) */
	TF_ACK_SCHED = 1u << 21,   /* an ACK is owed for data or a FIN received (Linux
				    * inet_csk_schedule_ack); cleared by any ACK sent */
	TF_ACK_NOMEM = 1u << 22,   /* a segment was dropped for want of buffer memory:
				    * the next ACK offers a zero window (Linux
				    * ICSK_ACK_NOMEM) */
	TF_FW2_FIRST = 1u << 23,   /* t_wait runs the first part of a long orphaned
				    * FIN-WAIT-2 timeout (timer.c) */
	TF_SACK_OK = 1u << 24,     /* SACK in use (both SYNs carried SACK-permitted) */
	TF_TS_OK = 1u << 25,       /* timestamps in use (both SYNs carried them) */
	TF_LOSS = 1u << 26,        /* SACK-based recovery after a timeout: lost segments
				    * resent from the scoreboard until snd_una passes
				    * "recover" (RFC 6675 §5.1) */
	TF_RESCUE_SET = 1u << 27,  /* RFC 6675 RescueRxt is defined (rescue_rxt) */
	TF_TS_OFF_SET = 1u << 28,  /* ts_off drawn (tcp_ts_offset) */
};

/* What the retransmission timer t_rtx runs for under `recovery: linux` (Linux's
 * icsk_pending: one timer serves all three). */
enum tcp_lx_timer {
	TCP_LX_TIMER_NONE, /* not running (or run out) */
	TCP_LX_TIMER_RTO,  /* the retransmission timeout (ICSK_TIME_RETRANS) */
	TCP_LX_TIMER_REO,  /* RACK's reordering timer (ICSK_TIME_REO_TIMEOUT) */
	TCP_LX_TIMER_TLP,  /* a tail loss probe (ICSK_TIME_LOSS_PROBE) */
};

/* What the ACK just processed asks output to retransmit (Linux REXMIT_*). */
enum tcp_lx_rexmit {
	TCP_LX_REXMIT_NONE,
	TCP_LX_REXMIT_LOST, /* the segments marked lost */
	TCP_LX_REXMIT_NEW,  /* new data first (F-RTO, RFC 5682 step 2b) */
};

/* RACK's state (Linux struct tcp_rack, RFC 8985 §6.1). */
struct tcp_rack {
	sim_time_t xmit_time;    /* RACK.xmit_ts: latest transmission (S)ACKed */
	uint32_t end_seq;        /* RACK.end_seq: its end */
	sim_time_t rtt;          /* RACK.rtt: the RTT of the last (S)ACKed segment */
	uint32_t reo_seq;        /* snd_nxt when reo_wnd_steps last grew (a DSACK for data
				  * sent before does not count again) */
	uint8_t reo_wnd_steps;   /* reo_wnd = steps × min_rtt/4 (RFC 8985 §6.2 step 4) */
	uint8_t reo_wnd_persist; /* recoveries reo_wnd_steps is kept for */
	bool dsack_seen;         /* a DSACK arrived since the last adaptation */
	bool advanced;           /* xmit_time moved: detect losses (tcp_rack_mark_lost) */
	bool valid;              /* something was (S)ACKed (Linux rack.mstamp != 0) */
};

/* Linux's recovery state under `recovery: linux` (recovery_linux.c, rack.c), by
 * Linux's names (struct tcp_sock, inet_connection_sock). The ca_state is c->cc's. */
struct tcp_lx {
	uint8_t timer;           /* enum tcp_lx_timer: what t_rtx runs for */
	uint8_t rexmit;          /* enum tcp_lx_rexmit owed to output */
	bool frto;               /* F-RTO running in CA_Loss (RFC 5682) */
	bool undo;               /* undo_marker is set */
	bool tlp;                /* a tail loss probe is out (tlp_high_seq set) */
	bool tlp_retrans;        /* ... and it was a retransmission */
	bool is_cwnd_limited;    /* cwnd limited sending in this window of data */
	bool is_sack_reneg;      /* the receiver dropped SACKed data (RFC 2018 §8) */
	bool retrans_stamp_set;
	uint32_t high_seq;       /* snd_nxt when recovery or Loss began */
	uint32_t undo_marker;    /* snd_una then (valid with `undo`) */
	int32_t undo_retrans;    /* retransmissions not yet shown spurious; -1 none */
	uint32_t prior_ssthresh; /* ssthresh before the reduction (undo), 0 none */
	uint32_t prr_delivered;  /* PRR (RFC 6937): packets delivered in recovery */
	uint32_t prr_out;        /* ... and sent */
	uint32_t reno_sacked;    /* sacked_out without SACK: duplicate ACKs counted */
	uint32_t reordering;     /* packets of reordering tolerated (tp->reordering) */
	uint32_t reord_seen;     /* reordering events seen */
	uint32_t delivered;      /* packets delivered, (S)ACKed (tp->delivered) */
	uint32_t lost;           /* packets marked lost (tp->lost) */
	uint32_t dsack_dups;     /* packets DSACKed (tp->dsack_dups) */
	uint32_t tlp_high_seq;   /* snd_nxt when the probe went */
	uint32_t max_packets_out;  /* largest packets_out in this window (validation) */
	uint32_t cwnd_usage_seq;   /* the window ends when snd_una passes this */
	uint32_t snd_cwnd_used;    /* packets used while not cwnd-limited */
	sim_time_t snd_cwnd_stamp; /* when cwnd was last validated or changed */
	sim_time_t lsndtime;       /* when data was last sent */
	sim_time_t retrans_stamp;  /* when the first retransmission of this episode went */
	uint64_t rxt_hint;         /* scoreboard entries below need no retransmission */
	struct tcp_rack rack;
	struct tcp_minmax rtt_min; /* windowed minimum RTT (tcp_min_rtt) */
};

/* The receiver's ACK state (ack.c), Linux's icsk_ack. */
struct tcp_ack_state {
	sim_time_t ato;          /* delayed-ACK timeout now; 0 until data first arrives */
	sim_time_t lrcvtime;     /* arrival of the last data segment in order */
	sim_time_t timeout;      /* when the delayed-ACK timer is due, while it runs */
	uint32_t last_seg_size;  /* a segment below rcv_mss just seen (tcp_measure_rcv_mss) */
	uint8_t quick;           /* quick ACKs left (quick-ACK mode while > 0) */
	uint8_t pingpong;        /* replies sent within ato of data: interactive at 1 */
	uint8_t pushed;          /* ACK_PUSHED, ACK_PUSHED2 (ack.c): segments below rcv_mss
				  * since the last ACK */
};

/* The receive window and buffer (rcvwnd.c): Linux's names and meanings. */
struct tcp_rcvwin {
	uint32_t ssthresh;       /* linux: the window grows up to this (rcv_ssthresh) */
	uint32_t clamp;          /* linux: the largest window offered (window_clamp) */
	uint32_t ratio;          /* payload bytes per 256 bytes of memory (scaling_ratio) */
	/* Autotuning (tcp_rcv_space_adjust): bytes read per receiver RTT. */
	uint32_t space;          /* rcvq_space.space: the most read in one RTT so far */
	uint32_t space_seq;      /* rcvq_space.seq: the next byte to read at the last check */
	sim_time_t space_time;   /* rcvq_space.time: the last check */
	/* The receiver's RTT estimate (rcv_rtt_est): 8 × the smallest time a window's worth
	 * of data took to arrive (or from timestamps); 0 until measured. */
	sim_time_t rtt8;
	uint32_t rtt_seq;        /* the measurement ends when rcv_nxt reaches this */
	sim_time_t rtt_time;     /* it began then */
	bool rtt_started;
};

/* Socket options (socket.h's TCP_OPT_*): filled from the configuration
 * (tcp_sockopts_from_config), changed by tcp_setsockopt(), and copied whole into a
 * connection accepted from a listener. */
struct tcp_sockopts {
	bool nodelay;                   /* TCP_NODELAY: Nagle off */
	bool keepalive;                 /* SO_KEEPALIVE */
	bool linger0;                   /* SO_LINGER {on, 0}: close() resets */
	sim_time_t keepidle;            /* TCP_KEEPIDLE */
	sim_time_t keepintvl;           /* TCP_KEEPINTVL */
	uint32_t keepcnt;               /* TCP_KEEPCNT */
	uint32_t sndbuf;                /* SO_SNDBUF: send buffer limit, bytes */
	uint32_t rcvbuf;                /* SO_RCVBUF: receive buffer (window), bytes */
	bool rcvbuf_set;                /* SO_RCVBUF was set: the window scale covers it */
	bool cork;                      /* TCP_CORK */
	bool reuseaddr;                 /* SO_REUSEADDR */
	uint8_t tos;                    /* IP_TOS */
	uint32_t maxseg;                /* TCP_MAXSEG (Linux user_mss), 0 = none */
	sim_time_t user_timeout;        /* TCP_USER_TIMEOUT, 0 = off */
};

struct tcp_sock {
	struct tcp_stack *stack;
	const struct tcp_config *cfg;   /* the stack's or cfg_own */
	struct tcp_config *cfg_own;
	enum tcp_state state;
	uint32_t flags;
	struct tcp_tuple t;
	bool in_conns;                  /* in stack->conns */
	bool in_listeners;
	bool bound;                     /* in stack->ports */
	bool app_ref;                   /* the application holds the handle */
	bool in_callback;               /* the application's callback is running */
	struct tcp_sock *port_next;     /* next socket bound to the same port */
	struct tcp_sock *all_prev, *all_next;

	/* Listener: children in SYN-RECEIVED (synq) and established, not accepted (acceptq). */
	struct tcp_sock *parent;        /* the listener that owns this child, until accept */
	struct tcp_sock *q_next;        /* link in the parent's synq or acceptq */
	struct tcp_sock *synq_head;
	struct tcp_sock *acceptq_head, *acceptq_tail;
	uint32_t acceptq_len, synq_len, backlog;
	struct tcp_listen_state *listen; /* listeners only (listen.c), NULL otherwise */

	/* Send sequence variables (RFC 9293 §3.3.1). snd_max is the highest sequence
	 * number sent plus one (BSD): after an RTO snd_nxt goes back to snd_una (go-back-N)
	 * while ACKs up to snd_max remain acceptable. */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_max;
	uint32_t snd_wnd;               /* peer's window, scaled, bytes */
	uint32_t snd_wl1, snd_wl2;
	uint32_t max_snd_wnd;           /* largest window the peer offered (SWS, §3.8.6.2.1) */
	uint32_t recover;               /* RFC 6582 "recover" + 1: snd_max at loss/RTO */
	uint32_t snd_sml;               /* end of the last small segment sent (Nagle, Minshall) */
	uint32_t fin_seq;               /* sequence number of our FIN (valid with FIN_QUEUED) */
	uint32_t snd_buf_seq;           /* sequence number of the send ring's first byte */
	uint8_t snd_wscale, rcv_wscale; /* RFC 7323 §2 shift counts (0 without TF_WS_OK) */
	uint16_t peer_mss;              /* MSS option received (536 if none, RFC 9293 §3.7.1) */
	uint16_t adv_mss;               /* MSS option we send */
	uint32_t mss;                   /* effective send MSS (Eff.snd.MSS) */
	uint32_t mtu;                   /* path MTU towards the peer (route, then PMTUD) */

	/* Receive sequence variables. rcv_adv is the right edge we advertised
	 * (RCV.NXT + RCV.WND when it was sent); rcv_wup the RCV.NXT of our last ACK. */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_adv;
	uint32_t rcv_wup;
	uint32_t rcv_wnd;               /* the window last offered, bytes (RCV.WND as sent:
					 * rcv_adv = rcv_wup + rcv_wnd) */
	uint32_t rcv_mss;               /* the peer's segment size as the receiver estimates
					 * it (delayed-ACK "full-sized") */
	struct tcp_ack_state ack;
	struct tcp_rcvwin rw;

	struct tcp_sndbuf sndbuf;       /* unacknowledged + unsent data from snd_buf_seq */
	struct tcp_chrono chrono;       /* busy / rwnd- / sndbuf-limited time (chrono.c) */
	struct tcp_rcvq rcvq;           /* in-order data the application has not read */
	struct tcp_ooo ooo;             /* out-of-order segments beyond rcv_nxt */

	/* Timers: each a scheduler event owned by the connection. */
	struct sim_timer t_rtx;         /* retransmission (SYN, SYN-ACK, data, FIN) */
	struct sim_timer t_persist;     /* zero-window probes */
	struct sim_timer t_delack;      /* delayed ACK */
	struct sim_timer t_keepalive;   /* keepalive */
	struct sim_timer t_wait;        /* TIME-WAIT and orphaned FIN-WAIT-2 */
	struct sim_timer t_notify;      /* readiness callback delivery */

	struct tcp_rtt rtt;
	uint32_t rtt_seq;               /* timed segment's first sequence number */
	sim_time_t rtt_time;            /* when it was sent */
	uint32_t retries;               /* consecutive timeouts of t_rtx */
	sim_time_t rtx_armed_at;        /* when t_rtx was last armed */
	sim_time_t rtx_stamp;           /* since when the head segment goes unacknowledged
					 * (Linux retrans_stamp; set at the first timeout) */
	sim_time_t probes_stamp;        /* first unanswered persist probe (Linux
					 * icsk_probes_tstamp), 0 = none */
	uint32_t persist_backoff;
	uint32_t probes_out;            /* window probes not answered by any ACK */
	uint32_t keepalive_sent;        /* probes unanswered */
	sim_time_t last_rcv;            /* time of the last segment received */
	uint32_t dupacks;               /* RFC 5681 duplicate ACKs in a row; under RFC
					 * 6675, ACKs with new SACK information */
	uint32_t lt_bytes;              /* sent beyond cwnd by limited transmit (RFC 3042)
					 * on the current duplicate ACKs */
	enum tcp_recovery rec;          /* the recovery in force: the `recovery` knob
					 * resolved once SACK is known (never AUTO) */
	uint32_t rescue_rxt;            /* RFC 6675 RescueRxt + 1 (with TF_RESCUE_SET) */
	struct tcp_sb sb;               /* every segment sent and not acknowledged */

	/* Options (RFC 2018, 2883, 7323). */
	struct tcp_sackrcv sackrcv;     /* the blocks our ACKs report */
	uint32_t ts_off;                /* TSval = ms clock + ts_off (Linux tsoffset),
					 * drawn with the first SYN or SYN-ACK */
	uint32_t ts_recent;             /* TS.Recent (RFC 7323 §4.3) */
	sim_time_t ts_recent_time;      /* when TS.Recent was recorded (§5.5) */

	struct tcp_cc cc;
	uint32_t cwnd_lim_seq;          /* end of the window cwnd-limitation is tracked over */
	uint32_t max_flight;            /* largest FlightSize in that window */
	struct tcp_lx lx;               /* recovery linux's state */
	struct tcp_ecn ecn;             /* ECN (ecn.c) */

	struct tcp_sockopts opt;
	uint32_t isn_fixed;

	/* Readiness. */
	tcp_event_fn cb;
	void *cb_ctx;
	uint32_t interest;
	bool edge;
	uint32_t edge_pending;
	int so_error;                   /* pending error, taken by tcp_get_error */
	int soft_error;                 /* last ICMP soft error (reported on timeout) */
	int xmit_error;                 /* the last segment's refusal by the network layer
	                                 * when final (not -EMSGSIZE), else 0; fails the
	                                 * connection at the next RTO */

	uint64_t snd_una_rel;           /* bytes of sequence space acked since the ISN */
	struct tcp_stats_block *stats;
	struct tcp_trace *trace;        /* NULL when not traced */
};

/* Smallest MSS accepted from PMTUD: 68-byte minimum MTU (RFC 791) − 40. */
#define TCP_MSS_MIN 28u
#define TCP_MSS_DEFAULT 536u

/* ---- options.c ---- */
/* The options beyond socket.c's first set (TCP_CORK, TCP_MAXSEG, TCP_USER_TIMEOUT,
 * IP_TOS, SO_REUSEADDR). */
int tcp_sockopt_set_more(struct tcp_sock *c, enum tcp_sockopt opt, int64_t v);
int tcp_sockopt_get_more(const struct tcp_sock *c, enum tcp_sockopt opt, int64_t *v);
/* TCP_USER_TIMEOUT: whether the data timeout expired (Linux retransmits_timed_out
 * with the user timeout), and the next timer clamped to what is left of it. */
bool tcp_user_timed_out(const struct tcp_sock *c, sim_time_t since);
sim_time_t tcp_user_timeout_clamp(const struct tcp_sock *c, sim_time_t since, sim_time_t when);

/* ---- conn.c ---- */
struct tcp_sock *tcp_conn_alloc(struct tcp_stack *st, const struct tcp_config *cfg);
/* The socket options a configuration implies (linger0 off). */
void tcp_sockopts_from_config(struct tcp_sockopts *o, const struct tcp_config *cfg);
/* Points the connection at cfg (the stack's, or a private copy) and resets the
 * socket options and the RTO estimator from it. */
void tcp_conn_set_config(struct tcp_sock *c, const struct tcp_config *cfg);
/* Frees when nothing holds the object any more (CLOSED, no handle, no parent, not
 * inside a callback). Returns true if freed. */
bool tcp_conn_maybe_free(struct tcp_sock *c);
/* Releases everything without sending anything (stack teardown, final free). */
void tcp_conn_destroy(struct tcp_sock *c);
/* Enters a state, tracing old → new. */
void tcp_set_state(struct tcp_sock *c, enum tcp_state st);
/* Feeds one RTT measurement to the estimator (rtt.h) and the statistics. */
void tcp_conn_rtt_sample(struct tcp_sock *c, sim_time_t rtt);
/* The handshake completed: SYN-SENT or SYN-RECEIVED → ESTABLISHED (first RTT
 * sample, RTO, congestion control started with the initial window, keepalive). */
void tcp_conn_established(struct tcp_sock *c);
/* → TIME-WAIT: the 2·MSL timer runs, the application sees HUP. */
void tcp_conn_time_wait(struct tcp_sock *c);
/* A new child of listener l enters its SYN queue (SYN-RECEIVED). */
void tcp_conn_synq_add(struct tcp_sock *l, struct tcp_sock *c);
/* The child established: from its listener's SYN queue to the accept queue, and
 * the listener becomes readable. */
void tcp_conn_acceptq_add(struct tcp_sock *c);
/* Tears the connection down with an error for the application (0 = none): CLOSED,
 * timers cancelled, out of the tables, freed if nothing holds it. c may be gone
 * when this returns. */
void tcp_conn_fail(struct tcp_sock *c, int err);
/* The connection reached CLOSED normally (LAST-ACK acked, TIME-WAIT over); c may
 * be gone when this returns. */
void tcp_conn_closed(struct tcp_sock *c);

/* The congestion-control hooks (cc.h) TCP calls. */
enum tcp_conn_cc_hook {
	TCP_CONN_CC_ACK,           /* new data acknowledged outside recovery: on_ack */
	TCP_CONN_CC_LOSS,          /* the third duplicate ACK: on_loss */
	TCP_CONN_CC_DUPACK,        /* a further duplicate ACK in recovery: on_dupack */
	TCP_CONN_CC_PARTIAL_ACK,   /* a partial ACK in recovery: on_partial_ack */
	TCP_CONN_CC_RECOVERY_EXIT, /* the ACK that ends recovery: on_recovery_exit */
	TCP_CONN_CC_RTO,           /* a retransmission timeout: on_rto */
	TCP_CONN_CC_SACK_RECOVERY, /* an ACK during RFC 6675 recovery: no hook (the
				    * window stays at ssthresh), a `recovery` row */
	TCP_CONN_CC_ECE,           /* an echoed mark to react to (ecn.c): on_ece */
};
/* Calls one hook the way every caller must: fills the inputs of struct tcp_cc (SMSS;
 * FlightSize = snd.nxt − snd.una, less what limited transmit sent for LOSS, per
 * loss_flightsize; time; SRTT; min RTT), calls the hook's tcp_cc_*() wrapper and
 * writes the endpoint-trace row of docs/outputs.md: fast_retransmit, recovery,
 * recovery_exit or rto always, slow_start / congestion_avoidance for ACK only when
 * cwnd or ssthresh changed. `ack` is the ACK for ACK and PARTIAL_ACK (acked bytes),
 * NULL otherwise. Returns true when a row was written. */
bool tcp_conn_cc_hook(struct tcp_sock *c, enum tcp_conn_cc_hook hook, const struct tcp_cc_ack *ack);
/* (Re)initialises congestion control with the configured algorithm, the current
 * MSS and the initial window (at allocation, connect and establishment). */
void tcp_conn_cc_start(struct tcp_sock *c);

/* A segment the SACK-based recovery (RFC 6675) drives: in fast recovery or after a
 * timeout with the scoreboard (recovery.c). */
static inline bool tcp_sack_recovery(const struct tcp_sock *c)
{
	return c->rec == TCP_RECOVERY_RFC6675;
}

/* ---- recovery_linux.c, input_linux.c, output_linux.c, rack.c: `recovery: linux` ---- */

static inline bool tcp_lx(const struct tcp_sock *c)
{
	return c->rec == TCP_RECOVERY_LINUX;
}

/* What one ACK told (Linux's FLAG_* of tcp_input.c). */
enum {
	TCP_LX_F_DATA = 1 << 0,              /* it carried data (or a FIN) */
	TCP_LX_F_WIN_UPDATE = 1 << 1,        /* it may update the send window */
	TCP_LX_F_DATA_ACKED = 1 << 2,        /* new data cumulatively acknowledged */
	TCP_LX_F_RETRANS_DATA_ACKED = 1 << 3, /* ... some of it retransmitted */
	TCP_LX_F_DATA_SACKED = 1 << 5,       /* new data SACKed */
	TCP_LX_F_ECE = 1 << 6,               /* it echoed congestion (ECE) */
	TCP_LX_F_LOST_RETRANS = 1 << 7,      /* a retransmission was found lost */
	TCP_LX_F_ORIG_SACK_ACKED = 1 << 9,   /* data sent once, before high_seq, (S)ACKed */
	TCP_LX_F_SND_UNA_ADVANCED = 1 << 10,
	TCP_LX_F_DSACKING_ACK = 1 << 11,     /* it carried a DSACK */
	TCP_LX_F_SET_XMIT_TIMER = 1 << 12,   /* the retransmission timer is to be re-armed */
	TCP_LX_F_SACK_RENEGING = 1 << 13,    /* it stops at SACKed data */
	TCP_LX_F_ACK_MAYBE_DELAYED = 1 << 16, /* it may have been delayed */
	TCP_LX_F_DSACK_TLP = 1 << 17,        /* the DSACK is for the loss probe */
};
#define TCP_LX_F_NOT_DUP (TCP_LX_F_DATA | TCP_LX_F_WIN_UPDATE | TCP_LX_F_DATA_ACKED)
#define TCP_LX_F_CA_ALERT (TCP_LX_F_DATA_SACKED | TCP_LX_F_ECE | TCP_LX_F_DSACKING_ACK)
#define TCP_LX_F_FORWARD_PROGRESS (TCP_LX_F_DATA_ACKED | TCP_LX_F_DATA_SACKED)

/* net.ipv4.tcp_recovery's bits (the `rack` knob). */
#define TCP_RACK_LOSS_DETECTION 0x1u /* RACK marks losses */
#define TCP_RACK_STATIC_REO_WND 0x2u /* reo_wnd does not adapt to DSACKs */
#define TCP_RACK_NO_DUPTHRESH 0x4u   /* no zero reo_wnd at reordering SACKs */
#define TCP_RACK_RECOVERY_THRESH 16u /* recoveries an enlarged reo_wnd persists */

/* What output tells output_linux.c it sent. */
enum tcp_lx_sent {
	TCP_LX_SENT_NEW,          /* new data or the FIN */
	TCP_LX_SENT_RETRANS,      /* a retransmission */
	TCP_LX_SENT_PROBE,        /* a tail loss probe's retransmission */
	TCP_LX_SENT_WINDOW_PROBE, /* a zero-window probe */
};

/* recovery_linux.c: the ca_state machine. */
/* Linux's sacked_out: SACKed segments, or without SACK the duplicate ACKs counted. */
uint32_t tcp_lx_sacked_out(const struct tcp_sock *c);
/* Linux's tcp_packets_in_flight(): packets_out − (sacked_out + lost_out) +
 * retrans_out. */
uint32_t tcp_lx_in_flight(const struct tcp_sock *c);
/* The windowed minimum RTT (Linux tcp_min_rtt), 0 before a sample. */
sim_time_t tcp_lx_min_rtt(const struct tcp_sock *c);
/* The handshake completed: reordering, RACK and the rest start (Linux tcp_init_sock,
 * tcp_init_transfer). */
void tcp_lx_start(struct tcp_sock *c);
/* Changes the ca_state, telling the algorithm (Linux tcp_set_ca_state). */
void tcp_lx_set_state(struct tcp_sock *c, enum tcp_ca_state s);
/* Marks scoreboard entry id lost (Linux tcp_mark_skb_lost), counting it. */
void tcp_lx_mark_lost(struct tcp_sock *c, uint64_t id);
bool tcp_lx_rack_on(const struct tcp_sock *c);
/* SACKs or ACKs found data delivered out of order below low_seq (Linux
 * tcp_check_sack_reordering): reordering grows. */
void tcp_lx_check_reordering(struct tcp_sock *c, uint32_t low_seq);
/* Without SACK: duplicate ACKs beyond the holes are reordering (Linux
 * tcp_limit_reno_sacked); a cumulative ACK of `acked` packets takes the duplicate
 * ACKs it answers (tcp_remove_reno_sacks). */
bool tcp_lx_limit_reno_sacked(struct tcp_sock *c);
void tcp_lx_remove_reno_sacks(struct tcp_sock *c, uint32_t acked);
void tcp_lx_init_cwnd_reduction(struct tcp_sock *c);
void tcp_lx_cwnd_reduction(struct tcp_sock *c, uint32_t newly_acked_sacked, uint32_t newly_lost,
			   int flag);
void tcp_lx_end_cwnd_reduction(struct tcp_sock *c);
uint32_t tcp_lx_current_ssthresh(const struct tcp_sock *c);
void tcp_lx_try_keep_open(struct tcp_sock *c);
void tcp_lx_enter_recovery(struct tcp_sock *c);
void tcp_lx_enter_loss(struct tcp_sock *c);
/* What one ACK told (Linux tcp_ack's local state and tcp_sacktag_state). */
struct tcp_lx_ack {
	int flag;                 /* TCP_LX_F_* */
	uint32_t prior_snd_una;
	uint32_t prior_fack;      /* highest SACKed sequence before the ACK */
	uint32_t reord;           /* lowest start of newly (S)ACKed never-resent data */
	uint32_t pkts_acked;      /* entries cumulatively acknowledged */
	uint32_t prior_sacked;
	bool have_ackt, have_sackt;
	bool rtt_sampled;         /* the estimator took a sample */
	sim_time_t first_ackt, last_ackt;   /* transmit times of cumulatively acked data */
	sim_time_t first_sackt, last_sackt; /* ... of newly SACKed data */
	struct tcp_sock *c;
	const struct tcp_repr *seg;
};
/* One dubious ACK (Linux tcp_fastretrans_alert). */
void tcp_lx_fastretrans_alert(struct tcp_sock *c, struct tcp_lx_ack *a, uint32_t num_dupack);
/* The inputs of c->cc before a hook. */
void tcp_lx_cc_inputs(struct tcp_sock *c);
/* The ACK echoes a TSval from before time t (Linux tcp_tsopt_ecr_before). */
bool tcp_lx_ecr_before(const struct tcp_sock *c, const struct tcp_repr *seg, sim_time_t t);

static inline bool tcp_lx_in_cwnd_reduction(const struct tcp_sock *c)
{
	/* Linux tcp_in_cwnd_reduction: CWR or Recovery. */
	return c->cc.ca_state == TCP_CA_CWR || c->cc.ca_state == TCP_CA_RECOVERY;
}

static inline uint32_t tcp_lx_highest_sack_seq(const struct tcp_sock *c)
{
	/* Linux tcp_highest_sack_seq: the end of the highest SACKed segment. */
	return c->sb.sacked_out ? c->sb.high_sacked : c->snd_una;
}
/* An endpoint trace row with the current values (nothing when not traced). */
void tcp_lx_trace(struct tcp_sock *c, const char *event);

/* input_linux.c: Linux's tcp_ack() from the window update on (input.c's ACK step
 * under `recovery: linux`): `data` when the segment carried data or a FIN,
 * `win_update` when its window may update ours (Linux tcp_may_update_window). */
void tcp_lx_ack(struct tcp_sock *c, const struct tcp_repr *seg, bool data, bool win_update);
bool tcp_lx_is_cwnd_limited(const struct tcp_sock *c);

/* output_linux.c: the sending side. */
/* Retransmits the segments marked lost while cwnd allows (Linux
 * tcp_xmit_retransmit_queue). Returns whether it sent any. */
bool tcp_lx_retransmit_lost(struct tcp_sock *c);
/* Unsent data and room in the peer's window. */
bool tcp_lx_can_send_new(const struct tcp_sock *c);
/* output.c sent a segment: `idle` when nothing was in flight before it, prior_packets
 * the segments outstanding before (Linux tcp_event_data_sent,
 * tcp_event_new_data_sent, tcp_retransmit_skb's undo accounting). */
void tcp_lx_data_sent(struct tcp_sock *c, enum tcp_lx_sent kind, bool idle, uint32_t prior_packets);
/* After output's loop (Linux tcp_cwnd_validate). */
void tcp_lx_cwnd_validate(struct tcp_sock *c, bool is_cwnd_limited);
/* The application queued data (Linux tcp_slow_start_after_idle_check). */
void tcp_lx_idle_check(struct tcp_sock *c);
/* Re-arms t_rtx for the RTO (Linux tcp_rearm_rto). */
void tcp_lx_rearm_rto(struct tcp_sock *c);
/* Arms t_rtx for `kind` in d (timer.c). */
void tcp_lx_arm(struct tcp_sock *c, enum tcp_lx_timer kind, sim_time_t d);
/* The retransmission timeout fired and TCP goes on (timer.c): Loss, the first
 * segment again. */
void tcp_lx_rto(struct tcp_sock *c);
/* t_rtx fired for RACK's reordering timer or a tail loss probe. */
void tcp_lx_timer(struct tcp_sock *c);
/* The path MTU fell (Linux tcp_simple_retransmit). */
void tcp_lx_pmtu(struct tcp_sock *c);
/* The RACK check of tcp_ack for the ACK's SACK_RENEGING flag. */
bool tcp_lx_check_sack_reneging(struct tcp_sock *c, int *flag);

/* rack.c: RACK-TLP (RFC 8985). */
/* A segment was (S)ACKed: RACK's newest delivered transmission (tcp_rack_advance). */
void tcp_rack_advance(struct tcp_sock *c, uint32_t sb_flags, uint32_t end_seq, sim_time_t xmit_time);
/* Marks what RACK finds lost; arms the reordering timer for the rest. Returns true
 * when that timer was armed (tcp_rack_mark_lost). */
bool tcp_rack_mark_lost(struct tcp_sock *c);
/* Time left before a segment sent at s->last_tx is lost by RACK with reo_wnd; <= 0:
 * lost now (tcp_rack_skb_timeout). */
sim_time_t tcp_rack_skb_timeout(const struct tcp_sock *c, const struct tcp_sb_seg *s,
				sim_time_t reo_wnd);
/* The reordering window now (tcp_rack_reo_wnd). */
sim_time_t tcp_rack_reo_wnd(const struct tcp_sock *c);
void tcp_rack_reo_timeout(struct tcp_sock *c);
/* Once per ACK: reo_wnd's steps grow with DSACK rounds (tcp_rack_update_reo_wnd). */
void tcp_rack_update_reo_wnd(struct tcp_sock *c, uint32_t prior_delivered);
/* Arms a tail loss probe if one is due (tcp_schedule_loss_probe); false if not. */
bool tcp_tlp_schedule(struct tcp_sock *c, bool advancing_rto);
/* The probe timer fired (tcp_send_loss_probe). */
void tcp_tlp_send(struct tcp_sock *c);
/* An ACK while a probe is out (tcp_process_tlp_ack). */
void tcp_tlp_process_ack(struct tcp_sock *c, uint32_t ack, int flag);

/* ---- recovery.c ---- */
/* Resolves the recovery knob for the connection (at allocation and once the
 * handshake has said whether SACK is in use). */
void tcp_recovery_init(struct tcp_sock *c);
/* RFC 6675 Update(): the ACK's SACK blocks into the scoreboard, DSACKs counted and
 * checked for spurious retransmissions (RFC 2883 §4, RFC 3708). Returns true when
 * the ACK SACKed data not SACKed before (RFC 6675 §2's duplicate ACK). */
bool tcp_recovery_sack(struct tcp_sock *c, const struct tcp_repr *seg);
/* New data acknowledged up to ack (snd_una already moved): recovery's bookkeeping and
 * the congestion-control hook; a->cwnd_limited is filled here. Returns whether the
 * retransmission timer is to be restarted; *traced whether a trace row was written. */
bool tcp_recovery_new_ack(struct tcp_sock *c, uint32_t ack, struct tcp_cc_ack *a, bool *traced);
/* The duplicate-ACK half of an ACK: `dup` by RFC 5681 §2's definition, `new_sack` by
 * RFC 6675 §2's; `acked` when it also acknowledged new data. Fast retransmit starts
 * here. */
void tcp_recovery_dupack(struct tcp_sock *c, bool acked, bool dup, bool new_sack);
/* A retransmission timeout of data (timer.c, after the congestion-control hook):
 * "recover", the scoreboard's marks, the first retransmission. */
void tcp_recovery_timeout(struct tcp_sock *c);
/* The path MTU fell: resend what was sent in larger segments. */
void tcp_recovery_pmtu(struct tcp_sock *c);
/* RFC 6675's rescue retransmission (rule 4) is allowed now. */
bool tcp_recovery_rescue_ok(const struct tcp_sock *c);
/* Rule 4 was used: RescueRxt = RecoveryPoint. */
void tcp_recovery_rescued(struct tcp_sock *c);

/* ---- segopts.c ---- */
/* The options of a SYN or SYN-ACK received (RFC 9293 §3.7.1, RFC 7323 §2.2 and §3.2,
 * RFC 2018 §2): SACK and timestamps in use when both ends offered them. */
void tcp_opts_take_syn(struct tcp_sock *c, const struct tcp_repr *seg);
/* SACK-permitted and timestamps for a SYN (what we offer) or SYN-ACK (what we
 * accept). */
void tcp_opts_syn(struct tcp_sock *c, struct tcp_repr *r);
/* Timestamps and SACK blocks for any other segment; `sack` false leaves the blocks
 * out (RST). */
void tcp_opts_established(struct tcp_sock *c, struct tcp_repr *r, bool sack);
/* Option bytes the timestamps take on every segment (12 or 0). */
uint32_t tcp_opts_ts_len(const struct tcp_sock *c);
/* The payload of a full segment now: the MSS less the SACK blocks the next segment
 * carries (Linux tcp_current_mss; the timestamps are in c->mss already). */
uint32_t tcp_opts_sack_mss(const struct tcp_sock *c);
static inline uint32_t tcp_current_mss(const struct tcp_sock *c)
{
	return (c->flags & TF_SACK_OK) ? tcp_opts_sack_mss(c) : c->mss;
}

/* ---- timestamp.c ---- */
/* The TSval of a segment sent now (RFC 7323 §4.1): the 1 ms clock + ts_off. */
uint32_t tcp_ts_val(const struct tcp_sock *c);
/* Draws the connection's TSval offset once (Linux secure_tcp_ts_off's role) from the
 * stack's seeded RNG stream. */
void tcp_ts_offset(struct tcp_sock *c);
/* RFC 7323 §5.3 R1: the segment's TSval is older than TS.Recent (PAWS). */
bool tcp_ts_paws_reject(const struct tcp_sock *c, const struct tcp_repr *seg);
/* RFC 7323 §4.3 / §5.3 R3: TS.Recent from an acceptable segment. */
void tcp_ts_update_recent(struct tcp_sock *c, const struct tcp_repr *seg);
/* RFC 7323 §4.1 RTTM for an ACK of new data: the sample, or false. */
bool tcp_ts_rtt(const struct tcp_sock *c, const struct tcp_repr *seg, const struct tcp_sb_acked *sa,
		sim_time_t *rtt);

/* ---- stack.c ---- */
void tcp_conn_hash_add(struct tcp_sock *c);
void tcp_conn_hash_del(struct tcp_sock *c);
struct tcp_sock *tcp_conn_lookup(struct tcp_stack *st, const struct tcp_tuple *t);
int tcp_port_bind(struct tcp_sock *c, ipv4_addr_t addr, uint16_t port);
void tcp_port_unbind(struct tcp_sock *c);
int tcp_port_ephemeral(struct tcp_sock *c);
void tcp_listener_add(struct tcp_sock *c);
void tcp_listener_del(struct tcp_sock *c);
uint32_t tcp_isn(struct tcp_stack *st, const struct tcp_tuple *t);
/* The first 32 bits of HMAC-SHA-256 of msg under the stack's secret (the RFC 6528
 * key): F of tcp_isn(), and the hashes of SYN cookies (listen.c). */
uint32_t tcp_secret_hash(const struct tcp_stack *st, const uint8_t *msg, size_t len);
/* Route lookup for the connection's peer: fills laddr (if ANY) and mtu, adv_mss. */
int tcp_conn_route(struct tcp_sock *c);

/* ---- listen.c ---- */
/* What a listener keeps beside its queues. */
struct tcp_listen_state {
	struct tcp_listen_stats stats;
	tcp_child_fn child_fn;
	void *child_ctx;
	sim_time_t last_cookie;         /* when a cookie was last sent (-1: never) */
};
/* How a listener takes a SYN (Linux tcp_conn_request()). */
enum tcp_syn_verdict {
	TCP_SYN_QUEUE,  /* a new connection in the SYN queue (SYN-RECEIVED) */
	TCP_SYN_COOKIE, /* a SYN-ACK with a cookie, nothing kept */
	TCP_SYN_DROP,   /* dropped (counted): the client retries */
};
void tcp_listen_start(struct tcp_sock *l);
void tcp_listen_free(struct tcp_sock *l);
enum tcp_syn_verdict tcp_listen_admit(struct tcp_sock *l);
/* A new child of l (set up by input.c) is announced, then enters the SYN queue. */
void tcp_listen_child_born(struct tcp_sock *l, struct tcp_sock *c);
/* c entered l's accept queue (input.c, on the handshake's ACK). */
void tcp_listen_established(struct tcp_sock *l);
/* True (and counted) when l's accept queue is full. */
bool tcp_listen_acceptq_full(struct tcp_sock *l);
/* Answers a SYN with a cookie SYN-ACK (syncookies.c's behaviour in Linux). */
void tcp_listen_send_cookie(struct tcp_sock *l, const struct tcp_repr *syn, ipv4_addr_t src,
			    ipv4_addr_t dst);
/* An ACK that found no connection on listener l: if it carries a valid cookie and
 * the accept queue has room, returns the connection it makes (SYN-RECEIVED, its SYN-ACK
 * as if sent; the ACK itself completes it through tcp_input). Otherwise NULL, with
 * *drop set when the segment is to be dropped silently (accept queue full) rather
 * than answered like any ACK in LISTEN (a RST). */
struct tcp_sock *tcp_listen_cookie_ack(struct tcp_sock *l, const struct tcp_repr *seg,
				       ipv4_addr_t src, ipv4_addr_t dst, bool *drop);
/* The cookie itself (exposed for tests): the ISN of a SYN-ACK that encodes the MSS
 * index (0–3 of TCP_COOKIE_MSS) and the minute counter, keyed by the stack's secret
 * and the connection's 4-tuple; and the check of an ACK's cookie, which returns the
 * MSS index, or -1 when the cookie is forged or older than two minutes. */
#define TCP_COOKIE_MSS_COUNT 4
extern const uint16_t tcp_cookie_mss[TCP_COOKIE_MSS_COUNT];
uint32_t tcp_cookie_make(const struct tcp_stack *st, const struct tcp_tuple *t, uint32_t peer_isn,
			 unsigned mss_index, uint32_t minute);
int tcp_cookie_check(const struct tcp_stack *st, const struct tcp_tuple *t, uint32_t peer_isn,
		     uint32_t cookie, uint32_t minute);

/* ---- input.c ---- */
/* SND.UNA advances to ack: the send buffer and the scoreboard let go of what it
 * acknowledged, visit (if not NULL) seeing each scoreboard entry first. Returns
 * whether the send buffer was full before. */
bool tcp_take_ack(struct tcp_sock *c, uint32_t ack, struct tcp_sb_acked *sa,
		  tcp_sb_visit_fn visit, void *ctx);
/* A new child of listener l for the SYN `syn` from src to dst, with our ISS: set up
 * as §3.10.7.2 says (RCV.NXT = SEG.SEQ + 1, the SYN's options, the window), announced
 * (tcp_listen_child_born), in the SYN queue and the 4-tuple table, in SYN-RECEIVED.
 * Sends nothing. */
struct tcp_sock *tcp_input_listen_child(struct tcp_sock *l, const struct tcp_repr *syn,
					ipv4_addr_t src, ipv4_addr_t dst, uint32_t iss);
/* Processes one checksum-verified segment for connection c, found in the 4-tuple
 * table (so neither CLOSED nor LISTEN). Takes pkt (pkt->data = TCP header); seg is
 * its parsed header, read-only. */
void tcp_input(struct tcp_sock *c, struct sim_packet *pkt, const struct tcp_repr *seg);
/* A segment for which no connection or listener exists (RFC 9293 §3.10.7.1). */
void tcp_input_closed(struct tcp_stack *st, const struct tcp_repr *seg, ipv4_addr_t src,
		      ipv4_addr_t dst);
/* A SYN (or other segment) for a listener (§3.10.7.2). */
void tcp_input_listen(struct tcp_sock *l, const struct tcp_repr *seg, ipv4_addr_t src,
		      ipv4_addr_t dst);
void tcp_pmtu_update(struct tcp_sock *c, uint32_t mtu);

/* ---- output.c ---- */
/* Sends whatever the windows, Nagle and SWS avoidance allow, then a pure ACK if one is
 * owed (TF_ACK_NOW). Arms the retransmission or persist timer as needed. */
void tcp_output(struct tcp_sock *c);
void tcp_send_ack(struct tcp_sock *c);
/* A pure ACK of `ack` (below rcv_nxt) now, for DCTCP's receiver (ecn.c; Linux
 * __tcp_send_ack with prior_rcv_nxt): the delayed-ACK state is left as it was. */
void tcp_send_ack_at(struct tcp_sock *c, uint32_t ack);
/* SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED); `retransmission` when the timer or a
 * duplicate SYN resends it (counted, and Karn stops RTT timing). */
void tcp_send_syn(struct tcp_sock *c, bool retransmission);
void tcp_send_rst(struct tcp_sock *c);      /* <SEQ=SND.NXT><ACK=RCV.NXT><RST,ACK> */
/* A reply RST for segment seg received from src to dst (§3.10.7.1). */
void tcp_send_rst_reply(struct tcp_stack *st, const struct tcp_repr *seg, ipv4_addr_t src,
			ipv4_addr_t dst);
/* Retransmits one segment (at most one MSS) starting at snd_una. */
void tcp_retransmit_first(struct tcp_sock *c);
/* Retransmits scoreboard entry id, in pieces of the current MSS if it is larger;
 * `rescue` for RFC 6675's rule 4 (which moves neither HighRxt nor pipe). False when
 * the local queue refused it (tcp_stack_set_local_drop) before any piece went. */
bool tcp_retransmit_seg(struct tcp_sock *c, uint64_t id, bool rescue);
/* Returns false when the local queue refused the segment (tcp_stack_set_local_drop). */
bool tcp_send_window_probe(struct tcp_sock *c);
/* A tail loss probe of new data: one segment at snd_nxt, up to one MSS, whatever cwnd
 * and Nagle say (Linux tcp_write_xmit with push_one 2). False if nothing went. */
bool tcp_output_probe_new(struct tcp_sock *c);
/* A tail loss probe resending entry id: it gets EVER_RETRANS, not RETRANS (Linux
 * __tcp_retransmit_skb). False if nothing went. */
bool tcp_retransmit_probe(struct tcp_sock *c, uint64_t id);
/* Linux TCP_RESOURCE_PROBE_INTERVAL: the retry interval while the local queue
 * refuses segments. */
#define TCP_RESOURCE_PROBE_INTERVAL SIM_MS(500)
void tcp_send_keepalive(struct tcp_sock *c);
/* Receive window (bytes) we would advertise now, before SWS rules (rcvwnd.c). */
uint32_t tcp_rcv_space(const struct tcp_sock *c);
/* The congestion window plus what limited transmit allows now. */
static inline uint32_t tcp_flight(const struct tcp_sock *c)
{
	return c->snd_nxt - c->snd_una;
}

/* ---- ack.c: the receiver's ACK policy ---- */
/* In-order data of len payload bytes arrived (Linux tcp_event_data_recv): the
 * estimate of the peer's MSS, the receiver RTT, the adaptive ato, quick ACKs, window
 * growth. hdr_len and flags are the segment's TCP header length and flags; mem is
 * its memory charge (tcp_rcvwnd_truesize). */
void tcp_ack_data_recv(struct tcp_sock *c, uint32_t len, uint32_t hdr_len, uint8_t flags,
		       uint32_t mem);
/* After a segment's text was taken: ACK now (TF_ACK_NOW) or delay (Linux
 * __tcp_ack_snd_check; RFC 1122 §4.2.3.2, RFC 5681 §4.2). */
void tcp_ack_check(struct tcp_sock *c);
/* Quick ACKs again, interactive mode off (Linux tcp_enter_quickack_mode): a segment
 * retransmitted or beyond the window arrived. */
void tcp_ack_enter_quickack(struct tcp_sock *c);
/* The peer's FIN arrived in ESTABLISHED: interactive mode (Linux tcp_fin). */
void tcp_ack_fin(struct tcp_sock *c);
/* A segment with ACK is being sent: counts down quick ACKs (Linux tcp_event_ack_sent). */
void tcp_ack_sent(struct tcp_sock *c);
/* A segment with data is being sent (Linux tcp_event_data_sent): interactive mode. */
void tcp_ack_data_sent(struct tcp_sock *c);
/* The application read `copied` bytes: receive-buffer autotuning ran per segment
 * (tcp_rcvwnd_read); send an owed ACK or a window update if due (Linux
 * tcp_cleanup_rbuf). */
void tcp_ack_after_read(struct tcp_sock *c, uint32_t copied);
/* The delayed-ACK timer expired (timer.c): adapt ato, send the ACK. */
void tcp_ack_delack_expired(struct tcp_sock *c);
/* In quick-ACK mode (and not interactive). */
bool tcp_ack_in_quickack(const struct tcp_sock *c);
/* In interactive (pingpong) mode. */
bool tcp_ack_interactive(const struct tcp_sock *c);
/* TCP_QUICKACK (Linux __tcp_sock_set_quickack). */
void tcp_ack_set_quickack(struct tcp_sock *c, bool on);

/* ---- rcvwnd.c: the receive window and buffer ---- */
/* Memory a segment of `payload` bytes in an IPv4 packet of ip_len bytes is charged. */
uint32_t tcp_rcvwnd_truesize(const struct tcp_sock *c, uint32_t payload, uint32_t ip_len);
/* The receive window of our SYN or SYN-ACK: rcv_wnd, the window scale (wscale_ok:
 * the scale option is offered), the clamp and rcv_ssthresh (Linux
 * tcp_select_initial_window). */
void tcp_rcvwnd_syn(struct tcp_sock *c, bool wscale_ok);
/* The window field of a SYN or SYN-ACK. */
uint16_t tcp_rcvwnd_syn_field(struct tcp_sock *c);
/* The window field of a listener's SYN-ACK made as a SYN cookie, announcing mss (the
 * window tcp_rcvwnd_syn gives the connection the cookie's ACK creates). */
uint32_t tcp_rcvwnd_cookie_window(const struct tcp_config *cfg, const struct tcp_sockopts *o,
				  uint32_t mss);
/* The handshake completed (Linux tcp_init_buffer_space, tcp_initialize_rcv_mss). */
void tcp_rcvwnd_established(struct tcp_sock *c);
/* The window field for a non-SYN segment; sets rcv_wnd and moves rcv_adv. */
uint16_t tcp_rcvwnd_select(struct tcp_sock *c);
/* The window tcp_rcvwnd_select would offer now, before the never-shrink rule
 * (Linux __tcp_select_window), bytes. */
uint32_t tcp_rcvwnd_peek(struct tcp_sock *c);
/* May a segment charged mem be queued (Linux tcp_try_rmem_schedule with
 * tcp_prune_queue's tcp_clamp_window)? A refused one is dropped. */
bool tcp_rcvwnd_admit(struct tcp_sock *c, uint32_t mem);
/* A segment larger than rcv_mss arrived: the payload/memory ratio (Linux
 * tcp_measure_rcv_mss's scaling_ratio) and the clamp that follows it. */
void tcp_rcvwnd_ratio(struct tcp_sock *c, uint32_t len, uint32_t mem);
/* In-order data arrived: the window may grow (Linux tcp_grow_window). */
void tcp_rcvwnd_grow(struct tcp_sock *c, uint32_t len, uint32_t mem);
/* A segment went to the out-of-order queue (Linux tcp_data_queue_ofo). */
void tcp_rcvwnd_ooo(struct tcp_sock *c, uint32_t len, uint32_t mem);
/* In-order data arrived: the per-window receiver RTT measurement (tcp_rcv_rtt_measure). */
void tcp_rcvwnd_rtt_measure(struct tcp_sock *c);
/* A receiver RTT sample from a timestamp echo (tcp_rcv_rtt_measure_ts). */
void tcp_rcvwnd_rtt_sample(struct tcp_sock *c, sim_time_t sample);
/* The application took a segment's bytes: autotuning (Linux tcp_rcv_space_adjust). */
void tcp_rcvwnd_read(struct tcp_sock *c);
/* Whether a window update is worth sending after the application read (RFC 9293
 * §3.8.6.2.2, Linux tcp_cleanup_rbuf). */
bool tcp_window_update_due(struct tcp_sock *c);

/* ---- timer.c ---- */
void tcp_timer_rtx_arm(struct tcp_sock *c);     /* at now + current RTO */
void tcp_timer_rtx_arm_in(struct tcp_sock *c, sim_time_t d); /* at now + d */
void tcp_timer_rtx_restart_if_idle(struct tcp_sock *c);
void tcp_timer_persist_arm(struct tcp_sock *c);
void tcp_timer_delack_arm(struct tcp_sock *c);   /* at now + delack_timeout, if idle */
void tcp_timer_delack_arm_at(struct tcp_sock *c, sim_time_t when);
void tcp_timer_keepalive_reset(struct tcp_sock *c);
void tcp_timer_time_wait(struct tcp_sock *c);   /* (re)start 2·MSL */
void tcp_timer_fin_wait2(struct tcp_sock *c);
void tcp_timers_cancel_all(struct tcp_sock *c);
sim_time_t tcp_current_rto(const struct tcp_sock *c);

/* ---- socket.c ---- */
/* Readiness changed: `edges` are the newly arisen conditions (TCP_EV_*). Schedules
 * the callback event; never calls the application directly. */
void tcp_sock_wake(struct tcp_sock *c, uint32_t edges);
/* Sets the pending error and the statistics' final error. */
void tcp_sock_set_error(struct tcp_sock *c, int err);

/* RFC 7323 §2.3: the smallest shift that lets the window cover the receive buffer. */
static inline uint8_t tcp_choose_wscale(uint32_t rcvbuf)
{
	uint8_t s = 0;
	while (s < TCP_WSCALE_MAX && (rcvbuf >> s) > 65535)
		s++;
	return s;
}

/* The shift a connection offers in its SYN or SYN-ACK (0 without window scaling):
 * Linux tcp_select_initial_window scales for the largest the buffer may become
 * (tcp_rmem max, rcvbuf_max here), or for the buffer SO_RCVBUF fixed. */
static inline uint8_t tcp_conn_wscale(const struct tcp_sock *c)
{
	if (!c->cfg->window_scaling)
		return 0;
	uint32_t space = c->opt.rcvbuf;
	if (!c->opt.rcvbuf_set && c->cfg->rcvbuf_max > space)
		space = c->cfg->rcvbuf_max;
	return tcp_choose_wscale(space);
}

static inline struct tcp_stats *tcp_st(struct tcp_sock *c)
{
	return &c->stats->st;
}

static inline struct sim *tcp_sim(const struct tcp_sock *c)
{
	return c->stack->sim;
}

#endif
