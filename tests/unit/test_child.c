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

#include "domain/child.h"
#include "domain/child_codes.h"

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

static void text(char *out, size_t n)
{
	size_t used = 0;
	int parts = below(4) == 0 ? 0 : 1 + below(6);
	out[0] = '\0';
	for (int i = 0; i < parts; i++) {
		const char *p = pieces[below((int)(sizeof pieces / sizeof *pieces))];
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_matches_jansson),
		cmocka_unit_test(test_text_edges),
	};
	return cmocka_run_group_tests_name("child", tests, NULL, NULL);
}
