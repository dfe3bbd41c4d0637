/* The administration subcommands.  Each validates its arguments, opens the
 * store, calls the domain and reports in Chinese; the exit status is 0 on
 * success, 1 on a failure of the work, 2 on a usage error. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "app.h"
#include "datadir.h"
#include "demo/demo.h"
#include "domain/cases/case_escalate.h"
#include "domain/children/childxlsx_import.h"
#include "domain/children/village_stats.h"
#include "domain/quarterly/quarter_stats.h"
#include "domain/core/account.h"
#include "domain/core/audit.h"
#include "domain/core/idem.h"
#include "domain/core/region.h"
#include "http/http.h"
#include "http/proxy.h"
#include "store/store_backup.h"
#include "util/log.h"
#include "util/text.h"

const char *cli_opt(const cli_args *a, const char *name)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->name[i], name) == 0)
			return a->value[i];
	return NULL;
}

int cli_flag(const cli_args *a, const char *name)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->name[i], name) == 0)
			return 1;
	return 0;
}

static int fail(const err *e)
{
	fprintf(stderr, "guanai: %s\n", e->msg);
	return 1;
}

static int need(const cli_args *a, const char *name, const char **out)
{
	*out = cli_opt(a, name);
	if (!*out || !**out) {
		fprintf(stderr, "guanai: 缺少参数 --%s\n", name);
		return 2;
	}
	return 0;
}

/* A SQLite file must exist for every command but init: opening would
 * otherwise create an empty database and report on it. */
static int db_exists(const char *db, err *e)
{
	if (store_url_is_pg(db) || access(db, F_OK) == 0)
		return 0;
	return err_set(e, ERR_NOTFOUND, "db_missing",
		       "数据库 %s 不存在，请先运行 guanai init", db);
}

/* The audit key file of the database `db`: --audit-key, else
 * $GUANAI_AUDIT_KEY, else "<db>.audit-key" beside a SQLite file; NULL
 * for PostgreSQL without either (audit_key_bind then says what to do). */
static const char *key_path(const cli_args *a, const char *db, char *buf,
			    size_t n)
{
	const char *k = cli_opt(a, "audit-key");
	if (!k || !*k)
		k = getenv("GUANAI_AUDIT_KEY");
	if (k && *k)
		return k;
	if (store_url_is_pg(db))
		return NULL;
	snprintf(buf, n, "%s.audit-key", db);
	return buf;
}

/* An open database and the audit key its connection appends with. */
typedef struct cli_db {
	store *s;
	audit_key *k;
	int key_created;	/* init made the key file just now */
	const char *key_file;	/* key_path's answer */
	char path[4200];	/* key_path's buffer */
} cli_db;

static void close_db(cli_db *d)
{
	store_close(d->s);
	audit_key_free(d->k);
	d->s = NULL;
	d->k = NULL;
}

/* Opens and migrates the database named by --db (which must exist unless
 * `init`), and binds its audit key (made by init when the database has
 * none yet; refused otherwise, as by the server). */
static int open_db(const cli_args *a, int init, cli_db *d, err *e)
{
	const char *db;
	memset(d, 0, sizeof *d);
	if (need(a, "db", &db))
		return err_set(e, ERR_INVALID, "usage", "缺少参数 --db");
	int rc = init ? 0 : db_exists(db, e);
	if (rc || (rc = store_open(db, &d->s, e)))
		return rc;
	d->key_file = key_path(a, db, d->path, sizeof d->path);
	if ((rc = store_migrate(d->s, e)) == 0)
		rc = audit_key_bind(d->s, d->key_file,
				    init ? AUDIT_KEY_CREATE : AUDIT_KEY_USE,
				    &d->k, &d->key_created, e);
	if (rc)
		close_db(d);
	return rc;
}

/* The region data: the flag (`opt`), else GUANAI_REGIONS_DIR, else where
 * the program's own files are (datadir.h), never the working directory. */
