/* The code tables of GET /api/v1/codes (domain/codes/codes.c): every table is
 * there, well formed, and says exactly what the modules that parse and
 * render with it say — the labels the UI shows are the server's own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/core/account.h"
#include "domain/children/child_codes.h"
#include "domain/children/classify.h"
#include "domain/codes/codes.h"
#include "domain/core/region.h"
#include "util/text.h"

/* The tables the UI reads, named in docs/API.md "Codes".  A table added
 * or removed is a change of the answer, so of this list too. */
static const char *const names[] = {
	"sex",		     "hukou_status",	   "parent_status",
	"guardianship",	     "living_support",	   "mental_health",
	"education",	     "health",		   "child_status",
	"exit_reason",	     "transfer_state",	   "history_action",
	"risk_level",	     "area",		   "ethnicity",
	"category",	     "flag",		   "region_level",
	"role",		     "staff_post",	   "staff_source",
	"staff_employment",  "staff_status",	   "staff_action",
	"training_mode",     "training_topic",	   "attendance_result",
	"certificate_status", "campaign_measure",  "campaign_target",
	"platform_kind",
	"platform_host",     "platform_function",  "platform_standard",
	"platform_place_check", "platform_equipment", "platform_rule",
	"platform_status",   "case_reporter_type", "case_situation",
	"case_emergency",    "case_referral_kind", "case_intervention",
	"case_state",	     "case_step",	   "case_escalate_rule",
	"quality_rule",
	"severity",	     "signoff_state",	   "verification_outcome",
	"woman_employment",  "woman_service",	   "screening_result",
	"woman_status",	     "export_kind",	   "export_state",
	"report",	     "audit_action",	   "audit_target",
};

static json_t *all;

static int setup(void **state)
{
	(void)state;
	all = codes_json();
	return all ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(all);
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* The entry of `code` in table `name`, or NULL. */
static json_t *entry(const char *name, const char *code)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(all, name), i, e) {
		if (!strcmp(str(e, "code"), code))
			return e;
	}
	return NULL;
}

static void test_every_table(void **state)
{
	(void)state;
	size_t n = sizeof names / sizeof *names;
	assert_int_equal(json_object_size(all), n);
	for (size_t t = 0; t < n; t++) {
		json_t *a = json_object_get(all, names[t]);
		assert_true(json_is_array(a));
		assert_true(json_array_size(a) >= 2);
		size_t i, j;
		json_t *e, *f;
		json_array_foreach(a, i, e) {
			const char *code = str(e, "code"), *label = str(e, "label");
			assert_true(*code && strlen(code) <= 40);
			assert_true(text_is_utf8(label, strlen(label)));
			/* Every label is Chinese: something a person reads. */
			assert_true((unsigned char)label[0] >= 0xe3);
			json_array_foreach(a, j, f) {
				if (j <= i)
					continue;
				if (!strcmp(code, str(f, "code")))
					fail_msg("%s: code %s twice", names[t], code);
				if (!strcmp(label, str(f, "label")))
					fail_msg("%s: label %s twice", names[t],
						 label);
			}
		}
	}
}

/* A table of child_codes.h, entry for entry and in its order. */
static void same_table(const char *name, const code_entry *t)
{
	json_t *a = json_object_get(all, name);
	size_t i = 0;
	for (; t[i].code; i++) {
		json_t *e = json_array_get(a, i);
		assert_non_null(e);
		assert_string_equal(str(e, "code"), t[i].code);
		assert_string_equal(str(e, "label"), t[i].label);
	}
	assert_int_equal(json_array_size(a), i);
}

static void test_child_tables(void **state)
{
	(void)state;
	same_table("sex", child_sex_codes);
	same_table("hukou_status", child_hukou_codes);
	same_table("parent_status", child_parent_status_codes);
	same_table("guardianship", child_guardianship_codes);
	same_table("living_support", child_support_codes);
	same_table("mental_health", child_mental_codes);
	same_table("education", child_education_codes);
	same_table("health", child_health_codes);
	same_table("child_status", child_status_codes);
	same_table("exit_reason", child_exit_reason_codes);
	same_table("transfer_state", child_transfer_state_codes);
	same_table("history_action", child_history_action_codes);
	same_table("risk_level", child_risk_codes);
	same_table("area", child_area_codes);
	json_t *eth = json_object_get(all, "ethnicity");
	assert_int_equal(json_array_size(eth), 56);
	size_t i;
	json_t *e;
	json_array_foreach(eth, i, e) {
		assert_string_equal(str(e, "code"), str(e, "label"));
		assert_true(child_ethnicity_valid(str(e, "code")));
	}
	assert_string_equal(str(json_array_get(eth, 0), "code"), "汉族");
}

static void test_categories_and_flags(void **state)
{
	(void)state;
	json_t *cats = json_object_get(all, "category");
	json_t *flags = json_object_get(all, "flag");
	assert_int_equal(json_array_size(cats), CAT_COUNT);
	assert_int_equal(json_array_size(flags), FLAG_COUNT);
	for (int i = 0; i < CAT_COUNT; i++) {
		json_t *e = json_array_get(cats, (size_t)i);
		assert_string_equal(str(e, "code"), classify_category_code(1u << i));
		assert_string_equal(str(e, "label"),
				    classify_category_label(1u << i));
		assert_int_equal(json_integer_value(json_object_get(e, "age_limit")),
				 classify_age_limit(1u << i));
		assert_true(strlen(str(e, "short")) > 0);
	}
	for (int i = 0; i < FLAG_COUNT; i++) {
		json_t *e = json_array_get(flags, (size_t)i);
		assert_string_equal(str(e, "code"), classify_flag_code(1u << i));
		assert_string_equal(str(e, "label"), classify_flag_label(1u << i));
	}
	assert_int_equal(json_integer_value(json_object_get(
				 entry("category", "left_behind"), "age_limit")),
			 16);
}

