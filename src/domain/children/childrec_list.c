#include "domain/children/childrec_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/child_codes.h"
#include "domain/children/classify.h"
#include "domain/core/idcard.h"
#include "domain/core/perm.h"
#include "domain/core/privacy.h"
#include "domain/children/village_stats.h"
#include "store/child_store.h"
#include "store/stats_store.h"
#include "util/date.h"
#include "util/jsonw.h"
#include "util/text.h"

/* ---- lists ---- */

static int parse_int_param(const char *v, const char *field, int lo, int hi,
			   int *out, err *e)
{
	if (!v)
		return 0;
	if (!text_is_digits(v) || strlen(v) > 5 || atoi(v) < lo ||
	    atoi(v) > hi)
		return err_field(e, ERR_INVALID, "invalid_query", field,
				 "参数 %s 应为%d至%d的整数", field, lo, hi);
	*out = atoi(v);
	return 0;
}

/* The total of a list of active records of a county or above filtered by
 * region alone, or by one category or one flag: the dashboard's
 * per-village figures hold it
 * (exact and current, see village_stats.h), which saves counting a county's
 * tens of thousands of index entries for every page.  0: count instead. */
/* The last few kept totals this thread read, with the connection and
 * its change mark at the time: a county's list pages through one total
 * (a sum over its few hundred villages, a third of the request) that
 * stays right until something is written. */
typedef struct total_memo {
	store_mark mark;
	int col;
	char lo[REGION_CODE_MAX], today[11];
	int64_t total;
} total_memo;

static _Thread_local total_memo memos[4];
static _Thread_local unsigned memo_next;

static int64_t kept_total(store *s, const actor *who, const child_filter *f,
			  const char *scope)
{
	if (strcmp(f->status, "active") ||
	    (f->cat_bit && f->flag_bit) ||
	    f->birth_after || f->birth_max || f->visit_before ||
	    f->name_like || f->id_lo || f->no_guardian)
		return 0;
	int col = 0; /* active */
	for (int b = 0; b < CAT_COUNT; b++)
		if (f->cat_bit == 1u << b)
			col = 1 + b;
	for (int b = 0; b < FLAG_COUNT; b++)
		if (f->flag_bit == 1u << b)
			col = 7 + b;
	char today[11];
	date_of(who->now, today);
	store_mark mark, after;
	int marked = store_change_mark(s, &mark) == 0;
	/* Below a county counting the index is cheaper than the two
	 * queries of the kept figures, unless they can be reused. */
	if (strlen(scope) > 6 && !marked)
		return 0;
	for (int i = 0; marked && i < 4; i++) {
		const total_memo *m = &memos[i];
		if (!memcmp(&m->mark, &mark, sizeof mark) && m->col == col &&
		    !strcmp(m->lo, f->lo) && !strcmp(m->today, today))
			return m->total;
	}
	int64_t total = 0, stale = 0;
	if (stats_store_total(s, f->lo, f->hi, col, today, &total, &stale,
			      NULL) != 0)
		return 0;
	if (stale && (village_stats_refresh(s, f->lo, f->hi, who->now, NULL, NULL) != 0 ||
		      stats_store_total(s, f->lo, f->hi, col, today, &total,
					&stale, NULL) != 0 ||
		      stale))
		return 0;
	if (marked && store_change_mark(s, &after) == 0 &&
	    !memcmp(&mark, &after, sizeof mark)) {
		total_memo *m = &memos[memo_next++ % 4];
		*m = (total_memo){ .mark = mark, .col = col, .total = total };
		snprintf(m->lo, sizeof m->lo, "%s", f->lo);
		snprintf(m->today, sizeof m->today, "%s", today);
	}
	return total;
}