static int regions_dir(const cli_args *a, const char *opt, char *out,
		       size_t n, err *e)
{
	const char *d = cli_opt(a, opt);
	if (!d)
		d = getenv("GUANAI_REGIONS_DIR");
	if (!d)
		return datadir_find(DATADIR_REGIONS, out, n, e);
	if (strlen(d) >= n)
		return err_set(e, ERR_TOOBIG, "path_too_long", "路径过长: --%s",
			       opt);
	memcpy(out, d, strlen(d) + 1);
	return 0;
}

/* Demo accounts: one per level along one real rural county (农安县), and
 * the security and audit administrators, with a documented password, so a
 * newcomer can see every role at once. */
static int init_demo_users(store *s, err *e)
{
	static const struct {
		const char *username, *role, *region, *name;
	} demo[] = {
		{ "sheng", "province", "22", "省民政厅演示账号" },
		{ "changchun", "city", "2201", "长春市民政局演示账号" },
		{ "nongan", "county", "220122", "农安县民政局演示账号" },
		{ "dudao", "supervisor", "220122100", "农安镇儿童督导员" },
		{ "zhuren", "director", "220122100207", "十里堡村儿童主任" },
		{ "shenji", "auditor", "220122", "审计演示账号" },
		/* the other two administrators (三权分立); `admin` itself
		 * comes with its one-time password below */
		{ "anquan", "security_admin", "22", "安全管理员演示账号" },
		{ "shenjiguan", "audit_admin", "22", "审计管理员演示账号" },
	};
	actor who = { .u = NULL, .ip = "", .now = (int64_t)time(NULL) };
	printf("演示账号（密码均为 Guanai@2018，仅供演示）:\n");
	for (size_t i = 0; i < sizeof demo / sizeof *demo; i++) {
		user u;
		char otp[ACCOUNT_OTP_LEN + 1];
		int rc = account_create(s, &who, demo[i].username, demo[i].role,
					demo[i].region, demo[i].name, &u, otp, e);
		if (rc == ERR_CONFLICT)
			continue;
		if (rc || (rc = account_set_password(s, &who, u.id,
						     "Guanai@2018", e)))
			return rc;
		printf("  %-10s %s（%s）\n", demo[i].username,
		       account_role_label(u.role), demo[i].region);
	}
	return 0;
}

int cli_version(void)
{
	printf("guanai %s\n", app_version());
	return 0;
}

int cli_init(const cli_args *a)
{
	err e;
	cli_db d;
	err_clear(&e);
	if (open_db(a, 1, &d, &e))
		return fail(&e);
	store *s = d.s;
	if (d.key_created)
		printf("审计密钥已写入 %s（仅属主可读写）：请另行备份，不要与数据库"
		       "备份放在一起；没有它，带密钥的审计日志无法校验，服务也"
		       "无法启动\n",
		       d.key_file);
	region top;
	int rc = 0;
	if (region_resolve(s, NULL, "22", &top, NULL) != 0) {
		long n = 0;
		char dir[4096];
		if ((rc = regions_dir(a, "regions", dir, sizeof dir, &e))) {
			store_close(s);
			return fail(&e);
		}
		fprintf(stderr, "正在导入吉林省行政区划 (%s) …\n", dir);
		if ((rc = region_import(s, dir, "22", &n, &e))) {
			close_db(&d);
			return fail(&e);
		}
		printf("已导入行政区划 %ld 个\n", n);
	}
	user admin;
	if (account_by_username(s, "admin", &admin, NULL) == 0) {
		int upgraded = d.key_created;
		close_db(&d);
		if (upgraded) {
			/* An existing database, keyed from now on. */
			printf("数据库已初始化；其审计日志自下一条记录起以密钥"
			       "保护\n");
			return 0;
		}
		fprintf(stderr, "guanai: 数据库已初始化（admin 已存在）\n");
		return 1;
	}
	if (cli_flag(a, "demo")) {
		actor sys = { .u = NULL, .ip = "", .now = (int64_t)time(NULL) };
		if ((rc = init_demo_users(s, &e)) ||
		    (rc = demo_children(s, &sys, "220122", 3000, 2018, NULL,
					&e)) ||
		    (rc = demo_workforce(s, &sys, "220122", 2018, &e)) ||
		    (rc = demo_platforms(s, &sys, "220122", 2018, &e)) ||
		    (rc = demo_women(s, &sys, "220122", 2018, &e)) ||
		    (rc = demo_cases(s, &sys, "220122", &e)) ||
		    (rc = demo_quarters(s, &sys, "220122", &e))) {
			close_db(&d);
			return fail(&e);
		}
		printf("演示数据: 农安县 3000 名儿童档案（含走访记录），"
		       "儿童督导员、儿童主任及其培训、证书，2018年工作任务，"
		       "儿童之家与儿童活动中心，农村留守妇女及其服务记录，"
		       "救助保护个案，近四个季度的核实与审核\n");
	}
	actor who = { .u = NULL, .ip = "", .now = (int64_t)time(NULL) };
	char otp[ACCOUNT_OTP_LEN + 1];
	rc = account_create(s, &who, "admin", "admin", "22", "系统管理员",
			    &admin, otp, &e);
	close_db(&d);
	if (rc)
		return fail(&e);
	printf("系统管理员 admin 的一次性密码（首次登录须修改）:\n%s\n", otp);
	return 0;
}

