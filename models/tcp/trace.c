/* models/tcp/trace.c — writers for <flow>.<side>.tsv and <flow>.<side>.seq.tsv.
 * Called from input.c/output.c/timer.c at the points where traced values change. */
#include "models/tcp/trace.h"

#include <errno.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"

static const char ep_columns[] = "time_s\tcwnd_bytes\tssthresh_bytes\tinflight_bytes\trtt_ms\t"
				 "srtt_ms\trttvar_ms\trto_ms\tstate\tevent\tsacked_packets\t"
				 "lost_packets\tretrans_packets\tpipe_bytes\tcwnd_packets\t"
				 "ssthresh_packets\tca_state\tprr_delivered_packets\tprr_out_packets\t"
				 "rack_reo_wnd_us";

/* Linux's names of the ca_states (tcp_info's tcpi_ca_state). */
static const char *ca_state_name(enum tcp_ca_state s)
{
	static const char *const n[] = {
		[TCP_CA_OPEN] = "Open",         [TCP_CA_DISORDER] = "Disorder",
		[TCP_CA_CWR] = "CWR",           [TCP_CA_RECOVERY] = "Recovery",
		[TCP_CA_LOSS] = "Loss",
	};
	return (unsigned)s < G_N_ELEMENTS(n) ? n[s] : "?";
}
static const char seq_columns[] = "time_s\tkind\tseq\tend\twin_bytes";

int tcp_sock_trace(struct tcp_sock *c, const char *prefix, const char *side, unsigned what,
		   GError **error)
{
	/* The application's socket, or a child its listener announced (tcp_child_fn). */
	if ((!c->app_ref && !c->parent) || !prefix || !side)
		return -EINVAL;
	if (!c->trace)
		c->trace = g_new0(struct tcp_trace, 1);
	if ((what & TCP_TRACE_ENDPOINT) && !c->trace->ep) {
		char *path = g_strdup_printf("%s.%s.tsv", prefix, side);
		c->trace->ep = sim_tsv_create(path, ep_columns, error);
		g_free(path);
		if (!c->trace->ep)
			return -EIO;
		tcp_trace_endpoint(c, "open");
	}
	if ((what & TCP_TRACE_SEQ) && !c->trace->seq) {
		char *path = g_strdup_printf("%s.%s.seq.tsv", prefix, side);
		c->trace->seq = sim_tsv_create(path, seq_columns, error);
		g_free(path);
		if (!c->trace->seq)
			return -EIO;
	}
	return 0;
}

void tcp_trace_endpoint(struct tcp_sock *c, const char *event)
{
	tcp_trace_endpoint_flight(c, event, tcp_flight(c));
}

void tcp_trace_endpoint_flight(struct tcp_sock *c, const char *event, uint32_t inflight)
{
	if (!c->trace || !c->trace->ep)
		return;
	struct sim_tsv *t = c->trace->ep;
	c->trace->ep_rows++;
	/* Windows in bytes; under recovery linux they are packets × SMSS. */
	uint64_t unit = c->cc.packets ? c->mss : 1;
	sim_tsv_time(t, sim_now(tcp_sim(c)));
	sim_tsv_u64(t, c->cc.cwnd * unit);
	if (c->cc.ssthresh == TCP_CC_INFINITE)
		sim_tsv_str(t, "inf");
	else
		sim_tsv_u64(t, c->cc.ssthresh * unit);
	sim_tsv_u64(t, inflight);
	if (c->rtt.has_sample) {
		sim_tsv_ms(t, c->rtt.last);
		sim_tsv_ms(t, c->rtt.srtt);
		sim_tsv_ms(t, c->rtt.rttvar);
	} else {
		sim_tsv_str(t, "nan");
		sim_tsv_str(t, "nan");
		sim_tsv_str(t, "nan");
	}
	sim_tsv_ms(t, tcp_current_rto(c));
	sim_tsv_str(t, tcp_state_str(c->state));
	sim_tsv_str(t, event);
	/* The scoreboard as Linux's tcp_info reports it (tcpi_sacked, tcpi_lost,
	 * tcpi_retrans) and RFC 6675's pipe. */
	bool lx = tcp_lx(c);
	sim_tsv_u64(t, lx ? tcp_lx_sacked_out(c) : c->sb.sacked_out);
	sim_tsv_u64(t, c->sb.lost_out);
	sim_tsv_u64(t, c->sb.retrans_out);
	sim_tsv_u64(t, tcp_sb_pipe(&c->sb));
	/* Appended columns: the windows in packets (Linux's snd_cwnd; bytes / SMSS
	 * rounded down under the RFC recoveries), the ca_state, PRR's counts and RACK's
	 * reordering window (0 outside recovery linux). */
	uint64_t div = c->cc.packets || !c->mss ? 1 : c->mss;
	sim_tsv_u64(t, c->cc.cwnd / div);
	if (c->cc.ssthresh == TCP_CC_INFINITE)
		sim_tsv_str(t, "inf");
	else
		sim_tsv_u64(t, c->cc.ssthresh / div);
	sim_tsv_str(t, ca_state_name(c->cc.ca_state));
	sim_tsv_u64(t, lx ? c->lx.prr_delivered : 0);
	sim_tsv_u64(t, lx ? c->lx.prr_out : 0);
	sim_tsv_u64(t, lx ? (uint64_t)tcp_rack_reo_wnd(c) / 1000 : 0);
	sim_tsv_end_row(t);
}

void tcp_trace_seq(struct tcp_sock *c, const char *kind, uint32_t seq, uint32_t end, uint32_t win)
{
	if (!c->trace || !c->trace->seq)
		return;
	/* 64-bit offsets from the ISN, anchored at snd_una (which is tracked without
	 * wrapping in snd_una_rel), so long transfers never wrap in the trace. */
	int64_t base = (int64_t)c->snd_una_rel;
	struct sim_tsv *t = c->trace->seq;
	sim_tsv_time(t, sim_now(tcp_sim(c)));
	sim_tsv_str(t, kind);
	sim_tsv_i64(t, base + seq_diff(seq, c->snd_una));
	sim_tsv_i64(t, base + seq_diff(end, c->snd_una));
	sim_tsv_u64(t, win);
	sim_tsv_end_row(t);
}

void tcp_trace_close(struct tcp_sock *c)
{
	if (!c->trace)
		return;
	GError *err = NULL;
	struct tcp_stack *st = c->stack;
	if (sim_tsv_close(c->trace->ep, &err) < 0 && err) {
		if (!st->trace_error)
			st->trace_error = err;
		else
			g_error_free(err);
		err = NULL;
	}
	if (sim_tsv_close(c->trace->seq, &err) < 0 && err) {
		if (!st->trace_error)
			st->trace_error = err;
		else
			g_error_free(err);
	}
	g_free(c->trace);
	c->trace = NULL;
}
