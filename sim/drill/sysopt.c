/* sim/drill/sysopt.c — setsockopt, getsockopt, fcntl and ioctl of a script.
 *
 * Options netsim's socket API has are passed through, converted from Linux's units
 * (seconds for the keepalive times) and semantics: Linux doubles an SO_SNDBUF or
 * SO_RCVBUF value (after capping it at net.core.wmem_max/rmem_max, 212992 by default)
 * and getsockopt reports the doubled value (net/core/sock.c sk_setsockopt). An option
 * netsim does not model makes the script skip with its name, never a silent success.
 */
#include <errno.h>
#include <string.h>

#include "sim/drill/run_int.h"

/* Linux's defaults of net.core.wmem_max / rmem_max and the floors of sk_setsockopt. */
#define LINUX_WMEM_MAX   212992
#define LINUX_RMEM_MAX   212992
#define LINUX_MIN_SNDBUF 4608
#define LINUX_MIN_RCVBUF 2304

struct optval {
	bool is_int, is_linger, is_str, any;
	int64_t v;
	int64_t onoff, linger;
	const char *s;
};

/* [N], N, {onoff=A, linger=B}, "text" or "..." */
static int optval_arg(struct drill_run *r, const struct drill_event *e, const struct drill_expr *x,
                      struct optval *o)
{
	memset(o, 0, sizeof(*o));
	if (x && x->kind == DRILL_EX_LIST && x->n == 1)
		x = x->items[0];
	if (x && x->kind == DRILL_EX_ELLIPSIS) {
		o->any = true;
		return 0;
	}
	if (x && x->kind == DRILL_EX_STRING) {
		o->is_str = true;
		o->s = x->text;
		return 0;
	}
	if (x && x->kind == DRILL_EX_STRUCT) {
		o->is_linger = true;
		for (int i = 0; i < x->n; i++) {
			const struct drill_field *f = &x->fields[i];
			int64_t v;
			if (!f->name || drill_int_arg(r, e, f->value, &v))
				return -1;
			if (!strcmp(f->name, "onoff"))
				o->onoff = v;
			else if (!strcmp(f->name, "linger"))
				o->linger = v;
		}
		return 0;
	}
	o->is_int = true;
	return drill_int_arg(r, e, x, &o->v);
}

/* Common arguments: (fd, level, name, value, len). */
struct optcall {
	struct drill_fd *fd;
	int64_t level, name;
	const char *oname; /* the option's name as the script wrote it */
	struct optval val;
};

static int opt_args(struct drill_run *r, const struct drill_event *e, struct optcall *oc)
{
	const struct drill_syscall *sc = e->sc;
	int64_t fd;
	if (sc->n_args != 5) {
		drill_fail(r, e->line, "%s: expected 5 arguments, got %d", sc->name, sc->n_args);
		return -1;
	}
	if (drill_int_arg(r, e, sc->args[0], &fd) || drill_int_arg(r, e, sc->args[1], &oc->level) ||
	    drill_int_arg(r, e, sc->args[2], &oc->name) || optval_arg(r, e, sc->args[3], &oc->val))
		return -1;
	oc->oname = sc->args[2]->kind == DRILL_EX_WORD ? sc->args[2]->text : "?";
	oc->fd = drill_fd_find(r, (int)fd);
	if (!oc->fd || oc->fd->kind != DFD_SOCKET) {
		drill_fail(r, e->line, "%s: %lld is not a socket of the script", sc->name,
		           (long long)fd);
		return -1;
	}
	return 0;
}

static int skip_option(struct drill_run *r, const struct drill_event *e, const struct optcall *oc)
{
	drill_skip(r, e->line, "needs the socket option %s (level %lld, option %lld)", oc->oname,
	           (long long)oc->level, (long long)oc->name);
	return -1;
}

/* Changes a field of the socket's own configuration (before connect/listen). */
static int64_t set_config(struct tcp_sock *s, void (*edit)(struct tcp_config *, int64_t), int64_t v)
{
	struct tcp_config cfg = *tcp_sock_config(s);
	edit(&cfg, v);
	return tcp_sock_set_config(s, &cfg);
}

static void edit_pmtud(struct tcp_config *c, int64_t v)
{
	c->pmtud = v != 0; /* IP_PMTUDISC_DONT (0): no DF, no PMTUD */
}

/* Linux's names of the algorithms netsim has; "reno" is Linux's NewReno-style
 * Reno (RFC 6582 recovery without SACK). */
static const char *cc_name(const char *linux_name)
{
	return !strcmp(linux_name, "reno") ? "newreno" : linux_name;
}

