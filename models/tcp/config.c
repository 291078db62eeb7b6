/* models/tcp/config.c — the two profiles and the knob table (tcp.h).
 *
 * Used by whoever builds stacks (tcp_config_defaults) and by the scenario reader and
 * the summary writer (the knob table), so that every value TCP assumes can be set
 * from a scenario and is reported.
 */
#include <errno.h>
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

void tcp_config_defaults(struct tcp_config *cfg, enum tcp_profile profile)
{
	bool linux_p = profile == TCP_PROFILE_LINUX;
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = profile;
	g_strlcpy(cfg->cc, linux_p ? "cubic" : "newreno", sizeof(cfg->cc));
	tcp_cc_config_default(&cfg->cc_cfg);
	cfg->cubic = tcp_cc_cubic_defaults;
	/* An RTO during fast recovery: Linux keeps ssthresh, RFC 5681 §3.1 recomputes. */
	cfg->cc_cfg.rto_keeps_recovery_ssthresh = linux_p;

	cfg->rto_formula = linux_p ? TCP_RTO_FORMULA_LINUX : TCP_RTO_FORMULA_RFC;
	cfg->rto_min = linux_p ? SIM_MS(200) : SIM_S(1);
	cfg->rto_initial = SIM_S(1);       /* RFC 6298 (2.1); Linux TCP_TIMEOUT_INIT */
	cfg->rto_syn_initial = SIM_S(1);
	cfg->rto_max = linux_p ? SIM_S(120) : SIM_S(60);
	cfg->clock_granularity = SIM_MS(1);
	cfg->data_retries = 15;            /* Linux tcp_retries2 */
	cfg->syn_retries = linux_p ? 6 : 7; /* rfc: ≥ 3 min (RFC 1122 §4.2.3.5 R2) */
	cfg->synack_retries = 5;           /* Linux tcp_synack_retries */

	cfg->delayed_ack = true;
	cfg->delack_timeout = linux_p ? SIM_MS(40) : SIM_MS(200);
	cfg->delack_segments = 2;

	cfg->initial_window = linux_p ? 10 : 0;
	cfg->sndbuf = 131072;
	cfg->rcvbuf = 131072;
	cfg->window_scaling = true;
	cfg->mss = 0;

	cfg->nagle = true;
	cfg->nagle_minshall = linux_p;
	cfg->limited_transmit = true;
	cfg->dupack_threshold = 3;
	cfg->partial_ack_timer = TCP_PARTIAL_ACK_IMPATIENT;
	cfg->loss_flightsize = TCP_LOSS_FLIGHTSIZE_OUTSTANDING;

	cfg->msl = linux_p ? SIM_S(30) : SIM_S(120);
	cfg->fin_wait2_timeout = linux_p ? SIM_S(60) : 0;
	cfg->keepalive = false;
	cfg->keepalive_idle = SIM_S(7200);
	cfg->keepalive_interval = SIM_S(75);
	cfg->keepalive_probes = 9;

	cfg->pmtud = true;
	cfg->ttl = 64;
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
	if (strcmp(name, "linux") == 0)
		*p = TCP_PROFILE_LINUX;
	else if (strcmp(name, "rfc") == 0)
		*p = TCP_PROFILE_RFC;
	else
		return -EINVAL;
	return 0;
}

/* ---- the knob table ---- */

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

/* Accessors for plain fields. */
#define ACC(field, ctype)                                                                 \
	static int64_t get_##field(const struct tcp_config *c) { return (int64_t)c->field; } \
	static void set_##field(struct tcp_config *c, int64_t v) { c->field = (ctype)v; }
#define ACC_CC(field, ctype)                                                                     \
	static int64_t get_cc_##field(const struct tcp_config *c) { return (int64_t)c->cc_cfg.field; } \
	static void set_cc_##field(struct tcp_config *c, int64_t v) { c->cc_cfg.field = (ctype)v; }

ACC(rto_formula, enum tcp_rto_formula)
ACC(rto_min, sim_time_t)
ACC(rto_initial, sim_time_t)
ACC(rto_syn_initial, sim_time_t)
ACC(rto_max, sim_time_t)
ACC(clock_granularity, sim_time_t)
ACC(data_retries, uint32_t)
ACC(syn_retries, uint32_t)
ACC(synack_retries, uint32_t)
ACC(delayed_ack, bool)
ACC(delack_timeout, sim_time_t)
ACC(delack_segments, uint32_t)
ACC(initial_window, uint32_t)
ACC(sndbuf, uint32_t)
ACC(rcvbuf, uint32_t)
ACC(window_scaling, bool)
ACC(mss, uint32_t)
ACC(nagle, bool)
ACC(nagle_minshall, bool)
ACC(limited_transmit, bool)
ACC(dupack_threshold, uint32_t)
ACC(partial_ack_timer, enum tcp_partial_ack_timer)
ACC(loss_flightsize, enum tcp_loss_flightsize)
ACC(msl, sim_time_t)
ACC(fin_wait2_timeout, sim_time_t)
ACC(keepalive, bool)
ACC(keepalive_idle, sim_time_t)
ACC(keepalive_interval, sim_time_t)
ACC(keepalive_probes, uint32_t)
ACC(pmtud, bool)
ACC(ttl, uint32_t)
ACC_CC(growth, enum tcp_cc_growth)
ACC_CC(recovery_exit, enum tcp_cc_recovery_exit)
ACC_CC(abc_l_segments, uint32_t)
#define ACC_CUBIC(field, ctype)                                                                    \
	static int64_t get_cubic_##field(const struct tcp_config *c) { return (int64_t)c->cubic.field; } \
	static void set_cubic_##field(struct tcp_config *c, int64_t v) { c->cubic.field = (ctype)v; }