static int opt_seconds(const cli_args *a, const char *name, int64_t *out)
{
	const char *v = cli_opt(a, name);
	if (!v)
		return 0;
	if (!text_is_digits(v) || strlen(v) > 9 || atoll(v) < 1) {
		fprintf(stderr, "guanai: --%s 应为正整数（秒）\n", name);
		return 2;
	}
	*out = atoll(v);
	return 0;
}

/* ---- the server's jobs (app_job): each tick, with the app's clock ---- */

/* Reports past their acceptance deadline move one level up. */
static int job_escalate(store *s, int64_t now, err *e)
{
	int moved = 0;
	int rc = case_escalate_due(s, now, &moved, e);
	if (rc == 0 && moved)
		log_info("escalation: %d report(s) moved up a level", moved);
	return rc;
}

/* The dashboard's village figures kept current (a new day makes every
 * village stale: ages and quarters move on). */
static int job_figures(store *s, int64_t now, err *e)
{
	int fresh = 0;
	int rc = village_stats_refresh(s, "1", ":", now, &fresh, e);
	if (rc == 0 && fresh > 64)
		log_info("statistics: %d village(s) recomputed", fresh);
	/* The quarter just ended, counted as it was at its end once, so
	 * that no reader pays for it (issue #19). */
	return rc ? rc : quarter_stats_refresh_previous(s, now, "1", ":", e);
}

/* Answers kept for Idempotency-Keys live a day, by the wall clock (as
 * the throttle's counters): a server whose clock a test moved days
 * ahead shares the database with others and must not delete the answers
 * their phones may still ask for again. */
static int job_idempotency(store *s, int64_t now, err *e)
{
	(void)now;
	return idem_purge(s, (int64_t)time(NULL), NULL, e);
}

static const app_job serve_jobs[] = {
	{ "escalation", job_escalate },
	{ "statistics", job_figures },
	{ "idempotency", job_idempotency },
};

