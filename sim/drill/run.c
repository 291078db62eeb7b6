/* sim/drill/run.c — the event loop of a packetdrill script in simulated time.
 *
 * packetdrill (run.c) runs a script's events in order against the wall clock; here
 * the clock is the simulator's. Before each event the simulation runs up to the
 * event's time, so the host's timers fire and its packets leave as they would have
 * meanwhile. The rules for times are packetdrill's:
 *
 *   - "+T" is relative to the previous event's script time when both events are
 *     injected packets (adjust_relative_event_times anchors them), otherwise to the
 *     time the previous event finished (a '>' packet: when it arrived);
 *   - a blocking call's "...T" is relative like its start time, and it must return
 *     within the tolerance of T;
 *   - the tolerance is --tolerance_usecs (4 ms) or 12.5% of the time since the
 *     previous event, whichever is larger (verify_time);
 *   - a call issued while a blocking call is in progress first waits for it to return
 *     (packetdrill's main thread waits for its system-call thread).
 *
 * The first failure decides the verdict; a skip (a feature netsim does not model)
 * likewise stops the script.
 */
#include <stdarg.h>
#include <string.h>

#include "models/ip/node.h"
#include "sim/drill/run_int.h"

#define DEFAULT_TOLERANCE SIM_US(4000)

const char *drill_fmt_time(int64_t ns, char buf[32])
{
	int64_t us = ns / 1000;
	g_snprintf(buf, 32, "%s%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, us < 0 ? "-" : "",
	           (us < 0 ? -us : us) / 1000000, (us < 0 ? -us : us) % 1000000);
	return buf;
}

static void decide(struct drill_run *r, enum drill_verdict v, int line, const char *fmt, va_list ap)
{
	if (r->done)
		return;
	r->done = true;
	r->res->verdict = v;
	r->res->line = line;
	r->res->time_ns = r->fail_time >= 0 ? r->fail_time : sim_now(&r->sim);
	char *m = g_strdup_vprintf(fmt, ap);
	/* A verdict is one line: script text quoted in it (a command, a token) has its
	 * line breaks and other control characters written out. */
	GString *one = g_string_sized_new(strlen(m));
	for (const char *q = m; *q; q++) {
		if (*q == '\n')
			g_string_append(one, "\\n");
		else if ((unsigned char)*q < 0x20 || *q == 0x7f)
			g_string_append_printf(one, "\\x%02x", (unsigned char)*q);
		else
			g_string_append_c(one, *q);
	}
	g_free(m);
	r->res->message = g_string_free(one, FALSE);
	/* Stop the simulation at once if a callback decided. */
	sim_stop(&r->sim);
}

void drill_fail(struct drill_run *r, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	decide(r, DRILL_FAIL, line, fmt, ap);
	va_end(ap);
}

void drill_skip(struct drill_run *r, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	decide(r, DRILL_SKIP, line, fmt, ap);
	va_end(ap);
}

