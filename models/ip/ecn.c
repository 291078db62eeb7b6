/* models/ip/ecn.c — see ecn.h. */
#include "models/ip/ecn.h"

#include "models/ip/csum.h"
#include "models/ip/ipv4.h"
#include "models/link/link.h"
#include "sim/core/bytes.h"

enum ipv4_ecn ipv4_ecn_get(const struct sim_packet *pkt)
{
	if (pkt->len < IPV4_HDR_LEN)
		return IPV4_ECN_NOT_ECT;
	return (enum ipv4_ecn)(pkt->data[IPV4_OFF_TOS] & IPV4_ECN_MASK);
}

bool ipv4_ecn_set_ce(struct sim_packet *pkt)
{
	if (ipv4_ecn_get(pkt) == IPV4_ECN_NOT_ECT)
		return false;
	uint8_t *p = pkt->data;
	/* The TOS byte shares its 16-bit checksum word with version/IHL (RFC 1624 §3). */
	uint16_t old_word = sim_get_be16(p + IPV4_OFF_VER_IHL);
	p[IPV4_OFF_TOS] |= IPV4_ECN_CE;
	uint16_t new_word = sim_get_be16(p + IPV4_OFF_VER_IHL);
	if (new_word != old_word)
		sim_put_be16(p + IPV4_OFF_CSUM,
		             inet_csum_update16(sim_get_be16(p + IPV4_OFF_CSUM), old_word, new_word));
	return true;
}

/* splitmix64's finaliser: every input bit reaches every output bit. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

uint32_t ipv4_flow_hash(const struct sim_packet *pkt, uint64_t seed)
{
	const uint8_t *p = pkt->data;
	if (pkt->len < IPV4_HDR_LEN)
		return (uint32_t)mix64(seed);
	uint32_t ihl = (uint32_t)(p[IPV4_OFF_VER_IHL] & 0x0f) * 4u;
	uint8_t proto = p[IPV4_OFF_PROTO];
	uint64_t addrs = (uint64_t)sim_get_be32(p + IPV4_OFF_SRC) << 32 |
	                 sim_get_be32(p + IPV4_OFF_DST);
	uint32_t ports = 0;
	bool first = (sim_get_be16(p + IPV4_OFF_FLAGS_FRAG) & IPV4_FRAG_OFF_MASK) == 0;
	if (first && (proto == IPV4_PROTO_TCP || proto == IPV4_PROTO_UDP) && ihl >= IPV4_HDR_LEN &&
	    pkt->len >= ihl + 4)
		ports = sim_get_be32(p + ihl);
	uint64_t h = mix64(seed ^ addrs);
	h = mix64(h ^ ((uint64_t)proto << 32 | ports));
	return (uint32_t)(h >> 32);
}

static uint8_t pkt_ecn(const struct sim_packet *pkt)
{
	return (uint8_t)ipv4_ecn_get(pkt);
}

const struct link_pkt_ops ipv4_link_pkt_ops = {
	.ecn = pkt_ecn,
	.set_ce = ipv4_ecn_set_ce,
	.flow_hash = ipv4_flow_hash,
};
