/* models/tcp/trace.h — the endpoint and sequence traces of a connection
 * (docs/outputs.md; enabled with tcp_sock_trace() in tcp.h).
 *
 * Internal to models/tcp. Every call site checks `c->trace` first, so a connection
 * that is not traced pays one NULL check per event.
 */
#ifndef MODELS_TCP_TRACE_H
#define MODELS_TCP_TRACE_H

#include <stdint.h>

struct tcp_sock;
struct sim_tsv;

struct tcp_trace {
	struct sim_tsv *ep;   /* <prefix>.<side>.tsv, or NULL */
	struct sim_tsv *seq;  /* <prefix>.<side>.seq.tsv, or NULL */
	uint64_t ep_rows;     /* endpoint rows written so far */
};

/* One endpoint row with the current values; event is one of the names of
 * docs/outputs.md ("open", "slow_start", "rtt_sample", "state", …). */
void tcp_trace_endpoint(struct tcp_sock *c, const char *event);
/* The same with `inflight` in the inflight_bytes column instead of snd.nxt − snd.una:
 * the FlightSize a congestion-control hook was given (fast_retransmit). */
void tcp_trace_endpoint_flight(struct tcp_sock *c, const char *event, uint32_t inflight);

/* One sequence row. kind: "send", "retransmit", "ack", "sack" (a block received). seq/end are absolute
 * sequence numbers, converted to ISN-relative 64-bit values here. */
void tcp_trace_seq(struct tcp_sock *c, const char *kind, uint32_t seq, uint32_t end, uint32_t win);

/* Closes the files (errors go to the stack's trace_error). */
void tcp_trace_close(struct tcp_sock *c);

#endif
