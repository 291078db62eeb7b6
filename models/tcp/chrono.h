/* models/tcp/chrono.h — where the sender's time goes: busy, limited by the receiver's
 * window, limited by the send buffer (Linux's tcp_chrono, tcp_info's tcpi_busy_time,
 * tcpi_rwnd_limited, tcpi_sndbuf_limited).
 *
 * Accounting only: nothing here changes what the connection sends.
 */
#ifndef MODELS_TCP_CHRONO_H
#define MODELS_TCP_CHRONO_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/time.h"

struct tcp_sock;

/* In Linux's order (include/net/tcp.h enum tcp_chrono): a higher one, once started,
 * takes over from a lower one. */
enum tcp_chrono_type {
	TCP_CHRONO_UNSPEC,
	TCP_CHRONO_BUSY,          /* data queued or in flight */
	TCP_CHRONO_RWND_LIMITED,  /* the peer's window held new data back */
	TCP_CHRONO_SNDBUF_LIMITED /* the application waits for send-buffer space */
};

struct tcp_chrono {
	sim_time_t start;    /* when the current type began */
	sim_time_t stat[3];  /* time spent per type, BUSY .. SNDBUF_LIMITED */
	uint8_t type;        /* enum tcp_chrono_type */
	bool nospace;        /* a write found the buffer full (Linux SOCK_NOSPACE) */
	bool rwnd_blocked;   /* the last send attempt stopped at the peer's window */
};

void tcp_chrono_start(struct tcp_sock *c, enum tcp_chrono_type type);
void tcp_chrono_stop(struct tcp_sock *c, enum tcp_chrono_type type);
/* The end of a round of sending (Linux tcp_write_xmit's tail). validate: something
 * went out or cwnd stopped it (when Linux calls tcp_cwnd_validate); cwnd_limited: the
 * connection counts as cwnd-limited. */
void tcp_chrono_after_xmit(struct tcp_sock *c, bool validate, bool cwnd_limited);
/* Send-buffer space opened for a writer that had found it full (tcp_check_space). */
void tcp_chrono_space(struct tcp_sock *c);
/* The time spent in a type up to now (the current one included), nanoseconds. */
sim_time_t tcp_chrono_time(const struct tcp_sock *c, enum tcp_chrono_type type);

#endif
