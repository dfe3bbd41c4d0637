/* The administration subcommands.  Each validates its arguments, opens the
 * store, calls the domain and reports in Chinese; the exit status is 0 on
 * success, 1 on a failure of the work, 2 on a usage error. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "datadir.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/childxlsx.h"
#include "domain/demo.h"
#include "domain/region.h"
#include "http/http.h"
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

/* Opens and migrates the database named by --db (which must exist unless
 * `create`). */
static int open_db(const cli_args *a, int create, store **s, err *e)
{
	const char *db;
	if (need(a, "db", &db))
		return err_set(e, ERR_INVALID, "usage", "缺少参数 --db");
	int rc = create ? 0 : db_exists(db, e);
	if (rc || (rc = store_open(db, s, e)))
		return rc;
	if ((rc = store_migrate(*s, e))) {
		store_close(*s);
		*s = NULL;
	}
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

/* Demo accounts: one per level along one real rural county (农安县), with a
 * documented password, so a newcomer can see every role at once. */
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
	store *s;
	err_clear(&e);
	if (open_db(a, 1, &s, &e))
		return fail(&e);
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
			store_close(s);
			return fail(&e);
		}
		printf("已导入行政区划 %ld 个\n", n);
	}
	user admin;
	if (account_by_username(s, "admin", &admin, NULL) == 0) {
		store_close(s);
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
			store_close(s);
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
	store_close(s);
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
	app ap = { .web_dir = cli_opt(a, "web") };
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
	if (db_exists(db, &e) || app_open(&ap, db, n, &e))
		return fail(&e);
	int64_t tick = 60;
	if (opt_seconds(a, "session-idle", &ap.acfg.session_idle) ||
	    opt_seconds(a, "lockout", &ap.acfg.lockout) ||
	    opt_seconds(a, "tick", &tick)) {
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
	int rc = app_scheduler_start(&ap, &e);
	if (rc == 0)
		rc = http_serve(&ap, listen ? listen : "127.0.0.1:8080", &e);
	app_scheduler_stop(&ap);
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
	store *s;
	err_clear(&e);
	if (open_db(a, 0, &s, &e))
		return fail(&e);
	actor who = { .u = NULL, .ip = "", .now = (int64_t)time(NULL) };
	user u;
	char otp[ACCOUNT_OTP_LEN + 1];
	int rc = account_create(s, &who, un, rolename, reg, cli_opt(a, "name"), &u,
				otp, &e);
	store_close(s);
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
	store *s;
	char dir[4096];
	err_clear(&e);
	if (regions_dir(a, "dir", dir, sizeof dir, &e) ||
	    open_db(a, 0, &s, &e))
		return fail(&e);
	long n = 0;
	int rc = region_import(s, dir, strcmp(prov, "all") ? prov : NULL, &n,
			       &e);
	store_close(s);
	if (rc)
		return fail(&e);
	printf("已导入行政区划 %ld 个\n", n);
	return 0;
}

int cli_audit_verify(const cli_args *a)
{
	err e;
	store *s;
	err_clear(&e);
	if (open_db(a, 0, &s, &e))
		return fail(&e);
	int64_t checked, bad;
	int broken;
	char why[256];
	int rc = audit_verify(s, &checked, &broken, &bad, why, sizeof why, &e);
	store_close(s);
	if (rc)
		return fail(&e);
	if (broken) {
		printf("审计日志被篡改: 第一条不符的记录 seq %lld: %s\n",
		       (long long)bad, why);
		return 1;
	}
	printf("审计日志完整: 共 %lld 条，哈希链校验通过\n",
	       (long long)checked);
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
	store *s;
	err_clear(&e);
	if (open_db(a, 0, &s, &e))
		return fail(&e);
	actor who = { .u = NULL, .ip = "", .now = (int64_t)time(NULL) };
	const char *csv = cli_opt(a, "csv");
	uint64_t sd = seed ? strtoull(seed, NULL, 10) : 2018;
	int rc = csv ? demo_children_csv(s, &who, reg ? reg : "22", atol(n), sd,
					 csv, &e)
		     : demo_children(s, &who, reg ? reg : "22", atol(n), sd,
				     demo_progress, &e);
	store_close(s);
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
	store *s;
	err_clear(&e);
	if (open_db(a, 0, &s, &e))
		return fail(&e);
	user u;
	if (account_by_username(s, as, &u, &e) != 0) {
		store_close(s);
		fprintf(stderr, "guanai: 用户 %s 不存在\n", as);
		return 1;
	}
	actor who = { .u = &u, .ip = "", .now = (int64_t)time(NULL) };
	childxlsx_result res;
	int rc = childxlsx_import(s, &who, a->pos[0], &res, &e);
	store_close(s);
	if (rc) {
		childxlsx_result_free(&res);
		return fail(&e);
	}
	printf("读取 %ld 行：导入 %ld，跳过 %ld（已登记或重复），失败 %ld\n",
	       res.rows, res.imported, res.skipped, res.failed);
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
	childxlsx_result_free(&res);
	return 0;
}
