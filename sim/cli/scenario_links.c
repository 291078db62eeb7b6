/* sim/cli/scenario_links.c — the "links" section: each end (node, interface name,
 * address, subnet), the link's name, and its properties (symmetric, then the
 * per-direction overrides) into struct link_dir_config. */
#include <string.h>

#include "models/link/loss.h"
#include "models/link/queue.h"
#include "sim/cli/scenario_conv.h"

static bool has_unit(const char *s)
{
	for (; *s; s++)
		if (g_ascii_isalpha(*s))
			return true;
	return false;
}

/* The direction keys that are one value each. */
static void apply_scalar_keys(const cJSON *o, struct link_dir_config *cfg, bool *trace)
{
	uint64_t u;
	sim_time_t t;
	int64_t i;
	double p;
	bool b;

	if (sch_get_rate(o, "bandwidth", &u) && u > 0)
		cfg->bandwidth_bps = u;
	if (sch_get_duration(o, "delay", &t))
		cfg->delay = t;
	if (sch_get_int(o, "mtu", &i) && i >= 68 && i <= 65535)
		cfg->mtu = (uint32_t)i;
	if (sch_get_duration(o, "jitter", &t))
		cfg->jitter = t;
	if (sch_get_bool(o, "reorder", &b))
		cfg->reorder = b;
	if (sch_get_prob(o, "duplicate", &p))
		cfg->duplicate = p;
	if (sch_get_prob(o, "corrupt", &p))
		cfg->corrupt = p;
	if (sch_get_size(o, "framing", &u) && u <= 65535)
		cfg->framing_bytes = (uint32_t)u;
	if (sch_get_bool(o, "trace", &b))
		*trace = b;
}

/* "down": an array replaces what the direction inherited ([] clears it). The list
 * lives in L->storage, which the scenario frees. */
static void apply_outages(struct scn_link *L, const cJSON *down, struct link_dir_config *cfg)
{
	GArray *list = g_array_new(FALSE, FALSE, sizeof(struct link_outage));
	g_ptr_array_add(L->storage, list);
	for (const cJSON *e = down->child; e; e = e->next) {
		struct link_outage out = {.start = 0, .end = SIM_TIME_MAX};
		sim_time_t len;
		if (!sch_get_duration(e, "at", &out.start))
			continue;
		if (sch_get_duration(e, "for", &len) && len > 0)
			out.end = out.start > SIM_TIME_MAX - len ? SIM_TIME_MAX : out.start + len;
		g_array_append_val(list, out);
	}
	cfg->outages = (const struct link_outage *)(void *)list->data;
	cfg->n_outages = list->len;
}

/* A threshold key of RED or step: packets (a number) or bytes (a size). Returns
 * whether it was given; *bytes says which. */
static bool get_threshold(const cJSON *q, const char *key, uint64_t *out, bool *bytes)
{
	const cJSON *v = sch_get(q, key);
	int64_t i;
	if (cJSON_IsNumber(v) && sch_int_value(v, &i) && i >= 0) {
		*out = (uint64_t)i;
		*bytes = false;
		return true;
	}
	if (cJSON_IsString(v) && has_unit(v->valuestring) && sch_size_value(v, out)) {
		*bytes = true;
		return true;
	}
	return false;
}

static void apply_red(struct scn_conv *c, const cJSON *q, struct queue_red_config *r)
{
	int64_t i;
	uint64_t u;
	bool min_bytes = false, max_bytes = false;
	bool has_min = get_threshold(q, "min", &r->min, &min_bytes);
	bool has_max = get_threshold(q, "max", &r->max, &max_bytes);
	if (has_min != has_max && (min_bytes || max_bytes))
		scn_err_key(c, q, has_min ? "min" : "max",
			"give both min and max when the thresholds are sizes");
	else if (has_min && has_max && min_bytes != max_bytes)
		scn_err_key(c, q, "max", "min and max must both be packets or both be sizes");
	r->bytes = min_bytes || max_bytes;
	sch_get_prob(q, "probability", &r->probability);
	if (sch_get_prob(q, "wq", &r->wq) && r->wq <= 0.0)
		scn_err_key(c, q, "wq", "wq must be greater than 0");
	if (sch_get_int(q, "burst", &i))
		r->burst = (uint32_t)i;
	if (sch_get_size(q, "avpkt", &u))
		r->avpkt = (uint32_t)u;
	sch_get_bool(q, "gentle", &r->gentle);
	sch_get_bool(q, "harddrop", &r->harddrop);
	sch_get_bool(q, "adaptive", &r->adaptive);
	sch_get_bool(q, "bytemode", &r->bytemode);
}

