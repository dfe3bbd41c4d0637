/* Data-quality rules Q01–Q11 (SPEC §11): each rule shown firing and not
 * firing.  The rules a record fails by its own facts (child_quality_flags)
 * are checked on records built in memory; the rules that need the quarter,
 * the other records, visits or verifications are checked through
 * quality_report on a real SQLite store with the fixture regions. */
#include "testutil.h"

#include <jansson.h>

#include "domain/children/child.h"
#include "domain/children/childrec.h"
#include "domain/children/childrec_exit.h"
#include "domain/children/childrec_visit.h"
#include "domain/core/idcard.h"
#include "domain/quarterly/quality.h"
#include "util/date.h"

/* 2026-11-15 12:00 in China (2026Q4), and 2027-01-20 (2027Q1). */
#define NOW_Q4 1794715200
#define NOW_Q1 1800417600

#define VILLAGE "220122100207"
#define VILLAGE_2 "220122100208"

/* An ID number of 农安县 for `birth` ("YYYY-MM-DD"), odd `seq` male. */
static void mkid(char out[19], const char *birth, int seq)
{
	char first[32];
	snprintf(first, sizeof first, "220122%.4s%.2s%.2s%03u", birth,
		 birth + 5, birth + 8, (unsigned)seq % 1000u);
	first[17] = 0;
	memcpy(out, first, 17);
	out[17] = idcard_check_char(first);
	out[18] = 0;
}

/* A record that fails none of the static rules. */
static void good_child(child *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "张小明");
	c->sex = 1;
	snprintf(c->birth_date, sizeof c->birth_date, "2016-05-20");
	mkid(c->id_number, c->birth_date, 11);
	c->hukou_registered = c->hukou_rural = 1;
	snprintf(c->father.name, sizeof c->father.name, "张大山");
	c->father.status = PARENT_MIGRANT_OUT_PROVINCE;
	snprintf(c->father.phone, sizeof c->father.phone, "13912345678");
	snprintf(c->mother.name, sizeof c->mother.name, "李秀兰");
	c->mother.status = PARENT_MIGRANT_IN_PROVINCE;
	c->guardian.present = 1;
	snprintf(c->guardian.name, sizeof c->guardian.name, "张老汉");
	snprintf(c->guardian.relationship, sizeof c->guardian.relationship,
		 "祖父");
	snprintf(c->guardian.phone, sizeof c->guardian.phone, "0431-85551234");
	c->education = EDU_IN_SCHOOL;
}

/* ---- the static rules ---- */

static void test_good_record_fails_nothing(void **st)
{
	(void)st;
	child c;
	good_child(&c);
	assert_int_equal(child_quality_flags(&c), 0);
}

static void test_q01_guardian_details(void **st)
{
	(void)st;
	child c;
	good_child(&c);
	c.guardian.present = 0;
	memset(&c.guardian, 0, sizeof c.guardian);
	assert_int_equal(child_quality_flags(&c), QF_Q01);
	good_child(&c);
	c.guardian.relationship[0] = 0;
	assert_int_equal(child_quality_flags(&c), QF_Q01);
	good_child(&c);
	c.guardian.phone[0] = 0;
	assert_int_equal(child_quality_flags(&c), QF_Q01);
	good_child(&c);
	c.guardian.name[0] = 0;
	assert_int_equal(child_quality_flags(&c), QF_Q01);
}

static void test_q02_dropout_explanation(void **st)
{
	(void)st;
	child c;
	good_child(&c);
	c.education = EDU_DROPPED_OUT;
	assert_int_equal(child_quality_flags(&c), QF_Q02);
	c.education = EDU_OUT_OF_SCHOOL;
	snprintf(c.dropout_explanation, sizeof c.dropout_explanation, "无");
	assert_int_equal(child_quality_flags(&c), QF_Q02); /* under 2 characters */
	snprintf(c.dropout_explanation, sizeof c.dropout_explanation,
		 "2024年9月起辍学，已劝返");
	assert_int_equal(child_quality_flags(&c), 0);
	/* free text over several lines is an explanation too */
	snprintf(c.dropout_explanation, sizeof c.dropout_explanation,
		 "2024年9月起辍学\n原因：家庭困难\n已联系学校劝返");
	assert_int_equal(child_quality_flags(&c), 0);
	/* in school: no explanation needed */
	c.education = EDU_SUSPENDED;
	c.dropout_explanation[0] = 0;
	assert_int_equal(child_quality_flags(&c), 0);
}

