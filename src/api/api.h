/* api — one file per resource: parse the JSON, call the domain, render
 * the JSON.  Each exports its route table, ended by an all-zero entry. */
#ifndef GUANAI_API_H
#define GUANAI_API_H

#include "domain/core/account.h"
#include "domain/core/exportmark.h"
#include "domain/core/region.h"
#include "http/http.h"

extern const route api_health_routes[];
extern const route api_session_routes[];
extern const route api_region_routes[];
extern const route api_user_routes[];
extern const route api_audit_routes[];
extern const route api_child_routes[];
extern const route api_staff_routes[];
extern const route api_platform_routes[];
extern const route api_case_routes[];
extern const route api_quality_routes[];
extern const route api_stats_routes[];
extern const route api_women_routes[];
extern const route api_export_routes[];
extern const route api_codes_routes[];

/* Runs the route's handler for the request: through the stored answers
 * of domain/core/idem.h when it carries an Idempotency-Key (routes flagged
 * R_IDEM; another state-changing route refuses the header with 400
 * idempotency_unsupported, a GET or HEAD ignores it).  A replay sets the
 * stored status and body and r->replayed.  Errors: the handler's,
 * ERR_INVALID invalid_header (a malformed key), ERR_CONFLICT
 * idempotency_key_reused. */
int api_run(req *r, const route *rt, err *e);

/* Makes the answer of GET /api/v1/codes (domain/codes/codes.h) once, with its
 * gzip form and their ETags, into a->codes; released by
 * api_codes_release.  Errors: ERR_INTERNAL when compressing fails. */
int api_codes_prepare(app *a, err *e);
void api_codes_release(app *a);

#define XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Shared renderers. */
json_t *api_user_json(store *s, const user *u, int64_t now);
json_t *api_region_json(const region *g);
/* The version in an `If-Match` header ("3" or "\"3\""): 0 when the header
 * is absent.  ERR_INVALID `invalid_header` when it is not a version. */
int api_if_match(req *r, int *version, err *e);
/* The names of the actions role `r` may take (domain/core/perm.c), PERM_PUBLIC
 * left out, in the table's order; and the names of the roles it may
 * grant, highest first. */
json_t *api_actions_json(role r);
json_t *api_grants_json(role r);
/* "2018-07-09T08:00:00Z" */
json_t *api_time_json(int64_t t);
/* The mark of an export (exportmark.h) from its `purpose` query parameter:
 * every route that answers a file reads it.  ERR_INVALID "invalid_query"
 * (field purpose). */
int api_export_mark(req *r, exportmark *m, err *e);

/* Counts a denied request in the audit log's tally (domain/core/audit_tally.h):
 * a 403 (role, CSRF, password change due, a domain's refusal) or the 404
 * of a record outside the caller's scope (err.out_of_scope), by a caller
 * with a session.  Other errors are not counted.  The answer is not
 * changed: a scope miss still answers exactly as an absent record.  The
 * server calls it for every failed request (http_config.on_error). */
void api_note_denial(req *r, const route *rt, const err *e);

/* Every route table above, in the order the router tries them: what the
 * server is given to serve (http_config), and what tests walk. */
http_routes api_routes(void);

/* Counts a read of the caller's (a list search, a child's history or
 * visits) in the tally under `action`, about `target` ("" for none). */
void api_tally(req *r, const char *action, const char *where,
	       const char *target);

#endif
