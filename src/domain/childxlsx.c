#include "domain/childxlsx.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <iconv.h>
#include <unistd.h>

#include "domain/audit.h"
#include "domain/child_codes.h"
#include "domain/classify.h"
#include "domain/exportmark.h"
#include "domain/idcard.h"
#include "domain/perm.h"
#include "domain/privacy.h"
#include "io/csvfile.h"
#include "io/xlsxin.h"
#include "io/xlsxout.h"
#include "util/date.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/queue.h"
#include "util/strset.h"
#include "util/text.h"

/* ---- the template: one column per importable field ---- */

typedef enum col_kind {
	K_TEXT,
	K_DATE,
	K_CODE,		/* a code table: the Chinese label or the API code */
	K_YESNO,	/* 是/否 */
	K_HUKOU,	/* 有户籍/无户籍 */
} col_kind;

typedef struct tcol {
	const char *title;	/* header cell; * marks a required column */
	const char *path;	/* JSON path: "name", "father.status" */
	col_kind kind;
	const code_entry *codes;
	double width;
} tcol;

static const tcol cols[] = {
	{ "姓名*", "name", K_TEXT, NULL, 10 },
	{ "性别*", "sex", K_CODE, child_sex_codes, 6 },
	{ "出生日期*", "birth_date", K_DATE, NULL, 12 },
	{ "身份证号", "id_number", K_TEXT, NULL, 21 },
	{ "民族*", "ethnicity", K_TEXT, NULL, 8 },
	{ "居住地区划代码*", "region_code", K_TEXT, NULL, 16 },
	{ "户籍状态", "hukou_status", K_HUKOU, NULL, 10 },
	{ "农村户籍", "hukou_rural", K_YESNO, NULL, 9 },
	{ "户籍地区划代码", "hukou_region", K_TEXT, NULL, 16 },
	{ "家庭住址", "address", K_TEXT, NULL, 20 },
	{ "就读学校", "school", K_TEXT, NULL, 16 },
	{ "年级", "grade", K_TEXT, NULL, 8 },
	{ "联系电话", "contact_phone", K_TEXT, NULL, 14 },
	{ "父亲姓名", "father.name", K_TEXT, NULL, 10 },
	{ "父亲身份证号", "father.id_number", K_TEXT, NULL, 21 },
	{ "父亲电话", "father.phone", K_TEXT, NULL, 14 },
	{ "父亲状况", "father.status", K_CODE, child_parent_status_codes, 12 },
	{ "父亲务工地", "father.work_place", K_TEXT, NULL, 12 },
	{ "母亲姓名", "mother.name", K_TEXT, NULL, 10 },
	{ "母亲身份证号", "mother.id_number", K_TEXT, NULL, 21 },
	{ "母亲电话", "mother.phone", K_TEXT, NULL, 14 },
	{ "母亲状况", "mother.status", K_CODE, child_parent_status_codes, 12 },
	{ "母亲务工地", "mother.work_place", K_TEXT, NULL, 12 },
	{ "受委托监护人姓名", "guardian.name", K_TEXT, NULL, 12 },
	{ "监护人身份证号", "guardian.id_number", K_TEXT, NULL, 21 },
	{ "与儿童关系", "guardian.relationship", K_TEXT, NULL, 10 },
	{ "监护人电话", "guardian.phone", K_TEXT, NULL, 14 },
	{ "家庭监护情况", "guardianship", K_CODE, child_guardianship_codes, 12 },
	{ "基本生活保障", "living_support", K_CODE, child_support_codes, 12 },
	{ "心理健康", "mental_health", K_CODE, child_mental_codes, 10 },
	{ "心理健康说明", "mental_notes", K_TEXT, NULL, 16 },
	{ "学习教育", "education", K_CODE, child_education_codes, 10 },
	{ "失辍学情况说明", "dropout_explanation", K_TEXT, NULL, 24 },
	{ "健康状况", "health", K_CODE, child_health_codes, 10 },
	{ "所患疾病", "illness", K_TEXT, NULL, 12 },
	{ "残疾类别", "disability.type", K_TEXT, NULL, 10 },
	{ "残疾等级", "disability.grade", K_TEXT, NULL, 8 },
	{ "残疾证号", "disability.certificate_no", K_TEXT, NULL, 16 },
};
enum { NCOLS = sizeof cols / sizeof *cols };

static int write_columns(xlsxout *x, const tcol *t, int n, const char *extra,
			 err *e)
{
	xlsxout_col c[NCOLS + 1];
	for (int i = 0; i < n; i++)
		c[i] = (xlsxout_col){ t[i].title, t[i].width, XLSXOUT_TEXT };
	if (extra)
		c[n++] = (xlsxout_col){ extra, 40, XLSXOUT_TEXT };
	return xlsxout_columns(x, c, n, e);
}

int childxlsx_template(const actor *who, const exportmark *mark, char **bytes,
		       size_t *len, err *e)
{
	xlsxout *x;
	int rc = exportmark_xlsx_open(who, mark, "儿童信息导入模板", &x, e);
	if (rc)
		return rc;
	const char *sample[NCOLS] = {
		"张小明", "男", "2012-05-01", "220122201205010014", "汉族",
		"220122100207", "有户籍", "是", "220122", "十里堡村3组12号",
		"十里堡小学", "六年级", "13800000000", "张建国", "", "",
		"省外务工", "北京市", "李秀英", "", "", "省内务工", "长春市",
		"张德福", "", "祖父", "13900000000", "一般", "无", "正常", "",
		"在校", "", "健康", "", "", "", "",
	};
	if ((rc = xlsxout_header_line(x, "农村留守儿童和困境儿童信息导入模板",
				      e)) ||
	    (rc = xlsxout_header_line(
		     x,
		     "说明：带*为必填；有户籍的儿童须填身份证号；父母状况填"
		     "“在家、省内务工、省外务工、死亡、失踪、服刑在押、"
		     "强制隔离戒毒、重残、重病、被撤销监护资格”等；"
		     "失学、辍学须填情况说明；日期格式 2012-05-01。"
		     "示例行导入前请删除。",
		     e)) ||
	    (rc = write_columns(x, cols, NCOLS, NULL, e)) ||
	    (rc = xlsxout_row(x, sample, NCOLS, e))) {
		xlsxout_abandon(x);
		return rc;
	}
	return xlsxout_close_mem(x, bytes, len, e);
}

