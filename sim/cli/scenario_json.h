/* sim/cli/scenario_json.h — a validated scenario written back as a scenario file.
 *
 * scenario_to_json() is the inverse of scenario_build(): it writes every value the
 * run uses, defaults filled in, as a document in the scenario format
 * (docs/scenario-format.md). Loading that document gives the same configuration
 * structs, so the same run: summary.json keeps it under provenance.scenario and
 * `netsim run --from RESULTS_DIR` reruns it. Nothing is left for a default to decide:
 * node and link names, interface names, application addresses and ports, the whole
 * scenario-wide `tcp` object (every knob), each application's knobs that differ from
 * it, the seed and the duration.
 *
 * Values are written exactly: durations and rates in the unit parsers' own notation
 * (which round-trips to the nanosecond and bit/s), probabilities as JSON numbers in
 * the shortest form that reads back to the same double.
 */
#ifndef SIM_CLI_SCENARIO_JSON_H
#define SIM_CLI_SCENARIO_JSON_H

#include <cjson/cJSON.h>

#include "sim/cli/scenario.h"

/* The fully resolved scenario document of s. cJSON_Delete the result. */
cJSON *scenario_to_json(const struct scenario *s);

/* The knobs of cfg as a `tcp` object: every knob, or with `base` given only those
 * that differ from it (an application's layer over the scenario's). */
cJSON *scenario_tcp_json(const struct tcp_config *cfg, const struct tcp_config *base);

#endif