/* What the rules of SPEC §11 read in each value, written out here from
 * the SPEC rather than from the code: "unable to guard", "migrant", and
 * the flag a guardianship, education or health value raises. */
static void test_rule_attributes(void **state)
{
	(void)state;
	static const char *const unable[] = {
		"deceased",	    "missing",		"imprisoned",
		"drug_rehab",	    "restricted_liberty", "severe_disability",
		"serious_illness", "guardianship_revoked", "deported",
	};
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(all, "parent_status"), i, e) {
		const char *c = str(e, "code");
		int u = 0;
		for (size_t k = 0; k < sizeof unable / sizeof *unable; k++)
			u |= !strcmp(c, unable[k]);
		int m = !strcmp(c, "migrant_in_province") ||
			!strcmp(c, "migrant_out_province");
		assert_int_equal(json_is_true(json_object_get(e, "unable")), u);
		assert_int_equal(json_is_true(json_object_get(e, "migrant")), m);
	}
	static const struct {
		const char *table, *code, *flag;
	} raises[] = {
		{ "guardianship", "good", NULL },
		{ "guardianship", "fair", NULL },
		{ "guardianship", "poor", "poor_guardianship" },
		{ "guardianship", "none", "unsupervised" },
		{ "education", "preschool", NULL },
		{ "education", "in_school", NULL },
		{ "education", "out_of_school", "dropout" },
		{ "education", "dropped_out", "dropout" },
		{ "education", "suspended", NULL },
		{ "education", "home_schooling", NULL },
		{ "health", "healthy", NULL },
		{ "health", "ill", "ill" },
		{ "health", "serious_illness", "ill" },
	};
	for (size_t k = 0; k < sizeof raises / sizeof *raises; k++) {
		json_t *x = entry(raises[k].table, raises[k].code);
		assert_non_null(x);
		json_t *f = json_object_get(x, "flag");
		if (raises[k].flag)
			assert_string_equal(json_string_value(f), raises[k].flag);
		else
			assert_null(f);
	}
}

/* The parent a page marks: as the rules count it. */
static void test_parent_absence(void **state)
{
	(void)state;
	parent p;
	memset(&p, 0, sizeof p);
	for (int s = 0; s < PARENT_STATUS_COUNT; s++) {
		p.status = (parent_status)s;
		const char *a = classify_parent_absence(&p, "2024-06-01");
		if (classify_parent_migrant(p.status))
			assert_string_equal(a, "migrant");
		else if (classify_parent_unable(p.status))
			assert_string_equal(a, "unable");
		else
			assert_null(a);
	}
	p.status = PARENT_MIGRANT_OUT_PROVINCE;
	assert_string_equal(classify_parent_absence(&p, "2024-06-01"), "migrant");
	p.status = PARENT_AT_HOME;
	assert_null(classify_parent_absence(&p, "2024-06-01"));
	p.status = PARENT_OTHER;
	assert_null(classify_parent_absence(&p, "2024-06-01"));
}

static void test_roles_and_levels(void **state)
{
	(void)state;
	json_t *roles = json_object_get(all, "role");
	assert_int_equal(json_array_size(roles), ROLE_COUNT - 1);
	size_t i;
	json_t *e;
	json_array_foreach(roles, i, e) {
		role r = account_role_parse(str(e, "code"));
		assert_int_not_equal(r, ROLE_NONE);
		assert_string_equal(str(e, "label"), account_role_label(r));
		json_t *lv = json_object_get(e, "level");
		int level = account_role_level(r);
		if (level)
			assert_string_equal(json_string_value(lv),
					    region_level_name(level));
		else
			assert_true(json_is_null(lv));
	}
	json_t *levels = json_object_get(all, "region_level");
	assert_int_equal(json_array_size(levels), 5);
	json_array_foreach(levels, i, e) {
		int l = REGION_PROVINCE + (int)i;
		assert_string_equal(str(e, "code"), region_level_name(l));
		assert_string_equal(str(e, "label"), region_level_title(l));
		assert_string_equal(str(e, "short"), region_level_label(l));
		assert_int_equal(json_integer_value(json_object_get(e, "digits")),
				 region_code_len(l));
	}
	assert_string_equal(str(entry("region_level", "city"), "label"),
			    "市（州）");
	assert_string_equal(str(entry("staff_post", "director"), "level"),
			    "village");
	assert_string_equal(str(entry("platform_kind", "activity_center"),
				"level"),
			    "township");
}

/* The answer is the same each time: its ETag is made once per process. */
static void test_stable(void **state)
{
	(void)state;
	json_t *again = codes_json();
	assert_true(json_equal(all, again));
	json_decref(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table),
		cmocka_unit_test(test_child_tables),
		cmocka_unit_test(test_categories_and_flags),
		cmocka_unit_test(test_rule_attributes),
		cmocka_unit_test(test_parent_absence),
		cmocka_unit_test(test_roles_and_levels),
		cmocka_unit_test(test_stable),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
