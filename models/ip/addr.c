/* models/ip/addr.c — IPv4 address parsing and printing. */
#include "models/ip/addr.h"

#include <stdio.h>
#include <stdlib.h>

bool ipv4_parse(const char *text, ipv4_addr_t *out)
{
	uint32_t v = 0;
	const char *p = text;
	for (int part = 0; part < 4; part++) {
		unsigned n = 0, digits = 0;
		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (unsigned)(*p - '0');
			if (++digits > 3 || n > 255)
				return false;
			p++;
		}
		if (digits == 0)
			return false;
		v = (v << 8) | n;
		if (part < 3) {
			if (*p != '.')
				return false;
			p++;
		}
	}
	if (*p != '\0')
		return false;
	*out = v;
	return true;
}

bool ipv4_parse_cidr(const char *text, ipv4_addr_t *addr, unsigned *len)
{
	char buf[32];
	const char *slash = text;
	size_t n = 0;
	while (slash[n] && slash[n] != '/')
		n++;
	if (slash[n] != '/' || n >= sizeof(buf))
		return false;
	for (size_t i = 0; i < n; i++)
		buf[i] = text[i];
	buf[n] = '\0';
	if (!ipv4_parse(buf, addr))
		return false;
	const char *l = text + n + 1;
	unsigned v = 0, digits = 0;
	while (*l >= '0' && *l <= '9') {
		v = v * 10 + (unsigned)(*l - '0');
		if (++digits > 2)
			return false;
		l++;
	}
	if (digits == 0 || *l != '\0' || v > 32)
		return false;
	*len = v;
	return true;
}

bool ipv4_parse_prefix(const char *text, struct ipv4_prefix *out, bool allow_host_bits)
{
	ipv4_addr_t a;
	unsigned len;
	if (!ipv4_parse_cidr(text, &a, &len))
		return false;
	if (!allow_host_bits && (a & ~ipv4_mask(len)) != 0)
		return false;
	out->addr = a & ipv4_mask(len);
	out->len = (uint8_t)len;
	return true;
}

char *ipv4_format(ipv4_addr_t a, char *buf)
{
	snprintf(buf, IPV4_ADDR_STRLEN, "%u.%u.%u.%u", (unsigned)(a >> 24), (unsigned)(a >> 16) & 255,
		 (unsigned)(a >> 8) & 255, (unsigned)a & 255);
	return buf;
}