/* ---- import ---- */

/* Accepts 2012-05-01, 2012/5/1, 20120501, 2012.5.1 and Excel serials. */
static int cell_date(const char *in, char out[11])
{
	int y, m, d;
	char tail;
	if (text_is_digits(in) && strlen(in) == 8 &&
	    sscanf(in, "%4d%2d%2d", &y, &m, &d) == 3)
		;
	else if (text_is_digits(in) && strlen(in) <= 6)
		return xlsxin_serial_to_date(atof(in), out) == 0 ? 0 : -1;
	else if (!(sscanf(in, "%d-%d-%d%c", &y, &m, &d, &tail) == 3 ||
		   sscanf(in, "%d/%d/%d%c", &y, &m, &d, &tail) == 3 ||
		   sscanf(in, "%d.%d.%d%c", &y, &m, &d, &tail) == 3))
		return -1;
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

static int cell_code(const code_entry *t, const char *in, const char **code)
{
	for (const code_entry *c = t; c->code; c++)
		if (strcmp(c->label, in) == 0 || strcmp(c->code, in) == 0) {
			*code = c->code;
			return 0;
		}
	/* Common spellings that differ from the labels. */
	static const struct {
		const char *alias, *code;
	} aliases[] = {
		{ "外出务工（省内）", "migrant_in_province" },
		{ "外出务工（省外）", "migrant_out_province" },
		{ "服刑", "imprisoned" },
		{ "无人监护", "none" },
	};
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (strcmp(aliases[i].alias, in) == 0 &&
		    code_value(t, aliases[i].code) >= 0) {
			*code = aliases[i].code;
			return 0;
		}
	return -1;
}

/* Trims ASCII and full-width spaces in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || strncmp(s, "\xE3\x80\x80", 3) == 0)
		s += *s == ' ' || *s == '\t' ? 1 : 3;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	while (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0) {
		n -= 3;
		s[n] = '\0';
	}
	return s;
}

/* One row of the sheet as the record's cells: val[i] is column i's value
 * as the API has it (a code, "true"/"false", a date YYYY-MM-DD in date[i])
 * or NULL when empty; or an error naming the column.  Text that is not
 * UTF-8 is refused, as jansson refused it when rows went through JSON,
 * unless `utf8` says the whole row was checked already (row_encoding). */
static int row_cells(char **f, int n, int utf8, const char *val[NCOLS],
		     char date[NCOLS][11], err *e)
{
	for (int i = 0; i < NCOLS; i++) {
		val[i] = NULL;
		char *v = i < n ? trim(f[i]) : "";
		if (!*v)
			continue;
		const tcol *c = &cols[i];
		const char *code, *j = NULL;
		switch (c->kind) {
		case K_TEXT:
			if (utf8 || text_is_utf8(v, strlen(v)))
				j = v;
			break;
		case K_DATE:
			if (cell_date(v, date[i]) == 0)
				j = date[i];
			break;
		case K_CODE:
			if (cell_code(c->codes, v, &code) == 0)
				j = code;
			break;
		case K_YESNO:
			if (!strcmp(v, "是") || !strcmp(v, "true"))
				j = "true";
			else if (!strcmp(v, "否") || !strcmp(v, "false"))
				j = "false";
			break;
		case K_HUKOU:
			if (!strcmp(v, "有户籍") || !strcmp(v, "registered"))
				j = "registered";
			else if (!strcmp(v, "无户籍") || !strcmp(v, "none"))
				j = "none";
			break;
		}
		if (!j)
			return err_set(e, ERR_INVALID, "invalid_field",
				       "“%s”列的值无效: %.60s", c->title, v);
		val[i] = j;
	}
	return 0;
}

/* A field name of the API as the column title the user sees. */
static const char *title_of(const char *field)
{
	for (int i = 0; i < NCOLS; i++)
		if (strcmp(cols[i].path, field) == 0)
			return cols[i].title;
	return field;
}

#define SAVE_AS "请保存为 UTF-8 或 GB18030（GBK）编码的 CSV，或使用 Excel 模板"
#define ENCODING_UNKNOWN "文件编码无法识别：" SAVE_AS

/* The rows of a sheet or a CSV file (UTF-8), one call of `fn` each. */
static int read_file(int xlsx, const char *path, xlsxin_row_fn fn, void *ctx,
		     err *e)
{
	return xlsx ? xlsxin_read(path, fn, ctx, e)
		    : csvfile_read(path, fn, ctx, e);
}

typedef struct checker checker;

typedef struct import_ctx {
	store *s;
	checker *readable;	/* the whole file's read: waited for at commits */
	const actor *who;
	childxlsx_result *res;
	int header_seen;
	xlsxout *report;
	err *file_err;
	/* Rows earlier in the file, for "the same child as an earlier row":
	 * an ID number counts the rows that passed the checks with it
	 * (row_item.earlier, counted by the reader) less those whose
	 * village or hukou region then failed here (`failed`); a child
	 * without one, its name|birth|village, is in `seen` once a row
	 * passed both. */
	strset failed;
	strset seen;
	childrec_regions *villages;
	const char *paths[NCOLS];	/* cols[i].path: the cells' paths */
	/* the batch in progress; the whole file when the import has the
	 * database alone (store_bulk), which is when `readable` is NULL */
	int in_tx;
	long batch;
	long batch_first_row;
	struct timespec batch_start;
	/* rows checked and counted, written CHILD_STORE_BATCH at a time
	 * and at the end of their group: their data is their row_item's */
	int npend;
	child_row pend[CHILD_STORE_BATCH];
} import_ctx;

/* Writes the pending rows (inside the batch's transaction). */
static int flush_rows(import_ctx *c, err *e)
{
	child_row *rows[CHILD_STORE_BATCH];
	for (int i = 0; i < c->npend; i++)
		rows[i] = &c->pend[i];
	int rc = childrec_insert_batch(c->s, c->who, rows, c->npend, e);
	c->npend = 0;
	return rc;
}

/* ---- the whole file's read ----
 *
 * A file that cannot be read to its end (a broken quote on line 500,000,
 * a damaged sheet) is refused with nothing written, instead of leaving the
 * rows before the break imported.  A thread of its own reads it once,
 * rows unlooked-at, while the rows are checked and written; the first
 * commit waits for its verdict (so the first batch may hold the write
 * lock that much longer: some 3 s for a million rows). */
struct checker {
	const char *path;
	int xlsx;
	pthread_t t;
	int joined;
	atomic_int stop;	/* the import failed: no verdict needed */
	int rc;
	err e;
};

/* A CSV row's encoding: the file's was chosen on its head
 * (head_is_utf8), and every row must keep to it, or the whole file is
 * refused. */
static int row_encoding(char **fields, int n, long row, err *e)
{
	for (int i = 0; i < n; i++)
		if (!text_is_utf8(fields[i], strlen(fields[i])))
			return err_set(e, ERR_INVALID, "file_unreadable",
				       "第%ld行的文字编码与文件开头不一致（整个文件应为同一编码）：" SAVE_AS,
				       row);
	return 0;
}

/* A row of the whole-file read: only its encoding is looked at. */
static int skip_row(void *vk, char **fields, int n, long row, err *e)
{
	checker *k = vk;
	if (atomic_load(&k->stop))
		return err_set(e, ERR_INTERNAL, "internal", "导入已中止");
	return k->xlsx ? 0 : row_encoding(fields, n, row, e);
}

static void *checker_main(void *vk)
{
	checker *k = vk;
	err_clear(&k->e);
	k->rc = read_file(k->xlsx, k->path, skip_row, k, &k->e);
	return NULL;
}

static void checker_start(checker *k, int xlsx, const char *path)
{
	k->path = path;
	k->xlsx = xlsx;
	k->joined = 0;
	atomic_init(&k->stop, 0);
	if (pthread_create(&k->t, NULL, checker_main, k) != 0) {
		checker_main(k);
		k->joined = 1;
	}
}

/* The verdict, once the read has ended: 0, or its error in `e`.  No
 * checker (NULL): the import is one transaction, and the reader's own
 * read is the verdict. */
static int checker_wait(checker *k, err *e)
{
	if (!k)
		return 0;
	if (!k->joined) {
		pthread_join(k->t, NULL);
		k->joined = 1;
	}
	if (k->rc && e)
		*e = k->e;
	return k->rc;
}

/* A batch (one transaction) holds at least BATCH_MIN rows and then ends
 * when it has been open BATCH_SECONDS, or at BATCH_MAX rows.  Every commit
 * rewrites each index page the batch touched, and a big file's ID-number
 * indexes take inserts all over: at a million rows, batches of 10,000
 * wrote the same pages a hundred times over (a quarter of the import's
 * time).  The time bound keeps the write lock short enough for the
 * server's other writers, which wait up to 5 s (store_sqlite.c).  With
 * the database to itself (store_bulk's `alone`: no server has it open)
 * the import is one transaction: no one waits, and a failure anywhere
 * leaves nothing written. */
enum { BATCH_MIN = 10000, BATCH_MAX = 200000 };
#define BATCH_SECONDS 2.0

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int report_row(import_ctx *c, char **f, int n, const char *why,
		      err *e)
{
	if (!c->report) {
		/* The rows come back to the one who sent them, marked like
		 * any export of children's data. */
		exportmark m;
		exportmark_init(&m, "导入未成功行报告", NULL);
		int rc = exportmark_xlsx_open(c->who, &m, "导入未成功的行",
					      &c->report, e);
		if (rc || (rc = xlsxout_header_line(
				   c->report, "儿童信息导入：未导入的行及原因",
				   e)) ||
		    (rc = write_columns(c->report, cols, NCOLS, "未导入原因",
					e)))
			return rc;
	}
	const char *cells[NCOLS + 1];
	for (int i = 0; i < NCOLS; i++)
		cells[i] = i < n ? f[i] : "";
	cells[NCOLS] = why;
	return xlsxout_row(c->report, cells, NCOLS + 1, e);
}

static int note_error(import_ctx *c, long row, char **f, int n,
		      const char *why, int skipped, err *e)
{
	if (skipped)
		c->res->skipped++;
	else
		c->res->failed++;
	if (json_array_size(c->res->errors) < 200)
		json_array_append_new(c->res->errors,
				      json_pack("{s:I, s:s, s:b}", "row",
						(json_int_t)row, "reason", why,
						"skipped", skipped));
	return report_row(c, f, n, why, e);
}

/* ---- reading and writing on two threads ----
 *
 * A reader thread reads the file and checks each row as far as no store
 * is needed (the template, the cells, childrec_check_cells: most of a
 * row's CPU time); the calling thread takes the checked rows in file
 * order and does the rest on its store connection (regions, duplicates,
 * inserts, batches, the report).  Everything the user sees — the counts,
 * the errors and their order, the report, what is stored — is made by
 * the calling thread from the rows in file order, so the outcome is the
 * same as reading and writing on one thread. */

/* A row read and checked: the checks' outcome, the record when they
 * passed, and the row's cells as the checks left them (trimmed), which
 * a failed row's report shows.  One allocation. */
typedef struct row_item {
	long row;
	int n;			/* cells kept: at most NCOLS */
	char **f;
	int rc;
	err re;
	/* for a row with an ID number: the rows before it in the file that
	 * passed the checks with the same number */
	unsigned earlier;
	/* for a row with an ID number, looked up with its group's */
	int looked;
	int64_t other;		/* the active record with it (0: none) … */
	int outside;		/* … outside the actor's scope */
	child ch;
	child_row cr;		/* its data is the item's */
} row_item;

/* Rows travel in groups, so the threads meet once per group, not once
 * per row. */
enum { GROUP_ROWS = CHILD_FIND_MANY, QUEUE_GROUPS = 8 };

typedef struct row_group {
	struct row_group *next;	/* on the reader's `done` list */
	int n;
	row_item *it[GROUP_ROWS];
} row_group;

typedef struct reader {
	const char *path;
	int xlsx;
	const actor *who;
	const char *const *paths;
	int encoding;		/* check every row's encoding (no checker) */
	strset ids;		/* ID numbers of rows that passed the checks */
	queue *q;
	row_group *g;		/* the group being filled */
	/* Groups the writing side is done with, freed here: a block is
	 * freed cheapest by the thread that allocated it (glibc's arenas),
	 * and the writer is the import's busier thread. */
	pthread_mutex_t done_mu;
	row_group *done;
	int header_seen;
	int rc;			/* the read's outcome */
	err e;
} reader;

static void item_free(row_item *it)
{
	child_row_clear(&it->cr);
	free(it);
}

static void group_free(row_group *g)
{
	for (int i = 0; g && i < g->n; i++)
		item_free(g->it[i]);
	free(g);
}

/* The writing side gives a group back (writer thread). */
static void group_done(reader *r, row_group *g)
{
	pthread_mutex_lock(&r->done_mu);
	g->next = r->done;
	r->done = g;
	pthread_mutex_unlock(&r->done_mu);
}

/* Frees the groups given back. */
static void free_done(reader *r)
{
	pthread_mutex_lock(&r->done_mu);
	row_group *g = r->done;
	r->done = NULL;
	pthread_mutex_unlock(&r->done_mu);
	while (g) {
		row_group *next = g->next;
		group_free(g);
		g = next;
	}
}

/* Hands the group being filled to the writing side: -1 when that side
 * has stopped.  Frees what that side gave back meanwhile. */
static int reader_flush(reader *r)
{
	free_done(r);
	row_group *g = r->g;
	r->g = NULL;
	if (!g || !g->n || queue_put(r->q, g) == 0)
		return 0;
	group_free(g);
	return -1;
}

/* An item with room for the row's cells as they are now (the checks
 * only shorten them, trimming); item_cells copies them in. */
static row_item *item_new(long row, char **f, int n)
{
	if (n > NCOLS)
		n = NCOLS;
	size_t text = 0;
	for (int i = 0; i < n; i++)
		text += strlen(f[i]) + 1;
	row_item *it = xmalloc(sizeof *it + (size_t)n * sizeof(char *) + text);
	it->row = row;
	it->n = n;
	it->f = (char **)(it + 1);
	return it;
}

static void item_cells(row_item *it, char **f)
{
	char *p = (char *)(it->f + it->n);
	for (int i = 0; i < it->n; i++) {
		size_t l = strlen(f[i]) + 1;
		it->f[i] = memcpy(p, f[i], l);
		p += l;
	}
}

/* The reader's row callback (reader thread). */
static int read_row(void *vr, char **f, int n, long row, err *e)
{
	reader *r = vr;
	int rc = r->encoding ? row_encoding(f, n, row, e) : 0;
	if (rc)
		return rc;
	if (!r->header_seen) {
		/* Lines above the column row (title, notes) are passed over;
		 * the column row must be the template's. */
		if (n < 1 || strcmp(trim(f[0]), cols[0].title) != 0)
			return row > 5 ? err_set(e, ERR_INVALID, "bad_template",
						 "未找到模板的表头行（第一列应为“姓名*”），请使用系统提供的导入模板")
				       : 0;
		for (int i = 0; i < NCOLS; i++)
			if (i >= n || strcmp(trim(f[i]), cols[i].title) != 0)
				return err_set(e, ERR_INVALID, "bad_template",
					       "第%ld行表头与模板不符：第%d列应为“%s”",
					       row, i + 1, cols[i].title);
		r->header_seen = 1;
		return 0;
	}
	int blank = 1;
	for (int i = 0; i < n && blank; i++)
		blank = *trim(f[i]) == '\0';
	if (blank)
		return 0;
	row_item *it = item_new(row, f, n);
	memset(&it->cr, 0, sizeof it->cr);
	it->looked = it->outside = 0;
	it->other = 0;
	err_clear(&it->re);
	const char *val[NCOLS];
	char date[NCOLS][11];
	it->rc = row_cells(f, n, r->encoding, val, date, &it->re);
	if (it->rc == 0) {
		child_cells cells = { NCOLS, r->paths, val };
		it->rc = childrec_check_cells(r->who, &cells, &it->ch, &it->cr,
					      &it->re);
	}
	it->earlier = it->rc == 0 && it->ch.id_number[0]
			      ? strset_bump(&r->ids, it->ch.id_number)
			      : 0;
	item_cells(it, f);
	if (!r->g) {
		r->g = xmalloc(sizeof *r->g);
		r->g->n = 0;
	}
	r->g->it[r->g->n++] = it;
	if (r->g->n == GROUP_ROWS && reader_flush(r) != 0)
		/* The writing side stopped on an error of its own, which is
		 * the import's; this one only ends the read. */
		return err_set(e, ERR_INTERNAL, "internal", "导入已中止");
	return 0;
}

static void *reader_main(void *vr)
{
	reader *r = vr;
	err_clear(&r->e);
	r->rc = read_file(r->xlsx, r->path, read_row, r, &r->e);
	/* The rows before an error of the read are taken as well, as when
	 * one thread read and wrote. */
	reader_flush(r);
	queue_close(r->q);
	return NULL;
}

/* The rest of a row, in file order (calling thread). */
static int take_row(import_ctx *c, row_item *it, err *e)
{
	long row = it->row;
	char **f = it->f;
	int n = it->n;
	c->res->rows++;
	err re = it->re;
	child *ch = &it->ch;
	child_row *cr = &it->cr;
	char why[400];
	int rc = it->rc;
	if (rc == 0) {
		rc = childrec_prepare_checked(c->s, c->who, c->villages, ch, cr,
					      &re);
		if (rc && ch->id_number[0])
			strset_bump(&c->failed, ch->id_number);
	}
	if (rc) {
		snprintf(why, sizeof why, "%s%s%s", re.field[0] ? title_of(re.field) : "",
			 re.field[0] ? "：" : "", re.msg);
		child_row_clear(cr);
		return rc == ERR_STORE ? err_set(e, rc, re.key, "%s", re.msg)
				       : note_error(c, row, f, n, why, 0, e);
	}
	int in_file;
	if (ch->id_number[0]) {
		in_file = it->earlier > strset_count(&c->failed, ch->id_number);
	} else {
		char key[256];
		snprintf(key, sizeof key, "%s|%s|%s", ch->name, ch->birth_date,
			 ch->region);
		in_file = !strset_add(&c->seen, key);
	}
	if (in_file) {
		child_row_clear(cr);
		return note_error(c, row, f, n, "与本文件中前面的行重复", 1, e);
	}
	int64_t other = it->other;
	int outside = it->outside;
	if (!it->looked &&
	    (rc = childrec_find_duplicate(c->s, c->who, ch, &other, &outside,
					  e))) {
		child_row_clear(cr);
		return rc;
	}
	if (other) {
		child_row_clear(cr);
		if (outside)
			return note_error(
				c, row, f, n,
				"该儿童已在其他地区登记，请联系原登记地办理迁移", 0,
				e);
		snprintf(why, sizeof why, "已登记（档案 #%lld），未重复导入",
			 (long long)other);
		return note_error(c, row, f, n, why, 1, e);
	}
	if (!c->in_tx) {
		if ((rc = store_begin(c->s, e))) {
			child_row_clear(cr);
			return rc;
		}
		c->in_tx = 1;
		c->batch = 0;
		clock_gettime(CLOCK_MONOTONIC, &c->batch_start);
	}
	/* The row is written with the next ones of its group. */
	c->pend[c->npend++] = *cr;
	if (c->npend == CHILD_STORE_BATCH && (rc = flush_rows(c, e)))
		return rc;
	c->res->imported++;
	/* Commit in batches: one transaction per row would make a large
	 * import take minutes; a failure still loses at most the batch,
	 * and the caller reports the whole import as failed.  Alone, the
	 * import is one batch. */
	if (c->readable && ++c->batch >= BATCH_MIN &&
	    (c->batch >= BATCH_MAX ||
	     seconds_since(&c->batch_start) >= BATCH_SECONDS)) {
		if ((rc = flush_rows(c, e)) || (rc = checker_wait(c->readable, e)) ||
		    (rc = store_commit(c->s, e)))
			return rc;
		c->in_tx = 0;
	}
	return 0;
}

/* Looks up the ID numbers of a group's checked rows on record, in one
 * question rather than one a row.  What the rows before them in the group
 * will write is not seen, and need not be: a row with the same number as
 * an earlier row of the file that was taken is a duplicate of that row
 * first (row_item.earlier). */
static int look_up_group(import_ctx *c, row_group *g, err *e)
{
	const char *nums[GROUP_ROWS];
	row_item *its[GROUP_ROWS];
	int64_t other[GROUP_ROWS];
	int outside[GROUP_ROWS], n = 0;
	for (int i = 0; i < g->n; i++)
		if (g->it[i]->rc == 0 && g->it[i]->ch.id_number[0]) {
			its[n] = g->it[i];
			nums[n++] = g->it[i]->ch.id_number;
		}
	int rc = n ? childrec_find_duplicates(c->s, c->who, nums, n, other,
					      outside, e)
		   : 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		its[i]->looked = 1;
		its[i]->other = other[i];
		its[i]->outside = outside[i];
	}
	return rc;
}