static void test_q03_check_digit(void **st)
{
	(void)st;
	child c;
	good_child(&c);
	c.id_number[17] = c.id_number[17] == '0' ? '1' : '0';
	assert_int_equal(child_quality_flags(&c), QF_Q03); /* birth and sex agree */
	good_child(&c);
	c.id_number[3] = 'A';
	assert_true(child_quality_flags(&c) & QF_Q03);
	/* no 户籍, no number: nothing to check */
	good_child(&c);
	c.id_number[0] = 0;
	c.hukou_registered = 0;
	assert_int_equal(child_quality_flags(&c), 0);
}

static void test_q04_birth_date_and_sex(void **st)
{
	(void)st;
	child c;
	good_child(&c);
	snprintf(c.birth_date, sizeof c.birth_date, "2016-05-21");
	assert_int_equal(child_quality_flags(&c), QF_Q04);
	good_child(&c);
	c.sex = 2;
	assert_int_equal(child_quality_flags(&c), QF_Q04);
	good_child(&c);
	c.sex = 2;
	mkid(c.id_number, c.birth_date, 12); /* an even sequence: female */
	assert_int_equal(child_quality_flags(&c), 0);
}

static void test_q07_parents(void **st)
{
	(void)st;
	child c;
	good_child(&c);
	c.father.name[0] = 0;
	assert_int_equal(child_quality_flags(&c), QF_Q07);
	good_child(&c);
	c.mother.status = PARENT_UNKNOWN;
	assert_int_equal(child_quality_flags(&c), QF_Q07);
	good_child(&c);
	c.mother.status = PARENT_DECEASED; /* known, whatever it is */
	assert_int_equal(child_quality_flags(&c), 0);
}

static void test_q10_phones(void **st)
{
	(void)st;
	static const char *const bad[] = { "1391234567", "12912345678",
					   "139-1234-5678", "0431-8555-1234",
					   "1391234567a" };
	static const char *const good[] = { "13912345678", "19912345678",
					    "043185551234", "0433-6221234" };
	child c;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		good_child(&c);
		snprintf(c.contact_phone, sizeof c.contact_phone, "%s", bad[i]);
		assert_int_equal(child_quality_flags(&c), QF_Q10);
		good_child(&c);
		snprintf(c.mother.phone, sizeof c.mother.phone, "%s", bad[i]);
		assert_int_equal(child_quality_flags(&c), QF_Q10);
		good_child(&c);
		snprintf(c.guardian.phone, sizeof c.guardian.phone, "%s", bad[i]);
		assert_int_equal(child_quality_flags(&c), QF_Q10);
	}
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		good_child(&c);
		snprintf(c.contact_phone, sizeof c.contact_phone, "%s", good[i]);
		snprintf(c.father.phone, sizeof c.father.phone, "%s", good[i]);
		assert_int_equal(child_quality_flags(&c), 0);
	}
}

/* A stored record with a wrong check digit or a malformed phone loads
 * (so it can be opened and fixed); a write still refuses it. */
