/* models/tcp/info.h — a connection's state as Linux's struct tcp_info reports it.
 *
 * For tools that compare netsim with Linux field by field (the drill's %{ }% blocks).
 * Fields are looked up by Linux's names ("tcpi_snd_cwnd") and given in Linux's units,
 * as tcp_get_info() (net/ipv4/tcp.c) fills them: windows and thresholds in segments,
 * times in microseconds (last_data_recv and the like in milliseconds), states with
 * Linux's numbers. A field netsim has no model of (SACK scoreboard counts, pacing,
 * delivery rate, ...) is reported as such with the reason, never as a made-up value.
 */
#ifndef MODELS_TCP_INFO_H
#define MODELS_TCP_INFO_H

#include <stddef.h>
#include <stdint.h>

struct tcp_sock;

enum tcp_info_status {
	TCP_INFO_OK,
	TCP_INFO_UNKNOWN,      /* not a field of Linux's tcp_info */
	TCP_INFO_NOT_MODELLED, /* a Linux field netsim has no model of: see *why */
};

/* The value of field `name` of connection s now. *why (static text) explains a
 * NOT_MODELLED answer. */
enum tcp_info_status tcp_info_get(const struct tcp_sock *s, const char *name, uint64_t *value,
                                  const char **why);

/* The name of the i-th field (modelled or not) in tcp_info order; NULL past the end. */
const char *tcp_info_name(size_t i);

#endif
