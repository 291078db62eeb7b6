/* sim/cli/scenario_tcp.c — `tcp` objects into struct tcp_config: the scenario's,
 * an application's and its server side's, layered. */
#include <string.h>

#include "sim/cli/scenario_conv.h"

/* Reads a knob value from JSON into the knob's int64 form. */
static bool knob_value(const struct tcp_knob *k, const cJSON *v, int64_t *out)
{
	switch (k->type) {
	case TCP_KNOB_BOOL:
		if (!cJSON_IsBool(v))
			return false;
		*out = cJSON_IsTrue(v);
		return true;
	case TCP_KNOB_INT:
		return sch_int_value(v, out);
	case TCP_KNOB_BYTES: {
		uint64_t b;
		if (!sch_size_value(v, &b) || b > INT64_MAX)
			return false;
		*out = (int64_t)b;
		return true;
	}
	case TCP_KNOB_DURATION: {
		sim_time_t t;
		if (!cJSON_IsString(v) || sim_parse_duration(v->valuestring, &t) != 0)
			return false;
		*out = t;
		return true;
	}
	case TCP_KNOB_ENUM: {
		if (!cJSON_IsString(v))
			return false;
		const char *const *names = k->names();
		for (int64_t i = 0; names[i]; i++) {
			if (strcmp(names[i], v->valuestring) == 0) {
				*out = i;
				return true;
			}
		}
		return false;
	}
	}
	return false;
}

/* Fills cfg from up to three layered `tcp` objects (later ones win): the profile is
 * applied first (it reloads every default), then every other knob. `at` names the
 * innermost object for cross-field errors. */
void scn_conv_tcp(struct scn_conv *c, const cJSON *const layers[3], int report_from,
		     struct tcp_config *cfg, const cJSON *at)
{
	enum tcp_profile profile = TCP_PROFILE_LINUX;
	for (int i = 0; i < 3; i++) {
		const char *p;
		if (layers[i] && sch_get_string(layers[i], "profile", &p))
			tcp_profile_parse(p, &profile);
	}
	tcp_config_defaults(cfg, profile);
	size_t n;
	const struct tcp_knob *knobs = tcp_knobs(&n);
	for (size_t k = 0; k < n; k++) {
		if (strcmp(knobs[k].name, "profile") == 0)
			continue;
		for (int i = 0; i < 3; i++) {
			const cJSON *v = layers[i] ? sch_get(layers[i], knobs[k].name) : NULL;
			int64_t x;
			if (v && knob_value(&knobs[k], v, &x) && tcp_knob_set(cfg, &knobs[k], x) != 0 &&
			    i >= report_from) {
				gsize l = sch_path_key(c->path, knobs[k].name);
				sch_diag(c->d, v, SCN_PATH(c), "out of range for this knob");
				sch_path_pop(c->path, l);
			}
		}
	}
	const char *why = NULL;
	if (tcp_config_validate(cfg, &why) != 0 && layers[report_from])
		sch_diag(c->d, at, SCN_PATH(c), "%s", why ? why : "inconsistent TCP settings");
}
