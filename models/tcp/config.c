/* models/tcp/config.c — the knob table (tcp.h): one entry per setting of struct
 * tcp_config, and everything made from it: the two profiles (tcp_config_defaults),
 * reading and writing a knob by name (the scenario reader, --set, summary.json),
 * its documentation line (docs/scenario-format.md's reference is generated from
 * it), and the mapping of Linux sysctls onto knobs (tcp_config_apply_sysctl).
 *
 * A new knob is a field in struct tcp_config plus one entry in `knobs` below, the
 * way Linux keeps a sysctl in one ctl_table entry (net/ipv4/sysctl_net_ipv4.c):
 * name, type, storage, range, the linux and rfc profiles' values, the sysctl it
 * mirrors and one line of documentation.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "models/tcp/tcp.h"

const char *tcp_state_str(enum tcp_state st)
{
	static const char *const names[] = {
		[TCP_CLOSED] = "CLOSED",
		[TCP_LISTEN] = "LISTEN",
		[TCP_SYN_SENT] = "SYN-SENT",
		[TCP_SYN_RECEIVED] = "SYN-RECEIVED",
		[TCP_ESTABLISHED] = "ESTABLISHED",
		[TCP_FIN_WAIT_1] = "FIN-WAIT-1",
		[TCP_FIN_WAIT_2] = "FIN-WAIT-2",
		[TCP_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCP_CLOSING] = "CLOSING",
		[TCP_LAST_ACK] = "LAST-ACK",
		[TCP_TIME_WAIT] = "TIME-WAIT",
	};
	return (unsigned)st < G_N_ELEMENTS(names) ? names[st] : "?";
}

/* ---- enum names (in the order of their C enums) ---- */

static const char *const *profile_names(void)
{
	static const char *const n[] = { "linux", "rfc", NULL };
	return n;
}

static const char *const *rto_formula_names(void)
{
	static const char *const n[] = { "linux", "rfc", NULL };
	return n;
}

static const char *const *window_probe_names(void)
{
	static const char *const n[] = { "ack", "data", NULL };
	return n;
}

static const char *const *delack_count_names(void)
{
	static const char *const n[] = { "bytes", "segments", NULL };
	return n;
}

static const char *const *partial_names(void)
{
	static const char *const n[] = { "impatient", "slow_but_steady", NULL };
	return n;
}

static const char *const *loss_flightsize_names(void)
{
	static const char *const n[] = { "outstanding", "pipe", NULL };
	return n;
}

static const char *const *recovery_names(void)
{
	static const char *const n[] = { "auto", "reno", "newreno", "rfc6675", "linux", NULL };
	return n;
}

static const char *const *recovery_exit_names(void)
{
	static const char *const n[] = { "flight", "ssthresh", NULL };
	return n;
}

static const char *const *growth_names(void)
{
	static const char *const n[] = { "bytes", "per_ack", NULL };
	return n;
}

static const char *const *rfc_linux_names(void)
{
	static const char *const n[] = { "rfc", "linux", NULL };
	return n;
}

static const char *const *accounting_names(void)
{
	static const char *const n[] = { "payload", "skb", NULL };
	return n;
}

/* Knobs stored as an enum are read and written as 4-byte unsigned values. */
_Static_assert(sizeof(enum tcp_rto_formula) == 4 && sizeof(enum tcp_partial_ack_timer) == 4 &&
		       sizeof(enum tcp_loss_flightsize) == 4 && sizeof(enum tcp_cc_growth) == 4 &&
		       sizeof(enum tcp_cc_recovery_exit) == 4 && sizeof(enum tcp_recovery) == 4 &&
		       sizeof(enum tcp_delack_count) == 4 && sizeof(enum tcp_rcv_window) == 4 &&
		       sizeof(enum tcp_rcvbuf_accounting) == 4,
	       "enum knobs are stored as 4 bytes");

/* ---- the two knobs that are not a plain field ---- */

static int64_t get_profile(const struct tcp_config *c)
{
	return c->profile;
}

static void set_profile(struct tcp_config *c, int64_t v)
{
	tcp_config_defaults(c, (enum tcp_profile)v);
}

static int64_t get_cc(const struct tcp_config *c)
{
	const char *const *names = tcp_cc_names();
	for (int64_t i = 0; names[i]; i++)
		if (strcmp(names[i], c->cc) == 0)
			return i;
	return -1;
}

static void set_cc(struct tcp_config *c, int64_t v)
{
	g_strlcpy(c->cc, tcp_cc_names()[v], sizeof(c->cc));
}

/* ---- the table ---- */

#define HOUR SIM_S(3600)
#define DAY (24 * HOUR)

#define KNOB(nm, ty) .name = nm, .type = TCP_KNOB_##ty
#define FIELD(f) .offset = offsetof(struct tcp_config, f), .size = sizeof(((struct tcp_config *)0)->f)
#define RANGE(lo, hi) .min = (lo), .max = (hi)
#define DEFAULTS(lin, rfc) .linux_default = (lin), .rfc_default = (rfc)
#define SYSCTL(nm, map) .sysctl = (nm), .sysctl_map = TCP_SYSCTL_##map
#define BOOL_RANGE RANGE(0, 1)

