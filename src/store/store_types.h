/* store_types — the plain types of the store: the connection, a result,
 * a bound parameter, a change mark.  store.h is the API that uses them;
 * the backends (store_backend.h) share them without the API, so that
 * the dispatch in store.c and the backends it calls do not include each
 * other's headers. */
#ifndef GUANAI_STORE_TYPES_H
#define GUANAI_STORE_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;
typedef struct store_res store_res;
typedef struct store_pool store_pool;
struct audit_key;

typedef enum { STORE_SQLITE = 1, STORE_PG = 2 } store_kind;

typedef enum { SP_NULL = 0, SP_INT, SP_TEXT } store_ptype;

/* One bound parameter.  Text is borrowed: it must outlive the call. */
typedef struct store_param {
	store_ptype t;
	int64_t i;
	const char *s;
} store_param;

#define SP_I(v) ((store_param){ SP_INT, (int64_t)(v), NULL })
#define SP_S(v) ((store_param){ (v) ? SP_TEXT : SP_NULL, 0, (v) })
#define SP_NULLV ((store_param){ SP_NULL, 0, NULL })
#define SP_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Where the database stands, as seen from one connection: any commit,
 * by any connection, changes it.  A figure read while the mark stays the
 * same may be used again instead of read again. */
typedef struct store_mark {
	uint64_t conn;		/* this connection, unique in the process */
	uint64_t others;	/* moved by other connections' commits */
	uint64_t own;		/* moved by this connection's changes */
} store_mark;

#endif
