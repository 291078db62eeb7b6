/* sim/drill/shell.c — the `commands` of a script, interpreted, never run.
 *
 * packetdrill hands backquoted text to /bin/sh. netsim runs no shell: it reads the
 * commands the TCP scripts use and turns them into settings of the simulated host.
 *
 *   path/to/script.sh            read and interpreted in turn (relative paths from the
 *                                script's folder, where packetdrill's runner starts it)
 *   sysctl [-q] [-e] K=V ...     net.ipv4.* settings: the TCP knob with that sysctl
 *   .../set_sysctls.py /proc/sys/net/ipv4/K=V ...   the same
 *   echo V > /sys/module/tcp_cubic/parameters/P      a CUBIC module parameter
 *   tc qdisc ... pfifo limit 0   the host's queue drops every packet it is given
 *   tc qdisc ... pfifo | ethtool -K | ip tcp_metrics flush | /tmp/sysctl_restore_*
 *                                only prepare or restore the real host: no-ops
 *
 * A setting netsim does not model (fastopen keys, pacing ratios, ...) is ignored and
 * listed with --verbose; a command that is none of these, or an fq qdisc (pacing),
 * makes the script skip with the command as the reason. Shell syntax understood:
 * quotes, $((integer arithmetic)), ';' '&&' '||' separators, '\' continuations,
 * '#' comments, redirections.
 */
#include <errno.h>
#include <string.h>

#include "sim/drill/run_int.h"

struct cmdline {
	GPtrArray *argv; /* char * */
	char *redirect;  /* target of '>' (stdout), or NULL */
};

/* $((expr)): + - * / % and parentheses over integers. */
static bool arith(const char **p, int64_t *v, int depth);

static bool arith_atom(const char **p, int64_t *v, int depth)
{
	while (**p == ' ')
		(*p)++;
	if (**p == '(') {
		(*p)++;
		if (!arith(p, v, depth + 1))
			return false;
		while (**p == ' ')
			(*p)++;
		if (**p != ')')
			return false;
		(*p)++;
		return true;
	}
	if (**p == '-') {
		(*p)++;
		/* Signs nest as deep as parentheses; -(-2^63) is beyond 64 bits: bad
		 * arithmetic, as every overflow here. */
		if (depth > 32 || !arith_atom(p, v, depth + 1) || *v == INT64_MIN)
			return false;
		*v = -*v;
		return true;
	}
	char *end = NULL;
	errno = 0;
	*v = g_ascii_strtoll(*p, &end, 0);
	if (end == *p || errno)
		return false;
	*p = end;
	return true;
}

static bool arith_term(const char **p, int64_t *v, int depth)
{
	if (!arith_atom(p, v, depth))
		return false;
	for (;;) {
		while (**p == ' ')
			(*p)++;
		char op = **p;
		if (op != '*' && op != '/' && op != '%')
			return true;
		(*p)++;
		int64_t b;
		/* Division by zero, and -2^63 / -1 (a SIGFPE on x86), are bad arithmetic. */
		if (!arith_atom(p, &b, depth) || (op != '*' && b == 0) ||
		    (op != '*' && b == -1 && *v == INT64_MIN))
			return false;
		if (op == '*' && __builtin_mul_overflow(*v, b, v))
			return false;
		if (op == '/')
			*v /= b;
		if (op == '%')
			*v %= b;
	}
}

static bool arith(const char **p, int64_t *v, int depth)
{
	if (depth > 32 || !arith_term(p, v, depth))
		return false;
	for (;;) {
		while (**p == ' ')
			(*p)++;
		char op = **p;
		if (op != '+' && op != '-')
			return true;
		(*p)++;
		int64_t b;
		if (!arith_term(p, &b, depth))
			return false;
		if (op == '+' ? __builtin_add_overflow(*v, b, v) : __builtin_sub_overflow(*v, b, v))
			return false;
	}
}

/* Expands $((...)) at *p into out; leaves other $ text as it is. */
static bool expand_dollar(const char **p, GString *out)
{
	if (strncmp(*p, "$((", 3) != 0) {
		g_string_append_c(out, **p);
		(*p)++;
		return true;
	}
	const char *q = *p + 3;
	int64_t v;
	if (!arith(&q, &v, 0) || strncmp(q, "))", 2) != 0)
		return false;
	g_string_append_printf(out, "%" G_GINT64_FORMAT, v);
	*p = q + 2;
	return true;
}

static void cmd_fini(struct cmdline *c)
{
	g_ptr_array_free(c->argv, TRUE);
	g_free(c->redirect);
}

/* Splits shell text into simple commands. Returns false on unbalanced quotes or bad
 * arithmetic. */
