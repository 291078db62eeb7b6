/* models/link/loss.c — see loss.h. */
#include "models/link/loss.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"

void loss_config_default(struct loss_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = LOSS_NONE;
	cfg->r = -1.0;
	cfg->one_minus_h = 1.0;
	cfg->one_minus_k = 0.0;
}

static bool prob_ok(double p)
{
	return !isnan(p) && p >= 0.0 && p <= 1.0;
}

const char *loss_config_check(const struct loss_config *cfg)
{
	switch (cfg->kind) {
	case LOSS_NONE:
		return NULL;
	case LOSS_BERNOULLI:
		return prob_ok(cfg->rate) ? NULL : "loss rate must lie in [0, 1]";
	case LOSS_GILBERT_ELLIOTT:
		if (!prob_ok(cfg->p))
			return "gemodel p must lie in [0, 1]";
		if (!(cfg->r < 0.0) && !prob_ok(cfg->r))
			return "gemodel r must lie in [0, 1]";
		if (!prob_ok(cfg->one_minus_h))
			return "gemodel 1-h must lie in [0, 1]";
		if (!prob_ok(cfg->one_minus_k))
			return "gemodel 1-k must lie in [0, 1]";
		return NULL;
	case LOSS_DROP_LIST:
		if (cfg->n_drop_list && !cfg->drop_list)
			return "drop list missing";
		for (size_t i = 0; i < cfg->n_drop_list; i++)
			if (cfg->drop_list[i] == 0)
				return "drop list indices start at 1";
		return NULL;
	}
	return "unknown loss model";
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void loss_init(struct loss_model *m, struct sim *sim, const struct loss_config *cfg,
               const char *stream_name)
{
	const char *why = loss_config_check(cfg);
	if (why)
		g_error("loss_init: %s", why);
	memset(m, 0, sizeof(*m));
	m->kind = cfg->kind;
	m->rate = cfg->rate;
	m->p = cfg->p;
	/* netem: "gemodel p" alone means r = 1 - p. */
	m->r = cfg->r < 0.0 ? 1.0 - cfg->p : cfg->r;
	m->one_minus_h = cfg->one_minus_h;
	m->one_minus_k = cfg->one_minus_k;
	m->bad = false;
	if (cfg->kind == LOSS_DROP_LIST && cfg->n_drop_list) {
		m->drops = g_new(uint64_t, cfg->n_drop_list);
		memcpy(m->drops, cfg->drop_list, cfg->n_drop_list * sizeof(uint64_t));
		qsort(m->drops, cfg->n_drop_list, sizeof(uint64_t), cmp_u64);
		size_t n = 0;
		for (size_t i = 0; i < cfg->n_drop_list; i++)
			if (n == 0 || m->drops[n - 1] != m->drops[i])
				m->drops[n++] = m->drops[i];
		m->n_drops = n;
	}
	sim_rng_stream(sim, &m->rng, stream_name);
}

void loss_fini(struct loss_model *m)
{
	g_free(m->drops);
	m->drops = NULL;
	m->n_drops = 0;
}

static bool in_drop_list(const struct loss_model *m, uint64_t index)
{
	size_t lo = 0, hi = m->n_drops;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->drops[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n_drops && m->drops[lo] == index;
}

/* netem's loss_gilb_ell(): the transition is drawn first, then the loss with the
 * probability of the state the packet found the chain in. */
static bool gilbert_elliott(struct loss_model *m)
{
	if (!m->bad) {
		if (sim_rng_bernoulli(&m->rng, m->p))
			m->bad = true;
		return sim_rng_bernoulli(&m->rng, m->one_minus_k);
	}
	if (sim_rng_bernoulli(&m->rng, m->r))
		m->bad = false;
	return sim_rng_bernoulli(&m->rng, m->one_minus_h);
}

bool loss_decide(struct loss_model *m, uint64_t index)
{
	bool lost = false;
	switch (m->kind) {
	case LOSS_NONE:
		break;
	case LOSS_BERNOULLI:
		lost = sim_rng_bernoulli(&m->rng, m->rate);
		break;
	case LOSS_GILBERT_ELLIOTT:
		lost = gilbert_elliott(m);
		break;
	case LOSS_DROP_LIST:
		lost = in_drop_list(m, index);
		break;
	}
	m->decisions++;
	m->losses += lost;
	return lost;
}

static const char *const kind_names[] = {
    [LOSS_NONE] = "none",
    [LOSS_BERNOULLI] = "bernoulli",
    [LOSS_GILBERT_ELLIOTT] = "gemodel",
    [LOSS_DROP_LIST] = "drop-list",
};

bool loss_kind_parse(const char *name, enum loss_kind *out)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(kind_names); i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum loss_kind)i;
			return true;
		}
	}
	if (strcmp(name, "gilbert-elliott") == 0) {
		*out = LOSS_GILBERT_ELLIOTT;
		return true;
	}
	return false;
}

const char *loss_kind_name(enum loss_kind kind)
{
	return (unsigned)kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : "?";
}
