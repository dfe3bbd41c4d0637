#include "domain/children/childxlsx_import.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <iconv.h>
#include <unistd.h>

#include "domain/core/audit.h"
#include "domain/children/child_codes.h"
#include "domain/children/childrec.h"
#include "domain/children/childxlsx.h"
#include "domain/children/classify.h"
#include "domain/core/exportmark.h"
#include "domain/core/idcard.h"
#include "domain/core/perm.h"
#include "domain/core/privacy.h"
#include "io/cellnorm.h"
#include "io/csvfile.h"
#include "io/xlsxin.h"
#include "io/xlsxout.h"
#include "util/date.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/queue.h"
#include "util/strset.h"
#include "util/text.h"

/* The template's columns (childxlsx.h). */
static const childxlsx_col *const cols = childxlsx__cols;
enum { NCOLS = CHILDXLSX_NCOLS };

/* ---- import ---- */

static int cell_code(const code_entry *t, const char *in, const char **code)
{
	for (const code_entry *c = t; c->code; c++)
		if (strcmp(c->label, in) == 0 || strcmp(c->code, in) == 0) {
			*code = c->code;
			return 0;
		}
	/* Common spellings that differ from the labels, and the national
	 * system's vocabulary (NATIONAL.md §3, SPEC §13.5). */
	static const struct {
		const char *alias, *code;
	} aliases[] = {
		{ "外出务工（省内）", "migrant_in_province" },
		{ "外出务工（省外）", "migrant_out_province" },
		{ "外出务工(省内)", "migrant_in_province" },
		{ "外出务工(省外)", "migrant_out_province" },
		{ "服刑", "imprisoned" },
		{ "无人监护", "none" },
		{ "父或母无监护能力", "poor" },
		{ "受委托监护人监护能力不足", "poor" },
		{ "监护情况一般", "fair" },
		{ "监护情况较好", "good" },
		{ "1", "male" },
		{ "2", "female" },
	};
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (strcmp(aliases[i].alias, in) == 0 &&
		    code_value(t, aliases[i].code) >= 0) {
			*code = aliases[i].code;
			return 0;
		}
	return -1;
}

/* ---- where the columns are: the header row, found by its titles ----
 *
 * Files come from the template, from the project's own exports, from the
 * national system's 2016 form and from whatever a township made: the
 * header row is the first of the first HEADER_ROWS rows (of the first
 * sheet that has one) in which at least HEADER_MIN titles are known,
 * and each column is taken by its title, in any order.  Titles match
 * without `*`/`＊`, spaces, line breaks and full-width forms. */
enum { HEADER_ROWS = 30, HEADER_MIN = 3, TITLE_MAX = 64, MAX_IGNORED = 64 };

/* Other titles of the template's columns: the national 2016 form's
 * (NATIONAL.md §2) and common ones. */
static const struct {
	const char *title, *path;
} title_aliases[] = {
	{ "儿童姓名", "name" },
	{ "出生年月日", "birth_date" },
	{ "身份证号码", "id_number" },
	{ "公民身份证号码", "id_number" },
	{ "儿童身份证号", "id_number" },
	{ "儿童身份证号码", "id_number" },
	{ "是否登记户口", "hukou_status" },
	{ "户口登记", "hukou_status" },
	{ "是否农村户籍", "hukou_rural" },
	{ "区划代码", "region_code" },
	{ "现居住地区划代码", "region_code" },
	{ "户籍所在地区划代码", "hukou_region" },
	{ "现居住地", "address" },
	{ "现居住地址", "address" },
	{ "家庭地址", "address" },
	{ "住址", "address" },
	{ "学校", "school" },
	{ "就读学校名称", "school" },
	{ "儿童联系电话", "contact_phone" },
	{ "父亲身份证号码", "father.id_number" },
	{ "父亲公民身份证号码", "father.id_number" },
	{ "父亲联系电话", "father.phone" },
	{ "父亲特殊情况", "father.status" },
	{ "父亲当前务工地点", "father.work_place" },
	{ "父亲务工地点", "father.work_place" },
	{ "母亲身份证号码", "mother.id_number" },
	{ "母亲公民身份证号码", "mother.id_number" },
	{ "母亲联系电话", "mother.phone" },
	{ "母亲特殊情况", "mother.status" },
	{ "母亲当前务工地点", "mother.work_place" },
	{ "母亲务工地点", "mother.work_place" },
	{ "委托监护人姓名", "guardian.name" },
	{ "监护人姓名", "guardian.name" },
	{ "受委托监护人身份证号码", "guardian.id_number" },
	{ "受委托监护人身份证号", "guardian.id_number" },
	{ "监护人身份证号码", "guardian.id_number" },
	{ "受委托监护人与儿童关系", "guardian.relationship" },
	{ "与儿童关系", "guardian.relationship" },
	{ "受委托监护人联系电话", "guardian.phone" },
	{ "受委托监护人电话", "guardian.phone" },
	{ "监护人联系电话", "guardian.phone" },
	{ "监护类型", "guardianship" },
	{ "监护情况", "guardianship" },
	{ "实际监护情况", "guardianship" },
	{ "心理健康状况", "mental_health" },
	{ "就学情况", "education" },
	{ "就学状况", "education" },
	{ "患病类型", "illness" },
};

