/* models/tcp/socket.h — the socket API simulated applications use.
 *
 * BSD-shaped and non-blocking, with readiness notification shaped like epoll. An
 * application never blocks (simulated time only moves between events): calls return
 * what can be done now, -EAGAIN otherwise, and the application learns when to try
 * again from its readiness callback.
 *
 * Errors are negative errno values users know: -ECONNREFUSED, -ECONNRESET,
 * -ETIMEDOUT, -EADDRINUSE, -EADDRNOTAVAIL, -EPIPE, -ENOTCONN, -EAGAIN, -EINVAL,
 * -EISCONN, -EALREADY.
 *
 * Ownership: the application owns a socket handle from tcp_socket()/tcp_accept()
 * until tcp_close() or tcp_abort(). After close the connection may live on inside the
 * stack (FIN-WAIT, TIME-WAIT: an orphan), but the handle is gone and no further
 * callbacks are made.
 *
 * Readiness (tcp_set_callback):
 *   TCP_EV_READABLE  data to read, or the peer's FIN (recv returns 0), or a
 *                    pending connection on a listening socket
 *   TCP_EV_WRITABLE  connected and send-buffer space available (also: connect()
 *                    completed)
 *   TCP_EV_HUP       the connection is finished in both directions or was reset
 *   TCP_EV_ERROR     an error is pending (read it with tcp_get_error)
 *   Level-triggered: after every change to the socket, and again after each
 *     callback returns, the callback runs while (ready & interest) != 0; an
 *     application that does not want to be called (a paused reader) clears its
 *     interest. This is epoll's LT contract: a condition is reported until handled.
 *     WRITABLE in particular stays ready while the send buffer has space, whether
 *     or not a send ever returned -EAGAIN.
 *   Edge-triggered: the callback runs only when a condition newly arises (new data
 *     arrived, buffer space opened after being full, FIN/RST/error arrived); data
 *     left unread is not reported again until more arrives.
 *   In both modes a condition that arises is reported however it arose: space
 *     opening in a full buffer by an ACK (the buffer filled exactly, by a short
 *     write, or SO_SNDBUF lowered below what is queued) or by a larger SO_SNDBUF;
 *     HUP when the application's own shutdown(SHUT_WR) follows the peer's FIN.
 *     (tests/validation/test_readiness.c checks each case in both modes.)
 *   Callbacks are never invoked from inside a socket call made by the application:
 *   they are delivered as scheduler events at the current simulated time, so an
 *   application's code is never re-entered.
 */
#ifndef MODELS_TCP_SOCKET_H
#define MODELS_TCP_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "models/ip/addr.h"

struct sim;
struct tcp_stack;
struct tcp_sock;

enum tcp_event {
	TCP_EV_READABLE = 1u << 0,
	TCP_EV_WRITABLE = 1u << 1,
	TCP_EV_HUP = 1u << 2,
	TCP_EV_ERROR = 1u << 3,
};

typedef void (*tcp_event_fn)(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx);

/* A new unbound socket on this host's TCP, with the stack's default options. */
struct tcp_sock *tcp_socket(struct tcp_stack *stack);

/* Binds to a local address (IPV4_ANY = every address of the host; 127.0.0.1 = only
 * loopback; a specific address = only connections to it) and port (0 = ephemeral). */
int tcp_bind(struct tcp_sock *s, ipv4_addr_t addr, uint16_t port);

/* Starts listening; backlog limits connections completed but not yet accepted (as
 * Linux: up to backlog + 1 wait; a SYN arriving while the queue is full is dropped,
 * as Linux does without SYN cookies). */
int tcp_listen(struct tcp_sock *s, int backlog);

/* Takes one established connection from a listener. Returns NULL with *err = -EAGAIN
 * when none is waiting. */
struct tcp_sock *tcp_accept(struct tcp_sock *listener, int *err);

/* Starts the three-way handshake (binds an ephemeral port first if unbound).
 * Returns 0: the connection is in progress (EINPROGRESS). Completion is reported
 * as TCP_EV_WRITABLE, failure as TCP_EV_ERROR (+HUP) with tcp_get_error() giving
 * -ECONNREFUSED or -ETIMEDOUT. */
int tcp_connect(struct tcp_sock *s, ipv4_addr_t addr, uint16_t port);

/* Copies up to len bytes into the send buffer. Returns the number accepted (> 0),
 * -EAGAIN when the buffer is full or the handshake is still in progress (Linux: the
 * send waits for it), -EPIPE after shutdown(SHUT_WR)/close or when the connection is
 * gone, -ENOTCONN on a socket that never connected. */
ssize_t tcp_send(struct tcp_sock *s, const void *buf, size_t len);
/* tcp_send with Linux's MSG_MORE (more = true): more data follows, so a partial
 * segment at the end is held (as TCP_CORK does, for this call only; data held is
 * sent by the persist timer after one RTO if nothing else sends it). */
ssize_t tcp_send_more(struct tcp_sock *s, const void *buf, size_t len, bool more);
/* The congestion control of one socket (TCP_CONGESTION), by its name in
 * tcp_cc_names(); only before connect() or listen() (-EISCONN after), -ENOENT for an
 * unknown name. */
