/* models/apps/tcp_app.h — the socket-facing pieces every TCP application shares:
 * endpoints, socket options, per-connection TCP configuration, traces, statistics
 * references, and listeners that hand accepted connections to the flow they belong
 * to.
 *
 * Where it sits: between the applications (bulk.c, echo.c, reqresp.c, http.c,
 * simopen.c) and models/tcp/socket.h + tcp.h. Pure bookkeeping (stream content, the
 * report) is in flow.h.
 *
 * Listeners and flows. Every application flow is one connection with a client side
 * (it connects) and a server side (it is accepted). The server side is found by the
 * connection's 4-tuple: right after connect() the client registers its local
 * (address, port) with the listener (app_listener_expect), and when the listener
 * accepts a connection from that (address, port) it hands the socket to the flow.
 * So several flows may share one listening port (an HTTP server on port 80 serving
 * many clients, each connection still reported as its own flow), and a flow given no
 * shared listener simply makes a private one. A connection nobody expects is aborted
 * (RST) and counted.
 *
 * Teardown: free applications (and listeners) before the TCP stacks. Freeing an
 * application never sends anything (no FIN, no RST after the run's end): it
 * unregisters its callbacks and leaves its sockets to tcp_stack_free(), which frees
 * them silently.
 */
#ifndef MODELS_APPS_TCP_APP_H
#define MODELS_APPS_TCP_APP_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "models/apps/flow.h"
#include "models/tcp/tcp.h"
#include "sim/core/sched.h"
#include "sim/core/time.h"

struct sim;

/* GError domain of the applications' set-up errors (bad configuration, a socket that
 * cannot be created, bound or listened on). Codes: enum app_error_code. */
#define APP_ERROR (app_error_quark())
GQuark app_error_quark(void);

enum app_error_code {
	APP_ERROR_CONFIG,  /* invalid configuration */
	APP_ERROR_SOCKET,  /* a socket call failed (the message names the errno) */
};

/* One end of an application's connection: the host's TCP stack, an address
 * (on a listener: IPV4_ANY = every address of the host; on a connecting socket:
 * IPV4_ANY = let the stack pick; on the server endpoint a client connects to: the
 * address to connect to) and a port (0 = ephemeral, for connecting sockets only). */
struct app_endpoint {
	struct tcp_stack *stack;
	ipv4_addr_t addr;
	uint16_t port;
};

/* A boolean option that may be left at the stack's default. Zero = default, so a
 * zero-initialised struct app_sockopts changes nothing. */
enum app_flag {
	APP_FLAG_DEFAULT = 0,
	APP_FLAG_OFF,
	APP_FLAG_ON,
};

/* Socket options for the sockets of one side of a flow. Zero / APP_FLAG_DEFAULT
 * leaves the value of the socket's configuration. */
struct app_sockopts {
	enum app_flag nodelay;     /* TCP_NODELAY */
	enum app_flag keepalive;   /* SO_KEEPALIVE */
	sim_time_t keepidle;       /* TCP_KEEPIDLE, ns */
	sim_time_t keepintvl;      /* TCP_KEEPINTVL, ns */
	int32_t keepcnt;           /* TCP_KEEPCNT */
	enum app_flag linger_zero; /* SO_LINGER {on, 0}: close() aborts with RST */
	int64_t sndbuf;            /* SO_SNDBUF, bytes */
	int64_t rcvbuf;            /* SO_RCVBUF, bytes */
};

/* What one side of a flow passes to TCP: a per-connection configuration replacing
 * the stack's defaults (NULL: the stack's; copied into the socket, so the caller may
 * free it after creating the application), and socket options applied after it. */
struct app_side {
	const struct tcp_config *tcp;
	struct app_sockopts opts;
};

/* Applies cfg (if any) then the options to a socket not yet connecting or
 * listening. Returns 0 or a negative errno. */
int app_side_apply(struct tcp_sock *s, const struct app_side *side);

/* Applies only the socket options (to an accepted socket). */
int app_apply_sockopts(struct tcp_sock *s, const struct app_sockopts *o);

/* Copies the report-relevant counters of a TCP connection. */
void app_tcp_stats_from(struct app_tcp_stats *out, const struct tcp_stats *s);

/* "10.0.0.1:80" into buf (at least 24 bytes); returns buf. */
const char *app_format_endpoint(char *buf, ipv4_addr_t addr, uint16_t port);

/* Trace selection for an application's connections: the path prefix
 * ("results/x/flow1", NULL = no traces) and which traces (TCP_TRACE_* bits; 0 =
 * both endpoint and sequence traces on the data sender, the endpoint trace on the
 * receiver). Files are "<prefix>.<side>.tsv" (docs/outputs.md). */
struct app_trace {
	const char *prefix;
	unsigned what;
};

/* Enables the traces of `side` ("sender", "receiver", "client", "server") on s.
 * Data senders get the sequence trace, receivers only the endpoint trace, unless
 * t->what says otherwise. Returns 0 or -1 with *error set. */
int app_trace_enable(struct tcp_sock *s, const struct app_trace *t, const char *side,
		     bool data_sender, GError **error);

/* ---- streams over a socket ---- */