int childrec__list_rows(store *s, const actor *who, const childrec_query *q,
		     const char *today, child_row **rows, int *nrows,
		     int64_t *total, err *e)
{
	child_filter f;
	int rc;
	memset(&f, 0, sizeof f);
	if ((rc = perm_need(who, PERM_CHILD_READ, e)))
		return rc;
	const char *scope = actor_scope(who);
	region g;
	if (q->region) {
		if ((rc = region_resolve(s, who->u ? scope : NULL, q->region, &g,
					 e)))
			return rc;
		scope = g.code;
	}
	region_scope_range(scope, f.lo, f.hi);
	f.status = "active";
	if (q->status) {
		if (strcmp(q->status, "active") && strcmp(q->status, "exited"))
			return err_field(e, ERR_INVALID, "invalid_query",
					 "status", "状态应为 active 或 exited");
		f.status = q->status;
	}
	if (q->category) {
		f.cat_bit = classify_category_bit(q->category);
		if (!f.cat_bit)
			return err_field(e, ERR_INVALID, "invalid_query",
					 "category", "分类代码无效");
		date_years_before(today, classify_age_limit(f.cat_bit),
				  f.cat_threshold);
	}
	if (q->flag && !(f.flag_bit = classify_flag_bit(q->flag)))
		return err_field(e, ERR_INVALID, "invalid_query", "flag",
				 "重点对象标记代码无效");
	int amin = -1, amax = -1, days = -1;
	char bmin[11], bmax[11], vb[11];
	if ((rc = parse_int_param(q->age_min, "age_min", 0, 30, &amin, e)) ||
	    (rc = parse_int_param(q->age_max, "age_max", 0, 30, &amax, e)) ||
	    (rc = parse_int_param(q->not_visited_days, "not_visited_days", 1,
				  3650, &days, e)))
		return rc;
	/* age >= amin  ⟺  born on or before the amin threshold;
	 * age <= amax  ⟺  born after the amax + 1 threshold. */
	if (amin >= 0) {
		date_years_before(today, amin, bmin);
		f.birth_max = bmin;
	}
	if (amax >= 0) {
		date_years_before(today, amax + 1, bmax);
		f.birth_after = bmax;
	}
	if (days > 0) {
		date_minus_days(today, days, vb);
		f.visit_before = vb;
	}
	char like[200], idlo[19], idhi[20];
	if (q->q && *q->q) {
		size_t n = strlen(q->q);
		if (n > 60 || !text_valid_name(q->q, 1, 20))
			return err_field(e, ERR_INVALID, "invalid_query", "q",
					 "搜索词应为1至20个字符");
		int idlike = n >= 4 && n <= 18;
		for (size_t i = 0; i < n && idlike; i++)
			idlike = (q->q[i] >= '0' && q->q[i] <= '9') ||
				 ((q->q[i] == 'X' || q->q[i] == 'x') &&
				  i == 17);
		/* A number searched for confirms the digits the mask hides,
		 * one prefix at a time (privacy.h). */
		if (idlike && !privacy_full(who, PRIVACY_LIST))
			return err_field(e, ERR_FORBIDDEN, "forbidden", "q",
					 "您看到的身份证号是部分隐藏的，不能按身份证号"
					 "查找，请按姓名查找");
		if (idlike) {
			idcard_normalize(q->q, idlo);
			snprintf(idhi, sizeof idhi, "%s:", idlo);
			f.id_lo = idlo;
			f.id_hi = idhi;
		} else {
			text_like_pattern(q->q, like, sizeof like);
			f.name_like = like;
		}
	}
	static const struct {
		const char *name;
		enum child_sort sort;
	} sorts[] = { { "id", CHILD_SORT_ID },
		      { "name", CHILD_SORT_NAME },
		      { "birth_date", CHILD_SORT_BIRTH },
		      { "last_visit", CHILD_SORT_VISIT },
		      { "region", CHILD_SORT_REGION } };
	f.sort = CHILD_SORT_REGION;
	if (q->sort) {
		size_t i;
		for (i = 0; i < sizeof sorts / sizeof *sorts; i++)
			if (strcmp(sorts[i].name, q->sort) == 0)
				break;
		if (i == sizeof sorts / sizeof *sorts)
			return err_field(e, ERR_INVALID, "invalid_query",
					 "sort", "排序字段无效");
		f.sort = sorts[i].sort;
	}
	/* A child's place among many sorted by birth date dates it to
	 * within days: the part of the ID number the mask hides. */
	if (f.sort == CHILD_SORT_BIRTH && !privacy_full(who, PRIVACY_LIST))
		return err_field(e, ERR_FORBIDDEN, "forbidden", "sort",
				 "出生日期按您的权限不显示，不能按出生日期排序");
	if (q->order && strcmp(q->order, "asc") && strcmp(q->order, "desc"))
		return err_field(e, ERR_INVALID, "invalid_query", "order",
				 "排序方向应为 asc 或 desc");
	f.desc = q->order && strcmp(q->order, "desc") == 0;
	f.offset = q->offset;
	f.limit = q->limit;
	f.no_guardian = q->no_guardian;
	f.known_total = kept_total(s, who, &f, scope);
	f.columns_only = 1;
	return child_store_list(s, &f, rows, nrows, total, e);
}