int cli_serve(const cli_args *a)
{
	const char *db, *listen = cli_opt(a, "listen");
	const char *threads = cli_opt(a, "threads");
	if (need(a, "db", &db))
		return 2;
	/* The UI: --web, else where the program's own files are; without
	 * one the API alone is served (as for the tests). */
	char web[4096];
	err we;
	app ap = { .web_dir = cli_opt(a, "web"),
		   .jobs = serve_jobs,
		   .njobs = sizeof serve_jobs / sizeof *serve_jobs };
	if (!ap.web_dir) {
		if (datadir_find(DATADIR_WEB, web, sizeof web, &we) == 0)
			ap.web_dir = web;
		else
			log_info("%s；只提供 API", we.msg);
	}
	if (ap.web_dir)
		log_info("网页界面: %s", ap.web_dir);
	/* Two workers per core: enough to overlap a wait on SQLite's write
	 * lock, few enough that 64 connections do not make a long tail of
	 * threads waiting for a core (measured: bench/api.sh). */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int n = threads ? atoi(threads)
			: (int)(cores < 1 ? 4 : cores > 16 ? 32 : 2 * cores);
	if (n < 1 || n > 64) {
		fputs("guanai: --threads 应为1至64\n", stderr);
		return 2;
	}
	err e;
	err_clear(&e);
	char kbuf[4200];
	ap.audit_key_path = key_path(a, db, kbuf, sizeof kbuf);
	if (db_exists(db, &e) || app_open(&ap, db, n, &e))
		return fail(&e);
	int64_t tick = 60, budget = ap.acfg.thr.address_budget,
		abudget = ap.acfg.thr.account_budget;
	if (opt_seconds(a, "session-idle", &ap.acfg.session_idle) ||
	    opt_seconds(a, "session-max", &ap.acfg.session_max) ||
	    opt_seconds(a, "lockout", &ap.acfg.thr.window) ||
	    opt_seconds(a, "login-budget", &budget) ||
	    opt_seconds(a, "account-budget", &abudget) ||
	    opt_seconds(a, "tick", &tick)) {
		app_close(&ap);
		return 2;
	}
	/* SPEC §10 and issue #17: no session outlives 12 hours, whatever
	 * the setting. */
	if (ap.acfg.session_max > ACCOUNT_SESSION_MAX) {
		fprintf(stderr, "guanai: --session-max 最多为 %d 秒（12小时）\n",
			ACCOUNT_SESSION_MAX);
		app_close(&ap);
		return 2;
	}
	ap.acfg.thr.address_budget = (int)budget;
	ap.acfg.thr.account_budget = (int)abudget;
	ap.trusted_proxies = cli_opt(a, "trusted-proxy");
	if (ap.trusted_proxies && !http_proxy_list_valid(ap.trusted_proxies)) {
		fputs("guanai: --trusted-proxy 应为逗号分隔的 IP 地址，或 none\n",
		      stderr);
		app_close(&ap);
		return 2;
	}
	ap.tick = (int)tick;
	ap.clock_file = cli_opt(a, "clock-file");
	ap.public_url = cli_opt(a, "public-url");
	if (ap.public_url && strncmp(ap.public_url, "https://", 8) &&
	    strncmp(ap.public_url, "http://", 7)) {
		fputs("guanai: --public-url 应以 http:// 或 https:// 开头\n", stderr);
		app_close(&ap);
		return 2;
	}
	/* 64 connections per address: a dozen browsers behind one NAT (six
	 * each at most), while one client holding idle sockets leaves the
	 * other 936 of the 1000 to everyone else. */
	const char *per_ip = cli_opt(a, "max-conn-per-ip");
	ap.max_conn_per_ip = 64;
	if (per_ip) {
		if (!text_is_digits(per_ip) || strlen(per_ip) > 5 ||
		    atoi(per_ip) > 10000) {
			fputs("guanai: --max-conn-per-ip 应为0至10000的整数"
			      "（0 表示不限）\n",
			      stderr);
			app_close(&ap);
			return 2;
		}
		ap.max_conn_per_ip = (unsigned)atoi(per_ip);
	}
	/* A bearer token: printable, no spaces, long enough not to guess. */
	ap.metrics_token = cli_opt(a, "metrics-token");
	if (ap.metrics_token) {
		size_t len = strlen(ap.metrics_token);
		int ok = len >= 16 && len <= 256;
		for (size_t i = 0; ok && i < len; i++)
			ok = ap.metrics_token[i] > ' ' &&
			     ap.metrics_token[i] < 0x7f;
		if (!ok) {
			fputs("guanai: --metrics-token 应为16至256个可见 ASCII "
			      "字符（不含空格）\n",
			      stderr);
			app_close(&ap);
			return 2;
		}
	}
	/* The answer of GET /api/v1/codes is made once, before the first
	 * request; the server itself knows nothing of it (http/ knows no
	 * api/). */
	http_config hc = { api_routes(), api_note_denial, api_run };
	int rc = api_codes_prepare(&ap, &e);
	if (rc == 0)
		rc = app_scheduler_start(&ap, &e);
	if (rc == 0)
		rc = http_serve(&ap, listen ? listen : "127.0.0.1:8080", &hc,
				&e);
	app_scheduler_stop(&ap);
	api_codes_release(&ap);
	app_close(&ap);
	return rc ? fail(&e) : 0;
}