static bool split(const char *text, GArray *cmds)
{
	const char *p = text;
	struct cmdline cur = {.argv = g_ptr_array_new_with_free_func(g_free)};
	bool redirect_next = false, ok = true;
	while (ok) {
		while (*p == ' ' || *p == '\t' || (*p == '\\' && p[1] == '\n'))
			p += *p == '\\' ? 2 : 1;
		bool end = *p == '\0' || *p == '\n' || *p == ';' || *p == '#' ||
		           !strncmp(p, "&&", 2) || !strncmp(p, "||", 2);
		if (end) {
			if (*p == '#')
				while (*p && *p != '\n')
					p++;
			if (cur.argv->len || cur.redirect) {
				g_array_append_val(cmds, cur);
				cur = (struct cmdline){.argv =
				                           g_ptr_array_new_with_free_func(g_free)};
			}
			if (*p == '\0')
				break;
			p += (*p == '&' || *p == '|') ? 2 : 1;
			continue;
		}
		if (*p == '>' || (g_ascii_isdigit(*p) && p[1] == '>')) {
			bool out = *p == '>' || *p == '1'; /* standard output */
			p += *p == '>' ? 1 : 2;
			if (*p == '>')
				p++;     /* >> */
			if (*p == '&') { /* 2>&1: a duplication, nothing to note */
				for (p++; g_ascii_isdigit(*p); p++)
					;
			} else if (out) {
				redirect_next = true;
			} else { /* 2> FILE: the file does not matter */
				while (*p == ' ' || *p == '\t')
					p++;
				while (*p && !strchr(" \t\n;", *p))
					p++;
			}
			continue;
		}
		GString *w = g_string_new(NULL);
		char quote = 0;
		while (*p && (quote || !strchr(" \t\n;#", *p)) && !(*p == '>' && !quote)) {
			if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p++;
			} else if (quote && *p == quote) {
				quote = 0;
				p++;
			} else if (*p == '$' && quote != '\'') {
				if (!expand_dollar(&p, w))
					ok = false;
				if (!ok)
					break;
			} else if (*p == '\\' && p[1] && quote != '\'') {
				g_string_append_c(w, p[1]);
				p += 2;
			} else {
				g_string_append_c(w, *p++);
			}
		}
		if (quote)
			ok = false;
		if (redirect_next) {
			g_free(cur.redirect);
			cur.redirect = g_string_free(w, FALSE);
			redirect_next = false;
		} else {
			g_ptr_array_add(cur.argv, g_string_free(w, FALSE));
		}
	}
	if (!ok) {
		cmd_fini(&cur);
		return false;
	}
	cmd_fini(&cur);
	return true;
}

/* ---- settings ---- */

/* A TCP knob set from text in its own unit; false when the value does not parse. */
static bool set_knob(struct tcp_config *cfg, const char *knob, const char *text)
{
	const struct tcp_knob *k = tcp_knob_find(knob);
	return k && tcp_knob_parse(cfg, k, text) == 0;
}

static struct tcp_config *live_config(struct drill_run *r, bool before)
{
	return before ? &r->cfg : tcp_stack_config(r->stack);
}

/* A sysctl: the TCP knob that mirrors it (the knob table's sysctl names), or nothing
 * when netsim does not model the setting (listed with --verbose). */
static void apply_sysctl(struct drill_run *r, const char *name, const char *value, int line,
                         bool before)
{
	int rc = tcp_config_apply_sysctl(live_config(r, before), name, value);
	if (rc == -ENOENT) {
		drill_log(r, "ignored sysctl %s=%s (netsim does not model it)", name, value);
		return;
	}
	if (rc < 0) {
		drill_skip(r, line, "needs sysctl %s=%s, a value netsim's knob %s does not take",
		           name, value, tcp_knob_find_sysctl(name)->name);
		return;
	}
	drill_log(r, "sysctl %s=%s: tcp.%s", name, value, tcp_knob_find_sysctl(name)->name);
}

/* echo V > /sys/module/tcp_cubic/parameters/P */
static void cubic_param(struct drill_run *r, const char *param, const char *value, bool before)
{
	struct tcp_config *cfg = live_config(r, before);
	char *end = NULL;
	int64_t v = g_ascii_strtoll(value, &end, 10);
	bool num = end && *end == '\0';
	if (num && !strcmp(param, "fast_convergence"))
		set_knob(cfg, "cubic_fast_convergence", v ? "true" : "false");
	else if (num && !strcmp(param, "tcp_friendliness"))
		set_knob(cfg, "cubic_reno_friendly", v ? "true" : "false");
	else if (num && !strcmp(param, "beta") && v > 0 && v < 1024) {
		char t[24]; /* Linux's beta is in 1/1024 */
		g_snprintf(t, sizeof(t), "%" G_GINT64_FORMAT, v * 1000 / 1024);
		set_knob(cfg, "cubic_beta", t);
	} else {
		drill_log(r, "ignored tcp_cubic parameter %s=%s (netsim does not model it)", param,
		          value);
		return;
	}
	drill_log(r, "tcp_cubic parameter %s=%s applied", param, value);
}