/* Reads `path` on a reader thread and takes its rows here, in order. */
static int import_rows(import_ctx *c, int xlsx, const char *path, err *e)
{
	reader r = { .path = path, .xlsx = xlsx, .who = c->who,
		     .encoding = !c->readable && !xlsx,
		     .paths = c->paths, .ids = STRSET_INIT,
		     .q = queue_new(QUEUE_GROUPS) };
	pthread_mutex_init(&r.done_mu, NULL);
	pthread_t t;
	if (pthread_create(&t, NULL, reader_main, &r) != 0) {
		pthread_mutex_destroy(&r.done_mu);
		queue_free(r.q);
		return err_set(e, ERR_INTERNAL, "internal", "无法启动导入线程");
	}
	int rc = 0;
	row_group *g;
	while (rc == 0 && (g = queue_get(r.q))) {
		rc = look_up_group(c, g, e);
		for (int i = 0; rc == 0 && i < g->n; i++)
			rc = take_row(c, g->it[i], e);
		/* The pending rows go before their group does. */
		if (rc == 0 && c->npend)
			rc = flush_rows(c, e);
		c->npend = 0;
		group_done(&r, g);
	}
	if (rc) {
		/* An error here ends the import: stop the reader, free what
		 * it had read ahead. */
		queue_abandon(r.q);
		while ((g = queue_get(r.q)))
			group_free(g);
	}
	pthread_join(t, NULL);
	free_done(&r);
	pthread_mutex_destroy(&r.done_mu);
	queue_free(r.q);
	strset_free(&r.ids);
	c->header_seen = r.header_seen;
	if (rc == 0 && r.rc) {
		rc = r.rc;
		if (e)
			*e = r.e;
	}
	return rc;
}