/* The writing end of one direction's byte stream: writes stream bytes (flow.h) from
 * `sent` up to `limit` in writes of `write_size`. An application raises `limit` as it
 * decides to send more (a request, a response) or sets it to UINT64_MAX (unlimited). */
struct app_stream_tx {
	uint64_t key;
	uint64_t limit;
	uint64_t sent;
	uint32_t write_size;
};

/* Writes until sent == limit or the send buffer is full. Returns 1 when everything
 * up to limit has been written, 0 when blocked (EAGAIN: wait for WRITABLE), or a
 * negative errno. Correct for edge-triggered use: it stops only at EAGAIN or done. */
int app_stream_tx_pump(struct app_stream_tx *tx, struct tcp_sock *s);

/* Reads up to `max` bytes (at most 65536 per call) and feeds them to the verifier,
 * in place (tcp_recv_inplace: no copy). Returns the number read (> 0), 0 at end of stream, -EAGAIN when nothing
 * is waiting, or another negative errno. */
ssize_t app_stream_rx_read(struct app_verifier *v, struct tcp_sock *s, size_t max);

/* ---- listeners ---- */

struct app_listener;

/* Called when the listener accepted a connection the flow expected. The flow owns
 * the socket from now on. */
typedef void (*app_accept_fn)(struct sim *sim, struct tcp_sock *s, void *ctx);

struct app_listener_config {
	struct app_endpoint local;   /* stack, address (IPV4_ANY: all), port (> 0) */
	struct app_side side;        /* configuration and options of the listener;
				      * accepted connections inherit the configuration */
	int backlog;                 /* 0 → 128 */
};

/* Creates a listening socket. Returns NULL with *error set (EADDRINUSE...). */
struct app_listener *app_listener_new(struct sim *sim, const struct app_listener_config *cfg,
				      GError **error);

/* Frees the listener (see Teardown above: the socket is left to the stack). Flows
 * still expecting connections simply never get them. NULL is allowed. */
void app_listener_free(struct app_listener *l);

/* Hands the next connection accepted from (raddr, rport) to fn(ctx). raddr may be
 * IPV4_ANY when the client could not tell its address yet: then any address with
 * that port matches. Returns 0, or -EADDRINUSE when that pair is already expected. */
int app_listener_expect(struct app_listener *l, ipv4_addr_t raddr, uint16_t rport,
			app_accept_fn fn, void *ctx);

/* Also calls syn_fn(ctx) with the new connection when its SYN arrives (before it is
 * accepted, in SYN-RECEIVED), for a trace that shows the server's handshake. */
void app_listener_expect_syn(struct app_listener *l, ipv4_addr_t raddr, uint16_t rport,
			     app_accept_fn syn_fn);

/* Withdraws an expectation (a flow that failed or is being freed). */
void app_listener_unexpect(struct app_listener *l, ipv4_addr_t raddr, uint16_t rport);

/* The listening socket (for tests) and the connections aborted because nobody
 * expected them. */
struct tcp_sock *app_listener_socket(const struct app_listener *l);
uint64_t app_listener_unexpected(const struct app_listener *l);

/* ---- client-side helper ---- */

/* Creates a socket, binds it when `local` names an address or port, applies the
 * side's configuration and options and enables its traces. Does not connect.
 * Returns NULL with *error set. */
struct tcp_sock *app_client_socket(const struct app_endpoint *local, const struct app_side *side,
				   const struct app_trace *trace, const char *trace_side,
				   bool data_sender, GError **error);

/* Connects s to `remote` and registers the connection with `listener` (if not NULL)
 * so its accepted side reaches accept_fn. Returns 0 or a negative errno (the
 * connection did not start). */
int app_client_connect(struct tcp_sock *s, const struct app_endpoint *remote,
		       struct app_listener *listener, app_accept_fn accept_fn, void *ctx);

/* ---- the two ends of one flow ---- */

/* struct app_pair is the part every application shares: the flow's report, the
 * client socket (created at set-up so traces and a busy port are reported at once,
 * connected at `start`), the server socket (accepted from a private or shared
 * listener, or — simultaneous open — actively connected too), statistics references
 * that outlive the sockets, the start and stop timers, and error recording. An
 * application embeds one and supplies its behaviour through app_pair_ops. */
struct app_pair;

struct app_pair_ops {
	/* The client socket is edge-triggered, with interest in every event, and the
	 * pair dispatches its events: a pending error or a hang-up while the handle
	 * is held fails the client (app_pair_fail_client); otherwise WRITABLE calls
	 * client_connected the first time (the connection is established) and
	 * client_writable after; READABLE (or HUP) calls client_readable, which must
	 * read until EAGAIN or end of stream. An edge-triggered application must
	 * always work until EAGAIN, so these hooks do. client_writable is optional. */
	void (*client_connected)(struct app_pair *p);
	void (*client_writable)(struct app_pair *p);
	void (*client_readable)(struct app_pair *p);
	/* The server socket, in the mode and with the initial interest below. A
	 * pending error fails the server; otherwise server_event (or server_pump)
	 * runs (it may change the interest through app_pair_server_interest), and
	 * a hang-up while the handle is still held afterwards fails the server. */
	void (*server_event)(struct app_pair *p, uint32_t events);
	bool server_edge;
	uint32_t server_interest;
	/* Optional: the server socket has just been accepted (or, for simultaneous
	 * open, created) and registered; the application may act on it. */
	void (*server_ready)(struct app_pair *p);
	/* Instead of server_event and server_ready, for a server that does the
	 * same whatever woke it (write what it can, read until EAGAIN): runs on
	 * every event and once when the server is ready. */
	void (*server_pump)(struct app_pair *p);
	/* Optional: the stop time was reached while the client socket is held. */
	void (*stop)(struct app_pair *p);
};