static const struct tcp_knob knobs[] = {
	{ KNOB("profile", ENUM), .names = profile_names, .get = get_profile, .set = set_profile,
	  DEFAULTS("linux", "rfc"),
	  .doc = "defaults: linux or rfc (apply first: reloads every other knob)" },
	{ KNOB("cc", ENUM), .names = tcp_cc_names, .get = get_cc, .set = set_cc,
	  DEFAULTS("cubic", "newreno"), SYSCTL("net.ipv4.tcp_congestion_control", LINUX_CC),
	  .doc = "congestion control algorithm" },
	{ KNOB("cc_growth", ENUM), FIELD(cc_cfg.growth), .names = growth_names,
	  DEFAULTS("bytes", "bytes"),
	  .doc = "window growth: bytes (RFC 3465 byte counting) or per_ack (+SMSS per ACK); "
		 "ignored under recovery linux (growth per packet delivered)" },
	{ KNOB("abc_l", INT), FIELD(cc_cfg.abc_l_segments), RANGE(1, 64), .unit = "segments",
	  DEFAULTS("2", "2"), .doc = "RFC 3465 L; ignored under recovery linux" },
	{ KNOB("cubic_beta", INT), FIELD(cubic.beta_permille), RANGE(1, 999), .unit = "permille",
	  DEFAULTS("700", "700"), .doc = "CUBIC beta (RFC 9438 4.6)" },
	{ KNOB("cubic_c", INT), FIELD(cubic.c_permille), RANGE(1, 10000), .unit = "permille",
	  DEFAULTS("400", "400"), .doc = "CUBIC C (RFC 9438 5)" },
	{ KNOB("cubic_fast_convergence", BOOL), FIELD(cubic.fast_convergence), BOOL_RANGE,
	  DEFAULTS("true", "true"), .doc = "CUBIC fast convergence (RFC 9438 4.7)" },
	{ KNOB("cubic_reno_friendly", BOOL), FIELD(cubic.reno_friendly), BOOL_RANGE,
	  DEFAULTS("true", "true"), .doc = "CUBIC Reno-friendly region (RFC 9438 4.3)" },
	{ KNOB("cubic_hystart", BOOL), FIELD(cubic.hystart), BOOL_RANGE, DEFAULTS("true", "false"),
	  .doc = "HyStart ends CUBIC's slow start (recovery linux; Linux tcp_cubic hystart)" },
	{ KNOB("cubic_hystart_detect", INT), FIELD(cubic.hystart_detect), RANGE(0, 3),
	  DEFAULTS("3", "3"),
	  .doc = "HyStart's detections: 1 ACK train, 2 delay increase, 3 both (Linux "
		 "hystart_detect)" },
	{ KNOB("cubic_hystart_low_window", INT), FIELD(cubic.hystart_low_window),
	  RANGE(0, 1000000), .unit = "segments", DEFAULTS("16", "16"),
	  .doc = "HyStart acts from this cwnd on (Linux hystart_low_window)" },
	{ KNOB("cubic_hystart_ack_delta", DURATION), FIELD(cubic.hystart_ack_delta),
	  RANGE(0, SIM_S(1)), DEFAULTS("2ms", "2ms"),
	  .doc = "ACKs this close form HyStart's train (Linux hystart_ack_delta_us)" },
	{ KNOB("hz", INT), FIELD(cc_cfg.hz), RANGE(0, 100000), .unit = "jiffies/s",
	  DEFAULTS("250", "250"),
	  .doc = "recovery linux: Linux's HZ, the tick of CUBIC's clock, the RTO and RACK/TLP "
		 "timers (Linux's default 250; 0 = no rounding)" },
	{ KNOB("rto_keeps_recovery_ssthresh", BOOL), FIELD(cc_cfg.rto_keeps_recovery_ssthresh),
	  BOOL_RANGE, DEFAULTS("true", "false"),
	  .doc = "an RTO during fast recovery keeps ssthresh (Linux tcp_enter_loss) instead of "
		 "recomputing it from FlightSize (RFC 5681 3.1); ignored under recovery linux "
		 "(tcp_enter_loss decides)" },
	{ KNOB("rto_formula", ENUM), FIELD(rto_formula), .names = rto_formula_names,
	  DEFAULTS("linux", "rfc"),
	  .doc = "linux: SRTT + max(rto_min, 4 RTTVAR); rfc: max(rto_min, SRTT + max(G, 4 RTTVAR)) "
		 "(RFC 6298 2.3, 2.4)" },
	{ KNOB("rto_min", DURATION), FIELD(rto_min), RANGE(SIM_MS(1), HOUR),
	  DEFAULTS("200ms", "1s"), SYSCTL("net.ipv4.tcp_rto_min_us", US),
	  .doc = "RTO floor (linux: of the variance term)" },
	{ KNOB("rto_initial", DURATION), FIELD(rto_initial), RANGE(SIM_MS(1), HOUR),
	  DEFAULTS("1s", "1s"), .doc = "RTO before the first RTT sample (RFC 6298 2.1)" },
	{ KNOB("rto_syn_initial", DURATION), FIELD(rto_syn_initial), RANGE(SIM_MS(1), HOUR),
	  DEFAULTS("1s", "1s"), .doc = "initial RTO of SYN and SYN-ACK" },
	{ KNOB("rto_max", DURATION), FIELD(rto_max), RANGE(SIM_MS(1), DAY),
	  DEFAULTS("120s", "60s"), SYSCTL("net.ipv4.tcp_rto_max_ms", MS),
	  .doc = "RTO and persist interval cap (RFC 6298 2.5)" },
	{ KNOB("clock_granularity", DURATION), FIELD(clock_granularity), RANGE(0, SIM_S(1)),
	  DEFAULTS("1ms", "1ms"), .doc = "G of RFC 6298" },
	{ KNOB("data_retries", INT), FIELD(data_retries), RANGE(1, 255), DEFAULTS("15", "15"),
	  SYSCTL("net.ipv4.tcp_retries2", VALUE),
	  .doc = "RTO expirations in a row before ETIMEDOUT" },
	{ KNOB("syn_retries", INT), FIELD(syn_retries), RANGE(0, 255), DEFAULTS("6", "7"),
	  SYSCTL("net.ipv4.tcp_syn_retries", VALUE),
	  .doc = "SYN retransmissions before ETIMEDOUT (rfc: 3 minutes, RFC 1122 4.2.3.5)" },
	{ KNOB("syn_linear_timeouts", INT), FIELD(syn_linear_timeouts), RANGE(0, 255),
	  DEFAULTS("4", "0"), SYSCTL("net.ipv4.tcp_syn_linear_timeouts", VALUE),
	  .doc = "SYN timeouts before the RTO backs off, on top of syn_retries (Linux "
		 "tcp_retransmit_timer, tcp_write_timeout)" },
	{ KNOB("synack_retries", INT), FIELD(synack_retries), RANGE(0, 255), DEFAULTS("5", "5"),
	  SYSCTL("net.ipv4.tcp_synack_retries", VALUE), .doc = "SYN-ACK retransmissions" },
	{ KNOB("delayed_ack", BOOL), FIELD(delayed_ack), BOOL_RANGE, DEFAULTS("true", "true"),
	  .doc = "delay ACKs (RFC 1122 4.2.3.2)" },
	{ KNOB("delack_timeout", DURATION), FIELD(delack_timeout), RANGE(SIM_US(1), SIM_MS(500)),
	  DEFAULTS("40ms", "200ms"),
	  .doc = "delayed-ACK timeout (with delack_adaptive: the smallest, Linux TCP_ATO_MIN)" },
	{ KNOB("delack_max", DURATION), FIELD(delack_max), RANGE(SIM_US(1), SIM_MS(500)),
	  DEFAULTS("200ms", "200ms"),
	  .doc = "largest adaptive delayed-ACK timeout (Linux TCP_DELACK_MAX)" },
	{ KNOB("delack_adaptive", BOOL), FIELD(delack_adaptive), BOOL_RANGE,
	  DEFAULTS("true", "false"),
	  .doc = "the delayed-ACK timeout adapts to the gaps between segments, doubles when "
		 "the timer fires, bounded by the RTT (Linux ato)" },
	{ KNOB("delack_segments", INT), FIELD(delack_segments), RANGE(1, 64),
	  DEFAULTS("2", "2"), .doc = "ACK at least every this many full-sized segments" },
	{ KNOB("delack_count", ENUM), FIELD(delack_count), .names = delack_count_names,
	  DEFAULTS("bytes", "segments"),
	  .doc = "bytes: ACK once more than delack_segments - 1 full segments' worth is "
		 "unacknowledged (Linux __tcp_ack_snd_check); segments: once delack_segments "
		 "full segments arrived (RFC 1122 4.2.3.2)" },
	{ KNOB("shut_rd_discard", BOOL), FIELD(shut_rd_discard), BOOL_RANGE,
	  DEFAULTS("false", "true"),
	  .doc = "shutdown(SHUT_RD) discards the data received, queued or arriving later, "
		 "acknowledging it (4.4BSD soshutdown/sbflush); false: the data stays "
		 "readable, read() returning 0 only once the queue is empty (Linux "
		 "inet_shutdown only marks RCV_SHUTDOWN, tcp_recvmsg reads the queue first)" },
	{ KNOB("delack_window_check", BOOL), FIELD(delack_window_check), BOOL_RANGE,
	  DEFAULTS("true", "false"),
	  .doc = "that ACK waits while the window offered would shrink, so an application "
		 "that does not read gets delayed ACKs (Linux __tcp_ack_snd_check)" },
	{ KNOB("quickack_max", INT), FIELD(quickack_max), RANGE(0, 255), .unit = "ACKs",
	  DEFAULTS("16", "0"),
	  .doc = "quick-ACK mode: every segment ACKed at once at the start, after an idle gap "
		 "and after a retransmitted segment, at most this many (Linux TCP_MAX_QUICKACKS; "
		 "0 = off)" },
	{ KNOB("ack_pingpong", INT), FIELD(ack_pingpong), RANGE(0, 255), .unit = "replies",
	  DEFAULTS("1", "0"), SYSCTL("net.ipv4.tcp_pingpong_thresh", VALUE),
	  .doc = "interactive mode after this many replies sent within the delayed-ACK "
		 "timeout of the data they answer, and after the peer's FIN: no quick ACKs, "
		 "the reply carries the ACK (Linux pingpong; 0 = never)" },
	{ KNOB("ack_on_read", BOOL), FIELD(ack_on_read), BOOL_RANGE, DEFAULTS("true", "false"),
	  .doc = "an owed ACK goes out when the application reads (Linux tcp_cleanup_rbuf)" },
	{ KNOB("initial_window", INT), FIELD(initial_window), RANGE(0, 1000), .unit = "segments",
	  DEFAULTS("10", "0"), .doc = "initial cwnd, 0 for RFC 5681 3.1's 2 to 4 by SMSS" },
	{ KNOB("sndbuf", BYTES), FIELD(sndbuf), RANGE(1, 1 << 30), DEFAULTS("131072", "131072"),
	  SYSCTL("net.ipv4.tcp_wmem", VALUE), .sysctl_field = 2, .doc = "send buffer" },
	{ KNOB("rcvbuf", BYTES), FIELD(rcvbuf), RANGE(1, 1 << 30), DEFAULTS("131072", "131072"),
	  SYSCTL("net.ipv4.tcp_rmem", VALUE), .sysctl_field = 2,
	  .doc = "receive buffer at the start (see rcvbuf_accounting)" },
	{ KNOB("rcvbuf_max", BYTES), FIELD(rcvbuf_max), RANGE(0, 1 << 30),
	  DEFAULTS("33554432", "0"), SYSCTL("net.ipv4.tcp_rmem", VALUE), .sysctl_field = 3,
	  .doc = "largest receive buffer, which the window scale offered covers (Linux "
		 "tcp_select_initial_window; 0 = rcvbuf; linux: Linux 6.18's 32 MiB)" },
	{ KNOB("moderate_rcvbuf", BOOL), FIELD(moderate_rcvbuf), BOOL_RANGE,
	  DEFAULTS("true", "false"), SYSCTL("net.ipv4.tcp_moderate_rcvbuf", VALUE),
	  .doc = "receive-buffer autotuning: the buffer grows to twice what the application "
		 "read per receiver RTT, up to rcvbuf_max (Linux tcp_rcv_space_adjust)" },
	{ KNOB("rcv_window", ENUM), FIELD(rcv_window), .names = rfc_linux_names,
	  DEFAULTS("linux", "rfc"),
	  .doc = "window offered: rfc (free space, SWS avoidance, RFC 9293 3.8.6.2.2) or linux "
		 "(grows by 2 MSS a segment, one segment reserved, aligned to the scale; Linux "
		 "tcp_select_window)" },
	{ KNOB("rcvbuf_accounting", ENUM), FIELD(rcvbuf_accounting), .names = accounting_names,
	  DEFAULTS("skb", "payload"),
	  .doc = "what the receive buffer counts: payload bytes, or skb memory as Linux (a "
		 "full-sized segment costs about 2.3 KB, so the window is about half the buffer)" },
	{ KNOB("window_scaling", BOOL), FIELD(window_scaling), BOOL_RANGE, DEFAULTS("true", "true"),
	  SYSCTL("net.ipv4.tcp_window_scaling", VALUE), .doc = "RFC 7323 window scale option" },
	{ KNOB("window_probe", ENUM), FIELD(window_probe), .names = window_probe_names,
	  DEFAULTS("ack", "data"),
	  .doc = "zero-window probe: ack (SEG.SEQ = SND.UNA - 1, no data: Linux "
		 "tcp_xmit_probe_skb) or data (one new octet, RFC 9293 3.8.6.1)" },
	{ KNOB("mss", BYTES), FIELD(mss), RANGE(0, 65495), DEFAULTS("0", "0"),
	  .doc = "MSS override (0 = MTU - 40)" },
	{ KNOB("nagle", BOOL), FIELD(nagle), BOOL_RANGE, DEFAULTS("true", "true"),
	  .doc = "Nagle's algorithm (off = TCP_NODELAY)" },
	{ KNOB("nagle_minshall", BOOL), FIELD(nagle_minshall), BOOL_RANGE, DEFAULTS("true", "false"),
	  .doc = "Nagle holds only while a small segment is unacknowledged (Linux)" },
	{ KNOB("limited_transmit", BOOL), FIELD(limited_transmit), BOOL_RANGE,
	  DEFAULTS("true", "true"), .doc = "RFC 3042 limited transmit; ignored under recovery linux (duplicate ACKs "
		 "shrink packets in flight instead)" },
	{ KNOB("dupack_threshold", INT), FIELD(dupack_threshold), RANGE(1, 1000),
	  DEFAULTS("3", "3"), SYSCTL("net.ipv4.tcp_reordering", VALUE),
	  .doc = "duplicate ACKs for fast retransmit" },
	{ KNOB("partial_ack_timer", ENUM), FIELD(partial_ack_timer), .names = partial_names,
	  DEFAULTS("impatient", "impatient"),
	  .doc = "timer reset on the first partial ACK only, or on each (RFC 6582 3.2 step 3, "
		 "appendix A); ignored under recovery linux (Linux re-arms the RTO on every "
		 "ACK of new data)" },
	{ KNOB("loss_flightsize", ENUM), FIELD(loss_flightsize), .names = loss_flightsize_names,
	  DEFAULTS("outstanding", "outstanding"),
	  .doc = "FlightSize for ssthresh at fast retransmit: outstanding (RFC 5681) or pipe "
		 "(each duplicate ACK discounts a segment, as ns-3); ignored under recovery "
		 "linux (ssthresh from cwnd)" },
	{ KNOB("recovery", ENUM), FIELD(recovery), .names = recovery_names,
	  DEFAULTS("linux", "auto"),
	  .doc = "loss recovery: auto (the algorithm's Reno or NewReno without SACK, rfc6675 "
		 "with it), reno (RFC 5681), newreno (RFC 6582), rfc6675 (SACK scoreboard; "
		 "NewReno when the peer does not agree to SACK), linux (Linux's: ca_state "
		 "machine, PRR, RACK-TLP, F-RTO, undo; windows in packets)" },
	{ KNOB("rack", INT), FIELD(rack), RANGE(0, 7), DEFAULTS("1", "0"),
	  SYSCTL("net.ipv4.tcp_recovery", VALUE),
	  .doc = "recovery linux: RACK bits: 1 RACK loss detection (RFC 8985), 2 static "
		 "reordering window, 4 no duplicate-ACK threshold" },
	{ KNOB("early_retrans", INT), FIELD(early_retrans), RANGE(0, 4), DEFAULTS("3", "0"),
	  SYSCTL("net.ipv4.tcp_early_retrans", VALUE),
	  .doc = "recovery linux: tail loss probes (RFC 8985 7) when 3 or 4" },
	{ KNOB("frto", INT), FIELD(frto), RANGE(0, 2), DEFAULTS("2", "0"),
	  SYSCTL("net.ipv4.tcp_frto", VALUE),
	  .doc = "recovery linux: F-RTO (RFC 5682, SACK-enhanced) after a timeout, not 0" },
	{ KNOB("max_reordering", INT), FIELD(max_reordering), RANGE(1, 100000),
	  .unit = "segments", DEFAULTS("300", "300"), SYSCTL("net.ipv4.tcp_max_reordering", VALUE),
	  .doc = "recovery linux: the most reordering the sender adapts to" },
	{ KNOB("slow_start_after_idle", BOOL), FIELD(slow_start_after_idle), BOOL_RANGE,
	  DEFAULTS("true", "false"), SYSCTL("net.ipv4.tcp_slow_start_after_idle", VALUE),
	  .doc = "recovery linux: cwnd restarts after an idle RTO (RFC 5681 4.1) and an "
		 "unused window shrinks (RFC 2861; Linux tcp_cwnd_validate)" },
	{ KNOB("min_rtt_wlen", DURATION), FIELD(min_rtt_wlen), RANGE(0, DAY),
	  DEFAULTS("300s", "300s"), SYSCTL("net.ipv4.tcp_min_rtt_wlen", SEC),
	  .doc = "recovery linux: the window of the minimum RTT (RACK, CUBIC)" },
	{ KNOB("ecn", INT), FIELD(ecn), RANGE(0, 2), DEFAULTS("2", "0"),
	  SYSCTL("net.ipv4.tcp_ecn", VALUE),
	  .doc = "ECN (RFC 3168): 0 off, 1 request it on connections opened and accept it "
		 "on those accepted, 2 accept it only; an algorithm that needs ECN (dctcp) "
		 "requests it whatever this says" },
	{ KNOB("sack", BOOL), FIELD(sack), BOOL_RANGE, DEFAULTS("true", "false"),
	  SYSCTL("net.ipv4.tcp_sack", VALUE),
	  .doc = "offer and accept SACK-permitted (RFC 2018); used when both SYNs carry it" },
	{ KNOB("dsack", BOOL), FIELD(dsack), BOOL_RANGE, DEFAULTS("true", "false"),
	  SYSCTL("net.ipv4.tcp_dsack", VALUE),
	  .doc = "report duplicate segments as DSACK blocks (RFC 2883), with SACK" },
	{ KNOB("timestamps", BOOL), FIELD(timestamps), BOOL_RANGE, DEFAULTS("true", "false"),
	  SYSCTL("net.ipv4.tcp_timestamps", VALUE),
	  .doc = "offer and accept timestamps (RFC 7323: an RTT sample per ACK, PAWS); "
		 "12 option bytes per segment" },
	{ KNOB("recovery_exit", ENUM), FIELD(cc_cfg.recovery_exit), .names = recovery_exit_names,
	  DEFAULTS("flight", "flight"),
	  .doc = "cwnd at the end of fast recovery: flight (RFC 6582 3.2 step 3 option 1) or "
		 "ssthresh (option 2, as ns-3); ignored under recovery linux (cwnd = ssthresh)" },
	{ KNOB("msl", DURATION), FIELD(msl), RANGE(0, DAY), DEFAULTS("30s", "120s"),
	  .doc = "maximum segment lifetime (TIME-WAIT = 2 msl)" },
	{ KNOB("fin_wait2_timeout", DURATION), FIELD(fin_wait2_timeout), RANGE(0, DAY),
	  DEFAULTS("60s", "0"), SYSCTL("net.ipv4.tcp_fin_timeout", SEC),
	  .doc = "orphaned FIN-WAIT-2 timeout (0 = none)" },
	{ KNOB("syncookies", INT), FIELD(syncookies), RANGE(0, 2), DEFAULTS("1", "0"),
	  SYSCTL("net.ipv4.tcp_syncookies", VALUE),
	  .doc = "SYN cookies: 0 never, 1 when a listener's SYN queue is full, 2 always "
		 "(rfc: none, RFC 9293 has no cookies; RFC 4987 3.6)" },
	{ KNOB("max_syn_backlog", INT), FIELD(max_syn_backlog), RANGE(1, 1 << 20),
	  DEFAULTS("1024", "1024"), SYSCTL("net.ipv4.tcp_max_syn_backlog", VALUE),
	  .doc = "without syncookies, a SYN finding more than 3/4 of this many half-open "
		 "connections is dropped (Linux: max(128, hash buckets / 128), by memory)" },
	{ KNOB("keepalive", BOOL), FIELD(keepalive), BOOL_RANGE, DEFAULTS("false", "false"),
	  .doc = "SO_KEEPALIVE on new sockets" },
	{ KNOB("keepalive_idle", DURATION), FIELD(keepalive_idle), RANGE(SIM_S(1), 30 * DAY),
	  DEFAULTS("7200s", "7200s"), SYSCTL("net.ipv4.tcp_keepalive_time", SEC),
	  .doc = "idle time before probing (RFC 1122 4.2.3.6)" },
	{ KNOB("keepalive_interval", DURATION), FIELD(keepalive_interval), RANGE(SIM_S(1), DAY),
	  DEFAULTS("75s", "75s"), SYSCTL("net.ipv4.tcp_keepalive_intvl", SEC),
	  .doc = "between probes" },
	{ KNOB("keepalive_probes", INT), FIELD(keepalive_probes), RANGE(1, 255), DEFAULTS("9", "9"),
	  SYSCTL("net.ipv4.tcp_keepalive_probes", VALUE),
	  .doc = "unanswered probes before ETIMEDOUT" },
	{ KNOB("keepalive_rst", BOOL), FIELD(keepalive_rst), BOOL_RANGE, DEFAULTS("true", "true"),
	  .doc = "a RST to the peer when keepalive gives up (Linux tcp_keepalive_timer, BSD "
		 "tcp_drop)" },
	{ KNOB("pmtud", BOOL), FIELD(pmtud), BOOL_RANGE, DEFAULTS("true", "true"),
	  SYSCTL("net.ipv4.ip_no_pmtu_disc", NOT),
	  .doc = "DF on segments, path MTU discovery (RFC 1191)" },
	{ KNOB("ttl", INT), FIELD(ttl), RANGE(1, 255), .unit = "hops", DEFAULTS("64", "64"),
	  SYSCTL("net.ipv4.ip_default_ttl", VALUE), .doc = "IPv4 TTL of segments" },
};