static int is_xlsx(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char m[4] = { 0 };
	if (!f)
		return 0;
	size_t n = fread(m, 1, 4, f);
	fclose(f);
	return n == 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4;
}

/* Where the last, possibly incomplete, UTF-8 sequence of s[0..n) starts
 * (n when s ends between sequences): a chunk is checked up to there and
 * the rest carried to the next one. */
static size_t utf8_cut(const unsigned char *s, size_t n)
{
	size_t i = n;
	while (i > 0 && n - i < 4 && (s[i - 1] & 0xC0) == 0x80)
		i--;
	return i > 0 && s[i - 1] >= 0xC0 ? i - 1 : n;
}

/* Is the file's head — its first MiB, or all of a smaller file — valid
 * UTF-8?  That decides the encoding: a CSV is saved in one encoding
 * throughout, and the template's column row alone (Chinese titles) is
 * never valid UTF-8 in GB18030.  The rest of a UTF-8 file is checked by
 * the whole-file read (skip_row), which refuses the file with nothing
 * written if a later byte is not UTF-8.  Read in chunks. */
static int head_is_utf8(FILE *f, int *utf8)
{
	enum { CHUNK = 65536, HEAD = 16 * CHUNK };
	unsigned char b[CHUNK + 8];
	size_t carry = 0, got, total = 0;
	*utf8 = 1;
	while (*utf8 && total < HEAD && (got = fread(b + carry, 1, CHUNK, f)) > 0) {
		total += got;
		size_t n = carry + got, cut = utf8_cut(b, n);
		*utf8 = text_is_utf8((const char *)b, cut);
		carry = n - cut;
		memmove(b, b + cut, carry);
	}
	if (ferror(f))
		return -1;
	/* At the end of the file a sequence left over is incomplete; after
	 * the head it goes on in what follows. */
	if (*utf8 && carry && total < HEAD)
		*utf8 = text_is_utf8((const char *)b, carry);
	return 0;
}