/* ---- commands ---- */

static void run_text(struct drill_run *r, const char *text, int line, int depth, bool before);

static bool has_arg(const struct cmdline *c, const char *a)
{
	for (guint i = 0; i < c->argv->len; i++)
		if (!strcmp(c->argv->pdata[i], a))
			return true;
	return false;
}

static void run_tc(struct drill_run *r, const struct cmdline *c, int line)
{
	if (!has_arg(c, "qdisc")) {
		drill_skip(r, line, "runs `tc` for something other than a qdisc");
		return;
	}
	if (has_arg(c, "delete") || has_arg(c, "del")) {
		r->local_drop = false;
		if (r->stack)
			tcp_stack_set_local_drop(r->stack, false);
		return;
	}
	bool pfifo = has_arg(c, "pfifo") || has_arg(c, "pfifo_fast");
	if (!pfifo) {
		drill_skip(r, line,
		           "needs the %s qdisc at the host (netsim's hosts have no pacing)",
		           has_arg(c, "fq") ? "fq" : "requested");
		return;
	}
	const char *limit = NULL;
	for (guint i = 0; i + 1 < c->argv->len; i++)
		if (!strcmp(c->argv->pdata[i], "limit"))
			limit = c->argv->pdata[i + 1];
	/* A queue without room refuses every packet (tcp_stack_set_local_drop); one
	 * with room changes nothing for a single connection. */
	r->local_drop = limit && strcmp(limit, "0") == 0;
	if (r->stack) /* else set when the host is built */
		tcp_stack_set_local_drop(r->stack, r->local_drop);
}

static void run_script_file(struct drill_run *r, const char *cmd, int line, int depth, bool before)
{
	char *path =
	    g_path_is_absolute(cmd) ? g_strdup(cmd) : g_build_filename(r->s->dir, cmd, NULL);
	char *text = NULL;
	if (depth > 8) {
		drill_skip(r, line, "runs scripts nested too deeply (%s)", cmd);
	} else if (!g_file_get_contents(path, &text, NULL, NULL)) {
		drill_skip(r, line, "runs %s, which cannot be read", path);
	} else {
		drill_log(r, "reading %s", path);
		run_text(r, text, line, depth + 1, before);
	}
	g_free(text);
	g_free(path);
}

static void run_one(struct drill_run *r, const struct cmdline *c, int line, int depth, bool before)
{
	if (c->argv->len == 0)
		return;
	const char *cmd = c->argv->pdata[0];
	char *base = g_path_get_basename(cmd);
	if (g_str_has_prefix(cmd, "/tmp/sysctl_restore") || !strcmp(base, "ethtool") ||
	    (!strcmp(cmd, "ip") && has_arg(c, "tcp_metrics"))) {
		drill_log(r, "no-op: %s (prepares or restores the real host)", cmd);
	} else if (!strcmp(base, "set_sysctls.py") || !strcmp(cmd, "sysctl")) {
		for (guint i = 1; i < c->argv->len && !r->done; i++) {
			const char *a = c->argv->pdata[i];
			const char *eq = strchr(a, '=');
			if (a[0] == '-' || !eq)
				continue;
			char *name = g_strndup(a, (size_t)(eq - a));
			const char *n = g_str_has_prefix(name, "/proc/sys/") ? name + 10 : name;
			apply_sysctl(r, n, eq + 1, line, before);
			g_free(name);
		}
	} else if (!strcmp(cmd, "echo") && c->redirect &&
	           g_str_has_prefix(c->redirect, "/sys/module/tcp_cubic/parameters/")) {
		cubic_param(r, c->redirect + strlen("/sys/module/tcp_cubic/parameters/"),
		            c->argv->len > 1 ? c->argv->pdata[1] : "", before);
	} else if (!strcmp(cmd, "tc")) {
		run_tc(r, c, line);
	} else if (g_str_has_suffix(cmd, ".sh") || strchr(cmd, '/')) {
		run_script_file(r, cmd, line, depth, before);
	} else {
		drill_skip(r, line, "runs a command netsim does not interpret: %s", cmd);
	}
	g_free(base);
}

static void run_text(struct drill_run *r, const char *text, int line, int depth, bool before)
{
	GArray *cmds = g_array_new(FALSE, TRUE, sizeof(struct cmdline));
	if (!split(text, cmds))
		drill_skip(r, line, "runs shell text netsim cannot read: %.60s", text);
	for (guint i = 0; i < cmds->len; i++) {
		struct cmdline *c = &g_array_index(cmds, struct cmdline, i);
		if (!r->done)
			run_one(r, c, line, depth, before);
		cmd_fini(c);
	}
	g_array_free(cmds, TRUE);
}

void drill_shell_run(struct drill_run *r, const struct drill_event *e, bool before_start)
{
	drill_log(r, "command: %s", e->command);
	run_text(r, e->command, e->line, 0, before_start);
}