/* A title as compared: through cellnorm_text (structured), without `*`,
 * spaces, and a trailing "(必填)". */
static void title_key(const char *in, char out[TITLE_MAX])
{
	char t[TITLE_MAX * 2];
	snprintf(t, sizeof t, "%s", in);
	cellnorm_text(t, 0, 1);
	size_t w = 0;
	for (const char *p = t; *p && w < TITLE_MAX - 1; p++)
		if (*p != '*' && *p != ' ')
			out[w++] = *p;
	out[w] = '\0';
	static const char req[] = "(必填)";
	size_t rl = sizeof req - 1;
	if (w > rl && strcmp(out + w - rl, req) == 0)
		out[w - rl] = '\0';
}

/* The template column a title names, or -1. */
static int column_of(const char *key)
{
	char k[TITLE_MAX];
	for (int i = 0; i < NCOLS; i++) {
		title_key(cols[i].title, k);
		if (strcmp(k, key) == 0)
			return i;
	}
	for (size_t j = 0; j < sizeof title_aliases / sizeof *title_aliases;
	     j++)
		if (strcmp(title_aliases[j].title, key) == 0)
			for (int i = 0; i < NCOLS; i++)
				if (strcmp(cols[i].path, title_aliases[j].path) == 0)
					return i;
	return -1;
}

/* Copies `src` into out[0..n) cut at a character, not inside one: what
 * is cut stays valid UTF-8 for the JSON answer. */
static void copy_cut(char *out, size_t n, const char *src)
{
	size_t l = strlen(src);
	if (l >= n) {
		l = n - 1;
		while (l > 0 && ((unsigned char)src[l] & 0xC0) == 0x80)
			l--;
	}
	memcpy(out, src, l);
	out[l] = '\0';
}

/* Where the template's columns are in the file. */
typedef struct layout {
	int sheet;		/* the worksheet's index (xlsxin_book), -1: CSV */
	char sheet_name[96];
	int date1904;
	long header_row;	/* 0: not found */
	int at[NCOLS];		/* the file's column of template column i, or -1 */
	char title[NCOLS][TITLE_MAX];	/* as the file writes it, for messages */
	int nignored;
	char ignored[MAX_IGNORED][TITLE_MAX];	/* columns not imported */
} layout;

static int is_required(int i)
{
	return strchr(cols[i].title, '*') != NULL;
}

/* The title for messages: the file's, else the template's, without `*`
 * and spaces ("性　别＊" is 性别). */
static void shown_title(const layout *l, int i, char out[TITLE_MAX])
{
	const char *t = l && l->at[i] >= 0 ? l->title[i] : cols[i].title;
	size_t w = 0;
	while (*t && w < TITLE_MAX - 1) {
		if (*t == '*' || *t == ' ')
			t++;
		else if (strncmp(t, "＊", 3) == 0)
			t += 3;
		else
			out[w++] = *t++;
	}
	out[w] = '\0';
}

