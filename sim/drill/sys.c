/* sim/drill/sys.c — a script's system calls on netsim's socket API (models/tcp/socket.h).
 *
 * Each call parses its arguments as packetdrill's run_system_call.c does ("..." for
 * addresses and buffers, NULL for a bad buffer, symbols such as SOCK_STREAM with
 * Linux's values), calls the socket API, and checks the result and errno the script
 * expects. File descriptors are the script's: the number a socket(), accept() or
 * epoll_create() is expected to return names the new object.
 *
 * Blocking: netsim's socket API never blocks (simulated time only moves between
 * events). A call on a blocking descriptor that would block is kept and retried each
 * time one of the host's sockets reports a change (a readiness callback), until it
 * completes; a script line marked "...T" lets later events run meanwhile, as
 * packetdrill's system-call thread does, and the call must return at T. A call not
 * marked so holds the script until it returns, as it would hold packetdrill's main
 * thread. A blocking write copies what fits and blocks until all is copied (Linux's
 * tcp_sendmsg with sk_stream_wait_memory); read, accept and connect block until they
 * can complete.
 */
#include <errno.h>
#include <string.h>

#include "sim/drill/run_int.h"

/* Linux's numbers for the names scripts use (include/uapi/...; errno-base.h, errno.h). */
struct sym {
	const char *name;
	int64_t v;
};

