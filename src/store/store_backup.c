#include "store/store_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/mem.h"

extern char **environ;

/* ---- files ---- */

static int sync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) |
				    O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static void sync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	sync_path(dirname(copy), 1);
	free(copy);
}

/* A new empty file "<path><suffix>XXXXXX", mode 0600; its name in tmp. */
static int make_temp(const char *path, const char *suffix, char *tmp,
		     size_t n, err *e)
{
	if ((size_t)snprintf(tmp, n, "%s%sXXXXXX", path, suffix) >= n)
		return err_set(e, ERR_INVALID, "usage", "路径过长: %s", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "file_write",
			       "无法在 %s 旁创建临时文件: %s", path,
			       strerror(errno));
	close(fd);
	return 0;
}

/* Removes "<path><tail>", for each tail (a list ended by NULL). */
static void unlink_with(const char *path, const char *const *tails)
{
	size_t n = strlen(path) + 16;
	char *p = xmalloc(n);
	for (; *tails; tails++) {
		snprintf(p, n, "%s%s", path, *tails);
		unlink(p);
	}
	free(p);
}

static void unlink_db_files(const char *path)
{
	static const char *const tails[] = { "", "-wal", "-shm", "-journal",
					     NULL };
	unlink_with(path, tails);
}

/* Syncs `tmp` and gives it the name `out`, which must not exist yet
 * (link fails rather than replace); the directory is synced. */
static int publish_new(const char *tmp, const char *out, err *e)
{
	if (sync_path(tmp, 0) != 0 || link(tmp, out) != 0) {
		int why = errno;
		unlink(tmp);
		return why == EEXIST ? err_set(e, ERR_CONFLICT, "file_exists",
					       "文件 %s 已存在，不会覆盖", out)
				     : err_set(e, ERR_INTERNAL, "file_write",
					       "无法写入 %s: %s", out,
					       strerror(why));
	}
	unlink(tmp);
	sync_dir_of(out);
	return 0;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* ---- SQLite ---- */

/* `what` failed on the file `path`. */
static int sq_err(sqlite3 *db, int rc, const char *what, const char *path,
		  err *e)
{
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return err_set(e, ERR_STORE, "backup_corrupt",
			       "%s失败：%s 不是完好的 SQLite 数据库", what, path);
	return err_set(e, ERR_STORE, "store_error", "%s失败（%s）: %s", what,
		       path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Copies the database `src` into the (empty) file `dst` in one step of
 * the backup API, and leaves `dst` out of WAL mode: one file. */
static int sq_copy(const char *src, int src_flags, const char *dst, err *e)
{
	sqlite3 *from = NULL, *to = NULL;
	int rc = sqlite3_open_v2(src, &from, src_flags, NULL);
	if (rc != SQLITE_OK) {
		rc = sq_err(from, rc, "打开", src, e);
		goto done;
	}
	sqlite3_busy_timeout(from, 5000);
	if ((rc = sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE, NULL)) !=
	    SQLITE_OK) {
		rc = sq_err(to, rc, "打开", dst, e);
		goto done;
	}
	sqlite3_busy_timeout(to, 5000);
	/* All pages in one step: one read snapshot of the source, which
	 * writers (WAL) do not wait for; in several steps, a write by
	 * another process between them would start the copy over. */
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b) {
		rc = sq_err(to, sqlite3_errcode(to), "复制", src, e);
		goto done;
	}
	int step = sqlite3_backup_step(b, -1);
	int fin = sqlite3_backup_finish(b);
	if (step != SQLITE_DONE || fin != SQLITE_OK) {
		rc = sq_err(from, step != SQLITE_DONE ? step : fin, "复制",
			    src, e);
		goto done;
	}
	rc = sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	rc = rc == SQLITE_OK ? 0 : sq_err(to, rc, "写入", dst, e);
done:
	sqlite3_close(from);
	sqlite3_close(to);
	return rc;
}

/* 1 when a connection (of any process) has the database file `path`
 * open, else 0 — and then the file is left out of WAL mode, its WAL
 * copied in and deleted.  An open connection holds a shared lock on the
 * file as long as it is open, so leaving WAL, which needs the file to
 * itself, fails at once.  A file that is not a database is not in use
 * as one. */
static int sq_in_use(const char *path)
{
	sqlite3 *db = NULL;
	int busy = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK) {
		sqlite3_busy_timeout(db, 0);
		int rc = sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL,
				      NULL, NULL);
		busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
	}
	sqlite3_close(db);
	return busy;
}

