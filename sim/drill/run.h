/* sim/drill/run.h — running a parsed packetdrill script against netsim's TCP.
 *
 * The system under test is a real netsim host (models/ip/node.h with TCP attached)
 * with one interface, 192.168.0.1/16, on a link to a scripted peer at 192.0.2.1 (the
 * addresses packetdrill uses). Packets the script injects ('<') enter the host's
 * interface as if they had just arrived from the wire; what the host sends crosses the
 * link (10 Tbit/s, no delay: the peer sees it within nanoseconds) and is matched
 * against the script's '>' lines. System calls go to netsim's socket API; %{ }% blocks
 * read the connection's tcp_info. Everything happens in simulated time.
 */
#ifndef SIM_DRILL_RUN_H
#define SIM_DRILL_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "models/tcp/tcp.h"
#include "sim/drill/script.h"

enum drill_verdict {
	DRILL_PASS,
	DRILL_FAIL,
	DRILL_SKIP, /* the script needs something netsim does not model */
};

struct drill_options {
	enum tcp_profile profile;
	const char *const *sets; /* "tcp.KNOB=VALUE" (or "KNOB=VALUE"), NULL-terminated */
	bool verbose;            /* log events, packets, ignored settings to `log` */
	FILE *log;               /* NULL: stderr */
	const char *pcap_path;   /* write the wire traffic here (NULL: no capture) */
	int64_t tolerance_ns;    /* timing tolerance; < 0: packetdrill's 4 ms. A script's
	                          * --tolerance_usecs overrides it. */
};

struct drill_result {
	enum drill_verdict verdict;
	int line;        /* the script line of the failure (0 if none) */
	int64_t time_ns; /* simulated time of the failure */
	char *message;   /* FAIL: "expected ..., got ..."; SKIP: the reason */
	uint64_t events; /* simulator events executed */
};

/* Checks that a set of --set values names real knobs with valid values (each
 * "tcp.KNOB=VALUE" or "KNOB=VALUE"). Returns 0 or -1 with *error. */
int drill_check_sets(const char *const *sets, char **error);

/* Runs the script. Always fills *r (g_free r->message). Never exits the process. */
void drill_run(const struct drill_script *s, const struct drill_options *o, struct drill_result *r);

#endif
