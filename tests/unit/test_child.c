/* The record's two renderings: child_to_text must give, byte for byte,
 * what json_dumps(child_to_json(c), JSON_COMPACT) gives, for any record
 * whose text is valid UTF-8 — escapes, Chinese and 4-byte characters,
 * every code and its absence, optional parts there or not.  The store
 * keeps child_to_text's output, and history, diffs and exports read it
 * back as jansson wrote it before. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/children/child.h"
#include "domain/children/child_codes.h"

/* ---- a generator of records, independent of the code under test ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Du;
}

static int below(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

/* Pieces a field's text is made of: plain, Chinese, 4-byte UTF-8, and
 * everything JSON must escape. */
static const char *const pieces[] = {
	"a",	  "Z9",	    " ",     "张",   "小明", "十里堡村3组", "汉族",
	"𠀀",	  "😀",	    "\"",    "\\",   "/",    "\b",	     "\f",
	"\n",	  "\r",	    "\t",    "\x01", "\x1f", "\x7f",	     "é",
	"\\u0041", "{\"x\":1}", "null", "、",   "　",
};

/* When set, text() takes only the first seven pieces: text any field may
 * hold. */
static int plain;

static void text(char *out, size_t n)
{
	size_t used = 0;
	int parts = below(4) == 0 ? 0 : 1 + below(plain ? 2 : 6);
	out[0] = '\0';
	for (int i = 0; i < parts; i++) {
		const char *p = pieces[below(
			plain ? 7 : (int)(sizeof pieces / sizeof *pieces))];
		size_t l = strlen(p);
		if (used + l >= n)
			break;
		memcpy(out + used, p, l + 1);
		used += l;
	}
}

/* A value of a code table, or one outside it (rendered as null). */
static int code(const code_entry *t)
{
	int n = 0;
	while (t[n].code)
		n++;
	int k = below(n + 2);
	return k < n ? t[k].value : (k == n ? 0 : 999);
}

#define TEXT(f) text(f, sizeof f)

static void make(child *c)
{
	memset(c, 0, sizeof *c);
	TEXT(c->name);
	c->sex = code(child_sex_codes);
	TEXT(c->birth_date);
	TEXT(c->id_number);
	TEXT(c->ethnicity);
	TEXT(c->region);
	TEXT(c->hukou_region);
	c->hukou_rural = below(3) - 1;	/* any int is a boolean */
	c->hukou_registered = below(2) * (1 + below(3));
	TEXT(c->address);
	TEXT(c->school);
	TEXT(c->grade);
	TEXT(c->contact_phone);
	parent *ps[] = { &c->father, &c->mother };
	for (int i = 0; i < 2; i++) {
		TEXT(ps[i]->name);
		TEXT(ps[i]->id_number);
		TEXT(ps[i]->phone);
		ps[i]->status = (parent_status)code(child_parent_status_codes);
		TEXT(ps[i]->work_place);
	}
	/* An absent guardian or disability is null whatever its fields. */
	c->guardian.present = below(2);
	TEXT(c->guardian.name);
	TEXT(c->guardian.id_number);
	TEXT(c->guardian.relationship);
	TEXT(c->guardian.phone);
	c->guardianship = (guardianship)code(child_guardianship_codes);
	c->living_support = (living_support)code(child_support_codes);
	c->mental_health = (mental_health)code(child_mental_codes);
	TEXT(c->mental_notes);
	c->education = (education)code(child_education_codes);
	TEXT(c->dropout_explanation);
	c->health = (health)code(child_health_codes);
	TEXT(c->illness);
	c->disability.present = below(2);
	TEXT(c->disability.type);
	TEXT(c->disability.grade);
	TEXT(c->disability.certificate_no);
}

static void check_same(const child *c)
{
	json_t *o = child_to_json(c);
	char *want = json_dumps(o, JSON_COMPACT);
	char *got = child_to_text(c);
	assert_non_null(want);
	assert_string_equal(got, want);
	/* …and it reads back to the same object. */
	json_error_t je;
	json_t *back = json_loads(got, 0, &je);
	assert_non_null(back);
	assert_true(json_equal(back, o));
	json_decref(back);
	json_decref(o);
	free(want);
	free(got);
}

static void test_text_matches_jansson(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		child c;
		make(&c);
		check_same(&c);
	}
}

