/* Schema migrations (src/store/migrate.c) through store/store.h, on a
 * real SQLite file and, when GUANAI_PG_URL names a server the tests may
 * create databases on (scripts/test.sh's throwaway cluster), on
 * PostgreSQL:
 *  - a fresh database reaches the last version, with the audit log's
 *    guards in place;
 *  - running the migrations again changes nothing;
 *  - a database left at version 12 (tests/unit/fixtures/schema_v12_*.sql,
 *    with rows the later migrations rewrite) migrates forward to exactly
 *    the schema of a fresh one, its rows kept and completed. */
#include "testutil.h"

#include "store/store_backend.h"
#include "util/err.h"

static const char *pg_url;

/* ---- helpers ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	return b;
}

static int64_t qint(store *s, const char *sql)
{
	int64_t n = -1;
	err e;
	err_clear(&e);
	if (store_query_int(s, sql, NULL, 0, &n, &e))
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

/* Every row of `sql`, its columns joined: a text to compare whole. */
static char *qtext(store *s, const char *sql)
{
	store_res *r;
	err e;
	err_clear(&e);
	if (store_query(s, sql, NULL, 0, &r, &e))
		fail_msg("%s: %s", sql, e.msg);
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	out[0] = '\0';
	for (int i = 0; i < store_res_rows(r); i++) {
		for (int c = 0; c < store_res_cols(r); c++) {
			const char *v = store_res_isnull(r, i, c)
						? "<null>"
						: store_res_text(r, i, c);
			size_t n = strlen(v) + 2;
			while (len + n + 1 > cap) {
				cap *= 2;
				out = realloc(out, cap);
				assert_non_null(out);
			}
			memcpy(out + len, v, n - 2);
			len += n - 2;
			out[len++] = c + 1 < store_res_cols(r) ? '|' : '\n';
			out[len] = '\0';
		}
	}
	store_res_free(r);
	return out;
}

static void migrate_ok(store *s)
{
	err e;
	err_clear(&e);
	if (store_migrate(s, &e))
		fail_msg("store_migrate: %s", e.msg);
}

static void guards_ok(store *s)
{
	int ok = -1;
	char why[256] = "";
	err e;
	assert_int_equal(store_migrate_check_guards(s, &ok, why, sizeof why, &e),
			 0);
	if (ok != 1)
		fail_msg("audit guards: %s", why);
}

static void run_script(store *s, const char *path)
{
	char *sql = slurp(path);
	err e;
	err_clear(&e);
	if (s->ops->exec_script(s, sql, &e))
		fail_msg("%s: %s", path, e.msg);
	free(sql);
}

/* The schema as the engine describes it, comparable between databases. */
static char *schema_of(store *s)
{
	if (store_kind_of(s) == STORE_SQLITE)
		return qtext(s, "SELECT type, name, tbl_name, coalesce(sql, '')"
				" FROM sqlite_master ORDER BY type, name");
	char *cols = qtext(
		s, "SELECT table_name, column_name, data_type, is_nullable,"
		   " coalesce(column_default, ''), is_identity"
		   " FROM information_schema.columns"
		   " WHERE table_schema = current_schema()"
		   " ORDER BY table_name, column_name");
	char *idx = qtext(s, "SELECT indexname, indexdef FROM pg_indexes"
			     " WHERE schemaname = current_schema()"
			     " ORDER BY indexname");
	char *trg = qtext(s, "SELECT t.tgname, c.relname, t.tgtype, t.tgenabled"
			     " FROM pg_trigger t JOIN pg_class c"
			     " ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
			     " ORDER BY t.tgname");
	size_t n = strlen(cols) + strlen(idx) + strlen(trg) + 1;
	char *all = malloc(n);
	assert_non_null(all);
	snprintf(all, n, "%s%s%s", cols, idx, trg);
	free(cols);
	free(idx);
	free(trg);
	return all;
}

/* The versions applied, in order, one a line. */
static char *versions_of(store *s)
{
	return qtext(s, "SELECT version FROM schema_migrations ORDER BY version");
}

/* ---- the databases: a SQLite file, or a PostgreSQL database of its own */

typedef struct db {
	testdb t;		/* SQLite */
	char name[64];		/* PostgreSQL */
	store *s;
} db;

/* `verb` ("CREATE DATABASE", "DROP DATABASE IF EXISTS") on `name`, with
 * `tail` after it, on GUANAI_PG_URL's database. */
static void pg_admin(const char *verb, const char *name, const char *tail)
{
	store *a;
	err e;
	err_clear(&e);
	if (store_open(pg_url, &a, &e))
		fail_msg("store_open %s: %s", pg_url, e.msg);
	char sql[256];
	snprintf(sql, sizeof sql, "%s %s%s", verb, name, tail);
	if (store_exec(a, sql, NULL, 0, NULL, &e))
		fail_msg("%s: %s", sql, e.msg);
	store_close(a);
}

