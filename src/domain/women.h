/* women — the registry of rural left-behind women (农村留守妇女, SPEC §8)
 * and the services they receive: 就业指导, 创业支持, 两癌筛查 (with result
 * and follow-up), 权益保障 (case and outcome).  Scope and masking as for
 * children. */
#ifndef GUANAI_WOMEN_H
#define GUANAI_WOMEN_H

#include <jansson.h>

#include "domain/account.h"
#include "store/store.h"

int women_create(store *s, const actor *who, json_t *body, json_t **out,
		 err *e);
int women_get(store *s, const actor *who, int64_t id, json_t **out, err *e);
int women_update(store *s, const actor *who, int64_t id, json_t *patch,
		 json_t **out, err *e);
int women_list(store *s, const actor *who, const char *region,
	       const char *service, int64_t offset, int limit, json_t **out,
	       err *e);
int women_service_add(store *s, const actor *who, int64_t id, json_t *body,
		      json_t **out, err *e);
int women_stats(store *s, const actor *who, const char *region, json_t **out,
		err *e);
int women_xlsx(store *s, const actor *who, const char *region, char **bytes,
	       size_t *len, char filename[128], err *e);

#endif