const struct tcp_knob *tcp_knobs(size_t *count)
{
	*count = G_N_ELEMENTS(knobs);
	return knobs;
}

const struct tcp_knob *tcp_knob_find(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(knobs); i++)
		if (strcmp(knobs[i].name, name) == 0)
			return &knobs[i];
	return NULL;
}

/* ---- values ---- */

int64_t tcp_knob_get(const struct tcp_config *cfg, const struct tcp_knob *k)
{
	if (k->get)
		return k->get(cfg);
	const char *p = (const char *)cfg + k->offset;
	switch (k->size) {
	case sizeof(bool): {
		bool b;
		memcpy(&b, p, sizeof b);
		return b;
	}
	case sizeof(uint32_t): {
		uint32_t u;
		memcpy(&u, p, sizeof u);
		return u;
	}
	default: {
		int64_t v;
		memcpy(&v, p, sizeof v);
		return v;
	}
	}
}

/* Stores an already range-checked value in the knob's field. */
static void knob_store(struct tcp_config *cfg, const struct tcp_knob *k, int64_t v)
{
	if (k->set) {
		k->set(cfg, v);
		return;
	}
	char *p = (char *)cfg + k->offset;
	switch (k->size) {
	case sizeof(bool): {
		bool b = v != 0;
		memcpy(p, &b, sizeof b);
		break;
	}
	case sizeof(uint32_t): {
		uint32_t u = (uint32_t)v;
		memcpy(p, &u, sizeof u);
		break;
	}
	default:
		memcpy(p, &v, sizeof v);
		break;
	}
}