/* A row of the sheet as a header: 1 when it is one (l filled in). */
static int header_of(char **f, int n, layout *l)
{
	int at[NCOLS], known = 0;
	for (int i = 0; i < NCOLS; i++)
		at[i] = -1;
	for (int j = 0; j < n; j++) {
		char k[TITLE_MAX];
		title_key(f[j], k);
		int i = *k ? column_of(k) : -1;
		if (i >= 0 && at[i] < 0) {
			at[i] = j;
			known++;
		}
	}
	if (known < HEADER_MIN)
		return 0;
	l->nignored = 0;
	for (int i = 0; i < NCOLS; i++) {
		l->at[i] = at[i];
		l->title[i][0] = '\0';
		if (at[i] >= 0) {
			char t[TITLE_MAX * 2];
			snprintf(t, sizeof t, "%s", f[at[i]]);
			cellnorm_text(t, 0, 0);
			copy_cut(l->title[i], TITLE_MAX, t);
		}
	}
	for (int j = 0; j < n && l->nignored < MAX_IGNORED; j++) {
		int used = 0;
		for (int i = 0; i < NCOLS && !used; i++)
			used = at[i] == j;
		char t[TITLE_MAX * 2];
		snprintf(t, sizeof t, "%s", f[j]);
		if (!used && cellnorm_text(t, 0, 0) > 0) {
			char c[8], name[TITLE_MAX - 16];
			cellnorm_col_name(j, c);
			copy_cut(name, sizeof name, t);
			snprintf(l->ignored[l->nignored++], TITLE_MAX, "%s（%.5s列）",
				 name, c);
		}
	}
	return 1;
}

typedef struct probe {
	layout *l;
	long row;
} probe;

/* Stops a probe's read: not an error. */
enum { PROBE_DONE = 1 };

static int probe_row(void *vp, char **f, int n, long row, err *e)
{
	probe *p = vp;
	(void)e;
	if (row > HEADER_ROWS)
		return PROBE_DONE;
	if (header_of(f, n, p->l)) {
		p->l->header_row = row;
		return PROBE_DONE;
	}
	return 0;
}

#define SAVE_AS "请保存为 UTF-8 或 GB18030（GBK）编码的 CSV，或使用 Excel 模板"
#define ENCODING_UNKNOWN "文件编码无法识别：" SAVE_AS
#define NO_HEADER                                                        \
	"未找到表头行：前30行中没有“姓名”“性别”“出生日期”等列标题，"     \
	"请使用系统提供的导入模板，或在表格中加上这些列标题"

/* Finds the header: in the CSV file, or in the workbook's sheets,
 * visible ones first in tab order.  Errors: the readers', and
 * ERR_INVALID "bad_template" (no header; a required column missing). */
static int locate_header(int xlsx, const char *path, layout *l, err *e)
{
	memset(l, 0, sizeof *l);
	l->sheet = -1;
	probe p = { l, 0 };
	int rc;
	if (!xlsx) {
		rc = csvfile_read(path, probe_row, &p, e);
	} else {
		xlsxin_book *b = xmalloc(sizeof *b);
		rc = xlsxin_book_read(path, b, e);
		l->date1904 = rc == 0 && b->date1904;
		for (int pass = 0; rc == 0 && pass < 2 && !l->header_row; pass++)
			for (int i = 0; i < b->n && !l->header_row; i++) {
				if (b->hidden[i] != pass)
					continue;
				rc = xlsxin_read_sheet(path, i, probe_row, &p, e);
				if (rc != 0 && rc != PROBE_DONE)
					break;
				rc = 0;
				if (l->header_row) {
					l->sheet = i;
					snprintf(l->sheet_name, sizeof l->sheet_name,
						 "%s", b->name[i]);
				}
			}
		free(b);
	}
	if (rc == PROBE_DONE)
		rc = 0;
	if (rc)
		return rc;
	if (!l->header_row)
		return err_set(e, ERR_INVALID, "bad_template", NO_HEADER);
	char missing[320] = "";
	size_t w = 0;
	for (int i = 0; i < NCOLS; i++)
		if (is_required(i) && l->at[i] < 0) {
			char t[TITLE_MAX];
			shown_title(NULL, i, t);
			int k = snprintf(missing + w, sizeof missing - w, "%s“%s”",
					 w ? "、" : "", t);
			if (k > 0 && (size_t)k < sizeof missing - w)
				w += (size_t)k;
		}
	if (w)
		return err_set(e, ERR_INVALID, "bad_template",
			       "第%ld行的表头缺少必填列：%s", l->header_row,
			       missing);
	return 0;
}

/* ---- cells ---- */