static int set_congestion(struct drill_run *r, const struct drill_event *e, struct optcall *oc,
                          int64_t *ret)
{
	if (!oc->val.is_str)
		return skip_option(r, e, oc);
	*ret = tcp_set_congestion(oc->fd->sock, cc_name(oc->val.s));
	if (*ret == -ENOENT) {
		drill_skip(r, e->line, "needs the congestion control '%s'", oc->val.s);
		return -1;
	}
	if (*ret == -EISCONN) {
		drill_skip(r, e->line, "changes TCP_CONGESTION on a connected or listening socket");
		return -1;
	}
	return 0;
}

static int set_socket_level(struct drill_run *r, const struct drill_event *e, struct optcall *oc,
                            int64_t *ret)
{
	struct tcp_sock *s = oc->fd->sock;
	int64_t v = oc->val.v;
	switch (oc->name) {
	case 2: /* SO_REUSEADDR */
		*ret = tcp_setsockopt(s, TCP_OPT_REUSEADDR, v);
		return 0;
	case 7: /* SO_SNDBUF */
		*ret = tcp_setsockopt(s, TCP_OPT_SNDBUF,
		                      MAX(MIN(v, LINUX_WMEM_MAX) * 2, LINUX_MIN_SNDBUF));
		return 0;
	case 8: /* SO_RCVBUF */
		*ret = tcp_setsockopt(s, TCP_OPT_RCVBUF,
		                      MAX(MIN(v, LINUX_RMEM_MAX) * 2, LINUX_MIN_RCVBUF));
		return 0;
	case 9: /* SO_KEEPALIVE */
		*ret = tcp_setsockopt(s, TCP_OPT_KEEPALIVE, v);
		return 0;
	case 13: /* SO_LINGER: only the abortive close (l_linger 0) is modelled */
		if (!oc->val.is_linger || (oc->val.onoff && oc->val.linger != 0))
			return skip_option(r, e, oc);
		*ret = tcp_setsockopt(s, TCP_OPT_LINGER_ZERO, oc->val.onoff != 0);
		return 0;
	case 60: /* SO_ZEROCOPY: changes who owns the buffer, not what goes on the wire */
		drill_log(r, "SO_ZEROCOPY: accepted; completions are not modelled");
		*ret = 0;
		return 0;
	default:
		return skip_option(r, e, oc);
	}
}

static int set_tcp_level(struct drill_run *r, const struct drill_event *e, struct optcall *oc,
                         int64_t *ret)
{
	struct tcp_sock *s = oc->fd->sock;
	int64_t v = oc->val.v;
	switch (oc->name) {
	case 1: /* TCP_NODELAY */
		*ret = tcp_setsockopt(s, TCP_OPT_NODELAY, v != 0);
		return 0;
	case 2: /* TCP_MAXSEG */
		*ret = tcp_setsockopt(s, TCP_OPT_MAXSEG, v);
		return 0;
	case 3: /* TCP_CORK */
		*ret = tcp_setsockopt(s, TCP_OPT_CORK, v);
		return 0;
	case 13: /* TCP_CONGESTION: "cubic", "reno" (netsim's newreno), ... */
		return set_congestion(r, e, oc, ret);
	case 18: /* TCP_USER_TIMEOUT (ms) */
		*ret = v < 0 ? -EINVAL : tcp_setsockopt(s, TCP_OPT_USER_TIMEOUT, SIM_MS(v));
		return 0;
	case 4: /* TCP_KEEPIDLE (s) */
	case 5: /* TCP_KEEPINTVL (s) */
		if (v < 1 || v > 32767) {
			*ret = -EINVAL;
			return 0;
		}
		*ret = tcp_setsockopt(s, oc->name == 4 ? TCP_OPT_KEEPIDLE : TCP_OPT_KEEPINTVL,
		                      SIM_S(v));
		return 0;
	case 6: /* TCP_KEEPCNT */
		*ret = tcp_setsockopt(s, TCP_OPT_KEEPCNT, v);
		return 0;
	case 12: /* TCP_QUICKACK: interactive mode on (0) or off (1), models/tcp/ack.c */
		*ret = tcp_setsockopt(s, TCP_OPT_QUICKACK, v);
		return 0;
	default:
		return skip_option(r, e, oc);
	}
}

int drill_sys_setsockopt(struct drill_run *r, const struct drill_event *e, int64_t *ret)
{
	struct optcall oc;
	if (opt_args(r, e, &oc))
		return -1;
	if (oc.level == 1)
		return set_socket_level(r, e, &oc, ret);
	if (oc.level == 6)
		return set_tcp_level(r, e, &oc, ret);
	if (oc.level == 0 && oc.name == 1) { /* IP_TOS */
		*ret = tcp_setsockopt(oc.fd->sock, TCP_OPT_TOS, oc.val.v);
		return 0;
	}
	if (oc.level == 0 && oc.name == 10) { /* IP_MTU_DISCOVER */
		*ret = set_config(oc.fd->sock, edit_pmtud, oc.val.v != 0);
		return *ret == -EISCONN ? skip_option(r, e, &oc) : 0;
	}
	return skip_option(r, e, &oc);
}

