#include "domain/core/audit_list.h"

#include "domain/core/region.h"

int audit_list_scope(store *s, const char *scope, int all, const char *action,
		     int64_t offset, int limit, store_res **out,
		     int64_t *total, err *e)
{
	char lo[REGION_CODE_MAX] = "", hi[REGION_CODE_MAX + 1] = ":";
	if (!all)
		region_scope_range(scope, lo, hi);
	return audit_store_list(s, lo, hi, action, offset, limit, out, total,
				e);
}