static const struct sym symbols[] = {
    {"NULL", 0},
    {"AF_INET", 2},
    {"AF_INET6", 10},
    {"AF_UNSPEC", 0},
    {"SOCK_STREAM", 1},
    {"SOCK_DGRAM", 2},
    {"SOCK_NONBLOCK", 04000},
    {"IPPROTO_IP", 0},
    {"IPPROTO_TCP", 6},
    {"IPPROTO_UDP", 17},
    {"SOL_SOCKET", 1},
    {"SOL_IP", 0},
    {"SOL_TCP", 6},
    {"SOL_IPV6", 41},
    {"SO_REUSEADDR", 2},
    {"SO_ERROR", 4},
    {"SO_SNDBUF", 7},
    {"SO_RCVBUF", 8},
    {"SO_KEEPALIVE", 9},
    {"SO_LINGER", 13},
    {"SO_REUSEPORT", 15},
    {"SO_RCVLOWAT", 18},
    {"SO_SNDLOWAT", 19},
    {"SO_ZEROCOPY", 60},
    {"SO_MAX_PACING_RATE", 47},
    {"SO_TIMESTAMPING", 37},
    {"TCP_NODELAY", 1},
    {"TCP_MAXSEG", 2},
    {"TCP_CORK", 3},
    {"TCP_KEEPIDLE", 4},
    {"TCP_KEEPINTVL", 5},
    {"TCP_KEEPCNT", 6},
    {"TCP_SYNCNT", 7},
    {"TCP_LINGER2", 8},
    {"TCP_DEFER_ACCEPT", 9},
    {"TCP_WINDOW_CLAMP", 10},
    {"TCP_INFO", 11},
    {"TCP_QUICKACK", 12},
    {"TCP_CONGESTION", 13},
    {"TCP_MD5SIG", 14},
    {"TCP_USER_TIMEOUT", 18},
    {"TCP_FASTOPEN", 23},
    {"TCP_NOTSENT_LOWAT", 25},
    {"TCP_FASTOPEN_CONNECT", 30},
    {"TCP_INQ", 36},
    {"IP_TOS", 1},
    {"IP_TTL", 2},
    {"IP_MTU_DISCOVER", 10},
    {"IP_RECVERR", 11},
    {"IP_MTU", 14},
    {"IP_PMTUDISC_DONT", 0},
    {"IP_PMTUDISC_WANT", 1},
    {"IP_PMTUDISC_DO", 2},
    {"IP_PMTUDISC_PROBE", 3},
    {"F_GETFL", 3},
    {"F_SETFL", 4},
    {"O_RDONLY", 0},
    {"O_WRONLY", 1},
    {"O_RDWR", 2},
    {"O_NONBLOCK", 04000},
    {"SHUT_RD", 0},
    {"SHUT_WR", 1},
    {"SHUT_RDWR", 2},
    {"MSG_OOB", 1},
    {"MSG_PEEK", 2},
    {"MSG_DONTWAIT", 0x40},
    {"MSG_WAITALL", 0x100},
    {"MSG_EOR", 0x80},
    {"MSG_NOSIGNAL", 0x4000},
    {"MSG_MORE", 0x8000},
    {"MSG_ERRQUEUE", 0x2000},
    {"MSG_ZEROCOPY", 0x4000000},
    {"MSG_FASTOPEN", 0x20000000},
    {"MSG_TRUNC", 0x20},
    {"SIOCINQ", 0x541B},
    {"FIONREAD", 0x541B},
    {"SIOCOUTQ", 0x5411},
    {"SIOCOUTQNSD", 0x894B},
    {"EPOLL_CTL_ADD", 1},
    {"EPOLL_CTL_DEL", 2},
    {"EPOLL_CTL_MOD", 3},
    {"EPOLLIN", 0x1},
    {"EPOLLPRI", 0x2},
    {"EPOLLOUT", 0x4},
    {"EPOLLERR", 0x8},
    {"EPOLLHUP", 0x10},
    {"EPOLLRDNORM", 0x40},
    {"EPOLLRDBAND", 0x80},
    {"EPOLLWRNORM", 0x100},
    {"EPOLLWRBAND", 0x200},
    {"EPOLLRDHUP", 0x2000},
    {"EPOLLEXCLUSIVE", 1u << 28},
    {"EPOLLONESHOT", 1u << 30},
    {"EPOLLET", 1u << 31},
    {"POLLIN", 0x1},
    {"POLLPRI", 0x2},
    {"POLLOUT", 0x4},
    {"POLLERR", 0x8},
    {"POLLHUP", 0x10},
    {"POLLNVAL", 0x20},
    {"POLLRDNORM", 0x40},
    {"POLLWRNORM", 0x100},
    {"POLLRDHUP", 0x2000},
    {"EPERM", 1},
    {"ENOENT", 2},
    {"EINTR", 4},
    {"EIO", 5},
    {"EBADF", 9},
    {"EAGAIN", 11},
    {"EWOULDBLOCK", 11},
    {"ENOMEM", 12},
    {"EFAULT", 14},
    {"EBUSY", 16},
    {"EEXIST", 17},
    {"EINVAL", 22},
    {"ENOSPC", 28},
    {"EPIPE", 32},
    {"ENOTSOCK", 88},
    {"EDESTADDRREQ", 89},
    {"EMSGSIZE", 90},
    {"ENOPROTOOPT", 92},
    {"EPROTONOSUPPORT", 93},
    {"EOPNOTSUPP", 95},
    {"EAFNOSUPPORT", 97},
    {"EADDRINUSE", 98},
    {"EADDRNOTAVAIL", 99},
    {"ENETDOWN", 100},
    {"ENETUNREACH", 101},
    {"ECONNABORTED", 103},
    {"ECONNRESET", 104},
    {"ENOBUFS", 105},
    {"EISCONN", 106},
    {"ENOTCONN", 107},
    {"ETIMEDOUT", 110},
    {"ECONNREFUSED", 111},
    {"EHOSTUNREACH", 113},
    {"EALREADY", 114},
    {"EINPROGRESS", 115},
};

bool drill_symbol(const char *name, int64_t *v)
{
	for (size_t i = 0; i < G_N_ELEMENTS(symbols); i++)
		if (strcmp(symbols[i].name, name) == 0) {
			*v = symbols[i].v;
			return true;
		}
	return false;
}

/* netsim's errors are this host's errno values; the scripts name Linux's. */
const char *drill_errno_name(int err)
{
	switch (err) {
	case EAGAIN:
		return "EAGAIN";
	case EINPROGRESS:
		return "EINPROGRESS";
	case EALREADY:
		return "EALREADY";
	case EISCONN:
		return "EISCONN";
	case ENOTCONN:
		return "ENOTCONN";
	case EPIPE:
		return "EPIPE";
	case ECONNRESET:
		return "ECONNRESET";
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case ECONNABORTED:
		return "ECONNABORTED";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EADDRINUSE:
		return "EADDRINUSE";
	case EADDRNOTAVAIL:
		return "EADDRNOTAVAIL";
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case EBADF:
		return "EBADF";
	case ENOPROTOOPT:
		return "ENOPROTOOPT";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case EMSGSIZE:
		return "EMSGSIZE";
	case ENOBUFS:
		return "ENOBUFS";
	case EHOSTUNREACH:
		return "EHOSTUNREACH";
	case ENETUNREACH:
		return "ENETUNREACH";
	case ENOENT:
		return "ENOENT";
	case EEXIST:
		return "EEXIST";
	case ERANGE:
		return "ERANGE";
	default:
		return "EIO";
	}
}

