/* store_backup — a whole database copied out while it is in use, and put
 * back after the copy is checked.
 *
 * SQLite: the online backup API copies the file in one step, inside one
 * read snapshot: writers go on meanwhile (WAL), and the copy holds every
 * transaction committed before the snapshot began and none after.
 * PostgreSQL: pg_dump (custom format, its own snapshot) and pg_restore,
 * run as child processes.
 *
 * Every file written here is made under a temporary name beside its
 * final one (created 0600), synced, and renamed into place, and its
 * directory synced: a crash leaves the old file or the new one, never
 * half of one. */
#ifndef GUANAI_STORE_BACKUP_H
#define GUANAI_STORE_BACKUP_H

#include <stddef.h>

#include "store/store.h"

enum { STORE_PATH_MAX = 4096 };

/* Writes a consistent copy of the database at `url` to the new file
 * `out` (SQLite: a database file out of WAL mode, one file; PostgreSQL:
 * a pg_dump archive).  *bytes (may be NULL) gets its size.
 * Errors: ERR_CONFLICT when `out` exists, ERR_NOTFOUND when the source
 * does not, ERR_STORE, ERR_INTERNAL. */
int store_backup(const char *url, const char *out, long long *bytes, err *e);

/* Restore, step one: refuses a destination that a program has open
 * (ERR_CONFLICT "db_in_use", even with `force`), or that exists (SQLite:
 * the file; PostgreSQL: a database with tables) unless `force`
 * (ERR_CONFLICT "db_exists"; PostgreSQL takes an empty database only).
 * Then copies the backup `from` to where it can be checked before it is
 * put in place: SQLite a new temporary file beside `url`, whose path goes
 * to `staged`; PostgreSQL the empty database `url` itself (`staged` is
 * `url`).  Errors: those, ERR_NOTFOUND for a missing backup, ERR_STORE,
 * ERR_INTERNAL. */
int store_restore_stage(const char *from, const char *url, int force,
			char *staged, size_t stagedsz, err *e);

/* PRAGMA integrity_check of a SQLite database: *ok = 1 when "ok", else 0
 * and the first problem in `why`.  PostgreSQL keeps no such check: *ok =
 * 1.  Errors: ERR_STORE. */
int store_integrity(store *s, int *ok, char *why, size_t whysz, err *e);

/* Restore, step two, once the staged copy passed its checks (`keep`) or
 * failed them (!keep).  SQLite: checks the destination again, then moves
 * the copy into place and drops the old file's WAL, or deletes the copy.
 * PostgreSQL: nothing to move (a copy that failed is left in the database
 * for inspection, and the caller says so).  Errors: as stage. */
int store_restore_finish(const char *staged, const char *url, int keep,
			 err *e);

#endif
