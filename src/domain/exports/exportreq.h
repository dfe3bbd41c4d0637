/* exportreq — exports that need an approval first (SPEC §10; issue #17;
 * docs/API.md "Exports").
 *
 * An export whose rows would carry whole ID numbers or phones in more rows
 * than the threshold (exportmark.h) is not answered directly: its
 * requester asks for it, stating the purpose, and
 *
 *     pending ─approve→ approved ─download→ downloaded
 *        └────reject (a reason)→ rejected
 *
 * decided by a user one level up — a director's request by a supervisor,
 * a supervisor's by a county officer, a county officer's by a city officer
 * — whose scope holds the requester's.  The requester downloads the file
 * once, within `valid_hours` of the approval; the file is made then, for
 * the requester's scope, with the request's number and approver in its
 * mark.  province and city see numbers masked and never need an approval;
 * admin and auditor export no records.
 *
 * What must stay true:
 *   - a request is seen by its requester and by the users in whose scope
 *     the requester's scope lies; outside that it is absent (404);
 *   - each move is compare-and-set on the state and audited in the same
 *     transaction: export_request, export_approve, export_reject,
 *     export_download;
 *   - the filters of a request shown to a role that sees numbers masked
 *     never hold a whole ID number (a number searched for is masked). */
#ifndef GUANAI_EXPORTREQ_H
#define GUANAI_EXPORTREQ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/account.h"
#include "store/store.h"

/* Asks for an export: {"kind":"children|women|workforce","filters":{…},
 * "purpose"}.  The filters are the export's own query parameters (as
 * strings): children — region, category, flag, q, status, age_min,
 * age_max, not_visited_days, sort, order; women and workforce — region.
 * They are checked, and the rows counted, as the export would.  *out: the
 * request (202).  Errors: ERR_INVALID (fields, the list's query errors),
 * ERR_CONFLICT "approval_not_needed" (masked rows, or no more than the
 * threshold: export directly), the list's scope and role errors. */
int exportreq_create(store *s, const actor *who, json_t *body, json_t **out,
		     err *e);

/* {"mine":[…], "to_decide":[…]}: the caller's requests, and those it may
 * decide (pending or decided), newest first, 200 of each at most. */
int exportreq_list(store *s, const actor *who, json_t **out, err *e);

/* One request, for its requester or an approver's scope; else 404. */
int exportreq_get(store *s, const actor *who, int64_t id, json_t **out,
		  err *e);

/* Approves (reason optional) or rejects (reason required, 2–100
 * characters) a pending request.  Errors: ERR_NOTFOUND, ERR_FORBIDDEN
 * (not one level up), ERR_CONFLICT "export_decided", ERR_INVALID. */
int exportreq_decide(store *s, const actor *who, int64_t id, int approve,
		     const char *reason, json_t **out, err *e);

/* The approved file, for its requester, once.  Errors: ERR_NOTFOUND,
 * ERR_FORBIDDEN (not the requester), ERR_CONFLICT "export_pending",
 * "export_rejected", "export_downloaded", "export_expired", the
 * exporter's own. */
int exportreq_file(store *s, const actor *who, int64_t id, char **bytes,
		   size_t *len, const char **type, char filename[128], err *e);

/* {"threshold":N,"valid_hours":H}, and its change (admin, province):
 * threshold 0–1,000,000 rows, valid_hours 1–720; audited
 * export_settings_set. */
int exportreq_settings(store *s, json_t **out, err *e);
int exportreq_settings_set(store *s, const actor *who, json_t *body,
			   json_t **out, err *e);

/* Adds the tables of GET /api/v1/codes this module holds to `out`:
 * export_kind (the exports that may need approval), export_state. */
void exportreq_codes_json(json_t *out);

#endif