/* ---- arguments ---- */

static const struct drill_expr *arg(const struct drill_call *c, int i)
{
	return i < c->sc->n_args ? c->sc->args[i] : NULL;
}

int drill_int_arg(struct drill_run *r, const struct drill_event *e, const struct drill_expr *x,
                  int64_t *v)
{
	if (!x) {
		drill_fail(r, e->line, "%s: too few arguments", e->sc->name);
		return -1;
	}
	switch (x->kind) {
	case DRILL_EX_INT:
		*v = x->num;
		return 0;
	case DRILL_EX_WORD:
		if (drill_symbol(x->text, v))
			return 0;
		drill_fail(r, e->line, "%s: unknown symbol %s", e->sc->name, x->text);
		return -1;
	case DRILL_EX_OR: {
		int64_t a, b;
		if (drill_int_arg(r, e, x->lhs, &a) || drill_int_arg(r, e, x->rhs, &b))
			return -1;
		*v = a | b;
		return 0;
	}
	default:
		drill_fail(r, e->line, "%s: expected an integer at %d:%d", e->sc->name, x->line,
		           x->col);
		return -1;
	}
}

static int nargs(struct drill_run *r, struct drill_call *c, int lo, int hi)
{
	if (c->sc->n_args >= lo && c->sc->n_args <= hi)
		return 0;
	drill_fail(r, c->e->line, "%s: expected %d arguments, got %d", c->sc->name, lo,
	           c->sc->n_args);
	return -1;
}

struct drill_fd *drill_fd_find(struct drill_run *r, int script_fd)
{
	for (guint i = 0; i < r->fds->len; i++) {
		struct drill_fd *f = r->fds->pdata[i];
		if (f->script_fd == script_fd)
			return f;
	}
	return NULL;
}

/* The socket named by argument i; NULL (with a failure recorded) when it is not one. */
static struct drill_fd *fd_arg(struct drill_run *r, struct drill_call *c, int i, bool socket)
{
	int64_t v;
	if (drill_int_arg(r, c->e, arg(c, i), &v))
		return NULL;
	struct drill_fd *f = drill_fd_find(r, (int)v);
	if (!f)
		drill_fail(r, c->e->line, "%s: no file descriptor %lld in the script", c->sc->name,
		           (long long)v);
	else if (socket && f->kind != DFD_SOCKET)
		drill_fail(r, c->e->line, "%s: %lld is not a socket", c->sc->name, (long long)v);
	else
		return f;
	return NULL;
}

/* A buffer argument: "..." (a buffer) or NULL/0 (a bad address). */
static int buf_arg(struct drill_run *r, struct drill_call *c, int i)
{
	const struct drill_expr *x = arg(c, i);
	int64_t v;
	if (x && x->kind == DRILL_EX_ELLIPSIS)
		return 0;
	if (x && (x->kind == DRILL_EX_INT || x->kind == DRILL_EX_WORD) &&
	    drill_int_arg(r, c->e, x, &v) == 0 && v == 0) {
		c->null_buf = true;
		return 0;
	}
	if (!r->done)
		drill_fail(r, c->e->line, "%s: expected ... or NULL for the buffer", c->sc->name);
	return -1;
}

/* The largest read or write the drill performs in one call. */
#define MAX_IO (INT64_C(1) << 30)

static int len_arg(struct drill_run *r, struct drill_call *c, int i)
{
	if (drill_int_arg(r, c->e, arg(c, i), &c->len))
		return -1;
	if (c->len < 0 || c->len > MAX_IO) {
		drill_fail(r, c->e->line, "%s: length %lld out of range", c->sc->name,
		           (long long)c->len);
		return -1;
	}
	return 0;
}

/* ---- descriptors and readiness ---- */

static void complete(struct drill_run *r, struct drill_call *c, int64_t ret);