static int64_t enum_count(const struct tcp_knob *k)
{
	const char *const *n = k->names();
	int64_t count = 0;
	while (n[count])
		count++;
	return count;
}

int tcp_knob_set(struct tcp_config *cfg, const struct tcp_knob *k, int64_t v)
{
	if (k->type == TCP_KNOB_ENUM) {
		if (v < 0 || v >= enum_count(k))
			return -EINVAL;
	} else if (v < k->min || v > k->max) {
		return -ERANGE;
	}
	knob_store(cfg, k, v);
	return 0;
}

/* Parses text in the knob's unit into its int64 form. */
static int knob_value(const struct tcp_knob *k, const char *text, int64_t *v)
{
	switch (k->type) {
	case TCP_KNOB_BOOL:
		if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
			*v = 1;
		else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
			*v = 0;
		else
			return -EINVAL;
		return 0;
	case TCP_KNOB_INT: {
		char *end = NULL;
		errno = 0;
		if (!*text)
			return -EINVAL;
		gint64 x = g_ascii_strtoll(text, &end, 10);
		if (*end || errno == ERANGE)
			return -EINVAL;
		*v = x;
		return 0;
	}
	case TCP_KNOB_BYTES: {
		uint64_t b;
		if (sim_parse_size(text, &b) < 0)
			return -EINVAL;
		if (b > INT64_MAX)
			return -ERANGE;
		*v = (int64_t)b;
		return 0;
	}
	case TCP_KNOB_DURATION:
		return sim_parse_duration(text, v) < 0 ? -EINVAL : 0;
	case TCP_KNOB_ENUM: {
		const char *const *n = k->names();
		for (int64_t i = 0; n[i]; i++)
			if (strcmp(n[i], text) == 0) {
				*v = i;
				return 0;
			}
		return -EINVAL;
	}
	}
	return -EINVAL;
}