/* The empty record and the fullest one. */
static void test_text_edges(void **state)
{
	(void)state;
	child c;
	memset(&c, 0, sizeof c);
	check_same(&c);
	char *t = child_to_text(&c);
	assert_string_equal(
		t, "{\"name\":\"\",\"sex\":null,\"birth_date\":\"\","
		   "\"id_number\":null,\"ethnicity\":\"\",\"region_code\":\"\","
		   "\"hukou_region\":null,\"hukou_rural\":false,"
		   "\"hukou_status\":\"none\",\"address\":null,\"school\":null,"
		   "\"grade\":null,\"contact_phone\":null,"
		   "\"father\":{\"name\":null,\"id_number\":null,\"phone\":null,"
		   "\"status\":null,\"work_place\":null},"
		   "\"mother\":{\"name\":null,\"id_number\":null,\"phone\":null,"
		   "\"status\":null,\"work_place\":null},"
		   "\"guardian\":null,\"guardianship\":null,"
		   "\"living_support\":null,\"mental_health\":null,"
		   "\"mental_notes\":null,\"education\":null,"
		   "\"dropout_explanation\":null,\"health\":null,"
		   "\"illness\":null,\"disability\":null}");
	free(t);
	/* text fields full to their last byte */
	child d;
	memset(&d, 0, sizeof d);
	memset(d.address, 'a', sizeof d.address - 1);
	memset(d.mental_notes, '\n', sizeof d.mental_notes - 1);
	memset(d.dropout_explanation, '"', sizeof d.dropout_explanation - 1);
	d.guardian.present = d.disability.present = 1;
	d.hukou_rural = d.hukou_registered = 1;
	check_same(&d);
}

/* What reading a record gave: the record, or an error. */
typedef struct outcome {
	child c;
	err e;
	int rc;
} outcome;

static void outcome_init(outcome *o)
{
	memset(o, 0, sizeof *o);
	err_clear(&o->e);
}

/* Two reads gave the same: the same record, or the same error. */
static void assert_same(const outcome *a, const outcome *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_int_equal(a->e.code, b->e.code);
	assert_string_equal(a->e.key, b->e.key);
	assert_string_equal(a->e.field, b->e.field);
	assert_string_equal(a->e.msg, b->e.msg);
	if (a->rc == 0)
		assert_memory_equal(&a->c, &b->c, sizeof a->c);
}

/* The stored text leaves the null members out: it must read back exactly
 * as the text with them does — the same record, or the same error. */
static void test_stored_text_reads_as_the_full_text(void **state)
{
	(void)state;
	int ok = 0;
	for (int i = 0; i < 20000; i++) {
		child c;
		plain = i % 2;
		make(&c);
		plain = 0;
		if (i % 2) {
			/* half with what every stored record has right */
			strcpy(c.name, "张小明");
			c.sex = 1;
			strcpy(c.birth_date, "2012-05-01");
			strcpy(c.ethnicity, "汉族");
			strcpy(c.region, "220122100207");
		}
		char *full = child_to_text(&c), *stored = child_stored_text(&c);
		assert_true(strlen(stored) <= strlen(full));
		json_t *jf = json_loads(full, 0, NULL), *js = json_loads(stored, 0, NULL);
		assert_non_null(jf);
		assert_non_null(js);
		outcome a, b;
		outcome_init(&a);
		outcome_init(&b);
		a.rc = child_parse_stored(jf, &a.c, &a.e);
		b.rc = child_parse_stored(js, &b.c, &b.e);
		assert_same(&a, &b);
		ok += a.rc == 0;
		/* no member is null, and every one that is not null is kept */
		assert_null(strstr(stored, ":null"));
		const char *key;
		json_t *v;
		json_object_foreach(jf, key, v) {
			json_t *w = json_object_get(js, key);
			if (json_is_null(v))
				assert_null(w);
			else if (!json_is_object(v))
				assert_true(json_equal(v, w));
		}
		json_decref(jf);
		json_decref(js);
		free(full);
		free(stored);
	}
	assert_true(ok > 1000);
}

/* ---- child_parse_cells against child_parse ---- */

/* A valid record's cells (the import template's sample row) … */
static const char *const cell_paths[] = {
	"name", "sex", "birth_date", "id_number", "ethnicity", "region_code",
	"hukou_status", "hukou_rural", "hukou_region", "address", "school",
	"grade", "contact_phone", "father.name", "father.id_number",
	"father.phone", "father.status", "father.work_place", "mother.name",
	"mother.id_number", "mother.phone", "mother.status",
	"mother.work_place", "guardian.name", "guardian.id_number",
	"guardian.relationship", "guardian.phone", "guardianship",
	"living_support", "mental_health", "mental_notes", "education",
	"dropout_explanation", "health", "illness", "disability.type",
	"disability.grade", "disability.certificate_no",
	/* paths no template has: unknown fields, a value for an object */
	"nickname", "father.age", "guardian",
};
enum { NPATHS = sizeof cell_paths / sizeof *cell_paths, NKNOWN = 38 };