int cli_user_add(const cli_args *a)
{
	const char *un, *rolename, *reg;
	if (need(a, "username", &un) || need(a, "role", &rolename) ||
	    need(a, "region", &reg))
		return 2;
	err e;
	cli_db d;
	err_clear(&e);
	if (open_db(a, 0, &d, &e))
		return fail(&e);
	store *s = d.s;
	actor who = { .u = NULL, .ip = "", .now = (int64_t)time(NULL) };
	user u;
	char otp[ACCOUNT_OTP_LEN + 1];
	int rc = account_create(s, &who, un, rolename, reg, cli_opt(a, "name"), &u,
				otp, &e);
	close_db(&d);
	if (rc)
		return fail(&e);
	printf("已创建用户 %s（%s，%s）；一次性密码:\n%s\n", u.username,
	       account_role_label(u.role), u.region, otp);
	return 0;
}

int cli_regions_import(const cli_args *a)
{
	const char *prov = cli_opt(a, "province");
	if (!prov)
		prov = "22";
	err e;
	cli_db d;
	char dir[4096];
	err_clear(&e);
	if (regions_dir(a, "dir", dir, sizeof dir, &e) || open_db(a, 0, &d, &e))
		return fail(&e);
	store *s = d.s;
	long n = 0;
	int rc = region_import(s, dir, strcmp(prov, "all") ? prov : NULL, &n,
			       &e);
	close_db(&d);
	if (rc)
		return fail(&e);
	printf("已导入行政区划 %ld 个\n", n);
	return 0;
}

/* Binds the key for a check of the log (verify, head, restore): as
 * open_db, but a database whose log is not keyed yet (made before the
 * key) is checked without one; *legacy = 1 then. */
static int bind_for_check(const cli_args *a, const char *db, cli_db *d,
			  int *legacy, err *e)
{
	*legacy = 0;
	d->key_file = key_path(a, db, d->path, sizeof d->path);
	int rc = audit_key_bind(d->s, d->key_file, AUDIT_KEY_USE, &d->k, NULL,
				e);
	if (rc == ERR_NOTFOUND && strcmp(e->key, "audit_key_none") == 0) {
		*legacy = 1;
		err_clear(e);
		return 0;
	}
	return rc;
}

static const char legacy_note[] =
	"注意：该数据库的审计日志尚未启用密钥，只校验了 SHA-256 哈希链，"
	"能写数据库文件的人可以重算整条链而不被发现；请运行 guanai init "
	"--db … 启用审计密钥\n";

/* Prints what audit_verify found; the exit status. */
static int report_check(const audit_check *c, const audit_anchor *an,
			int legacy)
{
	if (c->broken) {
		if (c->at_entry)
			printf("审计日志被篡改: 第一条不符的记录 seq %lld: %s\n",
			       (long long)c->bad_seq, c->why);
		else
			printf("审计日志被篡改: %s\n", c->why);
		return 1;
	}
	printf("审计日志完整: 共 %lld 条，哈希链校验通过", (long long)c->checked);
	if (c->keyed)
		printf("（第 %lld 条起以审计密钥校验）", (long long)c->key_start);
	if (an)
		printf("；与锚点（第 %lld 条）相符", (long long)an->seq);
	printf("\n");
	if (legacy)
		fputs(legacy_note, stderr);
	return 0;
}

/* Reads a signed head from `path` (at most 4 KiB). */
static int read_anchor(const char *path, audit_anchor *an, err *e)
{
	char buf[4097];
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_NOTFOUND, "anchor_missing",
			       "无法读取锚点文件 %s", path);
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (n == sizeof buf)
		return err_set(e, ERR_INVALID, "anchor_bad",
			       "锚点文件 %s 过大", path);
	return audit_anchor_parse(buf, n, an, e);
}

