#include "io/csvfile.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* The row being read: its fields' text one after another in `text`, each
 * NUL-terminated, at off[0..n); the pointers are made when the row ends,
 * as `text` may move while it grows.  No allocation per field; at most
 * CSVFILE_MAX_FIELDS * (CSVFILE_MAX_FIELD + 1) bytes. */
typedef struct reader {
	csvfile_row_fn fn;
	void *ctx;
	err *e;
	int rc;			/* first failure; stops everything after it */
	long line;
	int n;
	size_t off[CSVFILE_MAX_FIELDS];
	char *fields[CSVFILE_MAX_FIELDS];
	buf text;
} reader;

static void on_field(void *data, size_t len, void *vr)
{
	reader *r = vr;
	if (r->rc)
		return;
	if (r->n == CSVFILE_MAX_FIELDS) {
		r->rc = err_set(r->e, ERR_INVALID, "csv_malformed",
				"第%ld行字段过多（最多%d个）", r->line + 1,
				CSVFILE_MAX_FIELDS);
		return;
	}
	if (len > CSVFILE_MAX_FIELD) {
		r->rc = err_set(r->e, ERR_INVALID, "csv_malformed",
				"第%ld行有字段过长（最多%d字节）", r->line + 1,
				CSVFILE_MAX_FIELD);
		return;
	}
	const char *s = data ? data : "";
	/* A UTF-8 byte order mark on the first field of the file. */
	if (r->line == 0 && r->n == 0 && len >= 3 &&
	    memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		len -= 3;
	}
	r->off[r->n++] = r->text.len;
	buf_put(&r->text, s, len);
	buf_putc(&r->text, '\0');
}

static void on_row(int c, void *vr)
{
	reader *r = vr;
	(void)c;
	r->line++;
	for (int i = 0; i < r->n; i++)
		r->fields[i] = r->text.p + r->off[i];
	if (!r->rc)
		r->rc = r->fn(r->ctx, r->fields, r->n, r->line, r->e);
	r->n = 0;
	buf_reset(&r->text);
}

int csvfile_read(const char *path, csvfile_row_fn fn, void *ctx, err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_INVALID, "file_unreadable",
			       "无法读取文件: %s", strerror(errno));
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) !=
	    0) {
		fclose(f);
		return err_set(e, ERR_INTERNAL, "internal", "无法初始化CSV解析器");
	}
	reader r = { .fn = fn, .ctx = ctx, .e = e };
	char chunk[65536];
	size_t got;
	while (!r.rc && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (csv_parse(&p, chunk, got, on_field, on_row, &r) != got &&
		    !r.rc)
			r.rc = err_set(e, ERR_INVALID, "csv_malformed",
				       "CSV文件第%ld行格式错误（引号不配对或多余）",
				       r.line + 1);
	}
	if (!r.rc && ferror(f))
		r.rc = err_set(e, ERR_INVALID, "file_unreadable",
			       "读取文件出错");
	if (!r.rc && csv_fini(&p, on_field, on_row, &r) != 0)
		r.rc = err_set(e, ERR_INVALID, "csv_malformed",
			       "CSV文件结尾格式错误（引号不配对）");
	buf_free(&r.text);
	csv_free(&p);
	fclose(f);
	return r.rc;
}