/* The model's option for a (level, name) getsockopt can read; -1 if none. */
static int get_option(int64_t level, int64_t name)
{
	static const struct {
		int64_t level, name;
		enum tcp_sockopt opt;
	} map[] = {
	    {1, 2, TCP_OPT_REUSEADDR}, {1, 7, TCP_OPT_SNDBUF},  {1, 8, TCP_OPT_RCVBUF},
	    {1, 9, TCP_OPT_KEEPALIVE}, {6, 1, TCP_OPT_NODELAY}, {6, 2, TCP_OPT_MAXSEG},
	    {6, 3, TCP_OPT_CORK},      {6, 6, TCP_OPT_KEEPCNT}, {6, 18, TCP_OPT_USER_TIMEOUT},
	    {0, 1, TCP_OPT_TOS},       {6, 12, TCP_OPT_QUICKACK},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
		if (map[i].level == level && map[i].name == name)
			return (int)map[i].opt;
	return -1;
}

/* getsockopt: the value the socket reports, or a skip. */
static int get_value(struct drill_run *r, const struct drill_event *e, struct optcall *oc,
                     int64_t *v, int64_t *ret)
{
	struct tcp_sock *s = oc->fd->sock;
	*ret = 0;
	if (oc->level == 1 && oc->name == 4) { /* SO_ERROR: taken and cleared */
		*v = -tcp_get_error(s);
		return 0;
	}
	int o = get_option(oc->level, oc->name);
	if (o < 0)
		return skip_option(r, e, oc);
	*ret = tcp_getsockopt(s, (enum tcp_sockopt)o, v);
	if (*ret == 0 && o == TCP_OPT_USER_TIMEOUT)
		*v /= SIM_MS(1);
	return 0;
}

int drill_sys_getsockopt(struct drill_run *r, const struct drill_event *e, int64_t *ret)
{
	struct optcall oc;
	if (opt_args(r, e, &oc))
		return -1;
	int64_t v = 0;
	if (get_value(r, e, &oc, &v, ret))
		return -1;
	if (*ret == 0 && !oc.val.any && oc.val.is_int && oc.val.v != v) {
		drill_fail(r, e->line, "expected getsockopt(%s) to report %lld, got %lld", oc.oname,
		           (long long)oc.val.v, (long long)v);
		return -1;
	}
	return 0;
}

int drill_sys_fcntl(struct drill_run *r, const struct drill_event *e, int64_t *ret)
{
	const struct drill_syscall *sc = e->sc;
	int64_t fd, cmd, flags = 0;
	if (sc->n_args < 2 || drill_int_arg(r, e, sc->args[0], &fd) ||
	    drill_int_arg(r, e, sc->args[1], &cmd) ||
	    (sc->n_args > 2 && drill_int_arg(r, e, sc->args[2], &flags))) {
		if (!r->done)
			drill_fail(r, e->line, "fcntl: expected (fd, cmd[, arg])");
		return -1;
	}
	struct drill_fd *f = drill_fd_find(r, (int)fd);
	if (!f) {
		*ret = -EBADF;
		return 0;
	}
	if (cmd == 3) { /* F_GETFL: sockets are O_RDWR */
		*ret = 2 | (f->nonblock ? 04000 : 0);
	} else if (cmd == 4) { /* F_SETFL */
		f->nonblock = (flags & 04000) != 0;
		*ret = 0;
	} else {
		drill_skip(r, e->line, "needs fcntl command %lld", (long long)cmd);
		return -1;
	}
	return 0;
}

int drill_sys_ioctl(struct drill_run *r, const struct drill_event *e, int64_t *ret)
{
	const struct drill_syscall *sc = e->sc;
	int64_t fd, req;
	struct optval want;
	if (sc->n_args != 3 || drill_int_arg(r, e, sc->args[0], &fd) ||
	    drill_int_arg(r, e, sc->args[1], &req) || optval_arg(r, e, sc->args[2], &want)) {
		if (!r->done)
			drill_fail(r, e->line, "ioctl: expected (fd, request, [value])");
		return -1;
	}
	struct drill_fd *f = drill_fd_find(r, (int)fd);
	if (!f || f->kind != DFD_SOCKET) {
		*ret = -EBADF;
		return 0;
	}
	int64_t v;
	if (req == 0x541B) { /* SIOCINQ / FIONREAD: bytes ready to read */
		v = (int64_t)tcp_readable_bytes(f->sock);
	} else {
		drill_skip(r, e->line, "needs ioctl request 0x%llx", (long long)req);
		return -1;
	}
	*ret = 0;
	if (!want.any && want.is_int && want.v != v) {
		drill_fail(r, e->line, "expected ioctl() to report %lld, got %lld",
		           (long long)want.v, (long long)v);
		return -1;
	}
	return 0;
}