/* "第12行 身份证号（D12）：" */
static void cell_where(const layout *l, int i, long row, char *out, size_t n)
{
	char t[TITLE_MAX], c[8];
	shown_title(l, i, t);
	if (l->at[i] >= 0) {
		cellnorm_col_name(l->at[i], c);
		snprintf(out, n, "第%ld行 %s（%s%ld）：", row, t, c, row);
	} else {
		snprintf(out, n, "第%ld行 %s：", row, t);
	}
}

/* The labels a code column takes, for the message of a wrong one. */
static void code_labels(const code_entry *t, char *out, size_t n)
{
	size_t w = 0;
	out[0] = '\0';
	for (; t->code && w < n; t++) {
		int k = snprintf(out + w, n - w, "%s%s", w ? "、" : "", t->label);
		if (k < 0 || (size_t)k >= n - w)
			break;
		w += (size_t)k;
	}
}

/* The cells of the template's columns in a row, read by the layout and
 * normalised in place (cellnorm.h): cell[i], "" when the file has no
 * such column.  1 when every one is empty (a blank row, or one with only
 * a 序号 or another ignored column filled). */
static int row_normalise(const layout *l, char **f, int n,
			 char *cell[NCOLS])
{
	static char empty[1];
	int blank = 1;
	for (int i = 0; i < NCOLS; i++) {
		int j = l->at[i];
		char *v = j >= 0 && j < n ? f[j] : empty;
		if (*v) {
			childxlsx_kind k = cols[i].kind;
			cellnorm_text(v, k == CHILDXLSX_LINES,
				      k != CHILDXLSX_TEXT && k != CHILDXLSX_LINES);
			blank &= *v == '\0';
		}
		cell[i] = v;
	}
	return blank;
}

/* The error of a cell row_cells could not read: what is wrong and how
 * to write it, after where it is. */
static int cell_refused(const layout *l, int i, long row, const char *v,
			err *e)
{
	char where[128], shown[48], why[220], labels[100], full[300];
	cell_where(l, i, row, where, sizeof where);
	copy_cut(shown, sizeof shown, v);
	switch (cols[i].kind) {
	case CHILDXLSX_IDNUM:
		snprintf(why, sizeof why,
			 "身份证号被Excel存成了数字（%s），末几位已经丢失："
			 "请把这一列设为“文本”格式，重新录入身份证号后再导入",
			 shown);
		break;
	case CHILDXLSX_DATE:
		snprintf(why, sizeof why,
			 "日期“%s”无法识别，请写成 2012-05-01 或 2012年5月1日",
			 shown);
		break;
	case CHILDXLSX_CODE:
		code_labels(cols[i].codes, labels, sizeof labels);
		snprintf(why, sizeof why, "“%s”不是可填的值（可填：%s）", shown,
			 labels);
		break;
	case CHILDXLSX_YESNO:
		snprintf(why, sizeof why, "应填“是”或“否”，不是“%s”", shown);
		break;
	case CHILDXLSX_HUKOU:
		snprintf(why, sizeof why, "应填“有户籍”或“无户籍”，不是“%s”",
			 shown);
		break;
	default:
		snprintf(why, sizeof why, "文字编码有误");
		break;
	}
	size_t wl = strlen(where);
	copy_cut(full, sizeof full, where);
	copy_cut(full + wl, sizeof full - wl, why);
	return err_set(e, ERR_INVALID, "invalid_cell", "%s", full);
}

/* One row's normalised cells as the record's values: val[i] as the API
 * has it (a code, "true"/"false", a date YYYY-MM-DD in buf[i]) or NULL
 * when empty; or an error naming the column title and the cell.  Text
 * that is not UTF-8 is refused, as jansson refused it when rows went
 * through JSON, unless `utf8` says the whole row was checked already
 * (row_encoding). */