/* GUANAI_PG_URL with its database name replaced by `name`. */
static void pg_url_for(const char *name, char *out, size_t cap)
{
	const char *host = strstr(pg_url, "://");
	assert_non_null(host);
	const char *slash = strchr(host + 3, '/');
	const char *query = strchr(host + 3, '?');
	size_t head = slash ? (size_t)(slash - pg_url)
			    : query ? (size_t)(query - pg_url)
				    : strlen(pg_url);
	snprintf(out, cap, "%.*s/%s%s", (int)head, pg_url, name,
		 query ? query : "");
}

static void db_open(db *d, int pg)
{
	memset(d, 0, sizeof *d);
	err e;
	err_clear(&e);
	if (!pg) {
		testdb_dir(&d->t);
		if (store_open(d->t.path, &d->s, &e))
			fail_msg("store_open: %s", e.msg);
		return;
	}
	static int n;
	snprintf(d->name, sizeof d->name, "guanai_unit_migrate_%d_%d",
		 (int)getpid(), n++);
	pg_admin("DROP DATABASE IF EXISTS", d->name, "");
	pg_admin("CREATE DATABASE", d->name, "");
	char url[512];
	pg_url_for(d->name, url, sizeof url);
	if (store_open(url, &d->s, &e))
		fail_msg("store_open %s: %s", url, e.msg);
}

static void db_close(db *d)
{
	store_close(d->s);
	if (d->name[0])
		pg_admin("DROP DATABASE IF EXISTS", d->name, " WITH (FORCE)");
	else
		testdb_remove(&d->t);
}

/* ---- the tests, on either engine ---- */

static void fresh_reaches_the_last_version(int pg)
{
	db d;
	db_open(&d, pg);
	migrate_ok(d.s);
	/* every version once, from 1 up; the last is at least the 17th
	 * this test was written against (migrations only ever grow) */
	assert_int_equal(qint(d.s, "SELECT min(version) FROM schema_migrations"),
			 1);
	assert_true(qint(d.s, "SELECT max(version) FROM schema_migrations") >= 17);
	assert_int_equal(qint(d.s, "SELECT count(DISTINCT version) FROM"
				   " schema_migrations"),
			 qint(d.s, "SELECT count(*) FROM schema_migrations"));
	/* the tables of every part, the last migration's among them */
	static const char *const tables[] = {
		"regions",	 "users",	   "sessions",	"audit_log",
		"audit_head",	 "settings",	   "children",	"visits",
		"staff",	 "certificates",   "platforms", "cases",
		"verifications", "women",	   "cert_seq",	"village_stats",
		"export_requests", "throttle",	   "password_history",
		"server_keys",
	};
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
		int64_t n = -1;
		err e;
		if (store_query_int(d.s, sql, NULL, 0, &n, &e) || n < 0)
			fail_msg("table %s after migrating: %s", tables[i], e.msg);
	}
	/* a fresh database's audit chain starts at zero, guarded */
	assert_int_equal(qint(d.s, "SELECT seq FROM audit_head WHERE id = 1"), 0);
	guards_ok(d.s);
	/* settings the migrations put in */
	assert_int_equal(qint(d.s, "SELECT count(*) FROM settings"
				   " WHERE key = 'export_approval'"),
			 1);
	db_close(&d);
}

static void second_run_changes_nothing(int pg)
{
	db d;
	db_open(&d, pg);
	migrate_ok(d.s);
	char *schema = schema_of(d.s);
	char *versions = qtext(d.s, "SELECT version, applied_at FROM"
				    " schema_migrations ORDER BY version");
	err e;
	assert_int_equal(store_exec(d.s,
				    "INSERT INTO regions (code, name, level)"
				    " VALUES ('22', '吉林省', 1)",
				    NULL, 0, NULL, &e),
			 0);
	migrate_ok(d.s);
	migrate_ok(d.s);
	char *schema2 = schema_of(d.s);
	char *versions2 = qtext(d.s, "SELECT version, applied_at FROM"
				     " schema_migrations ORDER BY version");
	assert_string_equal(schema, schema2);
	assert_string_equal(versions, versions2);
	assert_int_equal(qint(d.s, "SELECT count(*) FROM regions"), 1);
	assert_int_equal(qint(d.s, "SELECT count(*) FROM settings"
				   " WHERE key = 'export_approval'"),
			 1);
	guards_ok(d.s);
	free(schema);
	free(schema2);
	free(versions);
	free(versions2);
	db_close(&d);
}