/* The parameters of a queue object's discipline. */
static void apply_queue_params(struct scn_conv *c, const cJSON *q, struct queue_config *qc)
{
	int64_t i;
	uint64_t u;
	sch_get_bool(q, "ecn", &qc->ecn);
	switch (qc->type) {
	case QUEUE_RED:
		apply_red(c, q, &qc->red);
		break;
	case QUEUE_CODEL:
	case QUEUE_FQ_CODEL:
		sch_get_duration(q, "target", &qc->codel.target);
		sch_get_duration(q, "interval", &qc->codel.interval);
		if (sch_get_int(q, "flows", &i))
			qc->fq.flows = (uint32_t)i;
		if (sch_get_size(q, "quantum", &u))
			qc->fq.quantum = (uint32_t)u;
		if (sch_get_int(q, "drop_batch", &i))
			qc->fq.drop_batch = (uint32_t)i;
		break;
	case QUEUE_PIE:
		sch_get_duration(q, "target", &qc->pie.target);
		sch_get_duration(q, "tupdate", &qc->pie.tupdate);
		sch_get_duration(q, "max_burst", &qc->pie.max_burst);
		if (sch_get_int(q, "alpha", &i))
			qc->pie.alpha = (double)i / 16.0;
		if (sch_get_int(q, "beta", &i))
			qc->pie.beta = (double)i / 16.0;
		sch_get_bool(q, "bytemode", &qc->pie.bytemode);
		break;
	case QUEUE_STEP:
		get_threshold(q, "k", &qc->step.k, &qc->step.bytes);
		break;
	default:
		break;
	}
}

/* A queue object: it replaces what the direction inherited. Without "packets" and
 * "bytes" the type's default limit applies; with either, exactly the limits given. */
static void apply_queue_object(struct scn_conv *c, const cJSON *o, const cJSON *q,
			       struct link_dir_config *cfg)
{
	struct queue_config qc;
	int64_t i;
	uint64_t u;
	const char *type;
	queue_config_default(&qc);
	if (sch_get_string(q, "type", &type) && queue_type_parse(type) >= 0)
		queue_config_set_type(&qc, (enum queue_type)queue_type_parse(type));
	if (sch_get(q, "packets") || sch_get(q, "bytes")) {
		qc.limit_packets = 0;
		qc.limit_bytes = 0;
	}
	if (sch_get_int(q, "packets", &i) && i >= 0 && i <= UINT32_MAX)
		qc.limit_packets = (uint32_t)i;
	if (sch_get_size(q, "bytes", &u) && u <= UINT32_MAX)
		qc.limit_bytes = u;
	apply_queue_params(c, q, &qc);
	const char *why = sch_diags_count(c->d) ? NULL : queue_config_check(&qc);
	if (why)
		scn_err_key(c, o, "queue", "%s", why);
	cfg->queue = qc;
}

/* "queue": a packet count, a size with a unit (bytes), or an object. A count or a
 * size changes the limit of the discipline inherited. */
static void apply_queue(struct scn_conv *c, const cJSON *o, const cJSON *q,
			struct link_dir_config *cfg)
{
	int64_t i;
	uint64_t u;
	if (cJSON_IsNumber(q)) {
		if (sch_int_value(q, &i) && i >= 0 && i <= UINT32_MAX) {
			cfg->queue.limit_packets = (uint32_t)i;
			cfg->queue.limit_bytes = 0;
		}
	} else if (cJSON_IsString(q)) {
		if (!has_unit(q->valuestring)) {
			scn_err_key(c, o, "queue",
				"a queue given as a string needs a size unit (\"%sB\", \"64KiB\"); "
				"write a plain number for packets",
				q->valuestring);
		} else if (sch_size_value(q, &u) && u <= UINT32_MAX) {
			cfg->queue.limit_packets = 0;
			cfg->queue.limit_bytes = u;
		}
	} else if (cJSON_IsObject(q)) {
		apply_queue_object(c, o, q, cfg);
	}
}

/* The drop-list model's "packets" (object `loss`): indices kept in L->storage; an
 * index listed twice is an error. */
