/* guanai — argument parsing and subcommand dispatch, nothing else. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"用法 / usage:\n"
	"  guanai init --db PATH|URL [--demo] [--regions DIR]\n"
	"  guanai serve --db PATH|URL [--listen 127.0.0.1:8080] [--web DIR]\n"
	"               [--threads N (default 2 per core)]\n"
	"               [--public-url https://HOST] (printed on QR codes)\n"
	"               [--session-idle SEC] [--lockout SEC]\n"
	"               [--max-conn-per-ip N (default 64, 0: no limit)]\n"
	"               [--metrics-token T] (/metrics beyond loopback)\n"
	"               [--session-idle SEC] [--session-max SEC (<= 43200)]\n"
	"               [--lockout SEC (failed logins remembered, longest wait)]\n"
	"               [--login-budget N] [--account-budget N]\n"
	"               [--trusted-proxy IP,IP|none (default 127.0.0.1,::1)]\n"
	"               [--tick SEC] [--clock-file FILE]  (tests)\n"
	"  guanai user add --db PATH|URL --username U --role ROLE --region CODE\n"
	"               [--name 姓名]\n"
	"  guanai regions import --db PATH|URL --dir DIR [--province 22|all]\n"
	"  guanai audit verify --db PATH|URL [--anchor FILE]\n"
	"  guanai audit head --db PATH|URL   (a signed head, to keep elsewhere)\n"
	"  guanai backup --db PATH|URL --out FILE\n"
	"  guanai restore --from FILE --db PATH|URL [--force]\n"
	"  guanai import children --db PATH|URL --as USER FILE.xlsx|FILE.csv\n"
	"  guanai demo --db PATH|URL --children N [--region CODE] [--seed S]\n"
	"              [--csv FILE]   (write an import file instead)\n"
	"every command but backup takes [--audit-key FILE] (default: the\n"
	"  environment's GUANAI_AUDIT_KEY, else PATH.audit-key beside a file)\n"
	"roles: admin province city county supervisor director auditor\n";

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
		fputs(usage, stderr);
		return 2;
	}
	static const struct {
		const char *cmd, *sub;
		int (*fn)(const cli_args *);
	} cmds[] = {
		{ "init", NULL, cli_init },
		{ "serve", NULL, cli_serve },
		{ "user", "add", cli_user_add },
		{ "regions", "import", cli_regions_import },
		{ "audit", "verify", cli_audit_verify },
		{ "audit", "head", cli_audit_head },
		{ "backup", NULL, cli_backup },
		{ "restore", NULL, cli_restore },
		{ "demo", NULL, cli_demo },
		{ "import", "children", cli_import_children },
	};
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		if (strcmp(argv[1], cmds[i].cmd) != 0)
			continue;
		int first = 2;
		if (cmds[i].sub) {
			if (argc < 3 || strcmp(argv[2], cmds[i].sub) != 0)
				continue;
			first = 3;
		}
		cli_args a;
		if (parse(argc, argv, first, &a) != 0 || cli_flag(&a, "help")) {
			fputs(usage, stderr);
			return 2;
		}
		return cmds[i].fn(&a);
	}
	fputs(usage, stderr);
	return 2;
}