int childrec_list_text(store *s, const actor *who, const childrec_query *q,
		       char **text, size_t *len, err *e)
{
	char today[11];
	child_row *rows;
	int n;
	int64_t total;
	date_of(who->now, today);
	int rc = childrec__list_rows(s, who, q, today, &rows, &n, &total, e);
	if (rc)
		return rc;
	int see = privacy_full(who, q->kind),
	    see_id = privacy_id_full(who, q->kind);
	jsonw w = JSONW_INIT;
	jsonw_object(&w, NULL);
	jsonw_array(&w, "items");
	for (int i = 0; i < n; i++) {
		/* Lists are built from the row's columns alone: no record's
		 * JSON is parsed.  Categories are the stored age-free bits
		 * whose age limit the child is still under (classify.h). */
		child_row *r = &rows[i];
		int age = classify_age(r->birth_date, today);
		unsigned cats = 0;
		for (int b = 0; b < CAT_COUNT; b++)
			if ((r->cat_base & (1u << b)) && age >= 0 &&
			    age < classify_age_limit(1u << b))
				cats |= 1u << b;
		char idm[19], ph[CHILD_PHONE_MAX];
		snprintf(idm, sizeof idm, "%s", r->id_number);
		snprintf(ph, sizeof ph, "%s", r->contact_phone);
		if (!see_id)
			privacy_mask_id(r->id_number, idm);
		if (!see)
			privacy_mask_phone(r->contact_phone, ph, sizeof ph);
		jsonw_object(&w, NULL);
		jsonw_int(&w, "id", r->id);
		jsonw_str(&w, "name", r->name);
		jsonw_str(&w, "sex", code_of(child_sex_codes, r->sex));
		/* Beside a masked number, the age alone (privacy.h). */
		jsonw_str_or_null(&w, "birth_date", see_id ? r->birth_date : "");
		jsonw_int(&w, "age", age);
		jsonw_str_or_null(&w, "id_number", idm);
		jsonw_str(&w, "region_code", r->region);
		jsonw_str(&w, "region_name", r->region_name);
		childrec__bits_write(&w, "categories", cats, CAT_COUNT,
				     classify_category_code);
		childrec__bits_write(&w, "flags", r->flags, FLAG_COUNT,
				     classify_flag_code);
		jsonw_str_or_null(&w, "last_visit_date", r->last_visit);
		jsonw_str_or_null(&w, "guardian_name", r->guardian_name);
		jsonw_str_or_null(&w, "contact_phone", ph);
		jsonw_str(&w, "status", r->status);
		jsonw_end(&w);
		child_row_clear(r);
	}
	free(rows);
	jsonw_end(&w);
	jsonw_int(&w, "total", total);
	jsonw_str(&w, "as_of", today);
	jsonw_end(&w);
	*text = jsonw_steal(&w, len);
	return 0;
}

int childrec_list(store *s, const actor *who, const childrec_query *q,
		  json_t **out, err *e)
{
	char *text = NULL;
	size_t len = 0;
	int rc = childrec_list_text(s, who, q, &text, &len, e);
	return childrec__text_json(rc, text, len, out, e);
}