static void test_stored_records_load_leniently(void **st)
{
	(void)st;
	child c;
	err e;
	char id[19];
	mkid(id, "2016-05-20", 11);
	id[17] = id[17] == '0' ? '1' : '0';
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}}",
			      "name", "张小明", "sex", "male", "birth_date",
			      "2016-05-20", "id_number", id, "ethnicity", "汉族",
			      "region_code", VILLAGE, "contact_phone",
			      "1391234567", "father", "phone", "12912345678");
	memset(&c, 0, sizeof c);
	assert_int_equal(child_parse_stored(o, &c, &e), 0);
	assert_string_equal(c.id_number, id);
	assert_string_equal(c.contact_phone, "1391234567");
	assert_int_equal(child_quality_flags(&c) & (QF_Q03 | QF_Q10),
			 QF_Q03 | QF_Q10);
	memset(&c, 0, sizeof c);
	assert_int_equal(child_parse(o, &c, &e), ERR_INVALID);
	assert_string_equal(e.field, "id_number");
	json_object_set_new(o, "id_number", json_null());
	memset(&c, 0, sizeof c);
	assert_int_equal(child_parse(o, &c, &e), ERR_INVALID);
	assert_string_equal(e.key, "invalid_phone");
	assert_string_equal(e.field, "contact_phone");
	json_decref(o);
}

static void test_quarter_codes(void **st)
{
	(void)st;
	char a[11], b[11], q[8];
	assert_int_equal(date_quarter("2018Q3", a, b), 0);
	assert_string_equal(a, "2018-07-01");
	assert_string_equal(b, "2018-09-30");
	assert_int_equal(date_quarter("2026Q4", a, b), 0);
	assert_string_equal(b, "2026-12-31");
	static const char *const bad[] = { "2018Q5", "2018Q0", "18Q3",
					   "2018q3", "2018-Q3", "abcdQ1",
					   "2018Q33", "" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(date_quarter(bad[i], a, b), -1);
	assert_int_equal(date_quarter(NULL, a, b), -1);
	date_quarter_of("2026-11-15", q);
	assert_string_equal(q, "2026Q4");
	date_quarter_of("2027-01-01", q);
	assert_string_equal(q, "2027Q1");
}

/* ---- the rules that need the store ---- */

static const actor SYS_Q4 = { .now = NOW_Q4 };
static const actor SYS_Q1 = { .now = NOW_Q1 };

static json_t *body_for(const char *code, const char *birth, int seq,
			const char *father, const char *mother)
{
	char id[19];
	mkid(id, birth, seq);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s,"
			 " s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:s}",
			 "name", "王小花", "sex", seq % 2 ? "male" : "female",
			 "birth_date", birth, "id_number", id, "ethnicity",
			 "汉族", "region_code", code, "hukou_rural", 1,
			 "hukou_status", "registered", "father", "name", "王父",
			 "status", father, "mother", "name", "赵母", "status",
			 mother, "guardianship", "fair", "education",
			 "in_school");
}

static void set_guardian(json_t *b)
{
	json_object_set_new(b, "guardian",
			    json_pack("{s:s, s:s, s:s}", "name", "王奶奶",
				      "relationship", "祖母", "phone",
				      "13912345678"));
}

