/* models/tcp/ecn.h — Explicit Congestion Notification in TCP (RFC 3168 §6.1) and the
 * receiver side of DCTCP (RFC 8257 §3.2).
 *
 * Where it sits: output.c asks tcp_ecn_xmit() for the ECN bits of every segment it
 * builds (ECE and CWR in the TCP header, the ECT codepoint of the IP header);
 * input.c hands it the SYN options (negotiation), every acceptable ACK (CWR seen, ECE
 * reaction under the RFC recoveries) and every data segment (CE seen);
 * input_linux.c asks whether an ACK echoes congestion (Linux FLAG_ECE), which
 * recovery_linux.c answers with the CWR state (tcp_lx_enter_cwr). The congestion
 * control algorithm learns of echoed marks through tcp_cc's delivered_ce and its
 * in_ack_event hook (DCTCP's α).
 *
 * The `ecn` knob has Linux's net.ipv4.tcp_ecn meaning: 0 never, 1 request ECN on
 * outgoing connections and accept it on incoming ones, 2 accept it only (Linux's
 * default). An algorithm that needs ECN (DCTCP, Linux TCP_CONG_NEEDS_ECN) requests
 * and accepts it whatever the knob says, and marks every packet it sends ECT(0)
 * (SYN, pure ACKs and retransmissions too), as Linux's tcp_dctcp.c does.
 */
#ifndef MODELS_TCP_ECN_H
#define MODELS_TCP_ECN_H

#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/seg.h"

struct tcp_sock;

/* A connection's ECN state (c->ecn.flags), Linux's tp->ecn_flags. */
enum {
	TCP_ECN_OK = 1u << 0,         /* negotiated (RFC 3168 §6.1.1) */
	TCP_ECN_QUEUE_CWR = 1u << 1,  /* the next new data segment carries CWR */
	TCP_ECN_DEMAND_CWR = 1u << 2, /* receiver: ECE on every ACK until CWR arrives */
	TCP_ECN_SEEN = 1u << 3,       /* an ECT or CE data segment has arrived */
};

/* The values of the `ecn` knob (Linux tcp_ecn). */
enum tcp_ecn_mode {
	TCP_ECN_MODE_OFF = 0,
	TCP_ECN_MODE_ON = 1,     /* request and accept */
	TCP_ECN_MODE_ACCEPT = 2, /* accept when requested */
};

struct tcp_ecn {
	uint8_t flags;          /* TCP_ECN_* */
	bool ce_state;          /* DCTCP receiver: the last data segment carried CE */
	bool cwr_window;        /* RFC recoveries: a reduction for ECE is running until
				 * snd_una passes high_seq */
	uint32_t prior_rcv_nxt; /* DCTCP receiver: rcv_nxt after the last data segment */
	uint32_t high_seq;      /* RFC recoveries: snd_max at the last ECE reaction */
	uint32_t delivered_ce;  /* sender: packets (bytes under the RFC recoveries)
				 * delivered by ACKs with ECE (Linux tp->delivered_ce) */
};

/* ECN negotiated: the hooks below are called only then (but tcp_ecn_xmit for SYNs
 * and tcp_ecn_take_syn), so that connections without ECN pay one test per segment. */
static inline bool tcp_ecn_on(const struct tcp_ecn *e)
{
	return (e->flags & TCP_ECN_OK) != 0;
}

/* Whether the connection's algorithm needs ECN (DCTCP). */
bool tcp_ecn_ca_needs(const struct tcp_sock *c);

/* The ECN bits of a segment about to be sent: r's flags gain ECE/CWR, *tos its ECT
 * codepoint (RFC 3168 §6.1.1–§6.1.5; Linux tcp_ecn_send_syn, tcp_ecn_send_synack,
 * tcp_ecn_make_synack, tcp_ecn_send). seq and len are the segment's; it is new data
 * when it starts at or beyond snd_max. */
void tcp_ecn_xmit(struct tcp_sock *c, struct tcp_repr *r, uint32_t seq, uint32_t len, uint8_t *tos);

/* The SYN or SYN-ACK seg was received and its options taken (negotiation: Linux
 * tcp_ecn_rcv_synack, tcp_ecn_rcv_syn, tcp_ecn_create_request). */
void tcp_ecn_take_syn(struct tcp_sock *c, const struct tcp_repr *seg);

/* An acceptable ACK segment (before its data, if any): CWR ends the receiver's echo
 * (RFC 3168 §6.1.3; Linux tcp_ecn_accept_cwr, also on pure ACKs). */
void tcp_ecn_rcv_ack(struct tcp_sock *c, const struct tcp_repr *seg);

/* The ACK seg echoes congestion (Linux tcp_ecn_rcv_ecn_echo): ECE on a non-SYN
 * segment of an ECN connection. Counts it. */
bool tcp_ecn_echo(struct tcp_sock *c, const struct tcp_repr *seg);

/* Under the RFC recoveries, after the ACK's new data was processed: `acked` bytes,
 * the algorithm's in_ack_event and RFC 3168 §6.1.2's reduction, once per window. */
void tcp_ecn_rfc_ack(struct tcp_sock *c, const struct tcp_repr *seg, uint32_t acked);

/* Under `recovery: linux`: the algorithm's in_ack_event with the packets delivered
 * (Linux tcp_in_ack_event, after tcp_count_delivered), `ece` when the ACK had ECE. */
void tcp_ecn_lx_ack(struct tcp_sock *c, uint32_t newly_delivered, bool ece);

/* A data segment arrived (Linux tcp_ecn_check_ce): in order after rcv_nxt moved past
 * it, or out of order. CE starts the echo (RFC 3168 §6.1.3); a DCTCP receiver follows
 * RFC 8257 §3.2's two-state machine instead. */
void tcp_ecn_rcv_data(struct tcp_sock *c, const struct tcp_repr *seg);

/* Queue CWR for the next new data segment (Linux tcp_ecn_queue_cwr): the window was
 * reduced. */
void tcp_ecn_queue_cwr(struct tcp_sock *c);

/* Linux tcp_enter_cwr: the window reduction for an echoed mark under `recovery:
 * linux`, PRR towards the algorithm's ssthresh in the CWR state. */
void tcp_lx_enter_cwr(struct tcp_sock *c);

#endif