static void version_12_migrates_forward(int pg)
{
	db fresh, old;
	db_open(&fresh, pg);
	migrate_ok(fresh.s);
	db_open(&old, pg);
	run_script(old.s, pg ? "tests/unit/fixtures/schema_v12_pg.sql"
			     : "tests/unit/fixtures/schema_v12_sqlite.sql");
	assert_int_equal(qint(old.s, "SELECT max(version) FROM schema_migrations"),
			 12);
	char *audit_before = qtext(old.s, "SELECT seq, at, actor, action, target,"
					  " region_code, ip, detail, prev_hash,"
					  " hash FROM audit_log ORDER BY seq");
	migrate_ok(old.s);

	/* the versions and the schema of a fresh database */
	char *v_old = versions_of(old.s), *v_fresh = versions_of(fresh.s);
	assert_string_equal(v_old, v_fresh);
	char *s_old = schema_of(old.s), *s_fresh = schema_of(fresh.s);
	assert_string_equal(s_old, s_fresh);
	free(v_old);
	free(v_fresh);
	free(s_old);
	free(s_fresh);

	/* 13: the audit log rebuilt with the same rows and chain, guarded */
	char *audit_after = qtext(old.s, "SELECT seq, at, actor, action, target,"
					 " region_code, ip, detail, prev_hash,"
					 " hash FROM audit_log ORDER BY seq");
	assert_string_equal(audit_before, audit_after);
	free(audit_before);
	free(audit_after);
	assert_int_equal(qint(old.s, "SELECT seq FROM audit_head"), 3);
	guards_ok(old.s);
	err e;
	assert_int_equal(store_exec(old.s, "DELETE FROM audit_log WHERE seq = 1",
				    NULL, 0, NULL, &e),
			 ERR_STORE);
	/* 14: the head is not keyed yet */
	assert_int_equal(qint(old.s, "SELECT count(*) FROM audit_head"
				     " WHERE key_id = '' AND mac = ''"),
			 1);
	/* 16: of one person in two posts, the first keeps the key; one
	 * who left has none */
	char *staff = qtext(old.s, "SELECT id, coalesce(active_id, '-')"
				   " FROM staff ORDER BY id");
	assert_string_equal(staff, "1|220122198611020020\n2|-\n3|-\n");
	free(staff);
	assert_int_equal(qint(old.s, "SELECT count(*) FROM export_requests"), 0);
	/* 17: every certificate issued before has a code of six of the 32
	 * characters that cannot be misread */
	store_res *r;
	assert_int_equal(store_query(old.s, "SELECT check_code FROM certificates"
					    " ORDER BY id",
				     NULL, 0, &r, &e),
			 0);
	assert_int_equal(store_res_rows(r), 2);
	for (int i = 0; i < 2; i++) {
		const char *code = store_res_text(r, i, 0);
		assert_int_equal(strlen(code), 6);
		assert_int_equal(strspn(code, "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"),
				 6);
	}
	store_res_free(r);
	/* the rows before are all there */
	assert_int_equal(qint(old.s, "SELECT count(*) FROM regions"), 6);
	assert_int_equal(qint(old.s, "SELECT count(*) FROM users"), 1);
	assert_int_equal(qint(old.s, "SELECT count(*) FROM certificates"
				     " WHERE valid_staff = 1"),
			 1);
	/* and once there, a second run is a no-op */
	char *schema = schema_of(old.s);
	migrate_ok(old.s);
	char *schema2 = schema_of(old.s);
	assert_string_equal(schema, schema2);
	free(schema);
	free(schema2);
	db_close(&old);
	db_close(&fresh);
}

static void test_sqlite_fresh(void **state)
{
	(void)state;
	fresh_reaches_the_last_version(0);
}

static void test_sqlite_twice(void **state)
{
	(void)state;
	second_run_changes_nothing(0);
}

static void test_sqlite_from_v12(void **state)
{
	(void)state;
	version_12_migrates_forward(0);
}

static void test_pg_fresh(void **state)
{
	(void)state;
	if (!pg_url)
		skip();
	fresh_reaches_the_last_version(1);
}

static void test_pg_twice(void **state)
{
	(void)state;
	if (!pg_url)
		skip();
	second_run_changes_nothing(1);
}

static void test_pg_from_v12(void **state)
{
	(void)state;
	if (!pg_url)
		skip();
	version_12_migrates_forward(1);
}

int main(void)
{
	pg_url = getenv("GUANAI_PG_URL");
	if (pg_url && !*pg_url)
		pg_url = NULL;
	if (!pg_url)
		printf("test_migrate: GUANAI_PG_URL is not set;"
		       " skipping the PostgreSQL tests\n");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_fresh),
		cmocka_unit_test(test_sqlite_twice),
		cmocka_unit_test(test_sqlite_from_v12),
		cmocka_unit_test(test_pg_fresh),
		cmocka_unit_test(test_pg_twice),
		cmocka_unit_test(test_pg_from_v12),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