static int sq_backup(const char *path, const char *out, long long *bytes,
		     err *e)
{
	char tmp[STORE_PATH_MAX + 32];
	if (access(path, F_OK) != 0)
		return err_set(e, ERR_NOTFOUND, "db_missing",
			       "数据库 %s 不存在", path);
	if (access(out, F_OK) == 0)
		return err_set(e, ERR_CONFLICT, "file_exists",
			       "文件 %s 已存在，不会覆盖", out);
	int rc = make_temp(out, ".tmp-", tmp, sizeof tmp, e);
	if (rc)
		return rc;
	if ((rc = sq_copy(path, SQLITE_OPEN_READWRITE, tmp, e))) {
		unlink_db_files(tmp);
		return rc;
	}
	if ((rc = publish_new(tmp, out, e)))
		return rc;
	if (bytes)
		*bytes = file_size(out);
	return 0;
}

static int sq_stage(const char *from, const char *path, int force,
		    char *staged, size_t n, err *e)
{
	if (access(from, R_OK) != 0)
		return err_set(e, ERR_NOTFOUND, "backup_missing",
			       "备份文件 %s 不存在或不可读", from);
	/* Refused before the probe: sq_in_use takes the file out of WAL
	 * (its content unchanged, its bytes not), and a refusal changes
	 * nothing. */
	if (access(path, F_OK) == 0 && !force)
		return err_set(e, ERR_CONFLICT, "db_exists",
			       "数据库 %s 已存在：确要用备份覆盖它，请先停止使用"
			       "它的服务，再加 --force",
			       path);
	if (access(path, F_OK) == 0 && sq_in_use(path))
		return err_set(e, ERR_CONFLICT, "db_in_use",
			       "数据库 %s 正被其他程序（如 guanai serve）打开，"
			       "不能覆盖：请先停止服务",
			       path);
	int rc = make_temp(path, ".restore-", staged, n, e);
	if (rc)
		return rc;
	if ((rc = sq_copy(from, SQLITE_OPEN_READONLY, staged, e)))
		unlink_db_files(staged);
	return rc;
}

static int sq_finish(const char *staged, const char *path, int keep, err *e)
{
	if (!keep) {
		unlink_db_files(staged);
		return 0;
	}
	/* The checks opened the copy in WAL mode: one file again. */
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(staged, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL,
				  NULL);
	if (rc != SQLITE_OK)
		rc = sq_err(db, rc, "整理恢复的副本", staged, e);
	sqlite3_close(db);
	/* Checked again just before the move: a server started meanwhile
	 * would keep writing to the old file under the new one's name. */
	if (rc == 0 && access(path, F_OK) == 0 && sq_in_use(path))
		rc = err_set(e, ERR_CONFLICT, "db_in_use",
			     "数据库 %s 正被其他程序打开，不能覆盖：请先停止服务",
			     path);
	if (rc == 0 && sync_path(staged, 0) != 0)
		rc = err_set(e, ERR_INTERNAL, "file_write", "无法写入 %s",
			     staged);
	if (rc) {
		unlink_db_files(staged);
		return rc;
	}
	/* The old file's WAL and journal (none after sq_in_use) must not be
	 * applied to the new one. */
	static const char *const stale[] = { "-wal", "-shm", "-journal",
					     NULL };
	unlink_with(path, stale);
	if (rename(staged, path) != 0) {
		rc = err_set(e, ERR_INTERNAL, "file_write",
			     "无法把恢复的副本移到 %s: %s", path,
			     strerror(errno));
		unlink_db_files(staged);
		return rc;
	}
	sync_dir_of(path);
	return 0;
}

/* ---- PostgreSQL: pg_dump and pg_restore ---- */

/* Runs `argv` with the connection settings of `url` in the environment
 * (PGHOST, PGPASSWORD, …), not on its command line, where any user could
 * read the password; waits for it.  Its own messages go to our stderr. */
