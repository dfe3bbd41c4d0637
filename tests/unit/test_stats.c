/* The dashboard's figures (src/domain/figures/stats.c) through
 * domain/figures/stats.h, on a real SQLite file with the fixture regions:
 * a small set of children in three villages of 农安县 and one of 南关区,
 * whose figures are counted by hand below, read at village, township,
 * county and province level; the kept per-village figures follow an exit,
 * an edit and a birthday. */
#include "testutil.h"

#include <jansson.h>

#include "domain/children/childrec.h"
#include "domain/children/childrec_exit.h"
#include "domain/children/village_stats.h"
#include "domain/core/idcard.h"
#include "domain/figures/stats.h"

/* 2026-11-15 12:00 in China (2026Q4). */
#define NOW 1794715200
#define DAY 86400

#define VIL_A "220122100207"	/* 十里堡村委会, 农安镇 */
#define VIL_B "220122100208"	/* 两家子村委会, 农安镇 */
#define VIL_C "220122101200"	/* 伏龙泉村委会, 伏龙泉镇 */
#define VIL_NG "220102001001"	/* 永吉社区居委会, 南关区 */

static const actor SYS = { .now = NOW };

/* An ID number of the village's county for `birth`, odd `seq` male. */
static void mkid(char out[19], const char *village, const char *birth,
		 int seq)
{
	char first[32];
	snprintf(first, sizeof first, "%.6s%.4s%.2s%.2s%03u", village, birth,
		 birth + 5, birth + 8, (unsigned)seq % 1000u);
	memcpy(out, first, 17);
	out[17] = idcard_check_char(first);
	out[18] = 0;
}

/* A record: parents' statuses, education; rural hukou. */
static int64_t add(testdb *t, const char *village, const char *birth,
		   int seq, const char *father, const char *mother,
		   const char *edu)
{
	char id[19];
	mkid(id, village, birth, seq);
	json_t *b = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:{s:s, s:s},"
		" s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:s, s:s}",
		"name", "王小花", "sex", seq % 2 ? "male" : "female",
		"birth_date", birth, "id_number", id, "ethnicity", "汉族",
		"region_code", village, "hukou_rural", 1, "hukou_status",
		"registered", "father", "name", "王父", "status", father,
		"mother", "name", "赵母", "status", mother, "guardian", "name",
		"王奶奶", "relationship", "祖母", "phone", "13912345678",
		"guardianship", "fair", "education", edu);
	if (!strcmp(edu, "dropped_out"))
		json_object_set_new(b, "dropout_explanation",
				    json_string("家庭困难，已劝返未果"));
	json_t *out = NULL;
	err e;
	err_clear(&e);
	if (childrec_create(t->s, &SYS, b, &out, &e))
		fail_msg("create: %s %s (%s)", e.key, e.msg, e.field);
	json_decref(b);
	int64_t id_ = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id_;
}

static json_t *figures(testdb *t, const actor *who, const char *code)
{
	json_t *out = NULL;
	err e;
	err_clear(&e);
	if (stats_children(t->s, who, code, &out, &e))
		fail_msg("stats_children %s: %s %s", code, e.key, e.msg);
	return out;
}

static json_int_t num(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	if (!json_is_integer(v))
		fail_msg("%s.%s is not a number", a, b ? b : "");
	return json_integer_value(v);
}

/* active, categories.c, flags.f of a figures object (the whole, or a
 * drill-down row). */
static json_int_t active(json_t *o)
{
	json_t *c = json_object_get(o, "children");
	return num(c ? c : o, "active", NULL);
}

static json_int_t cat(json_t *o, const char *code)
{
	json_t *c = json_object_get(o, "children");
	return num(c ? c : o, "categories", code);
}

static json_int_t flag(json_t *o, const char *code)
{
	json_t *c = json_object_get(o, "children");
	return num(c ? c : o, "flags", code);
}

/* The drill-down row of `code`. */
static json_t *row(json_t *fig, const char *code)
{
	json_t *r;
	size_t i;
	json_array_foreach(json_object_get(fig, "drilldown"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "code")), code))
			return r;
	fail_msg("no drill-down row %s", code);
	return NULL;
}

typedef struct world {
	testdb t;
	int64_t a_lb10, a_lb15, a_lb17, a_home, a_gone, b_orphan, b_home,
		c_lb, ng_lb;
} world;