static int row_cells(const layout *l, char *cell[NCOLS], long row, int utf8,
		     const char *val[NCOLS], char nbuf[NCOLS][32], err *e)
{
	for (int i = 0; i < NCOLS; i++) {
		val[i] = NULL;
		char *v = cell[i];
		if (!*v)
			continue;
		const childxlsx_col *c = &cols[i];
		const char *code, *j = NULL;
		int b;
		switch (c->kind) {
		case CHILDXLSX_TEXT:
		case CHILDXLSX_LINES:
			if (utf8 || text_is_utf8(v, strlen(v)))
				j = v;
			break;
		case CHILDXLSX_IDNUM:
			if (cellnorm_idnumber(v) == 0)
				j = v;
			break;
		case CHILDXLSX_PHONE:
			cellnorm_phone(v);
			j = v;
			break;
		case CHILDXLSX_REGION:
			j = cellnorm_digits(v, nbuf[i]);
			break;
		case CHILDXLSX_DATE:
			if (cellnorm_date(v, l->date1904, nbuf[i]) == 0)
				j = nbuf[i];
			break;
		case CHILDXLSX_CODE:
			if (cell_code(c->codes, v, &code) == 0)
				j = code;
			break;
		case CHILDXLSX_YESNO:
			b = cellnorm_bool(v);
			if (b >= 0)
				j = b ? "true" : "false";
			break;
		case CHILDXLSX_HUKOU:
			b = !strcmp(v, "有户籍") || !strcmp(v, "有") ||
					    !strcmp(v, "registered")
				? 1
			    : !strcmp(v, "无户籍") || !strcmp(v, "无") ||
					    !strcmp(v, "none")
				? 0
				: cellnorm_bool(v);
			if (b >= 0)
				j = b ? "registered" : "none";
			break;
		}
		if (!j)
			return cell_refused(l, i, row, v, e);
		val[i] = j;
	}
	return 0;
}

/* A record's error as the user reads it: "第12行 身份证号（D12）：…",
 * never with the API's field names ("字段 id_number 过长" says
 * "过长"; a path left in the text becomes its column's title). */
static void row_reason(const layout *l, long row, const err *re, char *out,
		       size_t n)
{
	int col = -1;
	for (int i = 0; i < NCOLS && re->field[0]; i++)
		if (strcmp(cols[i].path, re->field) == 0)
			col = i;
	char where[160];
	if (col >= 0)
		cell_where(l, col, row, where, sizeof where);
	else
		snprintf(where, sizeof where, "第%ld行：", row);
	const char *m = re->msg;
	if (strcmp(re->key, "missing_field") == 0 && col >= 0)
		m = "必填，不能为空";
	else if (strncmp(m, "字段 ", 7) == 0) {
		const char *sp = strchr(m + 7, ' ');
		if (sp)
			m = sp + 1;
	}
	/* Any path still in the text: its title instead. */
	char body[400];
	size_t w = 0;
	for (const char *p = m; *p && w < sizeof body - 1;) {
		size_t k = 0;
		while ((p[k] >= 'a' && p[k] <= 'z') || p[k] == '_' || p[k] == '.')
			k++;
		int hit = -1;
		for (int i = 0; k >= 3 && i < NCOLS && hit < 0; i++)
			if (strlen(cols[i].path) == k &&
			    strncmp(cols[i].path, p, k) == 0)
				hit = i;
		if (hit >= 0) {
			char t[TITLE_MAX];
			shown_title(l, hit, t);
			int c = snprintf(body + w, sizeof body - w, "“%s”", t);
			if (c > 0)
				w += (size_t)c < sizeof body - w ? (size_t)c
								 : sizeof body - 1 - w;
			p += k;
		} else {
			size_t take = k ? k : 1;
			while (take-- && w < sizeof body - 1)
				body[w++] = *p++;
		}
	}
	body[w] = '\0';
	size_t wl = strlen(where);
	copy_cut(out, n, where);
	if (wl < n)
		copy_cut(out + wl, n - wl, body);
}

/* The template's sample row (childxlsx.h): marked in its name cell, and
 * in templates from before the mark, told by its ID number. */
static int is_sample(char *cell[NCOLS])
{
	return strncmp(cell[0], CHILDXLSX_SAMPLE_MARK,
		       strlen(CHILDXLSX_SAMPLE_MARK)) == 0 ||
	       strcmp(cell[3], CHILDXLSX_SAMPLE_ID) == 0;
}

/* The rows of the layout's sheet or of a CSV file (UTF-8), one call of
 * `fn` each. */
static int read_file(int xlsx, int sheet, const char *path, xlsxin_row_fn fn,
		     void *ctx, err *e)
{
	return xlsx ? xlsxin_read_sheet(path, sheet, fn, ctx, e)
		    : csvfile_read(path, fn, ctx, e);
}

typedef struct checker checker;

typedef struct import_ctx {
	store *s;
	checker *readable;	/* the whole file's read: waited for at commits */
	const actor *who;
	childxlsx_result *res;
	const layout *l;
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
	int xlsx, sheet;
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
	k->rc = read_file(k->xlsx, k->sheet, k->path, skip_row, k, &k->e);
	return NULL;
}