void drill_log(struct drill_run *r, const char *fmt, ...)
{
	if (!r->o->verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char tb[32];
	fprintf(r->log, "%s %s: %s\n", drill_fmt_time(sim_now(&r->sim), tb), r->s->path, m);
	g_free(m);
}

void drill_advance(struct drill_run *r, int64_t t)
{
	while (!r->done && sim_now(&r->sim) < t) {
		sim_run(&r->sim, t);
		if (sim_pending_events(&r->sim) == 0 && sim_now(&r->sim) < t)
			sim_run(&r->sim, t);
	}
	/* Events due exactly now (readiness callbacks of what just happened). */
	if (!r->done)
		sim_run(&r->sim, sim_now(&r->sim));
}

int64_t drill_tolerance_over(const struct drill_run *r, int64_t d)
{
	/* max(tolerance, d · percentage), without overflow for any d >= 0. */
	int64_t pct = r->tolerance_pct_x10;
	int64_t dyn = d / 1000 * pct + d % 1000 * pct / 1000;
	return dyn > r->tolerance_ns ? dyn : r->tolerance_ns;
}

int64_t drill_tolerance(const struct drill_run *r, int64_t t)
{
	if (!r->last_event || t < r->last_event_ns)
		return r->tolerance_ns;
	return drill_tolerance_over(r, t - r->last_event_ns);
}

/* ---- options ---- */

static int parse_usecs(const char *v, int64_t *ns)
{
	if (!v)
		return -1;
	char *end = NULL;
	gint64 us = g_ascii_strtoll(v, &end, 10);
	if (*end || us < 0 || us > INT64_MAX / 1000)
		return -1;
	*ns = us * 1000;
	return 0;
}

/* The script's --options: timing ones are honoured, the rest logged. */
static void apply_options(struct drill_run *r)
{
	const struct drill_script *s = r->s;
	for (int i = 0; i < s->n_opts && !r->done; i++) {
		const struct drill_option *o = &s->opts[i];
		int64_t v = 0;
		if (!strcmp(o->name, "tolerance_usecs")) {
			if (parse_usecs(o->value, &v))
				drill_fail(r, o->line, "--tolerance_usecs needs a number of µs");
			r->tolerance_ns = v;
		} else if (!strcmp(o->name, "tolerance_percent")) {
			double pct = o->value ? g_ascii_strtod(o->value, NULL) : -1;
			if (pct < 0 || pct > 1000)
				drill_fail(r, o->line, "--tolerance_percent needs a percentage");
			r->tolerance_pct_x10 = (int64_t)(pct * 10);
		} else if (!strcmp(o->name, "tcp_ts_tick_usecs")) {
			if (parse_usecs(o->value, &v))
				drill_fail(r, o->line, "--tcp_ts_tick_usecs needs a number of µs");
			r->ts_tick_ns = v;
		} else if (!strcmp(o->name, "ip_version")) {
			if (!o->value || strcmp(o->value, "ipv4") != 0)
				drill_skip(r, o->line, "needs --ip_version=%s (netsim models IPv4)",
				           o->value ? o->value : "?");
		} else if (!strcmp(o->name, "mtu") || !strcmp(o->name, "mss")) {
			drill_skip(r, o->line, "needs --%s (the drill's link has MTU 1500)",
			           o->name);
		} else {
			drill_log(r, "ignored option --%s", o->name);
		}
	}
}

/* ---- events ---- */

static bool inbound_packet(const struct drill_event *e)
{
	return e && e->kind == DRILL_EV_PACKET && !e->pkt->outbound;
}

/* Resolves an event's script time(s) (packetdrill's adjust_relative_event_times). */
static void resolve(struct drill_run *r, const struct drill_event *e, int64_t *t, int64_t *t_end,
                    int64_t *call_end)
{
	int64_t off = 0;
	bool rel = e->time_kind == DRILL_TIME_REL || e->time_kind == DRILL_TIME_REL_RANGE ||
	           e->time_kind == DRILL_TIME_ANY;
	if (rel)
		off = inbound_packet(r->last_event) && inbound_packet(e) ? r->last_event_ns
		                                                         : sim_now(&r->sim);
	*t = e->t_ns + off;
	*t_end = e->time_kind == DRILL_TIME_ABS_RANGE || e->time_kind == DRILL_TIME_REL_RANGE
	             ? e->t_end_ns + (e->time_kind == DRILL_TIME_REL_RANGE ? off : 0)
	             : *t;
	*call_end = -1;
	if (e->kind == DRILL_EV_SYSCALL && e->sc->blocking)
		*call_end = e->sc->end_ns + (e->time_kind == DRILL_TIME_REL ? off : 0);
}

static const char *describe(const struct drill_event *e)
{
	switch (e->kind) {
	case DRILL_EV_PACKET:
		return e->pkt->outbound ? "outbound packet" : "inbound packet";
	case DRILL_EV_SYSCALL:
		return "system call start";
	case DRILL_EV_COMMAND:
		return "command";
	case DRILL_EV_CODE:
		return "data collection for code";
	}
	return "event";
}

/* Waits until t; an event reached late (after a blocking call, say) is a timing error. */
static void wait_for(struct drill_run *r, const struct drill_event *e, int64_t t)
{
	drill_advance(r, t);
	int64_t now = sim_now(&r->sim);
	if (!r->done && now > t + drill_tolerance(r, t)) {
		char a[32], b[32];
		drill_fail(r, e->line, "expected %s at %s, got it at %s (timing)", describe(e),
		           drill_fmt_time(t, a), drill_fmt_time(now, b));
	}
}

static void run_event(struct drill_run *r, const struct drill_event *e)
{
	int64_t t, t_end, call_end;
	resolve(r, e, &t, &t_end, &call_end);
	switch (e->kind) {
	case DRILL_EV_PACKET:
		if (e->pkt->outbound) {
			drill_wire_expect(r, e, t, t_end);
		} else {
			wait_for(r, e, t);
			if (!r->done)
				drill_wire_inject(r, e);
		}
		break;
	case DRILL_EV_SYSCALL:
		if (r->blk)
			drill_sys_await(r, e->line);
		wait_for(r, e, t);
		if (!r->done)
			drill_sys_run(r, e, t, call_end);
		break;
	case DRILL_EV_COMMAND:
		wait_for(r, e, t);
		if (!r->done)
			drill_shell_run(r, e, false);
		break;
	case DRILL_EV_CODE:
		wait_for(r, e, t);
		if (!r->done)
			drill_info_run(r, e);
		break;
	}
	r->last_event = e;
	r->last_event_ns = t;
}

/* ---- configuration ---- */

static int apply_set(struct tcp_config *cfg, const char *set, char **error)
{
	const char *eq = strchr(set, '=');
	if (!eq) {
		*error = g_strdup_printf("--set %s: expected tcp.KNOB=VALUE", set);
		return -1;
	}
	char *name = g_strndup(set, (size_t)(eq - set));
	const char *knob = g_str_has_prefix(name, "tcp.") ? name + 4 : name;
	const struct tcp_knob *k = tcp_knob_find(knob);
	int rc = 0;
	if (!k) {
		*error = g_strdup_printf("--set %s: no TCP knob \"%s\"", set, knob);
		rc = -1;
	} else if (tcp_knob_parse(cfg, k, eq + 1) != 0) {
		*error = g_strdup_printf("--set %s: bad value for %s (%s)", set, knob, k->doc);
		rc = -1;
	}
	g_free(name);
	return rc;
}

int drill_check_sets(const char *const *sets, char **error)
{
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	for (int i = 0; sets && sets[i]; i++)
		if (apply_set(&cfg, sets[i], error))
			return -1;
	return 0;
}

/* The host's configuration: the profile, the script's init command (sysctls), then
 * the command line's --set values. */
static int configure(struct drill_run *r)
{
	tcp_config_defaults(&r->cfg, r->o->profile);
	const struct drill_script *s = r->s;
	if (s->n_events && s->events[0].time_kind == DRILL_TIME_NONE)
		drill_shell_run(r, &s->events[0], true);
	for (int i = 0; r->o->sets && r->o->sets[i]; i++) {
		char *err = NULL;
		if (apply_set(&r->cfg, r->o->sets[i], &err)) {
			drill_fail(r, 0, "%s", err);
			g_free(err);
			return -1;
		}
	}
	const char *why = NULL;
	if (tcp_config_validate(&r->cfg, &why) != 0) {
		drill_fail(r, 0, "invalid TCP configuration: %s", why);
		return -1;
	}
	return r->done ? -1 : 0;
}

static void run_events(struct drill_run *r)
{
	const struct drill_script *s = r->s;
	for (int i = 0; i < s->n_events && !r->done; i++) {
		const struct drill_event *e = &s->events[i];
		if (e->time_kind == DRILL_TIME_NONE) {
			if (i > 0) /* the cleanup command: after everything else */
				drill_shell_run(r, e, false);
			continue;
		}
		drill_log(r, "line %d: %s", e->line, describe(e));
		run_event(r, e);
	}
	/* A blocking call still in progress must return (packetdrill joins its thread). */
	if (!r->done && r->blk)
		drill_sys_await(r, r->blk->e->line);
}

void drill_run(const struct drill_script *s, const struct drill_options *o,
               struct drill_result *res)
{
	struct drill_run r = {.s = s, .o = o, .res = res, .fail_time = -1};
	memset(res, 0, sizeof(*res));
	r.log = o->log ? o->log : stderr;
	r.tolerance_ns = o->tolerance_ns >= 0 ? o->tolerance_ns : DEFAULT_TOLERANCE;
	r.tolerance_pct_x10 = 125;
	r.next_rport = DRILL_EPHEMERAL;
	r.conns = g_ptr_array_new_with_free_func(drill_conn_free);
	r.fds = g_ptr_array_new();
	r.py_out = g_string_new(NULL);
	g_queue_init(&r.outq);
	sim_init(&r.sim, 1);
	apply_options(&r);
	char *err = NULL;
	if (!r.done && configure(&r) == 0) {
		if (drill_wire_setup(&r, &err)) {
			drill_fail(&r, 0, "%s", err);
			g_free(err);
		}
		drill_info_setup(&r);
		run_events(&r);
	}
	res->events = sim_executed_events(&r.sim);
	drill_sys_teardown(&r);
	drill_wire_teardown(&r);
	drill_py_env_free(r.py);
	g_string_free(r.py_out, TRUE);
	g_ptr_array_free(r.fds, TRUE);
	g_ptr_array_free(r.conns, TRUE);
	sim_fini(&r.sim);
	if (!r.done)
		res->verdict = DRILL_PASS;
}