/* The dataset, as of 2026-11-15:
 *   VIL_A  a_lb10  10, both parents working out of the province: left_behind
 *          a_lb15  15 and a month, both away: left_behind
 *          a_lb17  17, both away: not left_behind (under 16 only)
 *          a_home  9, parents at home, dropped out: flag dropout
 *          a_gone  8, both away, then exits: not counted
 *   VIL_B  b_orphan 12, both parents deceased: orphan
 *          b_home  6, parents at home: counted, no category
 *   VIL_C  c_lb    11, father away, mother missing (unable): left_behind
 *   VIL_NG ng_lb   13, both away: left_behind, in 南关区 */
static void build(world *w)
{
	testdb *t = &w->t;
	testdb_open(t, 1);
	w->a_lb10 = add(t, VIL_A, "2016-05-20", 11, "migrant_out_province",
			"migrant_out_province", "in_school");
	w->a_lb15 = add(t, VIL_A, "2011-10-10", 12, "migrant_out_province",
			"migrant_in_province", "in_school");
	w->a_lb17 = add(t, VIL_A, "2009-03-01", 13, "migrant_in_province",
			"migrant_in_province", "in_school");
	w->a_home = add(t, VIL_A, "2017-01-02", 15, "at_home", "at_home",
			"dropped_out");
	w->a_gone = add(t, VIL_A, "2018-07-07", 17, "migrant_out_province",
			"migrant_out_province", "in_school");
	w->b_orphan = add(t, VIL_B, "2014-02-02", 21, "deceased", "deceased",
			  "in_school");
	w->b_home = add(t, VIL_B, "2020-06-06", 22, "at_home", "at_home",
			"preschool");
	w->c_lb = add(t, VIL_C, "2015-08-08", 31, "migrant_out_province",
		      "missing", "in_school");
	w->ng_lb = add(t, VIL_NG, "2013-04-04", 41, "migrant_out_province",
		       "migrant_out_province", "in_school");
	json_t *out = NULL;
	err e;
	assert_int_equal(childrec_exit(t->s, &SYS, w->a_gone, "moved_away",
				       "2026-11-14", NULL, &out, &e),
			 0);
	json_decref(out);
}

static void test_village_figures(void **st)
{
	(void)st;
	world w;
	build(&w);
	json_t *a = figures(&w.t, &SYS, VIL_A);
	assert_string_equal(json_string_value(json_object_get(a, "as_of")),
			    "2026-11-15");
	assert_int_equal(active(a), 4);
	assert_int_equal(cat(a, "left_behind"), 2);
	assert_int_equal(cat(a, "orphan"), 0);
	assert_int_equal(flag(a, "dropout"), 1);
	/* a village drills down to itself */
	assert_int_equal(json_array_size(json_object_get(a, "drilldown")), 1);
	assert_int_equal(active(row(a, VIL_A)), 4);
	json_decref(a);
	json_t *b = figures(&w.t, &SYS, VIL_B);
	assert_int_equal(active(b), 2);
	assert_int_equal(cat(b, "left_behind"), 0);
	assert_int_equal(cat(b, "orphan"), 1);
	assert_int_equal(cat(b, "de_facto_unsupported"), 0);
	assert_int_equal(flag(b, "dropout"), 0);
	json_decref(b);
	json_t *c = figures(&w.t, &SYS, VIL_C);
	assert_int_equal(active(c), 1);
	assert_int_equal(cat(c, "left_behind"), 1);
	json_decref(c);
	testdb_close(&w.t);
}

static void test_township_county_province(void **st)
{
	(void)st;
	world w;
	build(&w);
	/* 农安镇: A and B */
	json_t *town = figures(&w.t, &SYS, "220122100");
	assert_int_equal(active(town), 6);
	assert_int_equal(cat(town, "left_behind"), 2);
	assert_int_equal(cat(town, "orphan"), 1);
	assert_int_equal(flag(town, "dropout"), 1);
	assert_int_equal(active(row(town, VIL_A)), 4);
	assert_int_equal(active(row(town, VIL_B)), 2);
	assert_int_equal(cat(row(town, VIL_B), "orphan"), 1);
	json_decref(town);
	/* 农安县: its two townships, 南关区's child not among them */
	json_t *county = figures(&w.t, &SYS, "220122");
	assert_int_equal(active(county), 7);
	assert_int_equal(cat(county, "left_behind"), 3);
	assert_int_equal(cat(county, "orphan"), 1);
	assert_int_equal(json_array_size(json_object_get(county, "drilldown")),
			 2);
	assert_int_equal(active(row(county, "220122100")), 6);
	assert_int_equal(active(row(county, "220122101")), 1);
	assert_int_equal(cat(row(county, "220122101"), "left_behind"), 1);
	json_decref(county);
	/* the province: every city, one without children at zero */
	json_t *prov = figures(&w.t, &SYS, "22");
	assert_int_equal(active(prov), 8);
	assert_int_equal(cat(prov, "left_behind"), 4);
	assert_int_equal(active(row(prov, "2201")), 8);
	assert_int_equal(active(row(prov, "2224")), 0);
	assert_int_equal(cat(row(prov, "2224"), "left_behind"), 0);
	/* the drill-down adds up to the whole */
	json_int_t sum = 0;
	json_t *r;
	size_t i;
	json_array_foreach(json_object_get(prov, "drilldown"), i, r)
		sum += active(r);
	assert_int_equal(sum, 8);
	json_decref(prov);
	testdb_close(&w.t);
}