/* GB18030 → UTF-8 from `in` to the file `fd`, a chunk at a time. */
static int convert_gb18030(FILE *in, int fd, err *e)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return err_set(e, ERR_INTERNAL, "internal", "无法转换文件编码");
	char ib[65536 + 8], ob[4 * 65536 + 64];
	size_t carry = 0, got;
	int rc = 0;
	while (rc == 0 && (got = fread(ib + carry, 1, 65536, in)) > 0) {
		char *ip = ib, *op = ob;
		size_t il = carry + got, ol = sizeof ob;
		/* EINVAL: an incomplete character at the end, carried over */
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != EINVAL)
			rc = err_set(e, ERR_INVALID, "file_unreadable",
				     ENCODING_UNKNOWN);
		for (size_t off = 0, n = (size_t)(op - ob); rc == 0 && off < n;) {
			ssize_t w = write(fd, ob + off, n - off);
			if (w <= 0)
				rc = err_set(e, ERR_INTERNAL, "internal",
					     "无法写入临时文件");
			else
				off += (size_t)w;
		}
		memmove(ib, ip, il);
		carry = il;
	}
	iconv_close(cd);
	if (rc == 0 && (ferror(in) || carry))
		rc = err_set(e, ERR_INVALID, "file_unreadable",
			     ENCODING_UNKNOWN);
	return rc;
}

