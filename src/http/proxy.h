/* proxy — who is really asking, behind a reverse proxy, and over what.
 *
 * A reverse proxy (nginx) connects from its own address and tells the
 * client's in X-Forwarded-For, the scheme in X-Forwarded-Proto.  Those
 * headers are believed only from a trusted proxy: anyone else could name
 * any address, and spread his guesses over as many throttle budgets. */
#ifndef GUANAI_PROXY_H
#define GUANAI_PROXY_H

#include "app.h"
#include "http/http.h"

/* Is `ip` one of the comma-separated addresses in `list` (NULL: the
 * loopback addresses 127.0.0.1 and ::1)?  "none" trusts nobody. */
int http_proxy_trusted(const char *list, const char *ip);

/* Whether `list` is a usable --trusted-proxy value: "none", or
 * comma-separated IPv4/IPv6 addresses. */
int http_proxy_list_valid(const char *list);

/* Rewrites r->ip to the client's address when the peer in r->ip is a
 * trusted proxy (the right-most untrusted address of X-Forwarded-For),
 * and sets r->https when the public URL is https or a trusted proxy says
 * the client came over https. */
void http_proxy_apply(req *r);

/* The Strict-Transport-Security value to send, or NULL: only when users
 * reach the server at an https public URL. */
const char *http_hsts(const app *a);

#endif