static int64_t create(testdb *t, json_t *body)
{
	json_t *out = NULL;
	err e;
	int rc = childrec_create(t->s, &SYS_Q4, body, &out, &e);
	if (rc)
		fail_msg("create: %s %s", e.key, e.msg);
	json_decref(body);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

static json_t *report(testdb *t, const actor *who, const char *code,
		      const char *rule)
{
	json_t *out = NULL;
	err e;
	int rc = quality_report(t->s, who, code, NULL, rule, 0, 100, &out,
				&e);
	if (rc)
		fail_msg("report: %s %s", e.key, e.msg);
	return out;
}

static int64_t count(testdb *t, const actor *who, const char *code,
		     const char *rule)
{
	json_t *r = report(t, who, code, NULL);
	int64_t n = json_integer_value(
		json_object_get(json_object_get(r, "counts"), rule));
	json_decref(r);
	return n;
}

/* Does `id` fail `rule` in the report of region `code`? */
static int fails(testdb *t, const actor *who, const char *code,
		 const char *rule, int64_t id)
{
	json_t *r = report(t, who, code, rule), *it;
	size_t i;
	int found = 0;
	json_array_foreach(json_object_get(r, "items"), i, it)
		found |= json_integer_value(json_object_get(it, "child_id")) ==
				 id &&
			 !strcmp(json_string_value(json_object_get(it, "rule")),
				 rule);
	json_decref(r);
	return found;
}

static void test_q01_only_left_behind_children(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	/* both parents migrant: left behind, no guardian */
	int64_t lb = create(&t, body_for(VILLAGE, "2016-03-01", 21,
					 "migrant_out_province",
					 "migrant_in_province"));
	json_t *b = body_for(VILLAGE, "2016-03-02", 23, "migrant_out_province",
			     "migrant_in_province");
	set_guardian(b);
	int64_t lbg = create(&t, b);
	/* a mother at home: not left behind, no guardian needed */
	int64_t home = create(&t, body_for(VILLAGE, "2016-03-03", 25,
					   "migrant_out_province", "at_home"));
	assert_true(fails(&t, &SYS_Q4, VILLAGE, "Q01", lb));
	assert_false(fails(&t, &SYS_Q4, VILLAGE, "Q01", lbg));
	assert_false(fails(&t, &SYS_Q4, VILLAGE, "Q01", home));
	assert_int_equal(count(&t, &SYS_Q4, VILLAGE, "Q01"), 1);
	testdb_close(&t);
}

static void test_q05_q06_confirmed_categories(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	json_t *out;
	err e;
	/* turns 16 on 2027-01-10, between the two reports */
	json_t *b = body_for(VILLAGE, "2011-01-10", 31, "migrant_out_province",
			     "migrant_in_province");
	set_guardian(b);
	int64_t old = create(&t, b);
	b = body_for(VILLAGE, "2016-06-01", 33, "migrant_out_province",
		     "migrant_in_province");
	set_guardian(b);
	int64_t young = create(&t, b);
	assert_int_equal(childrec_confirm(t.s, &SYS_Q4, old, &out, &e), 0);
	json_decref(out);
	assert_int_equal(childrec_confirm(t.s, &SYS_Q4, young, &out, &e), 0);
	json_decref(out);
	/* confirmed as derived, under the age limit */
	assert_int_equal(count(&t, &SYS_Q4, VILLAGE, "Q05"), 0);
	assert_int_equal(count(&t, &SYS_Q4, VILLAGE, "Q06"), 0);
	/* the mother comes home: young is no longer left behind */
	json_t *p = json_pack("{s:{s:s, s:s}}", "mother", "name", "赵母",
			      "status", "at_home");
	assert_int_equal(childrec_update(t.s, &SYS_Q4, young, p, 0, &out, &e),
			 0);
	json_decref(p);
	json_decref(out);
	assert_true(fails(&t, &SYS_Q4, VILLAGE, "Q06", young));
	assert_false(fails(&t, &SYS_Q4, VILLAGE, "Q05", young));
	assert_false(fails(&t, &SYS_Q4, VILLAGE, "Q06", old));
	/* a quarter later old is 16: over the left-behind limit */
	assert_true(fails(&t, &SYS_Q1, VILLAGE, "Q05", old));
	assert_false(fails(&t, &SYS_Q1, VILLAGE, "Q05", young));
	testdb_close(&t);
}

static void test_q08_visits(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	json_t *out;
	err e;
	int64_t a = create(&t, body_for(VILLAGE, "2015-02-01", 41,
					"migrant_out_province", "at_home"));
	int64_t b = create(&t, body_for(VILLAGE, "2015-02-02", 43,
					"migrant_out_province", "at_home"));
	assert_true(fails(&t, &SYS_Q4, VILLAGE, "Q08", a));
	json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}}", "visit_date",
			      "2026-11-10", "visitor", "张主任", "met", "祖母",
			      "risk_level", "low", "findings", "living",
			      "基本生活有保障");
	assert_int_equal(childrec_visit_add(t.s, &SYS_Q4, a, v, &out, &e), 0);
	json_decref(v);
	json_decref(out);
	assert_false(fails(&t, &SYS_Q4, VILLAGE, "Q08", a));
	assert_true(fails(&t, &SYS_Q4, VILLAGE, "Q08", b));
	/* the visit was last quarter's by the next one */
	assert_true(fails(&t, &SYS_Q1, VILLAGE, "Q08", a));
	testdb_close(&t);
}

