/* women_store — the SQL of the rural left-behind women's registry. */
#ifndef GUANAI_WOMEN_STORE_H
#define GUANAI_WOMEN_STORE_H

#include "store/store.h"

/* A woman on the registry, with her village's name (NULL when unknown). */
typedef struct woman_row {
	int64_t id;
	const char *region, *name, *id_number, *birth_date, *phone;
	const char *husband_work_place, *employment, *skills, *status;
	int version;
	int64_t created_at;
	const char *created_by, *region_name;
} woman_row;
extern const store_col women_store_cols[];
int women_store_insert(store *s, const char *region, const char *name,
		       const char *id_number, const char *birth,
		       const char *phone, const char *husband,
		       const char *employment, const char *skills, int64_t at,
		       const char *by, int64_t *id, err *e);
int women_store_update(store *s, int64_t id, int version, const char *phone,
		       const char *husband, const char *employment,
		       const char *skills, const char *status, int64_t at,
		       err *e);
int women_store_get(store *s, int64_t id, store_res **out, err *e);
int women_store_list(store *s, const char *lo, const char *hi,
		     const char *service, int64_t offset, int limit,
		     store_res **out, int64_t *total, err *e);
int women_store_service_add(store *s, int64_t woman, const char *kind,
			    const char *date, const char *result,
			    const char *detail, const char *follow,
			    const char *by, int64_t at, int64_t *id, err *e);
typedef struct woman_service_row {
	int64_t id;
	const char *kind, *served_on, *result, *detail, *follow_up,
		*created_by;
} woman_service_row;
extern const store_col women_store_service_cols[];
int women_store_services(store *s, int64_t woman, store_res **out, err *e);
/* Per service kind in [lo, hi): services, women served. */
typedef struct woman_stat_row {
	const char *kind;
	int64_t services, women;
} woman_stat_row;
extern const store_col women_store_stat_cols[];
int women_store_stats(store *s, const char *lo, const char *hi,
		      store_res **out, int64_t *registered, err *e);

#endif
