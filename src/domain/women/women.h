/* women — the registry of rural left-behind women (农村留守妇女, SPEC §8)
 * and the services they receive: 就业指导, 创业支持, 两癌筛查 (with result
 * and follow-up), 权益保障 (case and outcome).  Scope and masking as for
 * children: a record is read and written only inside the caller's region,
 * and one outside it answers exactly like an absent one (ERR_NOTFOUND
 * `not_found`); ID and phone numbers are masked for province and city.
 *
 * Every function that returns JSON through `out` hands the caller a new
 * reference.  Errors: ERR_FORBIDDEN (role), ERR_INVALID (input, with the
 * field), ERR_NOTFOUND, ERR_CONFLICT, ERR_STORE. */
#ifndef GUANAI_WOMEN_H
#define GUANAI_WOMEN_H

#include <jansson.h>

#include "domain/core/account.h"
#include "domain/core/exportmark.h"
#include "store/store.h"

/* Registers a woman (her ID number must say female and adult) in a village
 * of the caller's scope; audited `woman_create`.  ERR_CONFLICT
 * `duplicate_id_number` when an active record anywhere holds the number
 * (the answer names no region). */
int women_create(store *s, const actor *who, json_t *body, json_t **out,
		 err *e);
/* The record with its services, newest first. */
int women_get(store *s, const actor *who, int64_t id, json_t **out, err *e);
/* Changes phone, husband_work_place, employment, skills or status; a patch
 * that changes nothing writes nothing.  `version` > 0 must be the stored
 * version (ERR_CONFLICT `version_conflict`).  Audited `woman_update` with
 * the names of the changed fields. */
int women_update(store *s, const actor *who, int64_t id, json_t *patch,
		 int version, json_t **out, err *e);
/* `{"items","total"}` under `region` (default: the scope), optionally only
 * women who received a `service` kind. */
int women_list(store *s, const actor *who, const char *region,
	       const char *service, int64_t offset, int limit, json_t **out,
	       err *e);
/* Records a service for an active woman (ERR_CONFLICT `record_exited`
 * otherwise); audited `woman_service`.  `out` is the woman. */
int women_service_add(store *s, const actor *who, int64_t id, json_t *body,
		      json_t **out, err *e);
/* Active women registered and, per service kind, services and women
 * served under `region`.  Auditors may count too. */
int women_stats(store *s, const actor *who, const char *region, json_t **out,
		err *e);
/* The registry under `region` as xlsx, masked as for the list, with the
 * region path and date in the header and `mark` on it; audited
 * `woman_export`.  Whole identities in more rows than the threshold need
 * the mark of an approved request (ERR_FORBIDDEN
 * "export_approval_required").  `bytes` is the caller's to free. */
int women_xlsx(store *s, const actor *who, const char *region,
	       const exportmark *mark, char **bytes, size_t *len,
	       char filename[128], err *e);

/* Adds the tables of GET /api/v1/codes this module holds to `out`:
 * woman_employment, woman_service (each with "detail", what its free
 * text holds), screening_result, woman_status. */
void women_codes_json(json_t *out);

#endif