static void checker_start(checker *k, int xlsx, int sheet, const char *path)
{
	k->path = path;
	k->xlsx = xlsx;
	k->sheet = sheet;
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

static int report_row(import_ctx *c, long row, char **f, int n,
		      const char *why, err *e)
{
	if (!c->report) {
		/* The rows come back to the one who sent them, marked like
		 * any export of children's data. */
		exportmark m;
		exportmark_init(&m, "导入未成功行报告", NULL);
		int rc = exportmark_xlsx_open(c->who, &m, "导入未成功的行",
					      &c->report, e);
		if (rc ||
		    (rc = xlsxout_header_line(
			     c->report, "儿童信息导入：未导入的行及原因", e)) ||
		    (rc = childxlsx__write_columns(c->report, cols, NCOLS,
						   "原表行号", "未导入原因",
						   e)))
			return rc;
	}
	/* Where the row was and the reason, after the template's columns:
	 * the report, corrected, imports again (its extra columns are
	 * ignored). */
	const char *cells[NCOLS + 2];
	char at[24];
	snprintf(at, sizeof at, "%ld", row);
	for (int i = 0; i < NCOLS; i++)
		cells[i] = i < n ? f[i] : "";
	cells[NCOLS] = at;
	cells[NCOLS + 1] = why;
	return xlsxout_row(c->report, cells, NCOLS + 2, e);
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
	return report_row(c, row, f, n, why, e);
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
	int n;			/* cells kept, in the template's order: NCOLS */
	char **f;
	int rc;
	int sample;		/* the template's sample row: never imported */
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
	const layout *l;
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
	/* Lines above the header row (titles, notes) and the header row
	 * itself are passed over. */
	if (row <= r->l->header_row)
		return 0;
	char *cell[NCOLS];
	if (row_normalise(r->l, f, n, cell))
		return 0;
	row_item *it = item_new(row, cell, NCOLS);
	memset(&it->cr, 0, sizeof it->cr);
	it->looked = it->outside = 0;
	it->other = 0;
	err_clear(&it->re);
	it->sample = is_sample(cell);
	const char *val[NCOLS];
	char nbuf[NCOLS][32];
	it->rc = it->sample ? 0
			    : row_cells(r->l, cell, row, r->encoding, val, nbuf,
					&it->re);
	if (it->rc == 0 && !it->sample) {
		child_cells cells = { NCOLS, r->paths, val };
		it->rc = childrec_check_cells(r->who, &cells, &it->ch, &it->cr,
					      &it->re);
	}
	if (it->sample)
		it->ch.id_number[0] = '\0';
	it->earlier = it->rc == 0 && it->ch.id_number[0]
			      ? strset_bump(&r->ids, it->ch.id_number)
			      : 0;
	item_cells(it, cell);
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
	r->rc = read_file(r->xlsx, r->l->sheet, r->path, read_row, r, &r->e);
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
	if (it->sample)
		return note_error(c, row, f, n,
				  "模板中的示例行，不导入（可删除此行）", 1, e);
	if (rc == 0) {
		rc = childrec_prepare_checked(c->s, c->who, c->villages, ch, cr,
					      &re);
		if (rc && ch->id_number[0])
			strset_bump(&c->failed, ch->id_number);
	}
	if (rc) {
		if (strcmp(re.key, "invalid_cell") == 0)
			snprintf(why, sizeof why, "%s", re.msg);
		else
			row_reason(c->l, row, &re, why, sizeof why);
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
	reader r = { .path = path, .xlsx = xlsx, .who = c->who, .l = c->l,
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
	if (rc == 0 && r.rc) {
		rc = r.rc;
		if (e)
			*e = r.e;
	}
	return rc;
}

/* What the file is, by its first bytes (never by its name or the type
 * the browser claims): 1 a zip (.xlsx), 0 text (CSV); or an error for
 * the spreadsheet formats not read here.  An .xls (an OLE2 compound file,
 * as is an .xlsx Excel encrypted) or an .ods would otherwise be taken for
 * a CSV in an unknown encoding. */
static int file_kind(const char *path, err *e)
{
	FILE *f = fopen(path, "rb");
	unsigned char m[128] = { 0 };
	if (!f)
		return 0;
	size_t n = fread(m, 1, sizeof m, f);
	fclose(f);
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0,
					      0xA1, 0xB1, 0x1A, 0xE1 };
	if (n >= 8 && memcmp(m, ole, 8) == 0)
		return err_set(e, ERR_INVALID, "xlsx_malformed",
			       "文件是旧版Excel（.xls）或设有密码的Excel文件，"
			       "无法直接导入：请在Excel或WPS中（取消密码并）"
			       "“另存为”Excel工作簿（.xlsx）后再导入");
	if (n < 4 || m[0] != 'P' || m[1] != 'K' || m[2] != 3 || m[3] != 4)
		return 0;
	/* An OpenDocument file starts with its uncompressed "mimetype". */
	static const char ods[] = "application/vnd.oasis.opendocument";
	for (size_t i = 30; i + sizeof ods - 1 <= n; i++)
		if (memcmp(m + i, ods, sizeof ods - 1) == 0)
			return err_set(e, ERR_INVALID, "xlsx_malformed",
				       "文件是OpenDocument表格（.ods），无法直接导入："
				       "请在WPS或LibreOffice中“另存为”Excel工作簿"
				       "（.xlsx）后再导入");
	return 1;
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

/* `from` (GB18030, UTF-16) → UTF-8 from `in` to the file `fd`, a chunk
 * at a time. */
static int convert_to_utf8(FILE *in, const char *from, int fd, err *e)
{
	iconv_t cd = iconv_open("UTF-8", from);
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
	/* UTF-16 with its byte order mark: what Excel's "Unicode text" and
	 * some exports write. */
	unsigned char bom[2] = { 0, 0 };
	int utf16 = fread(bom, 1, 2, f) == 2 &&
		    ((bom[0] == 0xFF && bom[1] == 0xFE) ||
		     (bom[0] == 0xFE && bom[1] == 0xFF));
	rewind(f);
	if (!utf16 && head_is_utf8(f, &utf8) != 0) {
		fclose(f);
		return err_set(e, ERR_INVALID, "file_unreadable", "无法读取文件");
	}
	if (!utf16 && utf8) {
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
	rc = convert_to_utf8(f, utf16 ? "UTF-16" : "GB18030", fd, e);
	fclose(f);
	if (close(fd) != 0 && rc == 0)
		rc = err_set(e, ERR_INTERNAL, "internal", "无法写入临时文件");
	if (rc) {
		unlink(tmp);
		tmp[0] = '\0';
	}
	return rc;
}

void childxlsx_import_free(childxlsx_result *r)
{
	free(r->report);
	json_decref(r->errors);
	json_decref(r->ignored);
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
	int xlsx = file_kind(path, e);
	if (xlsx < 0)
		return xlsx;
	int rc = xlsx ? 0 : csv_to_utf8(path, tmp, e);
	if (rc)
		return rc;
	layout *l = xmalloc(sizeof *l);
	if ((rc = locate_header(xlsx, *tmp ? tmp : path, l, e))) {
		if (*tmp)
			unlink(tmp);
		free(l);
		return rc;
	}
	c.l = l;
	snprintf(out->sheet, sizeof out->sheet, "%s", l->sheet_name);
	out->header_row = l->header_row;
	out->ignored = json_array();
	for (int i = 0; i < l->nignored; i++)
		json_array_append_new(out->ignored, json_string(l->ignored[i]));
	c.villages = xcalloc(1, sizeof *c.villages);
	rc = store_bulk(s, 1, &out->alone, e);
	/* In batches, the whole file's read runs beside the import; alone,
	 * the import is one transaction, ended by the reader's own read. */
	checker k;
	if (!out->alone) {
		checker_start(&k, xlsx, l->sheet, *tmp ? tmp : path);
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
	free(l);
	if (rc == 0 && c.report)
		rc = xlsxout_close_mem(c.report, &out->report,
				       &out->report_len, e);
	else
		xlsxout_abandon(c.report);
	if (rc == 0)
		rc = audit_record_alone(
			s, who, "child_import", actor_scope(who),
			json_pack("{s:I, s:I, s:I, s:I}", "rows",
				  (json_int_t)out->rows, "imported",
				  (json_int_t)out->imported, "skipped",
				  (json_int_t)out->skipped, "failed",
				  (json_int_t)out->failed),
			e);
	return rc;
}