ACC_CUBIC(beta_permille, uint32_t)
ACC_CUBIC(c_permille, uint32_t)
ACC_CUBIC(fast_convergence, bool)
ACC_CUBIC(reno_friendly, bool)
ACC_CC(rto_keeps_recovery_ssthresh, bool)

#define HOUR SIM_S(3600)
#define DAY (24 * HOUR)

#define K_BOOL(nm, f, d) { nm, TCP_KNOB_BOOL, 0, 1, d, NULL, get_##f, set_##f }
#define K_INT(nm, f, lo, hi, d) { nm, TCP_KNOB_INT, lo, hi, d, NULL, get_##f, set_##f }
#define K_BYTES(nm, f, lo, hi, d) { nm, TCP_KNOB_BYTES, lo, hi, d, NULL, get_##f, set_##f }
#define K_DUR(nm, f, lo, hi, d) { nm, TCP_KNOB_DURATION, lo, hi, d, NULL, get_##f, set_##f }
#define K_ENUM(nm, f, names, d) { nm, TCP_KNOB_ENUM, 0, 0, d, names, get_##f, set_##f }

static const struct tcp_knob knobs[] = {
	K_ENUM("profile", profile, profile_names,
	       "defaults: linux or rfc (apply first: reloads every other knob)"),
	K_ENUM("cc", cc, tcp_cc_names, "congestion control algorithm"),
	K_ENUM("cc_growth", cc_growth, growth_names,
	       "window growth: bytes (RFC 3465 byte counting) or per_ack (+SMSS per ACK)"),
	K_INT("abc_l", cc_abc_l_segments, 1, 64, "RFC 3465 L, segments"),
	K_INT("cubic_beta", cubic_beta_permille, 1, 999, "CUBIC beta, permille"),
	K_INT("cubic_c", cubic_c_permille, 1, 10000, "CUBIC C, permille"),
	K_BOOL("cubic_fast_convergence", cubic_fast_convergence, "CUBIC fast convergence"),
	K_BOOL("cubic_reno_friendly", cubic_reno_friendly, "CUBIC Reno-friendly region"),
	K_BOOL("rto_keeps_recovery_ssthresh", cc_rto_keeps_recovery_ssthresh,
	       "an RTO during fast recovery keeps ssthresh (Linux) instead of recomputing it "
	       "from FlightSize (RFC 5681 3.1)"),
	K_ENUM("rto_formula", rto_formula, rto_formula_names,
	       "linux: SRTT + max(rto_min, 4 RTTVAR); rfc: max(rto_min, SRTT + max(G, 4 RTTVAR))"),
	K_DUR("rto_min", rto_min, SIM_MS(1), HOUR, "RTO floor (linux: of the variance term)"),
	K_DUR("rto_initial", rto_initial, SIM_MS(1), HOUR, "RTO before the first RTT sample"),
	K_DUR("rto_syn_initial", rto_syn_initial, SIM_MS(1), HOUR, "initial RTO of SYN and SYN-ACK"),
	K_DUR("rto_max", rto_max, SIM_MS(1), DAY, "RTO and persist interval cap"),
	K_DUR("clock_granularity", clock_granularity, 0, SIM_S(1), "G of RFC 6298"),
	K_INT("data_retries", data_retries, 1, 255, "RTO expirations in a row before ETIMEDOUT"),
	K_INT("syn_retries", syn_retries, 0, 255, "SYN retransmissions before ETIMEDOUT"),
	K_INT("synack_retries", synack_retries, 0, 255, "SYN-ACK retransmissions"),
	K_BOOL("delayed_ack", delayed_ack, "delay ACKs (RFC 1122 4.2.3.2)"),
	K_DUR("delack_timeout", delack_timeout, SIM_US(1), SIM_MS(500), "delayed-ACK timeout"),
	K_INT("delack_segments", delack_segments, 1, 64,
	      "ACK at least every this many full-sized segments"),
	K_INT("initial_window", initial_window, 0, 1000,
	      "initial cwnd, segments (0 = RFC 5681 3.1 rule)"),
	K_BYTES("sndbuf", sndbuf, 1, 1 << 30, "send buffer, bytes"),
	K_BYTES("rcvbuf", rcvbuf, 1, 1 << 30, "receive buffer, bytes"),
	K_BOOL("window_scaling", window_scaling, "RFC 7323 window scale option"),
	K_BYTES("mss", mss, 0, 65495, "MSS override, bytes (0 = MTU - 40)"),
	K_BOOL("nagle", nagle, "Nagle's algorithm (off = TCP_NODELAY)"),
	K_BOOL("nagle_minshall", nagle_minshall,
	       "Nagle holds only while a small segment is unacknowledged (Linux)"),
	K_BOOL("limited_transmit", limited_transmit, "RFC 3042 limited transmit"),
	K_INT("dupack_threshold", dupack_threshold, 1, 1000, "duplicate ACKs for fast retransmit"),
	K_ENUM("partial_ack_timer", partial_ack_timer, partial_names,
	       "RFC 6582 4: timer reset on partial ACKs"),
	K_ENUM("loss_flightsize", loss_flightsize, loss_flightsize_names,
	       "FlightSize for ssthresh at fast retransmit: outstanding (RFC 5681) or pipe "
	       "(each duplicate ACK discounts a segment, as ns-3)"),
	K_ENUM("recovery_exit", cc_recovery_exit, recovery_exit_names,
	       "cwnd at the end of fast recovery: flight (RFC 6582 option 1) or ssthresh "
	       "(option 2, as ns-3)"),
	K_DUR("msl", msl, 0, DAY, "maximum segment lifetime (TIME-WAIT = 2 msl)"),
	K_DUR("fin_wait2_timeout", fin_wait2_timeout, 0, DAY,
	      "orphaned FIN-WAIT-2 timeout (0 = none)"),
	K_BOOL("keepalive", keepalive, "SO_KEEPALIVE on new sockets"),
	K_DUR("keepalive_idle", keepalive_idle, SIM_S(1), 30 * DAY, "idle time before probing"),
	K_DUR("keepalive_interval", keepalive_interval, SIM_S(1), DAY, "between probes"),
	K_INT("keepalive_probes", keepalive_probes, 1, 255, "unanswered probes before ETIMEDOUT"),
	K_BOOL("pmtud", pmtud, "DF on segments, path MTU discovery (RFC 1191)"),
	K_INT("ttl", ttl, 1, 255, "IPv4 TTL of segments"),
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

int64_t tcp_knob_get(const struct tcp_config *cfg, const struct tcp_knob *k)
{
	return k->get(cfg);
}

int tcp_knob_set(struct tcp_config *cfg, const struct tcp_knob *k, int64_t v)
{
	if (k->type == TCP_KNOB_ENUM) {
		const char *const *n = k->names();
		int64_t count = 0;
		while (n[count])
			count++;
		if (v < 0 || v >= count)
			return -EINVAL;
	} else if (v < k->min || v > k->max) {
		return -ERANGE;
	}
	k->set(cfg, v);
	return 0;
}

int tcp_knob_parse(struct tcp_config *cfg, const struct tcp_knob *k, const char *text)
{
	int64_t v = 0;
	switch (k->type) {
	case TCP_KNOB_BOOL:
		if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
			v = 1;
		else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
			v = 0;
		else
			return -EINVAL;
		break;
	case TCP_KNOB_INT: {
		char *end = NULL;
		errno = 0;
		if (!*text)
			return -EINVAL;
		gint64 x = g_ascii_strtoll(text, &end, 10);
		if (*end || errno == ERANGE)
			return -EINVAL;
		v = x;
		break;
	}
	case TCP_KNOB_BYTES: {
		uint64_t b;
		if (sim_parse_size(text, &b) < 0)
			return -EINVAL;
		if (b > INT64_MAX)
			return -ERANGE;
		v = (int64_t)b;
		break;
	}
	case TCP_KNOB_DURATION: {
		sim_time_t t;
		if (sim_parse_duration(text, &t) < 0)
			return -EINVAL;
		v = t;
		break;
	}
	case TCP_KNOB_ENUM: {
		const char *const *n = k->names();
		int64_t i = 0;
		while (n[i] && strcmp(n[i], text) != 0)
			i++;
		if (!n[i])
			return -EINVAL;
		v = i;
		break;
	}
	}
	return tcp_knob_set(cfg, k, v);
}

int tcp_knob_format(const struct tcp_config *cfg, const struct tcp_knob *k, char *buf, size_t n)
{
	int64_t v = k->get(cfg);
	switch (k->type) {
	case TCP_KNOB_BOOL:
		return snprintf(buf, n, "%s", v ? "true" : "false");
	case TCP_KNOB_INT:
	case TCP_KNOB_BYTES:
		return snprintf(buf, n, "%" G_GINT64_FORMAT, v);
	case TCP_KNOB_DURATION:
		return sim_format_duration(v, buf, n);
	case TCP_KNOB_ENUM: {
		const char *const *names = k->names();
		int64_t count = 0;
		while (names[count])
			count++;
		return snprintf(buf, n, "%s", v >= 0 && v < count ? names[v] : "?");
	}
	}
	return -1;
}
