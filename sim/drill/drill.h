/* sim/drill/drill.h — the `netsim drill` command (docs/drill.md).
 *
 *   netsim drill SCRIPT.pkt... [--profile linux|rfc] [--set tcp.KNOB=V]... [--verbose]
 *                              [--pcap DIR] [--tolerance DURATION]
 *
 * Prints per script "ok NAME", "FAIL NAME:LINE: expected ..., got ... (at T)" or
 * "skip NAME:LINE: needs ...", then "N passed, N failed[, N skipped]". Exit status 2
 * when a script cannot be parsed (FILE:LINE:COL: message; nothing is run) or an option
 * is bad, else 1 when a script failed, else 0.
 */
#ifndef SIM_DRILL_DRILL_H
#define SIM_DRILL_DRILL_H

/* argv[0] is "drill". */
int drill_main(int argc, char **argv);

#endif