/* Retries the blocking call in progress; true when it completed. */
static bool retry(struct drill_run *r)
{
	struct drill_call *c = r->blk;
	int64_t ret = 0;
	if (!c || r->done || !c->try_call(r, c, &ret))
		return false;
	r->blk = NULL;
	complete(r, c, ret);
	if (r->awaiting)
		sim_stop(&r->sim); /* the clock stops where the call returned */
	return true;
}

/* Every socket's readiness callback (edge-triggered: each new condition once). */
static void sock_event(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx)
{
	(void)sim;
	(void)s;
	struct drill_fd *fd = ctx;
	struct drill_run *r = fd->run;
	drill_epoll_wake(r, fd, events);
	retry(r);
}

struct drill_fd *drill_fd_new(struct drill_run *r, enum drill_fd_kind k, int script_fd,
                              struct tcp_sock *s)
{
	struct drill_fd *f = g_new0(struct drill_fd, 1);
	f->run = r;
	f->kind = k;
	f->script_fd = script_fd;
	f->sock = s;
	if (s)
		tcp_set_callback(s, TCP_EV_READABLE | TCP_EV_WRITABLE | TCP_EV_HUP | TCP_EV_ERROR,
		                 true, sock_event, f);
	g_ptr_array_add(r->fds, f);
	return f;
}

static void fd_free(struct drill_run *r, struct drill_fd *f)
{
	drill_epoll_forget(r, f);
	if (f->kind == DFD_EPOLL)
		drill_epoll_free(f);
	g_ptr_array_remove(r->fds, f);
	g_free(f);
}

static bool nonblocking(const struct drill_call *c)
{
	return (c->fd && c->fd->nonblock) || (c->flags & 0x40 /* MSG_DONTWAIT */);
}

/* ---- the calls ---- */

static bool try_accept(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	int err = 0;
	struct tcp_sock *s = tcp_accept(c->fd->sock, &err);
	if (!s) {
		*ret = err;
		return err != -EAGAIN || nonblocking(c);
	}
	struct drill_conn *conn = NULL;
	for (guint i = 0; i < r->conns->len; i++) {
		struct drill_conn *k = r->conns->pdata[i];
		if ((k->state == DC_PASSIVE || k->state == DC_SYNACK_SENT) &&
		    k->rport == tcp_remote_port(s))
			conn = k;
	}
	c->newfd = drill_fd_new(r, DFD_SOCKET, -1, s);
	c->newfd->conn = conn;
	if (conn)
		conn->sock = s;
	*ret = 0;
	return true;
}

/* connect(): the first try starts the handshake; a blocking one then waits for it. */
static bool try_connect(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	struct tcp_sock *s = c->fd->sock;
	if (c->copied == 0) {
		c->copied = 1;
		int rc = tcp_connect(s, DRILL_REMOTE_IP, DRILL_BIND_PORT);
		if (rc < 0) {
			*ret = rc;
			return true;
		}
		struct drill_conn *conn = c->fd->conn;
		if (conn && conn->state == DC_NEW) {
			conn->state = DC_CONNECTING;
			conn->rport = DRILL_BIND_PORT;
			r->cur = conn;
		}
		if (nonblocking(c)) {
			*ret = -EINPROGRESS;
			return true;
		}
	}
	enum tcp_state st = tcp_sock_state(s);
	if (st == TCP_SYN_SENT || st == TCP_SYN_RECEIVED)
		return false;
	int e = tcp_get_error(s);
	*ret = e ? e : 0;
	return true;
}

static void discard(void *ctx, const uint8_t *data, uint32_t n)
{
	(void)ctx;
	(void)data;
	(void)n;
}

static bool try_read(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	(void)r;
	struct tcp_sock *s = c->fd->sock;
	if (c->len == 0) {
		*ret = 0;
		return true;
	}
	if (c->null_buf && tcp_readable_bytes(s) > 0) {
		*ret = -EFAULT; /* copy_to_user() fails: nothing is consumed */
		return true;
	}
	/* Nothing to copy with a NULL buffer: end of stream, an error or "try again". */
	ssize_t n =
	    c->null_buf ? tcp_recv(s, NULL, 0) : tcp_recv_inplace(s, (size_t)c->len, discard, NULL);
	*ret = n;
	return n != -EAGAIN || nonblocking(c);
}

static const uint8_t zeros[65536];

