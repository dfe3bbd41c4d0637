#include "http/proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Parses one address; the canonical binary form goes to out (16 bytes,
 * IPv4 as ::ffff:a.b.c.d so that both spellings compare equal). */
static int parse_ip(const char *s, size_t n, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN];
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, buf, out + 12) == 1) {
		out[10] = out[11] = 0xff;
		return 1;
	}
	return inet_pton(AF_INET6, buf, out) == 1;
}

static int in_list(const char *list, const unsigned char ip[16])
{
	if (!list)
		list = "127.0.0.1,::1";
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		unsigned char a[16];
		if (parse_ip(p, n, a) && memcmp(a, ip, 16) == 0)
			return 1;
		p += n + (end ? 1 : 0);
	}
	return 0;
}

int http_proxy_trusted(const char *list, const char *ip)
{
	unsigned char a[16];
	if (!ip || !parse_ip(ip, strlen(ip), a))
		return 0;
	return in_list(list, a);
}

int http_proxy_list_valid(const char *list)
{
	if (!list || !*list)
		return 0;
	if (strcmp(list, "none") == 0)
		return 1;
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		unsigned char a[16];
		if (!parse_ip(p, n, a))
			return 0;
		p += n + (end ? 1 : 0);
		if (end && !*p)
			return 0;
	}
	return 1;
}

void http_proxy_apply(req *r)
{
	const app *a = r->app;
	const char *list = a ? a->trusted_proxies : NULL;
	if (a && a->public_url && strncmp(a->public_url, "https://", 8) == 0)
		r->https = 1;
	if (!http_proxy_trusted(list, r->ip))
		return;
	const char *proto = req_header(r, "X-Forwarded-Proto");
	if (proto && strcasecmp(proto, "https") == 0)
		r->https = 1;
	const char *xff = req_header(r, "X-Forwarded-For");
	if (!xff)
		return;
	/* Right to left: each trusted proxy names the one before it; the
	 * first address no proxy of ours vouches for is the client.  What
	 * stands left of it the client wrote himself. */
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		unsigned char ip[16];
		if (!parse_ip(xff + start, end - start, ip))
			return;	/* garbage: keep the last address we trust */
		char text[INET6_ADDRSTRLEN];
		if (ip[10] == 0xff && ip[11] == 0xff &&
		    memcmp(ip, "\0\0\0\0\0\0\0\0\0\0", 10) == 0)
			inet_ntop(AF_INET, ip + 12, text, sizeof text);
		else
			inet_ntop(AF_INET6, ip, text, sizeof text);
		snprintf(r->ip, sizeof r->ip, "%s", text);
		if (!in_list(list, ip))
			return;
		end = start ? start - 1 : 0;
	}
}

const char *http_hsts(const app *a)
{
	/* A year, the value browsers' preload lists ask for.  Sent only when
	 * the public address is https: over plain http it means nothing, and
	 * on a server reached by http alone it would lock users out. */
	if (a && a->public_url && strncmp(a->public_url, "https://", 8) == 0)
		return "max-age=31536000";
	return NULL;
}