static void apply_drop_list(struct scn_conv *c, struct scn_link *L, const cJSON *loss,
			    struct loss_config *lc)
{
	lc->kind = LOSS_DROP_LIST;
	GArray *list = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	g_ptr_array_add(L->storage, list);
	const cJSON *pk = sch_get(loss, "packets");
	gsize j = 0;
	GHashTable *seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	for (const cJSON *e = cJSON_IsArray(pk) ? pk->child : NULL; e; e = e->next, j++) {
		int64_t idx;
		if (!sch_int_value(e, &idx) || idx < 1)
			continue;
		if (g_hash_table_contains(seen, &idx)) {
			gsize l0 = sch_path_key(c->path, "loss");
			gsize l1 = sch_path_key(c->path, "packets");
			gsize l2 = sch_path_index(c->path, j);
			sch_diag(c->d, e, SCN_PATH(c), "packet %" G_GINT64_FORMAT " is listed twice",
				 idx);
			sch_path_pop(c->path, l2);
			sch_path_pop(c->path, l1);
			sch_path_pop(c->path, l0);
			continue;
		}
		g_hash_table_add(seen, g_memdup2(&idx, sizeof(idx)));
		uint64_t v = (uint64_t)idx;
		g_array_append_val(list, v);
	}
	g_hash_table_destroy(seen);
	lc->drop_list = (const uint64_t *)(void *)list->data;
	lc->n_drop_list = list->len;
}

/* "loss": a probability (Bernoulli) or a model object, which replaces the inherited
 * loss entirely. */
static void apply_loss(struct scn_conv *c, struct scn_link *L, const cJSON *loss,
		       struct link_dir_config *cfg)
{
	double p;
	if (!cJSON_IsObject(loss)) {
		if (sch_prob_value(loss, &p)) {
			cfg->loss.kind = p > 0 ? LOSS_BERNOULLI : LOSS_NONE;
			cfg->loss.rate = p;
		}
		return;
	}
	const char *model;
	if (!sch_get_string(loss, "model", &model))
		return;
	struct loss_config lc;
	loss_config_default(&lc);
	if (strcmp(model, "none") == 0) {
		lc.kind = LOSS_NONE;
	} else if (strcmp(model, "bernoulli") == 0) {
		lc.kind = LOSS_BERNOULLI;
		sch_get_prob(loss, "p", &lc.rate);
	} else if (strcmp(model, "gilbert-elliott") == 0) {
		lc.kind = LOSS_GILBERT_ELLIOTT;
		sch_get_prob(loss, "p", &lc.p);
		sch_get_prob(loss, "r", &lc.r);
		sch_get_prob(loss, "1-h", &lc.one_minus_h);
		sch_get_prob(loss, "1-k", &lc.one_minus_k);
	} else if (strcmp(model, "drop-list") == 0) {
		apply_drop_list(c, L, loss, &lc);
	}
	cfg->loss = lc;
}

/* Applies the direction keys of object `o` (the link, or its forward/reverse) onto
 * cfg. */
static void apply_dir_keys(struct scn_conv *c, struct scn_link *L, const cJSON *o,
			   struct link_dir_config *cfg, bool *trace)
{
	apply_scalar_keys(o, cfg, trace);
	const cJSON *down = sch_get(o, "down");
	if (cJSON_IsArray(down))
		apply_outages(L, down, cfg);
	apply_queue(c, o, sch_get(o, "queue"), cfg);
	const cJSON *loss = sch_get(o, "loss");
	if (loss != NULL)
		apply_loss(c, L, loss, cfg);
}

static bool addr_is_usable(ipv4_addr_t a, unsigned len, const char **why)
{
	if (a == 0) {
		*why = "0.0.0.0 cannot be an interface address";
		return false;
	}
	if (ipv4_is_loopback(a)) {
		*why = "127.0.0.0/8 is loopback (every node already has 127.0.0.1 on lo)";
		return false;
	}
	if (ipv4_is_multicast(a) || (a >> 28) == 0xf) {
		*why = "multicast and reserved (224.0.0.0/3) addresses cannot be interface "
		       "addresses";
		return false;
	}
	if (len == 0) {
		*why = "prefix length /0 cannot be an interface's subnet";
		return false;
	}
	if (len <= 30) {
		ipv4_addr_t host = a & ~ipv4_mask(len);
		if (host == 0) {
			*why = "is the subnet's network address; use a host address";
			return false;
		}
		if (host == (~ipv4_mask(len) & 0xffffffffu)) {
			*why = "is the subnet's broadcast address; use a host address";
			return false;
		}
	}
	return true;
}

/* Whether an end's address can be an interface's; reports why not, and reports an
 * address some interface already has (which stays usable, so it is not reported
 * again further on). */
