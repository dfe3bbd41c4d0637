/* audit_list — reading the audit log (SPEC §10): the entries that concern
 * the reader's scope, or all of them for the audit administrator. */
#ifndef GUANAI_AUDIT_LIST_H
#define GUANAI_AUDIT_LIST_H

#include <stdint.h>

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

#endif