/* A CSV in UTF-8 is read as it is; one in GB18030 (what Excel on Chinese
 * Windows saves) is converted into a private temporary file, whose path is written
 * to `tmp` ("" when the file was UTF-8 already).  Both stream: a file of
 * any size costs little memory (uploads are capped by the server).
 * Errors: ERR_INVALID "file_unreadable" (neither encoding),
 * ERR_INTERNAL (temporary file). */
static int csv_to_utf8(const char *path, char tmp[64], err *e)
{
	tmp[0] = '\0';
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_INVALID, "file_unreadable", "无法读取文件");
	int utf8, rc = 0;
	if (head_is_utf8(f, &utf8) != 0) {
		fclose(f);
		return err_set(e, ERR_INVALID, "file_unreadable", "无法读取文件");
	}
	if (utf8) {
		fclose(f);
		return 0;
	}
	rewind(f);
	const char *dir = getenv("TMPDIR");
	snprintf(tmp, 64, "%.40s/guanai-csv-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fclose(f);
		tmp[0] = '\0';
		return err_set(e, ERR_INTERNAL, "internal", "无法创建临时文件");
	}
	rc = convert_gb18030(f, fd, e);
	fclose(f);
	if (close(fd) != 0 && rc == 0)
		rc = err_set(e, ERR_INTERNAL, "internal", "无法写入临时文件");
	if (rc) {
		unlink(tmp);
		tmp[0] = '\0';
	}
	return rc;
}

void childxlsx_result_free(childxlsx_result *r)
{
	free(r->report);
	json_decref(r->errors);
	memset(r, 0, sizeof *r);
}

