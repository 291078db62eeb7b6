/* sim/drill/run_int.h — the runner's state, shared by its files:
 *
 *   run.c    the event loop: times, tolerance, waiting in simulated time, verdicts
 *   wire.c   the topology; building injected packets; capturing, aggregating and
 *            matching sent ones; sequence-number mapping (packetdrill's "sockets")
 *   sys.c    system calls on netsim's socket API, blocking calls, epoll, poll
 *   sysopt.c setsockopt/getsockopt/fcntl/ioctl
 *   shell.c  `commands`: defaults.sh, sysctl, tc, set_sysctls.py
 *   info.c   tcp_info for %{ }% blocks
 */
#ifndef SIM_DRILL_RUN_INT_H
#define SIM_DRILL_RUN_INT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "models/tcp/seg.h"
#include "models/tcp/tcp.h"
#include "sim/core/sim.h"
#include "sim/drill/py.h"
#include "sim/drill/run.h"
#include "sim/drill/script.h"

struct node;
struct link;
struct iface;

/* packetdrill's addresses (run with --local_ip=192.168.0.1 --remote_ip=192.0.2.1). */
#define DRILL_LOCAL_IP  IPV4_ADDR(192, 168, 0, 1)
#define DRILL_REMOTE_IP IPV4_ADDR(192, 0, 2, 1)
#define DRILL_BIND_PORT 8080  /* bind(fd, ..., ...) and connect(fd, ..., ...) */
#define DRILL_EPHEMERAL 40000 /* the peer's ports for passive connections */

/* A segment the host sent, as the peer received it. */
struct drill_out {
	sim_time_t t;
	uint8_t tos, ttl;
	ipv4_addr_t src, dst;
	bool csum_ok;
	struct tcp_repr r; /* r.payload points into seg */
	uint8_t *seg;      /* the TCP segment (header + payload) */
	uint32_t seg_len;
};

/* packetdrill's "socket under test": the connection the script's packets belong to,
 * and how its sequence numbers map between the script and the wire. The peer's
 * numbers are the script's own (the peer is us); the host's are offset by its ISN. */
enum drill_conn_state {
	DC_NEW,         /* socket() */
	DC_LISTENING,   /* listen() */
	DC_CONNECTING,  /* connect() called */
	DC_SYN_SENT,    /* the script's '>' SYN was matched */
	DC_PASSIVE,     /* created by an injected SYN */
	DC_SYNACK_SENT, /* its SYN-ACK was matched */
};

struct drill_conn {
	enum drill_conn_state state;
	uint16_t lport, rport; /* live ports, host order (0 = not known yet) */
	bool have_script_isn, have_live_isn;
	uint32_t script_isn, live_isn; /* the host's ISN, as written and as sent */
	uint32_t remote_isn;
	/* TCP timestamps: script TS val -> live TS val (for the ecr of injected packets)
	 * and the first pair seen, to map later values. */
	GHashTable *ts_map;
	bool have_ts;
	uint32_t first_script_ts, first_live_ts;
	struct tcp_sock *sock; /* the netsim socket carrying it, when known */
};

/* File descriptors: sockets and epoll instances. */
enum drill_fd_kind { DFD_SOCKET, DFD_EPOLL };

struct drill_epoll_item {
	struct drill_fd *target; /* the socket watched */
	int script_fd;
	uint32_t events; /* EPOLL* interest with EPOLLERR|EPOLLHUP, EPOLLET... */
	uint64_t data;   /* fd=, ptr=, u32= or u64= value */
	bool ready;      /* on the ready list */
};

struct drill_fd {
	struct drill_run *run;
	enum drill_fd_kind kind;
	int script_fd;
	bool nonblock;
	struct tcp_sock *sock;   /* DFD_SOCKET */
	struct drill_conn *conn; /* the connection this socket carries (if any) */
	bool listening;
	GPtrArray *items; /* DFD_EPOLL: struct drill_epoll_item *, owned */
	GQueue ready;     /* DFD_EPOLL: items on the ready list, in order */
};

/* A system call in progress. Calls that can block are retried whenever a socket
 * reports a change (and at an epoll/poll timeout) until they complete. */
struct drill_call;
typedef bool (*drill_try_fn)(struct drill_run *r, struct drill_call *c, int64_t *ret);

struct drill_call {
	const struct drill_event *e;
	const struct drill_syscall *sc;
	drill_try_fn try_call; /* returns true when done (*ret = result or -errno) */
	struct drill_fd *fd;
	struct drill_fd *newfd; /* accept: the connection's fd, filled on success */
	int64_t len;            /* bytes asked for */
	int64_t flags;          /* MSG_* */
	bool null_buf;          /* the buffer is NULL: EFAULT */
	int64_t copied;         /* bytes written so far (a blocking write) */
	int64_t timeout_ms;     /* epoll_wait, poll: -1 forever */
	bool timed_out;
	int64_t start_ns, end_ns; /* issued at; expected to return at (-1: unchecked) */
	struct sim_timer timer;
	int64_t maxevents;   /* epoll_wait */
	uint32_t got_events; /* epoll_wait: the first event reported */
	uint64_t got_data;
	uint32_t *revents; /* poll: per entry */
	int n_revents;
};
struct drill_run {
	const struct drill_script *s;
	const struct drill_options *o;
	struct drill_result *res;
	bool done;         /* the verdict is decided */
	int64_t fail_time; /* when what failed happened (-1: now) */
	FILE *log;

	struct sim sim;
	struct tcp_config cfg; /* the host's configuration (profile, sysctls, --set) */
	struct node *host, *peer;
	struct link *link;
	struct iface *host_if, *peer_if;
	struct tcp_stack *stack;
	bool local_drop; /* `tc qdisc ... pfifo limit 0`: the host's queue drops all */
	uint64_t local_drops;

