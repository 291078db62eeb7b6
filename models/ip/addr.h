/* models/ip/addr.h — IPv4 addresses and prefixes, in one place.
 *
 * Addresses are held in host byte order as uint32_t (10.0.0.1 == 0x0a000001) and
 * converted to network order only when written into a header. Every parse and print
 * of an address in the project goes through here, so IPv6 can be added by extending
 * this file and its callers' types rather than hunting literals.
 */
#ifndef MODELS_IP_ADDR_H
#define MODELS_IP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t ipv4_addr_t;

#define IPV4_ANY       ((ipv4_addr_t)0)           /* 0.0.0.0 */
#define IPV4_LOOPBACK  ((ipv4_addr_t)0x7f000001)  /* 127.0.0.1 */
#define IPV4_ADDR(a, b, c, d) \
	((ipv4_addr_t)(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d)))

/* A prefix: address and length; the address is normalised (host bits zero) by the
 * constructors below. */
struct ipv4_prefix {
	ipv4_addr_t addr;
	uint8_t len; /* 0..32 */
};

/* Netmask for a prefix length (0 → 0.0.0.0, 32 → 255.255.255.255). */
static inline ipv4_addr_t ipv4_mask(unsigned len)
{
	return len == 0 ? 0 : (ipv4_addr_t)(0xffffffffu << (32 - len));
}

static inline bool ipv4_prefix_contains(struct ipv4_prefix p, ipv4_addr_t a)
{
	return (a & ipv4_mask(p.len)) == p.addr;
}

static inline bool ipv4_is_loopback(ipv4_addr_t a)
{
	return (a >> 24) == 127;
}

static inline bool ipv4_is_multicast(ipv4_addr_t a)
{
	return (a >> 28) == 0xe;
}

/* Parses dotted-quad "10.0.0.1" (exactly four decimal parts 0..255, no leading '+',
 * no spaces). Returns true on success. */
bool ipv4_parse(const char *text, ipv4_addr_t *out);

/* Parses "10.0.0.1/24": the address as written (host bits kept) and the length. */
bool ipv4_parse_cidr(const char *text, ipv4_addr_t *addr, unsigned *len);

/* Parses a prefix "10.0.0.0/8" (host bits must be zero unless allow_host_bits). */
bool ipv4_parse_prefix(const char *text, struct ipv4_prefix *out, bool allow_host_bits);

/* Prints dotted-quad into buf (at least IPV4_ADDR_STRLEN bytes); returns buf. */
#define IPV4_ADDR_STRLEN 16
char *ipv4_format(ipv4_addr_t a, char *buf);

#endif