/* write/send/sendmsg: a blocking write copies everything before it returns. */
static bool try_write(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	(void)r;
	if (c->null_buf && c->len > 0) {
		*ret = -EFAULT;
		return true;
	}
	if (c->len == 0) {
		*ret = 0;
		return true;
	}
	while (c->copied < c->len) {
		int64_t chunk = MIN(c->len - c->copied, (int64_t)sizeof(zeros));
		/* MSG_MORE: the model holds a partial segment for this call. */
		ssize_t n =
		    tcp_send_more(c->fd->sock, zeros, (size_t)chunk, (c->flags & 0x8000) != 0);
		if (n > 0) {
			c->copied += n;
			continue;
		}
		if (n == -EAGAIN && !nonblocking(c))
			return false;
		*ret = c->copied > 0 ? c->copied : n;
		return true;
	}
	*ret = c->copied;
	return true;
}

/* ---- parsing each call ---- */

static int setup_socket(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	int64_t dom = 2, type, proto;
	if (nargs(r, c, 3, 3))
		return -1;
	if (arg(c, 0)->kind != DRILL_EX_ELLIPSIS && drill_int_arg(r, c->e, arg(c, 0), &dom))
		return -1;
	if (drill_int_arg(r, c->e, arg(c, 1), &type) || drill_int_arg(r, c->e, arg(c, 2), &proto))
		return -1;
	if (dom != 2 || (type & ~04000) != 1 || (proto != 6 && proto != 0)) {
		drill_skip(r, c->e->line, "needs a socket other than IPv4 TCP (%lld, %lld, %lld)",
		           (long long)dom, (long long)type, (long long)proto);
		return -1;
	}
	struct tcp_sock *s = tcp_socket(r->stack);
	c->newfd = drill_fd_new(r, DFD_SOCKET, -1, s);
	c->newfd->nonblock = (type & 04000) != 0;
	c->newfd->conn = drill_conn_new(r, DC_NEW);
	c->newfd->conn->sock = s;
	*ret = 0;
	return 0;
}

static int setup_bind_listen(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	bool listen = c->sc->name[0] == 'l';
	if (nargs(r, c, listen ? 2 : 3, listen ? 2 : 3) || !(c->fd = fd_arg(r, c, 0, true)))
		return -1;
	if (!listen) {
		*ret = tcp_bind(c->fd->sock, DRILL_LOCAL_IP, DRILL_BIND_PORT);
		return 0;
	}
	int64_t backlog;
	if (drill_int_arg(r, c->e, arg(c, 1), &backlog))
		return -1;
	*ret = tcp_listen(c->fd->sock, (int)CLAMP(backlog, INT32_MIN, INT32_MAX));
	if (*ret == 0 && c->fd->conn) {
		c->fd->conn->state = DC_LISTENING;
		c->fd->listening = true;
		r->cur = c->fd->conn;
	}
	return 0;
}

/* The iovec list of writev/sendmsg: [{..., N}, ...]; their total length. */
static int iov_total(struct drill_run *r, struct drill_call *c, const struct drill_expr *x,
                     int64_t count)
{
	if (!x || x->kind != DRILL_EX_LIST) {
		drill_fail(r, c->e->line, "%s: expected an iovec list [{..., LEN}, ...]",
		           c->sc->name);
		return -1;
	}
	if (count >= 0 && count != x->n) {
		drill_fail(r, c->e->line, "%s: the iovec count %lld does not match its %d entries",
		           c->sc->name, (long long)count, x->n);
		return -1;
	}
	c->len = 0;
	for (int i = 0; i < x->n; i++) {
		const struct drill_expr *v = x->items[i];
		int64_t n;
		if (v->kind != DRILL_EX_STRUCT || v->n != 2 ||
		    v->fields[0].value->kind != DRILL_EX_ELLIPSIS ||
		    drill_int_arg(r, c->e, v->fields[1].value, &n) || n < 0 || n > MAX_IO) {
			if (!r->done)
				drill_fail(r, c->e->line, "%s: expected {..., LEN} in the iovec",
				           c->sc->name);
			return -1;
		}
		c->len += n;
	}
	if (c->len > MAX_IO) {
		drill_fail(r, c->e->line, "%s: %lld bytes is too much", c->sc->name,
		           (long long)c->len);
		return -1;
	}
	return 0;
}