int childxlsx_import(store *s, const actor *who, const char *path,
		     childxlsx_result *out, err *e)
{
	memset(out, 0, sizeof *out);
	out->errors = json_array();
	if (!perm_allows(who, PERM_CHILD_WRITE))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色无权导入儿童档案");
	import_ctx c = { .s = s, .who = who, .res = out };
	for (int i = 0; i < NCOLS; i++)
		c.paths[i] = cols[i].path;
	char tmp[64] = "";
	int xlsx = is_xlsx(path);
	int rc = xlsx ? 0 : csv_to_utf8(path, tmp, e);
	if (rc)
		return rc;
	c.villages = xcalloc(1, sizeof *c.villages);
	rc = store_bulk(s, 1, &out->alone, e);
	/* In batches, the whole file's read runs beside the import; alone,
	 * the import is one transaction, ended by the reader's own read. */
	checker k;
	if (!out->alone) {
		checker_start(&k, xlsx, *tmp ? tmp : path);
		c.readable = &k;
	}
	if (rc == 0)
		rc = import_rows(&c, xlsx, *tmp ? tmp : path, e);
	/* A file that cannot be read to its end: that is the error, and
	 * nothing was committed (every commit waits for this).  An import
	 * that failed already needs no verdict: the read is stopped. */
	if (rc && c.readable)
		atomic_store(&k.stop, 1);
	err ke;
	int krc = checker_wait(c.readable, &ke);
	if (rc == 0 && krc) {
		rc = krc;
		if (e)
			*e = ke;
	}
	if (*tmp)
		unlink(tmp);
	if (rc == 0 && !c.header_seen)
		rc = err_set(e, ERR_INVALID, "bad_template",
			     "未找到模板的表头行（第一列应为“姓名*”），请使用系统提供的导入模板");
	if (c.in_tx) {
		if (rc == 0)
			rc = store_commit(s, e);
		else
			store_rollback(s);
	}
	/* The import's outcome stands whatever this says: the cache only
	 * shrinks back, and on failure the error is the import's. */
	store_bulk(s, 0, NULL, NULL);
	strset_free(&c.seen);
	strset_free(&c.failed);
	free(c.villages);
	if (rc == 0 && c.report)
		rc = xlsxout_close_mem(c.report, &out->report,
				       &out->report_len, e);
	else
		xlsxout_abandon(c.report);
	if (rc == 0) {
		char detail[160];
		snprintf(detail, sizeof detail,
			 "{\"rows\":%ld,\"imported\":%ld,\"skipped\":%ld,"
			 "\"failed\":%ld}",
			 out->rows, out->imported, out->skipped, out->failed);
		audit_entry a = { .at = who->now,
				  .actor = who->u ? who->u->username : "system",
				  .action = "child_import",
				  .region_code = who->u ? who->u->region : "",
				  .ip = who->ip,
				  .detail = detail };
		if ((rc = store_begin(s, e)) == 0 &&
		    ((rc = audit_append(s, &a, e)) ||
		     (rc = store_commit(s, e))))
			store_rollback(s);
	}
	return rc;
}

/* ---- CSV in the template's shape ---- */

static void csv_cell(FILE *f, const char *v, int first)
{
	if (!first)
		fputc(',', f);
	if (!strpbrk(v, ",\"\r\n")) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

void childxlsx_csv_header(FILE *f)
{
	for (int i = 0; i < NCOLS; i++)
		csv_cell(f, cols[i].title, i == 0);
	fputs("\r\n", f);
}

void childxlsx_csv_row(FILE *f, const child *c)
{
	json_t *o = child_to_json(c);
	for (int i = 0; i < NCOLS; i++) {
		const char *path = cols[i].path, *dot = strchr(path, '.');
		json_t *v;
		if (dot) {
			char head[32];
			snprintf(head, sizeof head, "%.*s", (int)(dot - path),
				 path);
			v = json_object_get(json_object_get(o, head), dot + 1);
		} else {
			v = json_object_get(o, path);
		}
		const char *text = "";
		if (json_is_string(v)) {
			text = json_string_value(v);
			if (cols[i].kind == K_CODE)
				text = code_label(cols[i].codes,
						  code_value(cols[i].codes, text));
			else if (cols[i].kind == K_HUKOU)
				text = strcmp(text, "none") ? "有户籍" : "无户籍";
		} else if (json_is_boolean(v)) {
			text = json_is_true(v) ? "是" : "否";
		}
		csv_cell(f, text, i == 0);
	}
	fputs("\r\n", f);
	json_decref(o);
}

/* ---- export ---- */

static const char *codes_text(unsigned bits, int count,
			      const char *(*label)(unsigned), char *out,
			      size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < count; i++)
		if (bits & (1u << i))
			used += (size_t)snprintf(out + used,
						 used < n ? n - used : 0,
						 "%s%s", used ? "、" : "",
						 label(1u << i));
	return out;
}

