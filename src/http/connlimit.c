#include "http/connlimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* One address and its open connections; count 0 marks a free slot. */
typedef struct slot {
	uint8_t key[16];
	uint32_t home; /* where the hash put it first */
	unsigned count;
} slot;

struct connlimit {
	pthread_mutex_t mu;
	unsigned total, per_addr, open;
	uint64_t refused_busy, refused_addr;
	uint8_t exempt[CONNLIMIT_MAX_EXEMPT][16];
	int nexempt;
	/* Open addressing with linear probing.  Only addresses with a
	 * connection open have a slot, at most `total` of them, and the
	 * table has at least twice as many slots: probes stay short. */
	slot *slots;
	size_t mask;
	/* SipHash key: which addresses share a probe run cannot be chosen
	 * from outside. */
	unsigned char hkey[crypto_shorthash_KEYBYTES];
};

/* The address as 16 bytes: IPv4 as ::ffff:a.b.c.d.  0 for another
 * family. */
static int addr_bytes(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa->sa_family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr,
		       4);
		return 1;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 1;
	}
	return 0;
}

static int is_v4_mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};
	return memcmp(a, prefix, sizeof prefix) == 0;
}

int connlimit_is_loopback(const struct sockaddr *sa)
{
	uint8_t a[16];
	static const uint8_t one[16] = {[15] = 1};
	if (!addr_bytes(sa, a))
		return 0;
	return (is_v4_mapped(a) && a[12] == 127) || memcmp(a, one, 16) == 0;
}

static int parse_exempt(connlimit *cl, const char *list, err *e)
{
	if (strcmp(list, "none") == 0)
		return 0;
	const char *p = list;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char one[INET6_ADDRSTRLEN];
		uint8_t *a = cl->exempt[cl->nexempt];
		int ok = n > 0 && n < sizeof one &&
			 cl->nexempt < CONNLIMIT_MAX_EXEMPT;
		if (ok) {
			memcpy(one, p, n);
			one[n] = '\0';
			struct in_addr v4;
			if (inet_pton(AF_INET, one, &v4) == 1) {
				memset(a, 0, 10);
				a[10] = a[11] = 0xff;
				memcpy(a + 12, &v4, 4);
			} else {
				ok = inet_pton(AF_INET6, one, a) == 1;
			}
		}
		if (!ok)
			return err_field(
			    e, ERR_INVALID, "invalid_proxy", "proxy",
			    "--trusted-proxy 应为逗号分隔的 IP 地址（至多%d个）或 none",
			    CONNLIMIT_MAX_EXEMPT);
		cl->nexempt++;
		if (!end)
			return 0;
		p = end + 1;
	}
}

int connlimit_new(unsigned total, unsigned per_addr, const char *exempt,
		  connlimit **out, err *e)
{
	connlimit *cl = xcalloc(1, sizeof *cl);
	int rc =
	    parse_exempt(cl, exempt ? exempt : CONNLIMIT_EXEMPT_DEFAULT, e);
	if (rc) {
		free(cl);
		return rc;
	}
	cl->total = total ? total : 1;
	cl->per_addr = per_addr;
	size_t cap = 16;
	while (cap < 2 * (size_t)cl->total)
		cap *= 2;
	cl->slots = xcalloc(cap, sizeof *cl->slots);
	cl->mask = cap - 1;
	randombytes_buf(cl->hkey, sizeof cl->hkey);
	pthread_mutex_init(&cl->mu, NULL);
	*out = cl;
	return 0;
}

void connlimit_free(connlimit *cl)
{
	if (!cl)
		return;
	pthread_mutex_destroy(&cl->mu);
	free(cl->slots);
	free(cl);
}

/* The key an address is counted under, or 0 when it is not counted per
 * address (per-address limit off, exempt, or not IP). */
static int counted_key(const connlimit *cl, const struct sockaddr *sa,
		       uint8_t key[16])
{
	if (!cl->per_addr || !addr_bytes(sa, key))
		return 0;
	for (int i = 0; i < cl->nexempt; i++)
		if (memcmp(cl->exempt[i], key, 16) == 0)
			return 0;
	if (!is_v4_mapped(key))
		memset(key + 8, 0, 8); /* the /64 */
	return 1;
}

static uint32_t home_of(const connlimit *cl, const uint8_t key[16])
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, key, 16, cl->hkey);
	uint32_t v;
	memcpy(&v, h, sizeof v);
	return v & (uint32_t)cl->mask;
}

/* The slot holding `key`, or the free slot where it would go. */
static size_t find(const connlimit *cl, const uint8_t key[16], uint32_t home,
		   int *found)
{
	size_t i = home;
	while (cl->slots[i].count) {
		if (memcmp(cl->slots[i].key, key, 16) == 0) {
			*found = 1;
			return i;
		}
		i = (i + 1) & cl->mask;
	}
	*found = 0;
	return i;
}

/* Frees slot i by shifting back the entries of its probe run that
 * would no longer be found past the hole (no tombstones: the table
 * never fills up with dead entries under churn). */
static void drop(connlimit *cl, size_t i)
{
	size_t j = i;
	for (;;) {
		j = (j + 1) & cl->mask;
		if (!cl->slots[j].count)
			break;
		size_t k = cl->slots[j].home;
		/* j's entry stays when its home lies cyclically in (i, j]. */
		int stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			cl->slots[i] = cl->slots[j];
			i = j;
		}
	}
	cl->slots[i].count = 0;
}

int connlimit_take(connlimit *cl, const struct sockaddr *sa, err *e)
{
	uint8_t key[16];
	int per = counted_key(cl, sa, key);
	uint32_t home = per ? home_of(cl, key) : 0;
	pthread_mutex_lock(&cl->mu);
	if (cl->open >= cl->total) {
		cl->refused_busy++;
		pthread_mutex_unlock(&cl->mu);
		return err_set(e, ERR_UNAVAILABLE, "server_busy",
			       "服务器连接已满，请稍后再试");
	}
	if (per) {
		int found;
		size_t i = find(cl, key, home, &found);
		if (found && cl->slots[i].count >= cl->per_addr) {
			cl->refused_addr++;
			pthread_mutex_unlock(&cl->mu);
			return err_set(e, ERR_UNAVAILABLE,
				       "too_many_connections",
				       "来自您的地址的连接过多，请稍后再试");
		}
		if (!found) {
			memcpy(cl->slots[i].key, key, 16);
			cl->slots[i].home = home;
		}
		cl->slots[i].count++;
	}
	cl->open++;
	pthread_mutex_unlock(&cl->mu);
	return 0;
}

void connlimit_give(connlimit *cl, const struct sockaddr *sa)
{
	uint8_t key[16];
	int per = counted_key(cl, sa, key);
	uint32_t home = per ? home_of(cl, key) : 0;
	pthread_mutex_lock(&cl->mu);
	if (cl->open)
		cl->open--;
	if (per) {
		int found;
		size_t i = find(cl, key, home, &found);
		if (found && --cl->slots[i].count == 0)
			drop(cl, i);
	}
	pthread_mutex_unlock(&cl->mu);
}

void connlimit_stats_of(connlimit *cl, connlimit_stats *out)
{
	pthread_mutex_lock(&cl->mu);
	out->total = cl->total;
	out->per_addr = cl->per_addr;
	out->open = cl->open;
	out->refused_busy = cl->refused_busy;
	out->refused_addr = cl->refused_addr;
	pthread_mutex_unlock(&cl->mu);
}