/* sendmsg(fd, {msg_name(...)=..., msg_iov(N)=[...], msg_flags=0}, FLAGS). */
static int sendmsg_args(struct drill_run *r, struct drill_call *c)
{
	const struct drill_expr *m = arg(c, 1);
	if (!m || m->kind != DRILL_EX_STRUCT) {
		drill_fail(r, c->e->line, "sendmsg: expected a msghdr {...}");
		return -1;
	}
	for (int i = 0; i < m->n; i++) {
		const struct drill_field *f = &m->fields[i];
		int64_t v = -1;
		if (!f->name)
			continue;
		if (!strcmp(f->name, "msg_iov")) {
			if (f->name_arg && drill_int_arg(r, c->e, f->name_arg, &v))
				return -1;
			if (iov_total(r, c, f->value, v))
				return -1;
		} else if (!strcmp(f->name, "msg_control") && f->value->kind == DRILL_EX_LIST &&
		           f->value->n > 0) {
			drill_skip(r, c->e->line, "needs control messages (msg_control)");
			return -1;
		}
	}
	return drill_int_arg(r, c->e, arg(c, 2), &c->flags);
}

/* Flags of a send or receive netsim cannot honour make the script skip. */
static int io_flags(struct drill_run *r, struct drill_call *c, bool send)
{
	if (c->flags & 0x20000000) {
		drill_skip(r, c->e->line, "needs TCP Fast Open (MSG_FASTOPEN)");
		return -1;
	}
	if (!send && (c->flags & (0x2 | 0x100 | 0x1 | 0x2000))) {
		drill_skip(r, c->e->line, "needs recv flags 0x%llx (MSG_PEEK/WAITALL/OOB/ERRQUEUE)",
		           (long long)c->flags);
		return -1;
	}
	return 0;
}

/* read, recv, recvfrom, readv / write, send, sendto, writev, sendmsg. */
static int setup_io(struct drill_run *r, struct drill_call *c, bool send)
{
	const char *n = c->sc->name;
	bool vec = !strcmp(n, "readv") || !strcmp(n, "writev");
	bool msg = !strcmp(n, "sendmsg");
	bool to = !strcmp(n, "sendto") || !strcmp(n, "recvfrom");
	bool flags = !strcmp(n, "send") || !strcmp(n, "recv") || to;
	int want = msg ? 3 : to ? 6 : flags ? 4 : 3;
	if (nargs(r, c, want, want) || !(c->fd = fd_arg(r, c, 0, true)))
		return -1;
	if (msg) {
		if (sendmsg_args(r, c))
			return -1;
	} else if (vec) {
		int64_t cnt;
		if (drill_int_arg(r, c->e, arg(c, 2), &cnt) || iov_total(r, c, arg(c, 1), cnt))
			return -1;
	} else if (buf_arg(r, c, 1) || len_arg(r, c, 2) ||
	           (flags && drill_int_arg(r, c->e, arg(c, 3), &c->flags))) {
		return -1;
	}
	if (io_flags(r, c, send))
		return -1;
	c->try_call = send ? try_write : try_read;
	return 0;
}

static int setup_close_shutdown(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	bool shut = c->sc->name[0] == 's';
	if (nargs(r, c, shut ? 2 : 1, shut ? 2 : 1) || !(c->fd = fd_arg(r, c, 0, false)))
		return -1;
	if (shut) {
		int64_t how;
		if (c->fd->kind != DFD_SOCKET) {
			*ret = -ENOTSOCK;
			return 0;
		}
		if (drill_int_arg(r, c->e, arg(c, 1), &how))
			return -1;
		*ret = how >= 0 && how <= 2
		           ? tcp_shutdown(c->fd->sock, (enum tcp_shutdown_how)(how + 1))
		           : -EINVAL;
		return 0;
	}
	if (c->fd->sock) {
		if (c->fd->conn && c->fd->conn->sock == c->fd->sock)
			c->fd->conn->sock = NULL;
		*ret = tcp_close(c->fd->sock);
	} else {
		*ret = 0;
	}
	fd_free(r, c->fd);
	c->fd = NULL;
	return 0;
}

static int setup_misc(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	const char *n = c->sc->name;
	if (!strcmp(n, "getsockname") || !strcmp(n, "getpeername")) {
		if (nargs(r, c, 3, 3) || !(c->fd = fd_arg(r, c, 0, true)))
			return -1;
		*ret =
		    !strcmp(n, "getpeername") && tcp_remote_port(c->fd->sock) == 0 ? -ENOTCONN : 0;
		return 0;
	}
	drill_skip(r, c->e->line, "needs the system call %s()", n);
	return -1;
}

