#include "domain/cases/case_limits.h"

#include <stdlib.h>

#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "store/platform_store.h"
#include "util/jsonx.h"

void case_limits_load(store *s, case_time_limits *l)
{
	*l = (case_time_limits){ 24, 2, 7, 15, 30 };
	char *v = NULL;
	if (platform_store_setting(s, "case_limits", &v, NULL) != 0)
		return;
	json_t *j = json_loads(v, 0, NULL);
	free(v);
	if (!j)
		return;
	json_t *x;
	if (json_is_integer(x = json_object_get(j, "accept_hours")))
		l->accept_hours = (int)json_integer_value(x);
	if (json_is_integer(x = json_object_get(j, "urgent_hours")))
		l->urgent_hours = (int)json_integer_value(x);
	if (json_is_integer(x = json_object_get(j, "assess_days")))
		l->assess_days = (int)json_integer_value(x);
	if (json_is_integer(x = json_object_get(j, "plan_days")))
		l->plan_days = (int)json_integer_value(x);
	if (json_is_integer(x = json_object_get(j, "referral_days")))
		l->referral_days = (int)json_integer_value(x);
	json_decref(j);
}

int case_limits(store *s, json_t **out, err *e)
{
	(void)e;
	case_time_limits l;
	case_limits_load(s, &l);
	*out = json_pack("{s:i, s:i, s:i, s:i, s:i}", "accept_hours",
			 l.accept_hours, "urgent_hours", l.urgent_hours,
			 "assess_days", l.assess_days, "plan_days", l.plan_days,
			 "referral_days", l.referral_days);
	return 0;
}

typedef struct limits_tx {
	const actor *who;
	json_t *limits;
} limits_tx;

/* The setting, and the entry that says what it became. */
static int limits_work(store *s, void *arg, err *e)
{
	limits_tx *x = arg;
	char *text = json_dumps(x->limits, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = platform_store_set_setting(s, "case_limits", text, e);
	free(text);
	return rc ? rc
		  : audit_record(s, x->who, "case_limits_set",
				 "settings:case_limits", actor_scope(x->who),
				 json_incref(x->limits), e);
}

int case_limits_set(store *s, const actor *who, json_t *body, json_t **out,
		    err *e)
{
	static const char *const fields[] = { "accept_hours", "urgent_hours",
					      "assess_days",  "plan_days",
					      "referral_days", NULL };
	int rc = perm_need(who, PERM_CASE_LIMITS_WRITE, e);
	if (rc || (rc = jsonx_only(body, fields, e)))
		return rc;
	json_t *cur;
	case_limits(s, &cur, e);
	for (const char *const *f = fields; *f; f++) {
		json_t *v = json_object_get(body, *f);
		if (!v)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 720) {
			json_decref(cur);
			return err_field(e, ERR_INVALID, "invalid_field", *f,
					 "时限应为1至720的整数");
		}
		json_object_set(cur, *f, v);
	}
	limits_tx x = { who, cur };
	rc = store_tx(s, limits_work, &x, e);
	json_decref(cur);
	return rc ? rc : case_limits(s, out, e);
}