int tcp_knob_parse(struct tcp_config *cfg, const struct tcp_knob *k, const char *text)
{
	int64_t v = 0;
	int r = knob_value(k, text, &v);
	return r < 0 ? r : tcp_knob_set(cfg, k, v);
}

int tcp_knob_format(const struct tcp_config *cfg, const struct tcp_knob *k, char *buf, size_t n)
{
	int64_t v = tcp_knob_get(cfg, k);
	switch (k->type) {
	case TCP_KNOB_BOOL:
		return snprintf(buf, n, "%s", v ? "true" : "false");
	case TCP_KNOB_INT:
	case TCP_KNOB_BYTES:
		return snprintf(buf, n, "%" G_GINT64_FORMAT, v);
	case TCP_KNOB_DURATION:
		return sim_format_duration(v, buf, n);
	case TCP_KNOB_ENUM:
		return snprintf(buf, n, "%s", v >= 0 && v < enum_count(k) ? k->names()[v] : "?");
	}
	return -1;
}

/* ---- profiles ---- */

void tcp_config_defaults(struct tcp_config *cfg, enum tcp_profile profile)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = profile;
	for (size_t i = 0; i < G_N_ELEMENTS(knobs); i++) {
		const struct tcp_knob *k = &knobs[i];
		if (k->set == set_profile)
			continue;
		const char *text = profile == TCP_PROFILE_RFC ? k->rfc_default : k->linux_default;
		if (tcp_knob_parse(cfg, k, text) != 0)
			g_error("tcp: knob %s: bad %s default \"%s\"", k->name,
				tcp_profile_name(profile), text);
	}
}

