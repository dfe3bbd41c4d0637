/* store_res_row: a result's row read into a struct through a column
 * table, the way code outside store/ reads every query (no column
 * numbers): each type, SQL NULL, a copy cut to its field, the same column
 * read twice, and a row out of range. */
#include "testutil.h"

typedef struct shape {
	int64_t id;
	const char *name;	/* borrowed */
	char code[5];		/* copied, cut */
	int small;
	int64_t maybe;
	int maybe_null;
	const char *absent;
} shape;

static const store_col shape_cols[] = {
	STORE_I64(0, shape, id),
	STORE_STR(1, shape, name),
	STORE_BUF(2, shape, code),
	STORE_INT(3, shape, small),
	STORE_I64(4, shape, maybe),
	STORE_ISNULL(4, shape, maybe_null),
	STORE_STR(5, shape, absent),
	STORE_COLS_END,
};

static void test_row_into_struct(void **state)
{
	(void)state;
	testdb t;
	err e;
	store_res *r;
	testdb_open(&t, 0);
	assert_int_equal(
		store_query(t.s,
			    "SELECT 9000000000 AS id, '张三' AS name,"
			    " '22012210' AS code, -7 AS small, 42 AS maybe,"
			    " NULL AS absent"
			    " UNION ALL SELECT 2, NULL, NULL, 0, NULL, 'x'"
			    " ORDER BY 1 DESC",
			    NULL, 0, &r, &e),
		0);
	assert_int_equal(store_res_rows(r), 2);
	shape s;
	memset(&s, 0x55, sizeof s);
	store_res_row(r, 0, shape_cols, &s);
	assert_int_equal(s.id, 9000000000LL);
	assert_string_equal(s.name, "张三");
	assert_string_equal(s.code, "2201");	/* cut to char[5] */
	assert_int_equal(s.small, -7);
	assert_int_equal(s.maybe, 42);
	assert_int_equal(s.maybe_null, 0);
	assert_null(s.absent);

	store_res_row(r, 1, shape_cols, &s);
	assert_int_equal(s.id, 2);
	assert_null(s.name);			/* NULL stays NULL … */
	assert_string_equal(s.code, "");	/* … or "" in a copy */
	assert_int_equal(s.maybe, 0);
	assert_int_equal(s.maybe_null, 1);
	assert_string_equal(s.absent, "x");

	/* A row out of range reads as all NULL. */
	store_res_row(r, 2, shape_cols, &s);
	assert_int_equal(s.id, 0);
	assert_null(s.name);
	assert_int_equal(s.maybe_null, 1);
	store_res_free(r);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row_into_struct),
	};
	return cmocka_run_group_tests_name("store_res", tests, NULL, NULL);
}