int cli_audit_verify(const cli_args *a)
{
	const char *db, *anchor_path = cli_opt(a, "anchor");
	if (need(a, "db", &db))
		return 2;
	err e;
	err_clear(&e);
	audit_anchor an;
	if (anchor_path && read_anchor(anchor_path, &an, &e))
		return fail(&e);
	cli_db d;
	memset(&d, 0, sizeof d);
	int legacy = 0, rc = db_exists(db, &e);
	if (rc == 0 && (rc = store_open(db, &d.s, &e)) == 0 &&
	    (rc = store_migrate(d.s, &e)) == 0 &&
	    (rc = bind_for_check(a, db, &d, &legacy, &e)) == 0 && legacy &&
	    anchor_path)
		rc = err_set(&e, ERR_INVALID, "audit_key_missing",
			     "该数据库的审计日志尚未启用密钥，不能用锚点校验");
	audit_check c;
	if (rc == 0)
		rc = audit_verify(d.s, anchor_path ? &an : NULL, &c, &e);
	close_db(&d);
	return rc ? fail(&e) : report_check(&c, anchor_path ? &an : NULL,
					    legacy);
}

int cli_audit_head(const cli_args *a)
{
	err e;
	cli_db d;
	err_clear(&e);
	if (open_db(a, 0, &d, &e))
		return fail(&e);
	/* Only a log that verifies is signed: signing a tampered head would
	 * vouch for the tampering. */
	audit_check c;
	char text[1024];
	int rc = audit_verify(d.s, NULL, &c, &e);
	if (rc == 0 && !c.broken)
		audit_anchor_format(d.k, c.head_seq, c.head_hash,
				    (int64_t)time(NULL), text, sizeof text);
	close_db(&d);
	if (rc)
		return fail(&e);
	if (c.broken)
		return report_check(&c, NULL, 0);
	fputs(text, stdout);
	return 0;
}

int cli_backup(const cli_args *a)
{
	const char *db, *out;
	if (need(a, "db", &db) || need(a, "out", &out))
		return 2;
	err e;
	err_clear(&e);
	long long bytes = 0;
	if (store_backup(db, out, &bytes, &e))
		return fail(&e);
	printf("已备份到 %s（%lld 字节）。审计密钥文件不在备份中：它须另行保管\n",
	       out, bytes);
	return 0;
}

/* The checks a restored copy must pass before it is put in place: the
 * file's integrity, and its audit log with the destination's key. */
static int check_copy(const cli_args *a, const char *staged, const char *db,
		      audit_check *c, int *legacy, err *e)
{
	cli_db d;
	int ok = 1;
	char why[sizeof e->msg];
	memset(&d, 0, sizeof d);
	int rc = store_open(staged, &d.s, e);
	if (rc == 0 && (rc = store_integrity(d.s, &ok, why, sizeof why, e))) {
		snprintf(why, sizeof why, "%s", e->msg);
		ok = 0;
	}
	if (!ok)
		rc = err_set(e, ERR_STORE, "backup_corrupt",
			     "备份未通过完整性检查（%s）", why);
	if (rc == 0 && (rc = store_migrate(d.s, e)) == 0 &&
	    (rc = bind_for_check(a, db, &d, legacy, e)) == 0 &&
	    (rc = audit_verify(d.s, NULL, c, e)) == 0 && c->broken)
		rc = err_set(e, ERR_STORE, "backup_tampered",
			     "备份的审计日志未通过校验：%s", c->why);
	close_db(&d);
	return rc;
}

int cli_restore(const cli_args *a)
{
	const char *db, *from;
	if (need(a, "db", &db) || need(a, "from", &from))
		return 2;
	err e;
	err_clear(&e);
	char staged[4200];
	if (store_restore_stage(from, db, cli_flag(a, "force"), staged,
				sizeof staged, &e))
		return fail(&e);
	audit_check c;
	int legacy = 0;
	int rc = check_copy(a, staged, db, &c, &legacy, &e);
	if (rc) {
		err e2;
		store_restore_finish(staged, db, 0, &e2);
		if (store_url_is_pg(db))
			fprintf(stderr, "guanai: 数据库中恢复的内容未通过检查，"
					"不可使用，请删除该数据库\n");
		return fail(&e);
	}
	if (store_restore_finish(staged, db, 1, &e))
		return fail(&e);
	printf("已恢复到 %s：完整性检查通过，审计日志共 %lld 条校验通过\n", db,
	       (long long)c.checked);
	if (legacy)
		fputs(legacy_note, stderr);
	return 0;
}