static int run_pg_tool(const char *const *argv, const char *url, err *e)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	PQfreemem(perr);
	if (!opts)
		return err_set(e, ERR_INVALID, "usage",
			       "PostgreSQL 连接地址格式错误");
	size_t nenv = 0, nopt = 0;
	while (environ[nenv])
		nenv++;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		nopt++;
	char **env = xcalloc(nenv + nopt + 1, sizeof *env);
	size_t k = 0;
	/* Ours first: getenv takes the first of a name. */
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (o->val && o->envvar) {
			size_t len = strlen(o->envvar) + strlen(o->val) + 2;
			env[k] = xmalloc(len);
			snprintf(env[k++], len, "%s=%s", o->envvar, o->val);
		}
	size_t ours = k;
	for (size_t i = 0; i < nenv; i++)
		env[k++] = environ[i];
	PQconninfoFree(opts);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv,
			      env);
	int status = 0;
	if (rc == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	for (size_t i = 0; i < ours; i++) {
		memset(env[i], 0, strlen(env[i]));
		free(env[i]);
	}
	free(env);
	if (rc != 0)
		return err_set(e, ERR_INTERNAL, "tool_missing",
			       "无法运行 %s（请安装 postgresql-client）",
			       argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(e, ERR_STORE, "tool_failed",
			       "%s 失败（退出码 %d），详见上方的输出", argv[0],
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

static int pg_backup(const char *url, const char *out, long long *bytes,
		     err *e)
{
	char tmp[STORE_PATH_MAX + 32];
	if (access(out, F_OK) == 0)
		return err_set(e, ERR_CONFLICT, "file_exists",
			       "文件 %s 已存在，不会覆盖", out);
	int rc = make_temp(out, ".tmp-", tmp, sizeof tmp, e);
	if (rc)
		return rc;
	const char *argv[] = { "pg_dump", "--format=custom", "--file", tmp,
			       NULL };
	if ((rc = run_pg_tool(argv, url, e))) {
		unlink(tmp);
		return rc;
	}
	if ((rc = publish_new(tmp, out, e)))
		return rc;
	if (bytes)
		*bytes = file_size(out);
	return 0;
}

static int pg_stage(const char *from, const char *url, int force,
		    char *staged, size_t n, err *e)
{
	if (access(from, R_OK) != 0)
		return err_set(e, ERR_NOTFOUND, "backup_missing",
			       "备份文件 %s 不存在或不可读", from);
	store *s;
	int rc = store_open(url, &s, e);
	if (rc)
		return rc;
	int64_t others = 0, tables = 0;
	rc = store_query_int(s,
			     "SELECT count(*) FROM pg_stat_activity WHERE"
			     " datname = current_database()"
			     " AND pid <> pg_backend_pid()",
			     NULL, 0, &others, e);
	if (rc == 0)
		rc = store_query_int(s,
				     "SELECT count(*) FROM pg_class c JOIN"
				     " pg_namespace n ON n.oid = c.relnamespace"
				     " WHERE n.nspname = current_schema()"
				     " AND c.relkind IN ('r', 'p', 'v', 'm', 'S')",
				     NULL, 0, &tables, e);
	store_close(s);
	if (rc)
		return rc;
	if (others)
		return err_set(e, ERR_CONFLICT, "db_in_use",
			       "目标数据库正被其他程序连接，不能恢复到其中");
	if (tables)
		return err_set(e, ERR_CONFLICT, "db_exists",
			       force ? "PostgreSQL 只能恢复到一个新建的空数据库"
				       "（--force 不适用）：请先 createdb"
				     : "目标数据库不是空的：请恢复到一个新建的空数据库");
	const char *argv[] = { "pg_restore", "--exit-on-error",
			       "--single-transaction", "--no-owner",
			       "--no-privileges", "--dbname", NULL, from, NULL };
	/* pg_restore writes a script to stdout without --dbname; the
	 * name alone is no secret, the rest comes from the environment. */
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	PQfreemem(perr);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "dbname") == 0 && o->val)
			argv[6] = xstrdup(o->val);
	PQconninfoFree(opts);
	if (!argv[6])
		return err_set(e, ERR_INVALID, "usage",
			       "PostgreSQL 连接地址须指明数据库名");
	rc = run_pg_tool(argv, url, e);
	free((char *)argv[6]);
	if (rc == 0)
		snprintf(staged, n, "%s", url);
	return rc;
}

/* ---- dispatch ---- */

int store_backup(const char *url, const char *out, long long *bytes, err *e)
{
	return store_url_is_pg(url) ? pg_backup(url, out, bytes, e)
				    : sq_backup(url, out, bytes, e);
}

int store_restore_stage(const char *from, const char *url, int force,
			char *staged, size_t stagedsz, err *e)
{
	return store_url_is_pg(url)
		       ? pg_stage(from, url, force, staged, stagedsz, e)
		       : sq_stage(from, url, force, staged, stagedsz, e);
}

int store_restore_finish(const char *staged, const char *url, int keep,
			 err *e)
{
	return store_url_is_pg(url) ? 0 : sq_finish(staged, url, keep, e);
}

int store_integrity(store *s, int *ok, char *why, size_t whysz, err *e)
{
	*ok = 1;
	if (whysz)
		why[0] = '\0';
	if (store_kind_of(s) == STORE_PG)
		return 0;
	store_res *r;
	int rc = store_query(s, "PRAGMA integrity_check(10)", NULL, 0, &r, e);
	if (rc)
		return rc;
	const char *first = store_res_rows(r) ? store_res_text(r, 0, 0) : NULL;
	if (!first || strcmp(first, "ok") != 0) {
		*ok = 0;
		snprintf(why, whysz, "integrity_check: %s",
			 first ? first : "无结果");
		for (char *p = why; *p; p++)
			if (*p == '\n')
				*p = ' ';
	}
	store_res_free(r);
	return 0;
}