int childxlsx_export(store *s, const actor *who, const childrec_query *q,
		     const exportmark *mark, char **bytes, size_t *len,
		     char filename[128], err *e)
{
	char today[11];
	date_of(who->now, today);
	/* The list call checks role, scope and every filter first. */
	childrec_query page = *q;
	page.kind = PRIVACY_EXPORT;	/* the file's rows, not a list's */
	page.offset = 0;
	page.limit = 200;
	json_t *first;
	int rc = childrec_list(s, who, &page, &first, e);
	if (rc)
		return rc;
	json_int_t total = json_integer_value(json_object_get(first, "total"));
	json_decref(first);
	if (total > CHILDXLSX_EXPORT_MAX)
		return err_set(e, ERR_TOOBIG, "export_too_big",
			       "符合条件的记录有%lld条，超过单次导出上限%d条，请缩小范围",
			       (long long)total, CHILDXLSX_EXPORT_MAX);
	if ((rc = exportmark_check(s, who, mark,
				   privacy_full(who, PRIVACY_EXPORT), total, e)))
		return rc;
	const char *scope = q->region ? q->region
				      : (who->u ? who->u->region : "22");
	region g;
	char path[512] = "";
	if (region_resolve(s, NULL, scope, &g, NULL) == 0)
		region_path_text(s, g.code, path, sizeof path, NULL);
	xlsxout *x;
	if ((rc = exportmark_xlsx_open(who, mark, "儿童档案", &x, e)))
		return rc;
	char line[700];
	static const xlsxout_col out_cols[] = {
		{ "序号", 6, XLSXOUT_NUMBER },	   { "姓名", 10, XLSXOUT_TEXT },
		{ "性别", 6, XLSXOUT_TEXT },	   { "出生日期", 12, XLSXOUT_DATE },
		{ "年龄", 6, XLSXOUT_NUMBER },	   { "身份证号", 21, XLSXOUT_TEXT },
		{ "居住地", 24, XLSXOUT_TEXT },	   { "类别", 30, XLSXOUT_TEXT },
		{ "重点对象", 20, XLSXOUT_TEXT },  { "受委托监护人", 12, XLSXOUT_TEXT },
		{ "联系电话", 14, XLSXOUT_TEXT },  { "最近走访", 12, XLSXOUT_DATE },
		{ "状态", 8, XLSXOUT_TEXT },
	};
	snprintf(line, sizeof line, "区划：%.400s　　统计日期：%s　　导出人：%s", path,
		 today, who->u ? who->u->username : "system");
	if ((rc = xlsxout_header_line(x, "农村留守儿童和困境儿童档案名册", e)) ||
	    (rc = xlsxout_header_line(x, line, e)))
		goto fail;
	{
		/* Every filter the list was made with, so a printed sheet
		 * says what it counts. */
		size_t u = (size_t)snprintf(line, sizeof line, "筛选：");
		const struct {
			const char *label, *value;
		} fl[] = {
			{ "区划", q->region },	 { "类别", q->category },
			{ "重点标记", q->flag }, { "搜索", q->q },
			{ "状态", q->status },	 { "最小年龄", q->age_min },
			{ "最大年龄", q->age_max },
			{ "未走访天数", q->not_visited_days },
		};
		int any = 0;
		for (size_t i = 0; i < sizeof fl / sizeof *fl; i++) {
			if (!fl[i].value || u >= sizeof line)
				continue;
			u += (size_t)snprintf(line + u, sizeof line - u,
					      "%s%s=%.40s", any ? "，" : "",
					      fl[i].label, fl[i].value);
			any = 1;
		}
		if (!any && u < sizeof line)
			snprintf(line + u, sizeof line - u, "全部在册儿童");
	}
	/* A masked sheet leaves the birth-date column out: the list gives
	 * the age instead (privacy.h). */
	enum { NOUT = sizeof out_cols / sizeof *out_cols, BIRTH_COL = 3 };
	int see = privacy_full(who, PRIVACY_EXPORT);
	xlsxout_col shown[NOUT];
	int ncols = 0;
	for (int c = 0; c < NOUT; c++)
		if (see || c != BIRTH_COL)
			shown[ncols++] = out_cols[c];
	if ((rc = xlsxout_header_line(x, line, e)) ||
	    (rc = xlsxout_columns(x, shown, ncols, e)))
		goto fail;
	long seq = 0;
	for (int64_t off = 0; off < total; off += 200) {
		page.offset = off;
		json_t *lst;
		if ((rc = childrec_list(s, who, &page, &lst, e)))
			goto fail;
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(lst, "items"), i, it) {
			char num[24], age[24], cats[200], flags[200];
			unsigned cb = 0, fb = 0;
			size_t k;
			json_t *v;
			json_array_foreach(json_object_get(it, "categories"), k, v)
				cb |= classify_category_bit(json_string_value(v));
			json_array_foreach(json_object_get(it, "flags"), k, v)
				fb |= classify_flag_bit(json_string_value(v));
			snprintf(num, sizeof num, "%ld", ++seq);
			snprintf(age, sizeof age, "%lld",
				 (long long)json_integer_value(
					 json_object_get(it, "age")));
			const char *sex = json_string_value(json_object_get(it, "sex"));
			const char *all[] = {
				num,
				json_string_value(json_object_get(it, "name")),
				sex && !strcmp(sex, "male") ? "男" : "女",
				json_string_value(json_object_get(it, "birth_date")),
				age,
				json_string_value(json_object_get(it, "id_number")),
				json_string_value(json_object_get(it, "region_name")),
				codes_text(cb, CAT_COUNT, classify_category_label,
					   cats, sizeof cats),
				codes_text(fb, FLAG_COUNT, classify_flag_label,
					   flags, sizeof flags),
				json_string_value(json_object_get(it, "guardian_name")),
				json_string_value(json_object_get(it, "contact_phone")),
				json_string_value(json_object_get(it, "last_visit_date")),
				strcmp(json_string_value(json_object_get(it, "status")),
				       "active") ? "已退出" : "在册",
			};
			_Static_assert(sizeof all / sizeof *all == NOUT,
				       "a cell per column");
			const char *cells[NOUT];
			int n_cells = 0;
			for (int c = 0; c < NOUT; c++)
				if (see || c != BIRTH_COL)
					cells[n_cells++] = all[c];
			if ((rc = xlsxout_row(x, cells, n_cells, e))) {
				json_decref(lst);
				goto fail;
			}
		}
		json_decref(lst);
	}
	if ((rc = xlsxout_close_mem(x, bytes, len, e)))
		return rc;
	snprintf(filename, 128, "儿童档案_%.60s_%s.xlsx", g.name, today);
	char detail[300];
	snprintf(detail, sizeof detail, "{\"rows\":%ld,\"region\":\"%s\"}", seq,
		 g.code);
	audit_entry a = { .at = who->now,
			  .actor = who->u ? who->u->username : "system",
			  .action = "child_export",
			  .region_code = g.code,
			  .ip = who->ip,
			  .detail = detail };
	if ((rc = store_begin(s, e)) == 0 &&
	    ((rc = audit_append(s, &a, e)) || (rc = store_commit(s, e))))
		store_rollback(s);
	if (rc) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
fail:
	xlsxout_abandon(x);
	return rc;
}