static void demo_progress(long done, long n)
{
	if (done % 100000 == 0 || done == n)
		fprintf(stderr, "已生成 %ld / %ld\n", done, n);
}

int cli_demo(const cli_args *a)
{
	const char *n = cli_opt(a, "children"), *reg = cli_opt(a, "region");
	const char *seed = cli_opt(a, "seed");
	if (!n || !text_is_digits(n) || strlen(n) > 8 || atol(n) < 1) {
		fputs("guanai: --children 应为1至99999999的整数\n", stderr);
		return 2;
	}
	if (seed && (!text_is_digits(seed) || strlen(seed) > 18)) {
		fputs("guanai: --seed 应为整数\n", stderr);
		return 2;
	}
	err e;
	cli_db d;
	err_clear(&e);
	if (open_db(a, 0, &d, &e))
		return fail(&e);
	store *s = d.s;
	actor who = { .u = NULL, .ip = "", .now = (int64_t)time(NULL) };
	const char *csv = cli_opt(a, "csv");
	uint64_t sd = seed ? strtoull(seed, NULL, 10) : 2018;
	int rc = csv ? demo_children_csv(s, &who, reg ? reg : "22", atol(n), sd,
					 csv, &e)
		     : demo_children(s, &who, reg ? reg : "22", atol(n), sd,
				     demo_progress, &e);
	close_db(&d);
	if (rc)
		return fail(&e);
	printf(csv ? "已生成 %ld 名儿童（CSV）\n" : "已生成 %ld 名儿童档案\n",
	       atol(n));
	return 0;
}

int cli_import_children(const cli_args *a)
{
	const char *as;
	if (need(a, "as", &as))
		return 2;
	if (a->npos != 1) {
		fputs("guanai: 请给出一个要导入的 .xlsx 或 .csv 文件\n", stderr);
		return 2;
	}
	err e;
	cli_db d;
	err_clear(&e);
	if (open_db(a, 0, &d, &e))
		return fail(&e);
	store *s = d.s;
	user u;
	if (account_by_username(s, as, &u, &e) != 0) {
		close_db(&d);
		fprintf(stderr, "guanai: 用户 %s 不存在\n", as);
		return 1;
	}
	actor who = { .u = &u, .ip = "", .now = (int64_t)time(NULL) };
	childxlsx_result res;
	int rc = childxlsx_import(s, &who, a->pos[0], &res, &e);
	close_db(&d);
	if (rc) {
		childxlsx_import_free(&res);
		return fail(&e);
	}
	if (res.sheet[0])
		printf("读取工作表“%s”，表头在第%ld行\n", res.sheet,
		       res.header_row);
	else
		printf("表头在第%ld行\n", res.header_row);
	for (size_t i = 0; i < json_array_size(res.ignored); i++)
		printf("未导入的列：%s\n",
		       json_string_value(json_array_get(res.ignored, i)));
	printf("读取 %ld 行：导入 %ld，跳过 %ld（已登记或重复），失败 %ld\n",
	       res.rows, res.imported, res.skipped, res.failed);
	/* The rows not imported, each with its row number and reason, as
	 * the web page lists them (the first 200; all in the report). */
	for (size_t i = 0; i < json_array_size(res.errors); i++) {
		json_t *x = json_array_get(res.errors, i);
		const char *why =
			json_string_value(json_object_get(x, "reason"));
		long row = (long)json_integer_value(json_object_get(x, "row"));
		/* a cell's reason names its row already */
		if (why && strncmp(why, "第", 3) == 0)
			printf("  %s\n", why);
		else
			printf("  第%ld行：%s\n", row, why ? why : "");
	}
	if (res.alone)
		puts("导入时没有其他程序打开数据库：整个文件在一个事务中写入");
	if (res.report) {
		char path[4200];
		snprintf(path, sizeof path, "%s.errors.xlsx", a->pos[0]);
		FILE *f = fopen(path, "wb");
		if (f && fwrite(res.report, 1, res.report_len, f) ==
				 res.report_len)
			printf("未导入的行及原因见 %s\n", path);
		if (f)
			fclose(f);
	}
	childxlsx_import_free(&res);
	return 0;
}