static bool check_end_addr(struct scn_conv *c, const cJSON *eo, ipv4_addr_t a, unsigned plen)
{
	const char *why;
	if (!addr_is_usable(a, plen, &why)) {
		char *as = scn_fmt_addr(a);
		scn_err_key(c, eo, "address", "%s/%u: %s", as, plen, why);
		g_free(as);
		return false;
	}
	gpointer prev = g_hash_table_lookup(c->addr_owner, GUINT_TO_POINTER(a));
	if (prev) {
		const struct scn_iface *pi = scn_iface_at(c->s, GPOINTER_TO_UINT(prev) - 1);
		char *as = scn_fmt_addr(a);
		scn_err_key(c, eo, "address",
			"duplicate address %s (already on %s %s, links[%u].ends[%u])", as,
			scn_node_at(c->s, pi->node)->name, pi->name, pi->link, pi->end);
		g_free(as);
	}
	return true;
}

/* The interface name of an end: its "iface", or ethN in link order. Reports "lo"
 * and a name the node already has. Returns a g_strdup'ed name. */
static char *end_iface_name(struct scn_conv *c, const cJSON *eo, const struct scn_node *n)
{
	const char *ifn;
	char *name = sch_get_string(eo, "iface", &ifn) ? g_strdup(ifn)
						       : g_strdup_printf("eth%u", n->ifaces->len);
	if (strcmp(name, "lo") == 0)
		scn_err_key(c, eo, "iface", "\"lo\" is the loopback interface every node has");
	for (guint k = 0; k < n->ifaces->len; k++) {
		const struct scn_iface *o2 = scn_iface_at(c->s, g_array_index(n->ifaces, guint, k));
		if (strcmp(o2->name, name) == 0) {
			scn_err_key(c, eo, sch_get(eo, "iface") ? "iface" : NULL,
				"node %s already has an interface %s (links[%u])", n->name, name,
				o2->link);
			break;
		}
	}
	return name;
}

/* One end of link `link_index` (ends[e], at c->path): looks up its node into *node
 * and adds the interface to it. Returns the interface's index, or G_MAXUINT when
 * the node is unknown. */
static guint conv_end(struct scn_conv *c, const cJSON *eo, guint link_index, int e, gint *node)
{
	*node = scn_lookup_node(c, eo, "node");
	ipv4_addr_t a;
	unsigned plen;
	bool parsed = sch_get_cidr(eo, "address", &a, &plen);
	bool have_addr = parsed && check_end_addr(c, eo, a, plen);
	if (*node < 0)
		return G_MAXUINT;
	struct scn_node *n = scn_node_at(c->s, (guint)*node);
	struct scn_iface f = {0};
	f.name = end_iface_name(c, eo, n);
	f.node = (guint)*node;
	/* An unusable address still names the subnet, so routes through it are not
	 * reported as errors too. */
	f.addr = parsed ? a : 0;
	f.prefix_len = parsed ? plen : 0;
	f.link = link_index;
	f.end = (unsigned)e;
	guint fi = c->s->ifaces->len;
	g_array_append_val(c->s->ifaces, f);
	g_array_append_val(n->ifaces, fi);
	if (have_addr && !g_hash_table_contains(c->addr_owner, GUINT_TO_POINTER(a)))
		g_hash_table_insert(c->addr_owner, GUINT_TO_POINTER(a), GUINT_TO_POINTER(fi + 1));
	return fi;
}

/* Same subnet: each end's address must lie in the other end's prefix (reported at
 * ends[1].address; c->path is at "ends"). */
static void check_link_subnet(struct scn_conv *c, const cJSON *ends, const guint end_iface[2])
{
	const struct scn_iface *f0 = scn_iface_at(c->s, end_iface[0]);
	const struct scn_iface *f1 = scn_iface_at(c->s, end_iface[1]);
	if (!f0->addr || !f1->addr)
		return;
	struct ipv4_prefix p0 = {f0->addr & ipv4_mask(f0->prefix_len), (uint8_t)f0->prefix_len};
	struct ipv4_prefix p1 = {f1->addr & ipv4_mask(f1->prefix_len), (uint8_t)f1->prefix_len};
	if (ipv4_prefix_contains(p0, f1->addr) && ipv4_prefix_contains(p1, f0->addr))
		return;
	char *a0 = scn_fmt_addr(f0->addr), *a1 = scn_fmt_addr(f1->addr);
	char *n0 = scn_fmt_addr(p0.addr);
	gsize l2 = sch_path_index(c->path, 1);
	scn_err_key(c, cJSON_GetArrayItem(ends, 1), "address",
		"%s/%u is not in the link's subnet %s/%u (the other end is %s/%u)", a1,
		f1->prefix_len, n0, f0->prefix_len, a0, f0->prefix_len);
	sch_path_pop(c->path, l2);
	g_free(a0);
	g_free(a1);
	g_free(n0);
}