/* Parses the call; either sets *ret (done at once) or c->try_call. -1: failed/skipped. */
static int dispatch(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	const char *n = c->sc->name;
	if (!strcmp(n, "socket"))
		return setup_socket(r, c, ret);
	if (!strcmp(n, "bind") || !strcmp(n, "listen"))
		return setup_bind_listen(r, c, ret);
	if (!strcmp(n, "accept") || !strcmp(n, "accept4")) {
		if (nargs(r, c, 3, 4) || !(c->fd = fd_arg(r, c, 0, true)))
			return -1;
		c->try_call = try_accept;
		return 0;
	}
	if (!strcmp(n, "connect")) {
		if (nargs(r, c, 3, 3) || !(c->fd = fd_arg(r, c, 0, true)))
			return -1;
		c->try_call = try_connect;
		return 0;
	}
	if (!strcmp(n, "read") || !strcmp(n, "recv") || !strcmp(n, "recvfrom") ||
	    !strcmp(n, "readv"))
		return setup_io(r, c, false);
	if (!strcmp(n, "write") || !strcmp(n, "send") || !strcmp(n, "sendto") ||
	    !strcmp(n, "writev") || !strcmp(n, "sendmsg"))
		return setup_io(r, c, true);
	if (!strcmp(n, "close") || !strcmp(n, "shutdown"))
		return setup_close_shutdown(r, c, ret);
	if (!strcmp(n, "setsockopt"))
		return drill_sys_setsockopt(r, c->e, ret);
	if (!strcmp(n, "getsockopt"))
		return drill_sys_getsockopt(r, c->e, ret);
	if (!strcmp(n, "fcntl"))
		return drill_sys_fcntl(r, c->e, ret);
	if (!strcmp(n, "ioctl"))
		return drill_sys_ioctl(r, c->e, ret);
	if (!strcmp(n, "epoll_create") || !strcmp(n, "epoll_create1"))
		return drill_sys_epoll_create(r, c, ret);
	if (!strcmp(n, "epoll_ctl"))
		return drill_sys_epoll_ctl(r, c, ret);
	if (!strcmp(n, "epoll_wait") || !strcmp(n, "epoll_pwait"))
		return drill_sys_epoll_wait(r, c);
	if (!strcmp(n, "poll"))
		return drill_sys_poll(r, c);
	return setup_misc(r, c, ret);
}

/* socket(), accept() and epoll_create() return a descriptor: the script's number for
 * it is whatever the script expects (packetdrill maps script to live fds). */
static bool returns_fd(const struct drill_call *c)
{
	return c->newfd != NULL || !strcmp(c->sc->name, "socket") ||
	       !strncmp(c->sc->name, "accept", 6) || !strncmp(c->sc->name, "epoll_create", 12);
}

static bool same_errno(const char *a, const char *b)
{
	int64_t x, y;
	if (drill_symbol(a, &x) && drill_symbol(b, &y))
		return x == y;
	return strcmp(a, b) == 0;
}

static void check_result(struct drill_run *r, struct drill_call *c, int64_t ret)
{
	int64_t want;
	if (drill_int_arg(r, c->e, c->sc->result, &want))
		return;
	bool fd = returns_fd(c);
	const char *got_err = ret < 0 ? drill_errno_name((int)-ret) : NULL;
	bool ok = fd && want >= 0 ? ret >= 0 : (ret < 0 ? -1 : ret) == want;
	if (ok && c->sc->errno_name)
		ok = got_err && same_errno(c->sc->errno_name, got_err);
	if (!ok) {
		char got[64];
		if (ret < 0)
			g_snprintf(got, sizeof(got), "-1 %s", got_err);
		else
			g_snprintf(got, sizeof(got), "%lld", (long long)ret);
		drill_fail(r, c->e->line, "expected %s() = %lld%s%s, got %s", c->sc->name,
		           (long long)want, c->sc->errno_name ? " " : "",
		           c->sc->errno_name ? c->sc->errno_name : "", got);
		return;
	}
	if (fd && ret >= 0 && c->newfd) {
		if (drill_fd_find(r, (int)want)) {
			drill_fail(r, c->e->line, "%s(): duplicate fd %lld in the script",
			           c->sc->name, (long long)want);
			return;
		}
		c->newfd->script_fd = (int)want;
	}
}