/* The kept figures follow the records: an exit, an edit of the parents,
 * and a day on which a child turns 16. */
static void test_figures_follow_changes(void **st)
{
	(void)st;
	world w;
	build(&w);
	json_t *a = figures(&w.t, &SYS, VIL_A);
	assert_int_equal(active(a), 4);
	json_decref(a);
	/* b_home's father leaves to work, the mother is missing */
	json_t *p = json_pack("{s:{s:s}, s:{s:s}}", "father", "status",
			      "migrant_out_province", "mother", "status",
			      "missing");
	json_t *out = NULL;
	err e;
	if (childrec_update(w.t.s, &SYS, w.b_home, p, 0, &out, &e))
		fail_msg("update: %s %s", e.key, e.msg);
	json_decref(out);
	json_decref(p);
	assert_int_equal(childrec_exit(w.t.s, &SYS, w.a_lb10, "moved_away",
				       "2026-11-15", NULL, &out, &e),
			 0);
	json_decref(out);
	json_t *town = figures(&w.t, &SYS, "220122100");
	assert_int_equal(active(town), 5);
	assert_int_equal(cat(town, "left_behind"), 2);	/* a_lb15, b_home */
	assert_int_equal(cat(row(town, VIL_A), "left_behind"), 1);
	assert_int_equal(cat(row(town, VIL_B), "left_behind"), 1);
	json_decref(town);
	/* a_lb15 was born 2011-10-10: on 2027-10-10 she is 16, no longer
	 * left_behind; nothing was written, only the day moved */
	actor later = { .now = NOW + 329 * DAY };
	json_t *l = figures(&w.t, &later, VIL_A);
	assert_string_equal(json_string_value(json_object_get(l, "as_of")),
			    "2027-10-10");
	assert_int_equal(active(l), 3);
	assert_int_equal(cat(l, "left_behind"), 0);
	json_decref(l);
	actor before = { .now = NOW + 328 * DAY };
	l = figures(&w.t, &before, VIL_A);
	assert_int_equal(cat(l, "left_behind"), 1);
	json_decref(l);
	/* village_stats_refresh computes a village once a day (and after a
	 * write): VIL_A was for that day, VIL_B not yet, then neither is
	 * stale */
	int n = -1;
	assert_int_equal(village_stats_refresh(w.t.s, VIL_A, VIL_A ":",
					       NOW + 328 * DAY, &n, &e),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(village_stats_refresh(w.t.s, "220122100",
					       "220122100:", NOW + 328 * DAY,
					       &n, &e),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(village_stats_refresh(w.t.s, "220122100",
					       "220122100:", NOW + 328 * DAY,
					       &n, &e),
			 0);
	assert_int_equal(n, 0);
	testdb_close(&w.t);
}

/* A region outside the fixture, or malformed: refused, nothing counted. */
static void test_bad_regions(void **st)
{
	(void)st;
	world w;
	build(&w);
	static const char *const bad[] = { "2299", "22012210020", "abc", "",
					   "220122100207'" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *out = NULL;
		err e;
		err_clear(&e);
		int rc = stats_children(w.t.s, &SYS, bad[i], &out, &e);
		if (rc == 0)
			fail_msg("figures of \"%s\" answered", bad[i]);
		assert_null(out);
		assert_true(rc == ERR_NOTFOUND || rc == ERR_INVALID);
	}
	testdb_close(&w.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_village_figures),
		cmocka_unit_test(test_township_county_province),
		cmocka_unit_test(test_figures_follow_changes),
		cmocka_unit_test(test_bad_regions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
