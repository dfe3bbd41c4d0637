/* cli — the administration subcommands (init, serve, user, regions, audit,
 * backup, restore, import, demo) and --version. */
#ifndef GUANAI_CLI_H
#define GUANAI_CLI_H

/* A parsed command line: "--name value" options and bare flags. */
typedef struct cli_args {
	int n;
	const char *name[32];
	const char *value[32];	/* NULL for a flag */
	int npos;
	const char *pos[8];	/* positional arguments */
} cli_args;

/* The value of --name, or NULL. */
const char *cli_opt(const cli_args *a, const char *name);
int cli_flag(const cli_args *a, const char *name);

/* Each returns the process exit status. */
int cli_version(void);
int cli_init(const cli_args *a);
int cli_serve(const cli_args *a);
int cli_user_add(const cli_args *a);
int cli_regions_import(const cli_args *a);
int cli_audit_verify(const cli_args *a);
int cli_audit_head(const cli_args *a);
int cli_backup(const cli_args *a);
int cli_restore(const cli_args *a);
int cli_demo(const cli_args *a);
int cli_import_children(const cli_args *a);

#endif
