/* connlimit — how many connections the server holds: in all, and per
 * client address.
 *
 * The accept thread takes a slot before it hands a connection to
 * libmicrohttpd and refuses the connection when there is none; the slot
 * is given back when libmicrohttpd says the connection closed.  So
 * libmicrohttpd itself never meets a limit (see http/server.c for why it
 * must not), and one address holding many idle sockets cannot take every
 * slot from everyone else.
 *
 * Addresses on the exempt list (the reverse proxies in front of the
 * server, whose one address stands for all their users) count towards the
 * total only.  IPv6 addresses count per /64, the smallest network a
 * client is usually given. */
#ifndef GUANAI_CONNLIMIT_H
#define GUANAI_CONNLIMIT_H

#include <stdint.h>
#include <sys/socket.h>

#include "util/err.h"

typedef struct connlimit connlimit;

/* The exempt list when none is given: a proxy on this machine. */
#define CONNLIMIT_EXEMPT_DEFAULT "127.0.0.1,::1"
#define CONNLIMIT_MAX_EXEMPT	 16

/* A limiter for at most `total` (≥ 1) connections at once, `per_addr` per
 * client address (0: no per-address limit).  `exempt` is a comma-separated
 * list of at most CONNLIMIT_MAX_EXEMPT IPv4/IPv6 addresses, or "none";
 * NULL means CONNLIMIT_EXEMPT_DEFAULT.  The caller owns *out
 * (connlimit_free).  Errors: ERR_INVALID "invalid_proxy" naming the
 * address that is not one. */
int connlimit_new(unsigned total, unsigned per_addr, const char *exempt,
		  connlimit **out, err *e);
void connlimit_free(connlimit *cl);

/* Takes a slot for a connection from `sa`.  Errors: ERR_UNAVAILABLE
 * "server_busy" when `total` connections are open, ERR_UNAVAILABLE
 * "too_many_connections" when `sa`'s address holds `per_addr`; nothing
 * is taken then.  Thread-safe. */
int connlimit_take(connlimit *cl, const struct sockaddr *sa, err *e);

/* Gives back the slot taken for a connection from `sa`.  Thread-safe. */
void connlimit_give(connlimit *cl, const struct sockaddr *sa);

typedef struct connlimit_stats {
	unsigned total, per_addr; /* the limits */
	unsigned open;		  /* slots taken now */
	uint64_t refused_busy;	  /* refusals: every slot taken */
	uint64_t refused_addr;	  /* refusals: the address's share */
} connlimit_stats;

void connlimit_stats_of(connlimit *cl, connlimit_stats *out);

/* True when `sa` is a loopback address (127.0.0.0/8, ::1, or
 * ::ffff:127.0.0.0/104). */
int connlimit_is_loopback(const struct sockaddr *sa);

#endif