int tcp_config_validate(const struct tcp_config *cfg, const char **why)
{
	const char *w = NULL;
	if (!tcp_cc_find(cfg->cc))
		w = "unknown congestion control algorithm";
	else if (cfg->rto_min > cfg->rto_max)
		w = "rto_min exceeds rto_max";
	else if (cfg->rto_initial > cfg->rto_max || cfg->rto_syn_initial > cfg->rto_max)
		w = "initial RTO exceeds rto_max";
	else if (cfg->keepalive_interval == 0 && cfg->keepalive)
		w = "keepalive_interval must be positive";
	else if (cfg->delack_adaptive && cfg->delack_timeout > cfg->delack_max)
		w = "delack_timeout exceeds delack_max";
	if (why)
		*why = w;
	return w ? -EINVAL : 0;
}

const void *tcp_config_cc_params(const struct tcp_config *cfg, const struct tcp_cc_ops *ops)
{
	/* One line per algorithm that has parameters of its own. */
	if (ops == &tcp_cc_cubic)
		return &cfg->cubic;
	return NULL;
}

const char *tcp_profile_name(enum tcp_profile p)
{
	return p == TCP_PROFILE_RFC ? "rfc" : "linux";
}

int tcp_profile_parse(const char *name, enum tcp_profile *p)
{
	int64_t v;
	if (knob_value(tcp_knob_find("profile"), name, &v) != 0)
		return -EINVAL;
	*p = (enum tcp_profile)v;
	return 0;
}