/* The two ends of link `link_index` (object `ends`, at c->path): end_node[] and
 * end_iface[] receive each end's node and interface (left as they are when
 * unknown). */
static void conv_ends(struct scn_conv *c, const cJSON *ends, guint link_index,
		      gint end_node[2], guint end_iface[2])
{
	gsize l1 = sch_path_key(c->path, "ends");
	for (int e = 0; e < 2; e++) {
		gsize l2 = sch_path_index(c->path, (gsize)e);
		guint fi = conv_end(c, cJSON_GetArrayItem(ends, e), link_index, e, &end_node[e]);
		if (fi != G_MAXUINT)
			end_iface[e] = fi;
		sch_path_pop(c->path, l2);
	}
	if (end_node[0] >= 0 && end_node[0] == end_node[1])
		scn_err_key(c, ends, NULL, "both ends are on node %s; a link joins two different nodes",
			scn_node_at(c->s, (guint)end_node[0])->name);
	if (end_iface[0] != G_MAXUINT && end_iface[1] != G_MAXUINT)
		check_link_subnet(c, ends, end_iface);
	sch_path_pop(c->path, l1);
}

/* The link's name: its "name", else "A-B" from its ends' nodes, else "linkN";
 * reports a name an earlier link has. Returns a g_strdup'ed name. */
static char *link_name(struct scn_conv *c, const cJSON *o, gsize i, const gint end_node[2])
{
	const char *given;
	char *name;
	if (sch_get_string(o, "name", &given))
		name = g_strdup(given);
	else if (end_node[0] >= 0 && end_node[1] >= 0)
		name = g_strdup_printf("%s-%s", scn_node_at(c->s, (guint)end_node[0])->name,
				       scn_node_at(c->s, (guint)end_node[1])->name);
	else
		name = g_strdup_printf("link%" G_GSIZE_FORMAT, i + 1);
	for (guint k = 0; k < c->s->links->len; k++) {
		if (strcmp(g_array_index(c->s->links, struct scn_link, k).name, name) == 0) {
			scn_err_key(c, o, sch_get(o, "name") ? "name" : NULL,
				"duplicate link name \"%s\" (also links[%u])%s", name, k,
				sch_get(o, "name") ? "" : "; give the links distinct \"name\"s");
			break;
		}
	}
	return name;
}

/* Properties: symmetric, then per-direction overrides, into L->dir[] and
 * L->trace_queue[]. */
static void conv_link_dirs(struct scn_conv *c, const cJSON *o, struct scn_link *L)
{
	struct link_dir_config base;
	link_dir_config_default(&base);
	bool trace = false;
	apply_dir_keys(c, L, o, &base, &trace);
	static const char *const dir_key[2] = {"forward", "reverse"};
	for (int dd = 0; dd < 2; dd++) {
		L->dir[dd] = base;
		L->trace_queue[dd] = trace;
		const cJSON *dobj = sch_get(o, dir_key[dd]);
		if (cJSON_IsObject(dobj)) {
			gsize l1 = sch_path_key(c->path, dir_key[dd]);
			/* A direction's own "loss" replaces the link's entirely. */
			apply_dir_keys(c, L, dobj, &L->dir[dd], &L->trace_queue[dd]);
			sch_path_pop(c->path, l1);
		}
		/* The model's own check backs up the schema's ranges; asked only of an
		 * otherwise clean document, so a value already reported is not reported
		 * twice. */
		const char *why = sch_diags_count(c->d) ? NULL : link_dir_config_check(&L->dir[dd]);
		if (why)
			scn_err_key(c, o, NULL, "%s direction: %s", dir_key[dd], why);
	}
}

void scn_conv_links(struct scn_conv *c, const cJSON *arr)
{
	gsize i = 0;
	for (const cJSON *o = cJSON_IsArray(arr) ? arr->child : NULL; o; o = o->next, i++) {
		gsize l = sch_path_index(c->path, i);
		struct scn_link L = {0};
		L.storage = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
		gint end_node[2] = {-2, -2};
		guint end_iface[2] = {G_MAXUINT, G_MAXUINT};
		const cJSON *ends = sch_get(o, "ends");
		if (cJSON_IsArray(ends) && cJSON_GetArraySize(ends) == 2)
			conv_ends(c, ends, c->s->links->len, end_node, end_iface);
		L.name = link_name(c, o, i, end_node);
		conv_link_dirs(c, o, &L);
		L.iface[0] = end_iface[0];
		L.iface[1] = end_iface[1];
		g_array_append_val(c->s->links, L);
		sch_path_pop(c->path, l);
	}
}
