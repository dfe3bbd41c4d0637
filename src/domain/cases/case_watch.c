#include "domain/cases/case_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/childrec_list.h"
#include "domain/children/classify.h"
#include "domain/core/perm.h"
#include "util/text.h"

/* ---- watch list ---- */

int case_watchlist(store *s, const actor *who, const char *days,
		   json_t **out, err *e)
{
	int d = 90;
	if (!perm_allows(who, PERM_CASE_READ))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色无权查看儿童个案");
	if (days) {
		if (!text_is_digits(days) || strlen(days) > 4 || atoi(days) < 1 ||
		    atoi(days) > 3650)
			return err_field(e, ERR_INVALID, "invalid_query", "days",
					 "天数应为1至3650的整数");
		d = atoi(days);
	}
	char nd[8];
	snprintf(nd, sizeof nd, "%d", d);
	json_t *flagged = NULL, *unvisited = NULL, *lb = NULL;
	int rc;
	childrec_query q = { .limit = 200 };
	q.flag = NULL;
	/* Children with any key-attention flag: one list per flag keeps
	 * each query on the index. */
	json_t *fl = json_array();
	static const char *const flags[] = { "unsupervised", "poor_guardianship",
					     "dropout", "no_hukou", "ill",
					     "disabled" };
	for (size_t i = 0; i < 6; i++) {
		q.flag = flags[i];
		if ((rc = childrec_list(s, who, &q, &flagged, e))) {
			json_decref(fl);
			return rc;
		}
		json_array_append_new(
			fl, json_pack("{s:s, s:s, s:O, s:O}", "flag", flags[i],
				      "label",
				      classify_flag_label(classify_flag_bit(flags[i])),
				      "total", json_object_get(flagged, "total"),
				      "items", json_object_get(flagged, "items")));
		json_decref(flagged);
	}
	q.flag = NULL;
	q.not_visited_days = nd;
	if ((rc = childrec_list(s, who, &q, &unvisited, e))) {
		json_decref(fl);
		return rc;
	}
	q.not_visited_days = NULL;
	q.category = "left_behind";
	q.no_guardian = 1;
	if ((rc = childrec_list(s, who, &q, &lb, e))) {
		json_decref(fl);
		json_decref(unvisited);
		return rc;
	}
	*out = json_pack("{s:o, s:i, s:O, s:O, s:O, s:O}", "flags", fl, "days",
			 d, "not_visited_total", json_object_get(unvisited, "total"),
			 "not_visited", json_object_get(unvisited, "items"),
			 "left_behind_without_guardian_total",
			 json_object_get(lb, "total"),
			 "left_behind_without_guardian",
			 json_object_get(lb, "items"));
	json_decref(lb);
	json_decref(unvisited);
	return 0;
}