static void test_q09_duplicates_across_villages(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	int64_t a = create(&t, body_for(VILLAGE, "2014-04-04", 51,
					"migrant_out_province", "at_home"));
	int64_t b = create(&t, body_for(VILLAGE_2, "2014-04-04", 53,
					"migrant_out_province", "at_home"));
	assert_int_equal(count(&t, &SYS_Q4, "22", "Q09"), 0);
	/* b takes a's number, as a legacy load left it (without the
	 * active-number copy whose uniqueness refuses it today) */
	char id[19];
	mkid(id, "2014-04-04", 51);
	const char *idp = id;
	store_param p[] = { SP_S(idp), SP_I(b) };
	err e;
	assert_int_equal(store_exec(t.s,
				    "UPDATE children SET id_number = ?,"
				    " active_id = NULL WHERE id = ?",
				    p, 2, NULL, &e),
			 0);
	/* each village sees its own record, never the other one */
	assert_true(fails(&t, &SYS_Q4, VILLAGE, "Q09", a));
	assert_false(fails(&t, &SYS_Q4, VILLAGE, "Q09", b));
	assert_int_equal(count(&t, &SYS_Q4, VILLAGE, "Q09"), 1);
	assert_true(fails(&t, &SYS_Q4, VILLAGE_2, "Q09", b));
	assert_int_equal(count(&t, &SYS_Q4, VILLAGE_2, "Q09"), 1);
	assert_int_equal(count(&t, &SYS_Q4, "220122100", "Q09"), 2);
	/* the duplicate leaves: nothing fails */
	json_t *out = NULL;
	assert_int_equal(childrec_exit(t.s, &SYS_Q4, b, "moved_away",
				       "2026-11-14", NULL, &out, &e),
			 0);
	json_decref(out);
	assert_int_equal(count(&t, &SYS_Q4, "22", "Q09"), 0);
	testdb_close(&t);
}

static void test_q11_verification(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	json_t *out;
	err e;
	int64_t a = create(&t, body_for(VILLAGE, "2013-08-08", 61,
					"migrant_out_province", "at_home"));
	int64_t b = create(&t, body_for(VILLAGE, "2013-08-09", 63,
					"migrant_out_province", "at_home"));
	assert_int_equal(count(&t, &SYS_Q4, VILLAGE, "Q11"), 2);
	json_t *v = json_pack("{s:s}", "outcome", "unchanged");
	assert_int_equal(quality_verify(t.s, &SYS_Q4, a, v, &out, &e), 0);
	json_decref(v);
	json_decref(out);
	assert_false(fails(&t, &SYS_Q4, VILLAGE, "Q11", a));
	assert_true(fails(&t, &SYS_Q4, VILLAGE, "Q11", b));
	/* verified for 2026Q4 only */
	assert_true(fails(&t, &SYS_Q1, VILLAGE, "Q11", a));
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_record_fails_nothing),
		cmocka_unit_test(test_q01_guardian_details),
		cmocka_unit_test(test_q02_dropout_explanation),
		cmocka_unit_test(test_q03_check_digit),
		cmocka_unit_test(test_q04_birth_date_and_sex),
		cmocka_unit_test(test_q07_parents),
		cmocka_unit_test(test_q10_phones),
		cmocka_unit_test(test_stored_records_load_leniently),
		cmocka_unit_test(test_quarter_codes),
		cmocka_unit_test(test_q01_only_left_behind_children),
		cmocka_unit_test(test_q05_q06_confirmed_categories),
		cmocka_unit_test(test_q08_visits),
		cmocka_unit_test(test_q09_duplicates_across_villages),
		cmocka_unit_test(test_q11_verification),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
