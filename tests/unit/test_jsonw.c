/* The JSON writer: its text must be what jansson writes for the same
 * values (JSON_COMPACT), byte for byte, so that an answer written with
 * jsonw reads the same as one dumped from a tree — escapes of every
 * control character, quotes and backslashes, Chinese text as is. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/jsonw.h"

static void expect_same(jsonw *w, json_t *tree)
{
	size_t len;
	char *ours = jsonw_steal(w, &len);
	char *theirs = json_dumps(tree, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_non_null(theirs);
	assert_string_equal(ours, theirs);
	assert_int_equal(len, strlen(theirs));
	json_decref(tree);
	free(ours);
	free(theirs);
}

/* Every byte from 1 to 127 alone, and in a run with Chinese text. */
static void test_strings_escape_as_jansson(void **state)
{
	(void)state;
	for (int c = 1; c < 128; c++) {
		char alone[2] = { (char)c, 0 }, mixed[32];
		snprintf(mixed, sizeof mixed, "张%c三%c\xE3\x80\x80", c, c);
		jsonw w = JSONW_INIT;
		jsonw_array(&w, NULL);
		jsonw_str(&w, NULL, alone);
		jsonw_str(&w, NULL, mixed);
		jsonw_end(&w);
		expect_same(&w, json_pack("[s, s]", alone, mixed));
	}
}

static void test_nesting_and_scalars(void **state)
{
	(void)state;
	jsonw w = JSONW_INIT;
	jsonw_object(&w, NULL);
	jsonw_array(&w, "items");
	for (int i = 0; i < 3; i++) {
		jsonw_object(&w, NULL);
		jsonw_int(&w, "id", INT64_MAX - i);
		jsonw_int(&w, "neg", -i);
		jsonw_int(&w, "min", INT64_MIN + i);
		jsonw_str_or_null(&w, "phone", i ? "138****0000" : "");
		jsonw_str(&w, "name", i == 1 ? NULL : "李\"小\\明\"");
		jsonw_array(&w, "flags");
		jsonw_end(&w);
		jsonw_bool(&w, "ok", i == 2);
		jsonw_end(&w);
	}
	jsonw_end(&w);
	jsonw_null(&w, "none");
	jsonw_str(&w, "as_of", "2026-11-29");
	jsonw_end(&w);
	json_t *items = json_array();
	for (int i = 0; i < 3; i++)
		json_array_append_new(
			items,
			json_pack("{s:I, s:I, s:I, s:o, s:o, s:[], s:b}", "id",
				  (json_int_t)(INT64_MAX - i), "neg",
				  (json_int_t)-i, "min", (json_int_t)(INT64_MIN + i),
				  "phone",
				  i ? json_string("138****0000") : json_null(),
				  "name",
				  i == 1 ? json_null()
					 : json_string("李\"小\\明\""),
				  "flags", "ok", i == 2));
	expect_same(&w, json_pack("{s:o, s:n, s:s}", "items", items, "none",
				  "as_of", "2026-11-29"));
}

static void test_empty_containers(void **state)
{
	(void)state;
	jsonw w = JSONW_INIT;
	jsonw_object(&w, NULL);
	jsonw_array(&w, "a");
	jsonw_end(&w);
	jsonw_object(&w, "o");
	jsonw_end(&w);
	jsonw_end(&w);
	expect_same(&w, json_pack("{s:[], s:{}}", "a", "o"));
}

/* A value another writer made goes in as it is, with the commas and
 * keys around it (the copy of a village: records written one by one). */
static void test_raw_values(void **state)
{
	(void)state;
	jsonw inner = JSONW_INIT;
	jsonw_object(&inner, NULL);
	jsonw_str(&inner, "name", "李\"四");
	jsonw_end(&inner);
	size_t n;
	char *rec = jsonw_steal(&inner, &n);
	jsonw w = JSONW_INIT;
	jsonw_object(&w, NULL);
	jsonw_array(&w, "items");
	jsonw_raw(&w, NULL, rec, n);
	jsonw_raw(&w, NULL, rec, n);
	jsonw_end(&w);
	jsonw_raw(&w, "empty", "[]", 2);
	jsonw_int(&w, "n", 2);
	jsonw_end(&w);
	free(rec);
	expect_same(&w, json_pack("{s:[{s:s},{s:s}], s:[], s:i}", "items",
				  "name", "李\"四", "name", "李\"四", "empty",
				  "n", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_escape_as_jansson),
		cmocka_unit_test(test_nesting_and_scalars),
		cmocka_unit_test(test_empty_containers),
		cmocka_unit_test(test_raw_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