/* The connection part of a client/server application's configuration (echo,
 * request/response, HTTP embed it as `conn`; bulk and simultaneous open name their
 * ends differently and fill app_pair_config's copy themselves). */
struct app_client_server {
	const char *name;               /* flow name (NULL: the application's name) */
	struct app_endpoint client;     /* client's stack, local address/port (0: any) */
	struct app_endpoint server;     /* server's stack, address connected to, port */
	struct app_listener *listener;  /* shared listener, NULL: a private one */
	int backlog;                    /* private listener (0 → 128) */
	bool client_only;               /* no server side here: the client connects to a
					 * port another application serves (or none: the
					 * report then says ECONNREFUSED / ETIMEDOUT) */
	sim_time_t start;               /* client connects */
	sim_time_t stop;                /* 0 = none; else ops->stop runs then */
	struct app_side client_side, server_side;
	struct app_trace trace;         /* "<prefix>.<trace side>*.tsv" */
};

struct app_pair_config {
	struct app_client_server conn; /* flow name, ends, times, sides, traces */
	const char *app;               /* report's "app" (a static string) */
	bool simultaneous;             /* both ends connect at `start` (no listener):
					* client binds client.port, server binds
					* server.port; both ports must be given */
	const char *client_trace_side; /* "sender" / "client" */
	const char *server_trace_side; /* "receiver" / "server" */
	bool client_sends, server_sends; /* which ends get the sequence trace */
	bool cc_of_server;             /* report the server's congestion control (it
					* sends most of the data), not the client's */
};

/* The pair configuration of a client/server application in which both ends send
 * data: cs, the report's `app`, trace sides "client" and "server", sequence traces
 * on both. */
void app_pair_config_client_server(struct app_pair_config *pc,
				   const struct app_client_server *cs, const char *app);

struct app_pair {
	struct sim *sim;
	const struct app_pair_ops *ops;
	void *owner;                   /* ctx of the callbacks */
	struct app_flow_report report;
	char cc[TCP_CC_NAME_MAX];
	struct tcp_sock *client;       /* held handles (NULL once closed) */
	struct tcp_sock *server;
	const struct tcp_stats *client_stats, *server_stats;
	uint32_t server_interest;
	bool started;                  /* the start time came */
	bool client_connected;         /* the client saw WRITABLE after connect */
	bool server_connected;
	/* internal */
	struct app_listener *own_listener, *listener;
	bool expecting;
	ipv4_addr_t exp_addr;
	uint16_t exp_port;
	struct app_side server_side;
	struct app_trace trace;
	char *trace_prefix;
	const char *client_trace_side;
	const char *server_trace_side;
	bool server_sends, simultaneous, client_only, cc_of_server;
	struct app_endpoint client_ep, server_ep;
	struct sim_timer start_timer, stop_timer;
};

/* Sets up the pair (listener, client socket, timers). On failure returns -1 with
 * *error set, and the pair needs no fini. */
int app_pair_init(struct app_pair *p, struct sim *sim, const struct app_pair_config *cfg,
		  const struct app_pair_ops *ops, void *owner, GError **error);

/* Releases everything (see Teardown: sends nothing). */
void app_pair_fini(struct app_pair *p);

/* Records an error seen by one side ("client", "server", ...): the first error is
 * the report's `error`, with a detail naming the side. */
void app_pair_error(struct app_pair *p, int err, const char *side);

/* Closes a held handle (tcp_close: FIN after queued data, or RST if unread data). */
void app_pair_close_client(struct app_pair *p);
void app_pair_close_server(struct app_pair *p);

/* Closes the client handle like app_pair_close_client, but the server side is still
 * expected: the connection goes on in the stack (an orphan) and the listener still
 * hands its other end to the flow. */
void app_pair_release_client(struct app_pair *p);

/* Records err as seen by that side (named as in its traces: "sender", "client",
 * "receiver", "server") and closes its handle. */
void app_pair_fail_client(struct app_pair *p, int err);
void app_pair_fail_server(struct app_pair *p, int err);

/* Changes the readiness interest of the held server socket (no call if unchanged). */
void app_pair_server_interest(struct app_pair *p, uint32_t interest);

/* Fills report.tcp from the client's statistics, merged with the server's when
 * `both` (bidirectional applications). */
void app_pair_update_stats(struct app_pair *p, bool both);

/* If events carry ERROR, takes the pending error; returns it (0: none). */
int app_take_error(struct tcp_sock *s, uint32_t events);

#endif
