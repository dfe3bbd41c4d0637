/* store_pg — internals of the PostgreSQL backend, exposed for its tests.
 * Internal to store/: nothing outside it (and its tests) includes this. */
#ifndef GUANAI_STORE_PG_H
#define GUANAI_STORE_PG_H

#include <stddef.h>

/* Rewrites the `?` placeholders of portable SQL into PostgreSQL's `$n`,
 * writing the result with its NUL into `out` (`outsz` bytes).  A `?` inside
 * a '…' literal (E'…' included), a "…" identifier, a -- comment or a
 * (nested) block comment is left alone.  Numbering follows SQLite: `?NNN`
 * is parameter NNN and a bare `?` is one more than the largest number used
 * so far, so both engines bind the same values to the same places.
 * Dollar-quoted text is not recognised: SQLite has none, so portable SQL
 * never contains it (backend-only scripts are not rewritten).
 *
 * Returns the number of parameters the statement takes (0 or more), or
 * ERR_TOOBIG when `out` is too small, or ERR_INVALID for a `?0` or a
 * parameter number past PostgreSQL's limit of 65535.  strlen(sql) + 1 +
 * 5 per `?` is always enough room. */
int store__pg_rewrite(const char *sql, char *out, size_t outsz);

#endif