	/* Timing (script times are nanoseconds since the first event). */
	int64_t tolerance_ns;
	int64_t tolerance_pct_x10; /* packetdrill's dynamic tolerance: 12.5% (125) */
	int64_t ts_tick_ns;        /* --tcp_ts_tick_usecs: check TS val against time */
	const struct drill_event *last_event;
	int64_t last_event_ns; /* the last event's resolved script time */

	GQueue outq;            /* struct drill_out *, in arrival order */
	GPtrArray *conns;       /* struct drill_conn *, owned */
	struct drill_conn *cur; /* the connection under test */
	uint16_t next_rport;
	GPtrArray *fds;         /* struct drill_fd *, owned */
	struct drill_call *blk; /* the blocking call in progress */

	struct drill_py_env *py;
	GString *py_out;
	bool sim_stopped_for_packet;
	bool awaiting; /* drill_sys_await runs the clock for r->blk */
};

/* ---- run.c ---- */
/* Decides the verdict (the first decision wins). fmt is the message. */
void drill_fail(struct drill_run *r, int line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void drill_skip(struct drill_run *r, int line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void drill_log(struct drill_run *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Runs the simulation up to t (events at t included). */
void drill_advance(struct drill_run *r, int64_t t);
/* The tolerance for an event at script time t (packetdrill's verify_time). */
int64_t drill_tolerance(const struct drill_run *r, int64_t t);
/* The tolerance for an interval of d ns (packetdrill: the larger of the fixed
 * tolerance and a percentage of d). */
int64_t drill_tolerance_over(const struct drill_run *r, int64_t d);
/* "0.100000": a time as packetdrill prints it (seconds, microseconds). */
const char *drill_fmt_time(int64_t ns, char buf[32]);

/* ---- wire.c ---- */
int drill_wire_setup(struct drill_run *r, char **error);
void drill_wire_teardown(struct drill_run *r);
/* Injects the script's inbound packet now. */
void drill_wire_inject(struct drill_run *r, const struct drill_event *e);
/* Waits for and checks the script's outbound packet(s) at [lo, hi] (script times). */
void drill_wire_expect(struct drill_run *r, const struct drill_event *e, int64_t lo, int64_t hi);
struct drill_conn *drill_conn_new(struct drill_run *r, enum drill_conn_state st);
void drill_conn_free(gpointer c);
void drill_out_free(struct drill_out *o);

/* ---- sys.c ---- */
void drill_sys_run(struct drill_run *r, const struct drill_event *e, int64_t start, int64_t end);
/* A blocking call in progress: run the simulation until it returns (or fail). */
void drill_sys_await(struct drill_run *r, int line);
void drill_sys_teardown(struct drill_run *r);
struct drill_fd *drill_fd_find(struct drill_run *r, int script_fd);
/* A new descriptor (script fd -1 until the call's result names it); a socket's
 * readiness callback is registered (edge-triggered, every condition). */
struct drill_fd *drill_fd_new(struct drill_run *r, enum drill_fd_kind k, int script_fd,
                              struct tcp_sock *s);
/* Symbols of the scripts (SOCK_STREAM, EPOLLIN, ...), Linux's values. */
bool drill_symbol(const char *name, int64_t *v);
const char *drill_errno_name(int err); /* a netsim -errno (positive) to "EAGAIN" */
/* Evaluates an integer argument (INT, a symbol, a|b); -1 with a failure recorded. */
int drill_int_arg(struct drill_run *r, const struct drill_event *e, const struct drill_expr *x,
                  int64_t *v);

/* ---- sys_epoll.c ---- */
/* A socket reported `events` (TCP_EV_*): queue the epoll items watching it. */
void drill_epoll_wake(struct drill_run *r, struct drill_fd *fd, uint32_t events);
/* The Linux poll mask (EPOLL*) of a socket now. */
uint32_t drill_poll_mask(const struct drill_fd *fd);
void drill_epoll_forget(struct drill_run *r, struct drill_fd *gone);
void drill_epoll_free(struct drill_fd *ep);
int drill_sys_epoll_create(struct drill_run *r, struct drill_call *c, int64_t *ret);
int drill_sys_epoll_ctl(struct drill_run *r, struct drill_call *c, int64_t *ret);
/* epoll_wait and poll: argument parsing; the calls then go through try_call. */
int drill_sys_epoll_wait(struct drill_run *r, struct drill_call *c);
int drill_sys_poll(struct drill_run *r, struct drill_call *c);
/* Checks what epoll_wait / poll reported against the script (after success). */
void drill_sys_check_events(struct drill_run *r, struct drill_call *c, int64_t ret);

/* ---- sysopt.c ---- */
/* setsockopt, getsockopt, fcntl, ioctl: fills *ret (value or -errno); 0, or -1 when
 * the script's arguments are malformed (a failure was recorded) or the option is not
 * modelled (a skip was recorded). */
int drill_sys_setsockopt(struct drill_run *r, const struct drill_event *e, int64_t *ret);
int drill_sys_getsockopt(struct drill_run *r, const struct drill_event *e, int64_t *ret);
int drill_sys_fcntl(struct drill_run *r, const struct drill_event *e, int64_t *ret);
int drill_sys_ioctl(struct drill_run *r, const struct drill_event *e, int64_t *ret);

/* ---- shell.c ---- */
/* Applies a `command` (time NONE: before the topology exists, settings only). */
void drill_shell_run(struct drill_run *r, const struct drill_event *e, bool before_start);

/* ---- info.c ---- */
void drill_info_setup(struct drill_run *r);
void drill_info_run(struct drill_run *r, const struct drill_event *e);

#endif
