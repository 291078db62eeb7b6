/* models/tcp/cc_dctcp.h — DCTCP's parameters and state for tests and traces (RFC 8257;
 * Linux tcp_dctcp.c's struct dctcp and module parameters). */
#ifndef MODELS_TCP_CC_DCTCP_H
#define MODELS_TCP_CC_DCTCP_H

#include <stdint.h>

#include "models/tcp/cc.h"

/* α is kept, as in Linux, scaled by 1024 (DCTCP_MAX_ALPHA = 1.0). */
#define TCP_CC_DCTCP_ALPHA_ONE 1024u

/* DCTCP's parameters (Linux's module parameters). */
struct tcp_cc_dctcp_params {
	uint32_t shift_g;       /* g = 1/2^shift_g (RFC 8257 §4.2: 1/16; dctcp_shift_g) */
	uint32_t alpha_on_init; /* α at the start, × 1024 (dctcp_alpha_on_init: 1024) */
};

extern const struct tcp_cc_dctcp_params tcp_cc_dctcp_defaults;

/* What a trace or test may read of a DCTCP connection. */
struct tcp_cc_dctcp_info {
	uint32_t alpha;        /* α × 1024 */
	uint32_t next_seq;     /* the observation window ends when snd_una reaches it */
	uint32_t loss_cwnd;    /* cwnd at the last reduction (undo goes back to it) */
	bool fallback;         /* ECN was not negotiated: Reno (Linux dctcp_reno) */
};

void tcp_cc_dctcp_get_info(const struct tcp_cc *cc, struct tcp_cc_dctcp_info *info);

#endif
