/* child_store_insert_batch on a real SQLite file: sixteen rows go in one
 * INSERT OR FAIL statement.  A row whose ID number is active already
 * fails the batch with duplicate_id_number, and the caller's rollback
 * leaves nothing of it; a clean batch stores every row in its order and
 * marks its villages' figures stale once. */
#include "testutil.h"

#include "domain/core/idcard.h"
#include "store/child_store.h"

#define VILLAGE "220122100207"
#define VILLAGE_2 "220122100208"

/* A stored row with a valid ID number of 农安县 born 2015-03-<seq>. */
static void row(child_row *r, const char *village, int seq)
{
	memset(r, 0, sizeof *r);
	snprintf(r->region, sizeof r->region, "%s", village);
	snprintf(r->status, sizeof r->status, "active");
	snprintf(r->name, sizeof r->name, "儿童%02d", seq);
	r->sex = 1;
	unsigned day = 1u + (unsigned)seq % 28u;
	snprintf(r->birth_date, sizeof r->birth_date, "2015-03-%02u",
		 day % 100u);
	char first[32];
	snprintf(first, sizeof first, "220122201503%02u%03u", day % 100u,
		 (unsigned)seq % 1000u);
	memcpy(r->id_number, first, 17);
	r->id_number[17] = idcard_check_char(first);
	r->data = NULL;	/* the store takes it as given: "{}" is enough */
	r->created_at = 1794715200;
	snprintf(r->created_by, sizeof r->created_by, "unit");
}

static int64_t ver(testdb *t, const char *village)
{
	store_param p[] = { SP_S(village) };
	int64_t v = -1;
	err e;
	assert_int_equal(store_query_int(t->s,
					 "SELECT ver FROM village_stats"
					 " WHERE village_code = ?",
					 p, 1, &v, &e),
			 0);
	return v;
}

static int insert16(testdb *t, child_row rows[CHILD_STORE_BATCH], err *e)
{
	child_row *p[CHILD_STORE_BATCH];
	for (int i = 0; i < CHILD_STORE_BATCH; i++) {
		rows[i].data = (char *)"{}";
		p[i] = &rows[i];
	}
	assert_int_equal(store_begin(t->s, e), 0);
	int rc = child_store_insert_batch(t->s, p, CHILD_STORE_BATCH, e);
	if (rc)
		store_rollback(t->s);
	else
		assert_int_equal(store_commit(t->s, e), 0);
	return rc;
}

static void test_a_taken_number_fails_the_batch_and_leaves_nothing(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	err e;
	child_row first;
	row(&first, VILLAGE, 40);
	first.data = (char *)"{}";
	assert_int_equal(store_begin(t.s, &e), 0);
	assert_int_equal(child_store_insert(t.s, &first, &e), 0);
	assert_int_equal(store_commit(t.s, &e), 0);
	/* both villages' figures as a dashboard read left them */
	assert_int_equal(store_exec(t.s,
				    "INSERT INTO village_stats (village_code, ver)"
				    " VALUES ('" VILLAGE "', 5), ('" VILLAGE_2
				    "', 7)",
				    NULL, 0, NULL, &e),
			 0);
	int64_t v1 = ver(&t, VILLAGE), v2 = ver(&t, VILLAGE_2);
	assert_int_equal(v1, 5);
	assert_int_equal(v2, 7);

	/* row 9 of 16 takes the first record's number */
	child_row rows[CHILD_STORE_BATCH];
	for (int i = 0; i < CHILD_STORE_BATCH; i++)
		row(&rows[i], i % 2 ? VILLAGE : VILLAGE_2, i);
	memcpy(rows[9].id_number, first.id_number, sizeof first.id_number);
	err_clear(&e);
	assert_int_equal(insert16(&t, rows, &e), ERR_CONFLICT);
	assert_string_equal(e.key, "duplicate_id_number");
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM children"), 1);
	assert_int_equal(ver(&t, VILLAGE), v1);
	assert_int_equal(ver(&t, VILLAGE_2), v2);

	/* without it, all sixteen, numbered in their order */
	row(&rows[9], VILLAGE, 9);
	assert_int_equal(insert16(&t, rows, &e), 0);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM children"), 17);
	store_param p[] = { SP_I(first.id), SP_I(first.id) };
	int64_t in_order = 0;
	assert_int_equal(store_query_int(t.s,
					 "SELECT count(*) FROM children"
					 " WHERE id > ? AND name ="
					 " printf('儿童%02d', id - ? - 1)",
					 p, 2, &in_order, &e),
			 0);
	assert_int_equal(in_order, CHILD_STORE_BATCH);
	assert_int_equal(ver(&t, VILLAGE), v1 + 1);
	assert_int_equal(ver(&t, VILLAGE_2), v2 + 1);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_a_taken_number_fails_the_batch_and_leaves_nothing),
	};
	return cmocka_run_group_tests_name("child_store", tests, NULL, NULL);
}
