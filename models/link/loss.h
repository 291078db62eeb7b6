/* models/link/loss.h — per-direction packet loss models.
 *
 * Where it sits: link.c asks loss_decide() once for every packet a direction carries,
 * as the packet leaves the link toward the receiver.
 *
 * Models (scenario key `loss`; a string such as "1%" means Bernoulli, an object picks
 * another model):
 *   LOSS_NONE           nothing is lost.
 *   LOSS_BERNOULLI      each packet is lost independently with probability `rate`.
 *   LOSS_GILBERT_ELLIOTT
 *                       Linux netem's `gemodel p r 1-h 1-k` (Gilbert-Elliott): a
 *                       two-state Markov chain. For each packet, in the current state,
 *                       first the transition is drawn (good→bad with p, bad→good with
 *                       r), then loss is drawn with the loss probability of the state
 *                       the packet found the chain in (1-k in good, 1-h in bad) —
 *                       exactly netem's loss_gilb_ell() order, so a testbed replays
 *                       the same process. The chain starts in the good state.
 *                       Stationary P(bad) = p / (p + r); mean loss
 *                       = (r·(1-k) + p·(1-h)) / (p + r); with 1-h = 1 and 1-k = 0 the
 *                       mean loss burst is 1/r packets.
 *   LOSS_DROP_LIST      drops exactly the packets whose 1-based index in the
 *                       direction is listed (index 1 = the first packet the
 *                       direction carries; packets dropped by the queue were never
 *                       carried and do not count). Classic papers force 1–4 drops in
 *                       one window this way (Fall & Floyd 1996).
 *
 * Every draw comes from the model's own named stream (the link passes
 * "link:<name>:<direction>:loss").
 */
#ifndef MODELS_LINK_LOSS_H
#define MODELS_LINK_LOSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/rng.h"

struct sim;

enum loss_kind {
	LOSS_NONE = 0,
	LOSS_BERNOULLI,
	LOSS_GILBERT_ELLIOTT,
	LOSS_DROP_LIST,
};

struct loss_config {
	enum loss_kind kind; /* default LOSS_NONE */
	/* LOSS_BERNOULLI: "loss": "1%" */
	double rate; /* P(loss) per packet, [0, 1]; default 0 */
	/* LOSS_GILBERT_ELLIOTT, named as netem's gemodel: */
	double p;           /* P(good → bad) per packet; default 0 */
	double r;           /* P(bad → good) per packet; < 0 (default -1) means
	                     * 1 - p, netem's default when r is omitted */
	double one_minus_h; /* "1-h": loss probability in the bad state;
	                     * default 1 (100 %, netem) */
	double one_minus_k; /* "1-k": loss probability in the good state;
	                     * default 0 (netem) */
	/* LOSS_DROP_LIST: 1-based packet indices. The array is borrowed: loss_init()
	 * copies (and sorts) it, so the caller may free it afterwards. */
	const uint64_t *drop_list;
	size_t n_drop_list;
};

/* Fills the defaults above (no loss). */
void loss_config_default(struct loss_config *cfg);

/* NULL when the configuration is valid, else a static message naming the offending
 * field ("loss rate must lie in [0, 1]"). */
const char *loss_config_check(const struct loss_config *cfg);

struct loss_model {
	enum loss_kind kind;
	double rate, p, r, one_minus_h, one_minus_k;
	bool bad;        /* Gilbert-Elliott: current state */
	uint64_t *drops; /* sorted, unique drop list */
	size_t n_drops;
	struct sim_rng rng;
	uint64_t decisions; /* packets judged */
	uint64_t losses;    /* of which lost */
};

/* Initialises a model from a valid configuration, seeding its stream `stream_name`. */
void loss_init(struct loss_model *m, struct sim *sim, const struct loss_config *cfg,
               const char *stream_name);
void loss_fini(struct loss_model *m);

/* Decides the fate of the packet with 1-based direction index `index` (used by the
 * drop list only; random models draw in call order). True = lost. */
bool loss_decide(struct loss_model *m, uint64_t index);

/* Parses a model name used in scenarios: "none", "bernoulli", "gemodel"
 * (also "gilbert-elliott"), "drop-list". Returns false if unknown. */
bool loss_kind_parse(const char *name, enum loss_kind *out);
const char *loss_kind_name(enum loss_kind kind);

#endif
