/* audit_list — reading the audit log (SPEC §10): the entries that concern
 * the reader's scope, or all of them for the audit administrator. */
#ifndef GUANAI_AUDIT_LIST_H
#define GUANAI_AUDIT_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "domain/core/actor.h"
#include "domain/core/exportmark.h"

#include "store/audit_store.h"
#include "store/store.h"
#include "util/err.h"

/* Entries concerning regions inside `scope` (all entries when `all`,
 * for the administrator), optionally one action, newest first: rows of
 * audit_store_entry_cols.
 * Errors: ERR_STORE. */
int audit_list_scope(store *s, const char *scope, int all, const char *action,
		     int64_t offset, int limit, store_res **out,
		     int64_t *total, err *e);

/* What a reader asks of the log; each NULL when not asked: one action,
 * one actor (username), a region (inside the scope; its entries and
 * those below it), and the days from `from` to `to` (YYYY-MM-DD, China
 * time, both included). */
typedef struct audit_query {
	const char *action, *actor, *region, *from, *to;
} audit_query;

/* The entries of audit_list_scope narrowed by `q`, with region and actor
 * names: rows of audit_store_view_cols.  Errors: ERR_INVALID
 * invalid_query (with the field), ERR_NOTFOUND region_not_found for a
 * region outside the scope, ERR_STORE. */
int audit_list_view(store *s, const char *scope, int all,
		    const audit_query *q, int64_t offset, int limit,
		    store_res **out, int64_t *total, err *e);

/* The name a reader sees for an entry's actor: the display name
 * (`actor_name` of the row) with the username, or for the server's own
 * work "系统定时任务（调度程序）".  Writes into out. */
const char *audit_list_actor(const audit_view_row *r, char *out, size_t n);

/* The entries audit_list_view selects (every page, at most
 * AUDIT_EXPORT_MAX: beyond, ERR_TOOBIG export_too_big) as an xlsx in
 * memory, marked as every export is (exportmark), and the export in the
 * log (audit_export, with the filter).  *bytes is malloc'd. */
enum { AUDIT_EXPORT_MAX = 100000 };
int audit_list_xlsx(store *s, const actor *who, int all,
		    const audit_query *q, const exportmark *m,
		    char **bytes, size_t *len, err *e);

#endif