static const char *const sample[NKNOWN] = {
	"张小明", "male", "2012-05-01", "220122201205010014", "汉族",
	"220122100207", "registered", "true", "220122", "十里堡村3组12号",
	"十里堡小学", "六年级", "13800000000", "张建国", NULL, NULL,
	"migrant_out_province", "北京市", "李秀英", NULL, NULL,
	"migrant_in_province", "长春市", "张德福", NULL, "祖父", "13900000000",
	"fair", "none", "normal", NULL, "in_school", NULL, "healthy", NULL,
	NULL, NULL, NULL,
};

/* … and values to put in its place: valid, invalid, too long, of the
 * wrong kind, with control characters, absent. */
static const char *const mutations[] = {
	NULL, "", " ", "张", "female", "male", "2012-5-1", "2013-02-29",
	"2012-05-01", "220122201205010014", "22012220120501001X",
	"220122201205010015", "none", "registered", "maybe", "true", "false",
	"a\nb", "a\x01b", "13800000000", "1380000000", "0431-8888888",
	"migrant_in_province", "deceased", "dropped_out", "out_of_school",
	"good", "dibao", "attention", "serious_illness", "满族", "火星族",
	"220122100207", "220122", "22", "999999999999",
	"一二三四五六七八九十一二三四五六七八九十一",
	"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
	"辍学两年，家中无人照看", "父亲", "一级", "\"quoted\"",
};

/* The JSON object an import built from the same cells: non-empty cells
 * at their paths, sub-objects made on the way. */
static json_t *cells_json(const char *const *val)
{
	json_t *o = json_object();
	for (int i = 0; i < NPATHS; i++) {
		if (!val[i])
			continue;
		const char *p = cell_paths[i], *dot = strchr(p, '.');
		json_t *v = !strcmp(p, "hukou_rural")
				    ? (!strcmp(val[i], "true")	  ? json_true()
				       : !strcmp(val[i], "false") ? json_false()
								  : json_string(val[i]))
				    : json_string(val[i]);
		if (!dot) {
			json_object_set_new(o, p, v);
			continue;
		}
		char head[32];
		snprintf(head, sizeof head, "%.*s", (int)(dot - p), p);
		json_t *sub = json_object_get(o, head);
		if (!json_is_object(sub)) {
			sub = json_object();
			json_object_set_new(o, head, sub);
		}
		json_object_set_new(sub, dot + 1, v);
	}
	return o;
}

static void test_cells_match_json(void **state)
{
	(void)state;
	int ok = 0, failed = 0;
	for (int n = 0; n < 30000; n++) {
		const char *val[NPATHS] = { 0 };
		memcpy(val, sample, sizeof sample);
		int changes = below(5);
		for (int k = 0; k < changes; k++) {
			/* mostly known paths; now and then an unknown one */
			int i = below(20) ? below(NKNOWN) : below(NPATHS);
			val[i] = mutations[below(
				(int)(sizeof mutations / sizeof *mutations))];
			if (val[i] && !*val[i])
				val[i] = NULL;	/* an empty cell */
		}
		json_t *o = cells_json(val);
		outcome a, b;
		outcome_init(&a);
		outcome_init(&b);
		a.rc = child_parse(o, &a.c, &a.e);
		if (a.rc == 0)
			a.rc = child_validate(&a.c, "2024-06-01", &a.e);
		child_cells cells = { NPATHS, cell_paths, val };
		b.rc = child_parse_cells(&cells, &b.c, &b.e);
		if (b.rc == 0)
			b.rc = child_validate(&b.c, "2024-06-01", &b.e);
		assert_same(&a, &b);
		ok += a.rc == 0;
		failed += a.rc != 0;
		json_decref(o);
	}
	/* both outcomes were exercised */
	assert_true(ok > 1000 && failed > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_matches_jansson),
		cmocka_unit_test(test_text_edges),
		cmocka_unit_test(test_stored_text_reads_as_the_full_text),
		cmocka_unit_test(test_cells_match_json),
	};
	return cmocka_run_group_tests_name("child", tests, NULL, NULL);
}