static void call_free(struct drill_run *r, struct drill_call *c)
{
	sim_timer_cancel(&r->sim, &c->timer);
	g_free(c->revents);
	g_free(c);
}

static void complete(struct drill_run *r, struct drill_call *c, int64_t ret)
{
	char a[32], b[32];
	drill_log(r, "%s() returned %lld", c->sc->name, (long long)ret);
	check_result(r, c, ret);
	if (!r->done && (!strncmp(c->sc->name, "epoll_", 6) || !strcmp(c->sc->name, "poll")) &&
	    ret >= 0)
		drill_sys_check_events(r, c, ret);
	if (!r->done && c->sc->blocking) {
		int64_t now = sim_now(&r->sim), d = c->end_ns - c->start_ns;
		int64_t tol = drill_tolerance_over(r, d > 0 ? d : 0);
		if (now < c->end_ns - tol || now > c->end_ns + tol)
			drill_fail(r, c->e->line,
			           "expected %s() to return at %s, it returned at %s", c->sc->name,
			           drill_fmt_time(c->end_ns, a), drill_fmt_time(now, b));
	}
	call_free(r, c);
}

/* An epoll_wait or poll timeout. */
static void timeout_fire(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)arg;
	struct drill_run *r = ctx;
	if (r->blk) {
		r->blk->timed_out = true;
		retry(r);
	}
}

void drill_sys_run(struct drill_run *r, const struct drill_event *e, int64_t start, int64_t end)
{
	struct drill_call *c = g_new0(struct drill_call, 1);
	c->e = e;
	c->sc = e->sc;
	c->start_ns = start;
	c->end_ns = end;
	c->timeout_ms = -1;
	drill_log(r, "%s()", e->sc->name);
	int64_t ret = 0;
	if (dispatch(r, c, &ret) < 0 || r->done) {
		if (c->newfd && c->newfd->script_fd < 0)
			c->newfd->script_fd = -2; /* never named */
		call_free(r, c);
		return;
	}
	if (c->try_call && !c->try_call(r, c, &ret)) {
		r->blk = c; /* it blocks: retried on every socket change */
		if (c->timeout_ms > 0)
			sim_timer_arm_at(&r->sim, &c->timer,
			                 sim_now(&r->sim) +
			                     SIM_MS(MIN(c->timeout_ms, INT64_C(1) << 40)),
			                 timeout_fire, r, NULL);
		if (!c->sc->blocking)
			drill_sys_await(r, e->line);
		return;
	}
	complete(r, c, ret);
}

void drill_sys_await(struct drill_run *r, int line)
{
	struct drill_call *c = r->blk;
	if (!c)
		return;
	int64_t span = c->end_ns - c->start_ns;
	int64_t limit = c->end_ns >= 0 ? c->end_ns + drill_tolerance_over(r, span > 0 ? span : 0)
	                               : sim_now(&r->sim) + SIM_S(600);
	r->awaiting = true;
	while (r->blk == c && !r->done && sim_now(&r->sim) < limit)
		sim_run(&r->sim, limit);
	r->awaiting = false;
	if (r->blk == c && !r->done) {
		char a[32], b[32];
		if (c->end_ns >= 0)
			drill_fail(r, c->e->line,
			           "expected %s() to return at %s, still blocked at %s",
			           c->sc->name, drill_fmt_time(c->end_ns, a),
			           drill_fmt_time(sim_now(&r->sim), b));
		else
			drill_fail(r, c->e->line, "%s() blocked and never returned (by %s)",
			           c->sc->name, drill_fmt_time(sim_now(&r->sim), b));
		(void)line;
	}
	if (r->blk == c) {
		r->blk = NULL;
		call_free(r, c);
	}
}

void drill_sys_teardown(struct drill_run *r)
{
	if (r->blk) {
		call_free(r, r->blk);
		r->blk = NULL;
	}
	while (r->fds->len) {
		struct drill_fd *f = r->fds->pdata[r->fds->len - 1];
		if (f->sock)
			tcp_set_callback(f->sock, 0, false, NULL, NULL);
		fd_free(r, f);
	}
}