/* ---- documentation ---- */

static const char *sysctl_note(const struct tcp_knob *k)
{
	switch (k->sysctl_map) {
	case TCP_SYSCTL_SEC:
		return " (seconds)";
	case TCP_SYSCTL_MS:
		return " (milliseconds)";
	case TCP_SYSCTL_US:
		return " (microseconds)";
	case TCP_SYSCTL_NOT:
		return " (inverted)";
	case TCP_SYSCTL_INDEX:
		return " (0, 1, ... in the order above)";
	case TCP_SYSCTL_LINUX_CC:
		return " (Linux's reno is newreno here)";
	default:
		return "";
	}
}

char *tcp_knob_doc(const struct tcp_knob *k)
{
	GString *s = g_string_new(k->doc);
	if (k->unit)
		g_string_append_printf(s, ", in %s", k->unit);
	if (k->sysctl) {
		g_string_append_printf(s, "; sysctl %s", k->sysctl);
		if (k->sysctl_field)
			g_string_append_printf(s, " (field %u)", k->sysctl_field);
		g_string_append(s, sysctl_note(k));
	}
	return g_string_free(s, FALSE);
}

/* ---- Linux sysctls ---- */

/* Whether a sysctl name matches, written with dots (net.ipv4.tcp_sack) or as its
 * /proc/sys path (net/ipv4/tcp_sack, /proc/sys/net/ipv4/tcp_sack). */