int tcp_set_congestion(struct tcp_sock *s, const char *name);
const char *tcp_congestion(const struct tcp_sock *s);

/* Copies up to len bytes of in-order received data. Returns > 0, 0 at end of stream
 * (the peer's FIN and all data before it consumed), -EAGAIN when nothing is
 * available yet, or the pending error (-ECONNRESET). */
ssize_t tcp_recv(struct tcp_sock *s, void *buf, size_t len);

/* tcp_recv() without the copy: the up to len bytes are handed to fn(ctx, data, n)
 * where they lie, in order, in one or more pieces, and consumed; they are valid
 * until fn returns. Same return values and effects as tcp_recv (for an application
 * that only inspects what it reads, as the verifying bulk receiver does). */
typedef void (*tcp_recv_fn)(void *ctx, const uint8_t *data, uint32_t n);
ssize_t tcp_recv_inplace(struct tcp_sock *s, size_t len, tcp_recv_fn fn, void *ctx);

/* Bytes ready to read without blocking (FIONREAD). */
size_t tcp_readable_bytes(const struct tcp_sock *s);

/* Free space in the send buffer. */
size_t tcp_writable_bytes(const struct tcp_sock *s);

/* Half-close: SHUT_WR sends FIN after queued data and keeps receiving;
 * SHUT_RD discards further received data; SHUT_RDWR both. */
enum tcp_shutdown_how { TCP_SHUT_RD = 1, TCP_SHUT_WR = 2, TCP_SHUT_RDWR = 3 };
int tcp_shutdown(struct tcp_sock *s, enum tcp_shutdown_how how);

/* Releases the handle. With unread received data, sends RST instead of FIN
 * (RFC 9293 §3.6.1, RFC 2525 §2.17); with SO_LINGER 0 aborts; otherwise an
 * orderly close continues in the stack. */
int tcp_close(struct tcp_sock *s);

/* Sends RST (when synchronised) and releases the handle at once. */
void tcp_abort(struct tcp_sock *s);

/* Readiness interest and callback; replaces a previous registration. interest = 0
 * unregisters. */
void tcp_set_callback(struct tcp_sock *s, uint32_t interest, bool edge_triggered,
		      tcp_event_fn fn, void *ctx);

/* Current readiness (a TCP_EV_* mask), independent of interest. */
uint32_t tcp_poll(const struct tcp_sock *s);

/* Takes and clears the pending error (SO_ERROR): 0 or a negative errno. */
int tcp_get_error(struct tcp_sock *s);

/* Socket options. Values are integers (bytes, booleans as 0/1, durations in ns). */
enum tcp_sockopt {
	TCP_OPT_NODELAY,       /* TCP_NODELAY: 1 disables Nagle */
	TCP_OPT_KEEPALIVE,     /* SO_KEEPALIVE */
	TCP_OPT_KEEPIDLE,      /* TCP_KEEPIDLE (ns) */
	TCP_OPT_KEEPINTVL,     /* TCP_KEEPINTVL (ns) */
	TCP_OPT_KEEPCNT,       /* TCP_KEEPCNT */
	TCP_OPT_LINGER_ZERO,   /* SO_LINGER with l_linger = 0: close() aborts */
	TCP_OPT_SNDBUF,        /* SO_SNDBUF (bytes) */
	TCP_OPT_RCVBUF,        /* SO_RCVBUF (bytes): the buffer as it counts (knob
				* rcvbuf_accounting); setting it stops autotuning */
	TCP_OPT_CORK,          /* TCP_CORK: hold partial segments while set */
	TCP_OPT_MAXSEG,        /* TCP_MAXSEG: clamp of the MSS sent and announced */
	TCP_OPT_USER_TIMEOUT,  /* TCP_USER_TIMEOUT (ns; 0 = off) */
	TCP_OPT_TOS,           /* IP_TOS: the TOS byte of segments sent */
	TCP_OPT_REUSEADDR,     /* SO_REUSEADDR */
	TCP_OPT_QUICKACK,      /* TCP_QUICKACK: 1 leaves interactive mode (an owed ACK
				* may go at once), 0 enters it; reads 1 unless
				* interactive (not sticky, as Linux) */
};
/* Sets an option; options.c documents each one's behaviour. -EINVAL for a value out
 * of range. */
int tcp_setsockopt(struct tcp_sock *s, enum tcp_sockopt opt, int64_t value);
int tcp_getsockopt(const struct tcp_sock *s, enum tcp_sockopt opt, int64_t *value);

/* Addresses of a bound/connected socket (0 when not yet known). */
ipv4_addr_t tcp_local_addr(const struct tcp_sock *s);
uint16_t tcp_local_port(const struct tcp_sock *s);
ipv4_addr_t tcp_remote_addr(const struct tcp_sock *s);
uint16_t tcp_remote_port(const struct tcp_sock *s);

/* The RFC 9293 state name of the socket's connection ("ESTABLISHED"). */
const char *tcp_state_name(const struct tcp_sock *s);

#endif
