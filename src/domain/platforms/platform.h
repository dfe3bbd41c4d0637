/* platform — service platforms (SPEC §5): village 儿童之家 and township
 * 儿童活动中心 / 未成年人保护工作站, the naming rule, the 100-children
 * rule, the 五有 standard, and activities under the six functions.
 *
 * What must stay true: a platform's name is the unified name of its own
 * region and carries no labelling word; the 五有 verdict is computed from
 * the recorded facts on every write (never entered); scope as everywhere. */
#ifndef GUANAI_PLATFORM_H
#define GUANAI_PLATFORM_H

#include <jansson.h>

#include "domain/core/account.h"
#include "domain/core/exportmark.h"
#include "store/store.h"

/* The unified name for a platform of `kind` in region `code`. */
int platform_name_proposal(store *s, const actor *who, const char *code,
			   const char *kind, json_t **out, err *e);

int platform_create(store *s, const actor *who, json_t *body, json_t **out,
		    err *e);
int platform_get(store *s, const actor *who, int64_t id, json_t **out,
		 err *e);
int platform_update(store *s, const actor *who, int64_t id, json_t *patch,
		    json_t **out, err *e);
/* `status`: NULL any, "active" or "closed"; `compliant` ("true" or
 * "false") alone implies active ones. */
int platform_list(store *s, const actor *who, const char *region,
		  const char *kind, const char *status, const char *compliant,
		  int64_t offset, int limit, json_t **out, err *e);

/* The 100-children rule under `region`: both lists from `offset`, at
 * most `limit` (≤ RULE100_PAGE_MAX) villages each, with their totals. */
#define RULE100_PAGE_MAX 1000
int platform_rule100(store *s, const actor *who, const char *region,
		     int64_t offset, int limit, json_t **out, err *e);
/* 五有 compliance under `region`, with the failing platforms. */
int platform_compliance(store *s, const actor *who, const char *region,
			json_t **out, err *e);
int platform_compliance_xlsx(store *s, const actor *who, const char *region,
			     const exportmark *mark, char **bytes, size_t *len,
			     char filename[128], err *e);

int platform_activity_add(store *s, const actor *who, int64_t id,
			  json_t *body, json_t **out, err *e);
int platform_activities(store *s, const actor *who, int64_t id,
			json_t **out, err *e);
int platform_activity_stats(store *s, const actor *who, const char *region,
			    const char *year, json_t **out, err *e);

/* A village's resident child count (all children) and the year counted. */
int platform_set_child_count(store *s, const actor *who, const char *village,
			     json_t *body, json_t **out, err *e);

/* The labelling words refused in names (admin edits them). */
int platform_label_words(store *s, json_t **out, err *e);
int platform_set_label_words(store *s, const actor *who, json_t *body,
			     json_t **out, err *e);

/* Adds the tables of GET /api/v1/codes this module holds to `out`:
 * platform_kind (each with the "level" of its region), platform_host,
 * platform_function, platform_standard (the 五有 items, "1"–"5"),
 * platform_place_check, platform_equipment, platform_rule,
 * platform_status. */
void platform_codes_json(json_t *out);

#endif