static bool sysctl_name_eq(const char *table, const char *name)
{
	if (g_str_has_prefix(name, "/proc/sys/"))
		name += strlen("/proc/sys/");
	for (; *table && *name; table++, name++)
		if (*table != *name && !(*table == '.' && *name == '/'))
			return false;
	return *table == *name;
}

const struct tcp_knob *tcp_knob_find_sysctl(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(knobs); i++)
		if (knobs[i].sysctl && sysctl_name_eq(knobs[i].sysctl, name))
			return &knobs[i];
	return NULL;
}

/* Field `field` (1-based) of a whitespace-separated value, into buf. */
static int sysctl_field(const char *text, unsigned field, char *buf, size_t n)
{
	char **parts = g_strsplit_set(text, " \t", -1);
	unsigned seen = 0;
	int r = -EINVAL;
	for (char **p = parts; *p; p++) {
		if (!**p)
			continue;
		if (++seen == field) {
			r = g_strlcpy(buf, *p, n) < n ? 0 : -EINVAL;
			break;
		}
	}
	g_strfreev(parts);
	return r;
}

/* A non-negative decimal integer, the form every numeric sysctl takes. */
static int sysctl_int(const char *text, int64_t *v)
{
	char *end = NULL;
	if (!g_ascii_isdigit(*text))
		return -EINVAL;
	errno = 0;
	guint64 x = g_ascii_strtoull(text, &end, 10);
	if (*end || errno == ERANGE || x > INT64_MAX)
		return -EINVAL;
	*v = (int64_t)x;
	return 0;
}

static int sysctl_scaled(struct tcp_config *cfg, const struct tcp_knob *k, const char *text,
			 int64_t unit)
{
	int64_t v;
	if (sysctl_int(text, &v) < 0)
		return -EINVAL;
	if (v > INT64_MAX / unit)
		return -ERANGE;
	return tcp_knob_set(cfg, k, v * unit);
}

/* One knob from its sysctl's text. */
static int apply_sysctl_knob(struct tcp_config *cfg, const struct tcp_knob *k, const char *text)
{
	char buf[64];
	char *value = g_strstrip(g_strdup(text));
	int r = 0;
	if (k->sysctl_field)
		r = sysctl_field(value, k->sysctl_field, buf, sizeof buf);
	else if (g_strlcpy(buf, value, sizeof buf) >= sizeof buf)
		r = -EINVAL;
	g_free(value);
	if (r < 0)
		return r;
	int64_t v;
	switch (k->sysctl_map) {
	case TCP_SYSCTL_NONE:
		return -ENOENT;
	case TCP_SYSCTL_VALUE:
		return tcp_knob_parse(cfg, k, buf);
	case TCP_SYSCTL_NOT:
		if (sysctl_int(buf, &v) < 0)
			return -EINVAL;
		return tcp_knob_set(cfg, k, v == 0);
	case TCP_SYSCTL_INDEX:
		if (sysctl_int(buf, &v) < 0)
			return -EINVAL;
		return tcp_knob_set(cfg, k, v);
	case TCP_SYSCTL_SEC:
		return sysctl_scaled(cfg, k, buf, SIM_S(1));
	case TCP_SYSCTL_MS:
		return sysctl_scaled(cfg, k, buf, SIM_MS(1));
	case TCP_SYSCTL_US:
		return sysctl_scaled(cfg, k, buf, SIM_US(1));
	case TCP_SYSCTL_LINUX_CC:
		/* Linux's "reno" module only does the window arithmetic; its recovery
		 * (tcp_input.c) goes on through partial ACKs, which is NewReno here. */
		return tcp_knob_parse(cfg, k, strcmp(buf, "reno") == 0 ? "newreno" : buf);
	}
	return -EINVAL;
}

int tcp_config_apply_sysctl(struct tcp_config *cfg, const char *name, const char *text)
{
	/* Several knobs may mirror one multi-value sysctl (tcp_rmem: rcvbuf, rcvbuf_max). */
	int r = -ENOENT;
	for (size_t i = 0; i < G_N_ELEMENTS(knobs); i++) {
		if (!knobs[i].sysctl || !sysctl_name_eq(knobs[i].sysctl, name))
			continue;
		int k = apply_sysctl_knob(cfg, &knobs[i], text);
		if (k < 0)
			return k;
		r = 0;
	}
	return r;
}
