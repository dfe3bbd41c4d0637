#include "io/xlsxin.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "util/buf.h"
#include "util/mem.h"

enum {
	XLSXIN__MAX_SHEETS = 1024, /* <sheet> entries looked at */
	XLSXIN__MAX_RELS = 4096,   /* relationships kept per part */
	XLSXIN__MAX_PATH = 512,	   /* bytes of a part name */
	XLSXIN__MAX_EXCEL_COL = 16384,
	/* Spreadsheet XML nests about eight deep, and no run of it between
	 * two '<' comes near a megabyte (a cell's 32767 characters written
	 * as escapes stay under 330 KB).  Past these only a hostile file
	 * goes: expat keeps every open element and every attribute of a tag
	 * in memory, a hundred bytes each, so 64 MB of "<a>" or of " a=''"
	 * in one tag would cost gigabytes. */
	XLSXIN__MAX_DEPTH = 64,
	XLSXIN__MAX_SPAN = 1 << 20,
};

#define XLSXIN__BAD "文件不是有效的Excel（.xlsx）文件"

static int xlsxin__bad(err *e, const char *why)
{
	return err_set(e, ERR_INVALID, "xlsx_malformed", XLSXIN__BAD "（%s）",
		       why);
}

/* ---- parts: reading one zip entry whole ---------------------------------
 *
 * Each part is read into memory and parsed in one XML_Parse call.  Fed in
 * pieces, expat 2.5 rescans an unfinished token from its start on every
 * piece, which a hostile file turns into quadratic time with one long
 * tag; whole, it is a single linear pass, and the caps bound the memory. */

/* Reads entry `name` (ASCII case ignored, as OPC wants) into `*out` /
 * `*len` (malloc'ed, NUL-terminated).  Returns 1 when there is no such
 * entry. */
static int xlsxin__part(zip_t *z, const char *name, size_t cap, char **out,
			size_t *len, err *e)
{
	*out = NULL;
	*len = 0;
	zip_int64_t idx = zip_name_locate(z, name, ZIP_FL_NOCASE);
	if (idx < 0)
		return 1;
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) != 0 ||
	    !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
		return xlsxin__bad(e, "压缩包目录损坏");
	/* Excel only ever stores or deflates; the other methods libzip
	 * knows are code a hostile file need not reach. */
	if ((st.valid & ZIP_STAT_COMP_METHOD) &&
	    st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
		return xlsxin__bad(e, "不支持的压缩方式");
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE)
		return xlsxin__bad(e, "文件已加密");
	if (st.size > cap)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big",
			       "Excel文件内容过大（%s 解压后超过%zu MB）", name,
			       cap >> 20);
	if (st.size > XLSXIN_RATIO_FROM &&
	    st.size / (st.comp_size ? st.comp_size : 1) > XLSXIN_MAX_RATIO)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big",
			       "Excel文件压缩比异常（%s），疑似恶意文件", name);
	zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!f)
		return xlsxin__bad(e, "无法解压");
	/* The declared size is only believed as far as the data bears it
	 * out: exactly that many bytes must come, and no more. */
	size_t want = (size_t)st.size;
	char *p = xmalloc(want + 1);
	size_t got = 0;
	int rc = 0;
	while (got < want) {
		zip_int64_t n = zip_fread(f, p + got, want - got);
		if (n <= 0) {
			rc = xlsxin__bad(e, "压缩数据损坏或不完整");
			break;
		}
		got += (size_t)n;
	}
	char extra;
	if (!rc && zip_fread(f, &extra, 1) != 0)
		rc = xlsxin__bad(e, "压缩数据与目录不符");
	if (zip_fclose(f) != 0 && !rc)
		rc = xlsxin__bad(e, "压缩数据校验失败");
	if (rc) {
		free(p);
		return rc;
	}
	p[want] = '\0';
	*out = p;
	*len = want;
	return 0;
}

/* ---- XML ---------------------------------------------------------------- */

/* The first member of every parse context, so that any handler can stop
 * the parse with an error. */
typedef struct xlsxin__sax {
	XML_Parser p;
	err *e;
	int rc;
	int depth;
	XML_StartElementHandler start;
	XML_EndElementHandler end;
} xlsxin__sax;

static void xlsxin__stop(xlsxin__sax *s, int rc)
{
	if (!s->rc)
		s->rc = rc;
	XML_StopParser(s->p, XML_FALSE);
}

/* The element or attribute name without its namespace prefix: files from
 * other programs write "x:row" as well as "row". */
static const char *xlsxin__local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *xlsxin__attr(const char **atts, const char *local)
{
	for (int i = 0; atts[i]; i += 2)
		if (!strchr(atts[i], ':') && strcmp(atts[i], local) == 0)
			return atts[i + 1];
	return NULL;
}

/* r:id, whatever the prefix of the relationships namespace. */
static const char *xlsxin__rid(const char **atts)
{
	for (int i = 0; atts[i]; i += 2)
		if (strchr(atts[i], ':') &&
		    strcmp(xlsxin__local(atts[i]), "id") == 0)
			return atts[i + 1];
	return NULL;
}

/* No OOXML part has a DTD; one here can only be an entity attack. */
static void xlsxin__doctype(void *ud, const XML_Char *name,
			    const XML_Char *sysid, const XML_Char *pubid,
			    int has_internal_subset)
{
	xlsxin__sax *s = ud;
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	xlsxin__stop(s, xlsxin__bad(s->e, "XML含有DTD"));
}

/* Every element goes through these two for the depth count. */
static void xlsxin__on_start(void *ud, const XML_Char *name,
			     const XML_Char **atts)
{
	xlsxin__sax *s = ud;
	if (s->rc)
		return;
	if (++s->depth > XLSXIN__MAX_DEPTH) {
		xlsxin__stop(s, xlsxin__bad(s->e, "XML嵌套过深"));
		return;
	}
	s->start(ud, name, atts);
}

static void xlsxin__on_end(void *ud, const XML_Char *name)
{
	xlsxin__sax *s = ud;
	s->depth--;
	if (!s->rc)
		s->end(ud, name);
}

/* True when some run of `data` between two '<' is longer than the cap. */
static int xlsxin__long_span(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		size_t run = (size_t)((lt ? lt : end) - p);
		if (run > XLSXIN__MAX_SPAN)
			return 1;
		p = lt ? lt + 1 : end;
	}
	return 0;
}

static int xlsxin__xml(xlsxin__sax *s, const char *data, size_t len,
		       const char *part, XML_StartElementHandler start,
		       XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	if (xlsxin__long_span(data, len))
		return xlsxin__bad(s->e, "XML结构异常");
	XML_Parser p = XML_ParserCreate(NULL);
	if (!p)
		return err_set(s->e, ERR_INTERNAL, "internal",
			       "无法创建XML解析器");
	s->p = p;
	s->rc = 0;
	s->depth = 0;
	s->start = start;
	s->end = end;
	XML_SetUserData(p, s);
	XML_SetElementHandler(p, xlsxin__on_start, xlsxin__on_end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, xlsxin__doctype);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	/* len ≤ the largest cap, far below INT_MAX. */
	enum XML_Status st = XML_Parse(p, data, (int)len, 1);
	if (st != XML_STATUS_OK && !s->rc)
		s->rc = err_set(s->e, ERR_INVALID, "xlsx_malformed",
				XLSXIN__BAD "（%s 第%lu行: %s）", part,
				(unsigned long)XML_GetCurrentLineNumber(p),
				XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
	s->p = NULL;
	return s->rc;
}

/* Decodes the "_xHHHH_" escapes of OOXML strings in place (a literal
 * "_x0041_" was written "_x005F_x0041_").  An escape of NUL, of a
 * surrogate or past U+FFFF is left as it is. */
static size_t xlsxin__unescape(char *s, size_t n)
{
	size_t r = 0, w = 0;
	if (!s)
		return 0;
	while (r < n) {
		unsigned cp = 0;
		int ok = s[r] == '_' && r + 7 <= n && s[r + 1] == 'x' &&
			 s[r + 6] == '_';
		for (int i = 2; ok && i < 6; i++) {
			char c = s[r + (size_t)i];
			unsigned d =
			    c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			    : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			    : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						   : 16;
			ok = d < 16;
			cp = cp << 4 | d;
		}
		if (!ok || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
			s[w++] = s[r++];
			continue;
		}
		r += 7;
		if (cp < 0x80) {
			s[w++] = (char)cp;
		} else if (cp < 0x800) {
			s[w++] = (char)(0xC0 | cp >> 6);
			s[w++] = (char)(0x80 | (cp & 0x3F));
		} else {
			s[w++] = (char)(0xE0 | cp >> 12);
			s[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[w++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	s[w] = '\0';
	return w;
}

/* ---- package: which part is the first worksheet -------------------------- */

typedef struct xlsxin__rel {
	char *id, *type, *target;
} xlsxin__rel;

typedef struct xlsxin__rels {
	xlsxin__sax sax;
	xlsxin__rel r[XLSXIN__MAX_RELS];
	int n;
} xlsxin__rels;

static void xlsxin__rels_start(void *ud, const XML_Char *name,
			       const XML_Char **atts)
{
	xlsxin__rels *rs = ud;
	if (rs->sax.rc || strcmp(xlsxin__local(name), "Relationship") != 0 ||
	    rs->n == XLSXIN__MAX_RELS)
		return;
	const char *id = xlsxin__attr(atts, "Id");
	const char *type = xlsxin__attr(atts, "Type");
	const char *target = xlsxin__attr(atts, "Target");
	const char *mode = xlsxin__attr(atts, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	rs->r[rs->n++] =
	    (xlsxin__rel){xstrdup(id), xstrdup(type), xstrdup(target)};
}

static void xlsxin__rels_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

static void xlsxin__rels_free(xlsxin__rels *rs)
{
	for (int i = 0; i < rs->n; i++) {
		free(rs->r[i].id);
		free(rs->r[i].type);
		free(rs->r[i].target);
	}
	rs->n = 0;
}

/* The relationship types end the same in transitional and strict OOXML. */
static int xlsxin__type_is(const char *type, const char *suffix)
{
	size_t n = strlen(type), m = strlen(suffix);
	return n > m && type[n - m - 1] == '/' &&
	       strcmp(type + n - m, suffix) == 0;
}

/* Parses the relationships part `name`; an absent part has none. */
static int xlsxin__rels_read(zip_t *z, const char *name, xlsxin__rels *rs,
			     err *e)
{
	char *data;
	size_t len;
	int rc = xlsxin__part(z, name, XLSXIN_MAX_PART_BYTES, &data, &len, e);
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	rs->sax.e = e;
	rc = xlsxin__xml(&rs->sax, data, len, name, xlsxin__rels_start,
			 xlsxin__rels_end, NULL);
	free(data);
	return rc;
}

/* Resolves a relationship target against the folder of its source part
 * (`base`, "" or ending in '/') into a part name, `..` and `.` resolved.
 * Returns 0, or -1 for a target that leaves the package or is too long. */
static int xlsxin__resolve(const char *base, const char *target,
			   char out[XLSXIN__MAX_PATH])
{
	char tmp[XLSXIN__MAX_PATH];
	int n = target[0] == '/'
		    ? snprintf(tmp, sizeof tmp, "%s", target + 1)
		    : snprintf(tmp, sizeof tmp, "%s%s", base, target);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	size_t w = 0;
	char *seg = tmp;
	while (seg) {
		char *slash = strchr(seg, '/');
		if (slash)
			*slash = '\0';
		if (strcmp(seg, "..") == 0) {
			if (w == 0)
				return -1;
			/* Drop the last segment written, and its '/'. */
			w--;
			while (w > 0 && out[w - 1] != '/')
				w--;
		} else if (*seg && strcmp(seg, ".") != 0) {
			size_t l = strlen(seg);
			memcpy(out + w, seg, l);
			w += l;
			if (slash)
				out[w++] = '/';
		}
		seg = slash ? slash + 1 : NULL;
	}
	if (w == 0 || out[w - 1] == '/')
		return -1;
	out[w] = '\0';
	return 0;
}

/* The folder part of a part name, "" or ending in '/'. */
static void xlsxin__dir(const char *part, char out[XLSXIN__MAX_PATH])
{
	const char *slash = strrchr(part, '/');
	size_t n = slash ? (size_t)(slash - part + 1) : 0;
	memcpy(out, part, n);
	out[n] = '\0';
}

typedef struct xlsxin__book {
	xlsxin__sax sax;
	char *rid[XLSXIN__MAX_SHEETS];
	char *name[XLSXIN__MAX_SHEETS];
	unsigned char hidden[XLSXIN__MAX_SHEETS];
	int n;
	int date1904;
} xlsxin__book;

static void xlsxin__book_start(void *ud, const XML_Char *name,
			       const XML_Char **atts)
{
	xlsxin__book *b = ud;
	const char *l = xlsxin__local(name);
	if (b->sax.rc)
		return;
	if (strcmp(l, "workbookPr") == 0) {
		/* xsd:boolean: "1" or "true" */
		const char *d = xlsxin__attr(atts, "date1904");
		b->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
		return;
	}
	if (strcmp(l, "sheet") != 0 || b->n == XLSXIN__MAX_SHEETS)
		return;
	const char *rid = xlsxin__rid(atts);
	const char *state = xlsxin__attr(atts, "state");
	const char *nm = xlsxin__attr(atts, "name");
	if (!rid)
		return;
	b->hidden[b->n] = state && strcmp(state, "visible") != 0;
	b->name[b->n] = xstrdup(nm ? nm : "");
	b->rid[b->n++] = xstrdup(rid);
}

/* The worksheet relationship of the book's sheet i, or NULL for a
 * chartsheet, a dialog sheet or a dangling id. */
static const xlsxin__rel *xlsxin__worksheet(const xlsxin__book *b,
					    const xlsxin__rels *rs, int i)
{
	for (int j = 0; j < rs->n; j++)
		if (strcmp(rs->r[j].id, b->rid[i]) == 0)
			return xlsxin__type_is(rs->r[j].type, "worksheet")
				   ? &rs->r[j]
				   : NULL;
	return NULL;
}

/* Finds the parts to read: worksheet `want` (an index among the
 * worksheets in tab order; -1 the first visible one) and the shared
 * strings ("" when the workbook has none).  With `info`, lists the
 * worksheets there instead and picks none. */
static int xlsxin__locate(zip_t *z, int want, xlsxin_book *info,
			  char sheet[XLSXIN__MAX_PATH],
			  char sst[XLSXIN__MAX_PATH], err *e)
{
	char wbpath[XLSXIN__MAX_PATH] = "xl/workbook.xml";
	char dir[XLSXIN__MAX_PATH], relpath[XLSXIN__MAX_PATH];
	xlsxin__rels *rs = xcalloc(1, sizeof *rs);
	xlsxin__book *b = xcalloc(1, sizeof *b);
	char *data = NULL;
	size_t len;
	sst[0] = '\0';

	/* The package relationships name the workbook part; files made by
	 * other programs do not always call it xl/workbook.xml. */
	int rc = xlsxin__rels_read(z, "_rels/.rels", rs, e);
	for (int i = 0; !rc && i < rs->n; i++)
		if (xlsxin__type_is(rs->r[i].type, "officeDocument")) {
			if (xlsxin__resolve("", rs->r[i].target, wbpath) != 0)
				rc = xlsxin__bad(e, "工作簿路径无效");
			break;
		}
	xlsxin__rels_free(rs);
	if (rc)
		goto out;
	rc = xlsxin__part(z, wbpath, XLSXIN_MAX_PART_BYTES, &data, &len, e);
	if (rc == 1) {
		rc = xlsxin__bad(e, "缺少工作簿");
		goto out;
	}
	if (rc)
		goto out;
	b->sax.e = e;
	rc = xlsxin__xml(&b->sax, data, len, wbpath, xlsxin__book_start,
			 xlsxin__rels_end, NULL);
	if (rc)
		goto out;

	xlsxin__dir(wbpath, dir);
	const char *base = strrchr(wbpath, '/');
	base = base ? base + 1 : wbpath;
	if (snprintf(relpath, sizeof relpath, "%s_rels/%s.rels", dir, base) >=
	    (int)sizeof relpath) {
		rc = xlsxin__bad(e, "工作簿路径过长");
		goto out;
	}
	rc = xlsxin__rels_read(z, relpath, rs, e);
	if (rc)
		goto out;

	if (info) {
		memset(info, 0, sizeof *info);
		info->date1904 = b->date1904;
		for (int i = 0; i < b->n && info->n < XLSXIN_MAX_LISTED; i++)
			if (xlsxin__worksheet(b, rs, i)) {
				snprintf(info->name[info->n],
					 sizeof info->name[0], "%s", b->name[i]);
				info->hidden[info->n++] = b->hidden[i];
			}
		goto out;
	}

	/* Worksheet `want`; or the first visible worksheet, else the first
	 * worksheet. */
	const xlsxin__rel *pick = NULL;
	for (int i = 0, k = 0; want >= 0 && i < b->n && !pick; i++) {
		const xlsxin__rel *w = xlsxin__worksheet(b, rs, i);
		if (w && k++ == want)
			pick = w;
	}
	for (int pass = 0; want < 0 && pass < 2 && !pick; pass++)
		for (int i = 0; i < b->n && !pick; i++)
			if (pass == 1 || !b->hidden[i])
				pick = xlsxin__worksheet(b, rs, i);
	if (!pick) {
		rc = xlsxin__bad(e, "没有工作表");
		goto out;
	}
	if (xlsxin__resolve(dir, pick->target, sheet) != 0) {
		rc = xlsxin__bad(e, "工作表路径无效");
		goto out;
	}
	for (int j = 0; j < rs->n; j++)
		if (xlsxin__type_is(rs->r[j].type, "sharedStrings")) {
			if (xlsxin__resolve(dir, rs->r[j].target, sst) != 0)
				rc = xlsxin__bad(e, "共享字符串路径无效");
			break;
		}
out:
	free(data);
	xlsxin__rels_free(rs);
	for (int i = 0; i < b->n; i++) {
		free(b->rid[i]);
		free(b->name[i]);
	}
	free(rs);
	free(b);
	return rc;
}

/* ---- shared strings ------------------------------------------------------ */

typedef struct xlsxin__sst {
	xlsxin__sax sax;
	buf text;      /* every string, each followed by NUL */
	uint32_t *off; /* where string i starts in text */
	size_t n, cap;
	int in_si, in_t, rph;
	size_t start; /* of the string being read */
} xlsxin__sst;

static void xlsxin__sst_start(void *ud, const XML_Char *name,
			      const XML_Char **atts)
{
	xlsxin__sst *s = ud;
	(void)atts;
	if (s->sax.rc)
		return;
	const char *l = xlsxin__local(name);
	if (strcmp(l, "si") == 0) {
		if (s->in_si) {
			xlsxin__stop(&s->sax,
				     xlsxin__bad(s->sax.e, "共享字符串嵌套"));
			return;
		}
		if (s->n == XLSXIN_MAX_STRINGS) {
			xlsxin__stop(
			    &s->sax,
			    err_set(s->sax.e, ERR_TOOBIG, "xlsx_too_big",
				    "Excel文件中不同的文本过多（最多%d个）",
				    XLSXIN_MAX_STRINGS));
			return;
		}
		s->in_si = 1;
		s->rph = 0;
		s->start = s->text.len;
	} else if (strcmp(l, "rPh") == 0) {
		s->rph++;
	} else if (strcmp(l, "t") == 0 && s->in_si && !s->rph) {
		s->in_t = 1;
	}
}

static void xlsxin__sst_end(void *ud, const XML_Char *name)
{
	xlsxin__sst *s = ud;
	if (s->sax.rc)
		return;
	const char *l = xlsxin__local(name);
	if (strcmp(l, "t") == 0) {
		s->in_t = 0;
	} else if (strcmp(l, "rPh") == 0) {
		if (s->rph > 0)
			s->rph--;
	} else if (strcmp(l, "si") == 0 && s->in_si) {
		size_t n = xlsxin__unescape(s->text.p + s->start,
					    s->text.len - s->start);
		s->text.len = s->start + n;
		buf_putc(&s->text, '\0');
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->off = xreallocarray(s->off, s->cap, sizeof *s->off);
		}
		s->off[s->n++] = (uint32_t)s->start;
		s->in_si = 0;
	}
}

static void xlsxin__sst_text(void *ud, const XML_Char *t, int len)
{
	xlsxin__sst *s = ud;
	if (s->sax.rc || !s->in_t || !s->in_si || s->rph)
		return;
	/* A string longer than a cell may hold is an error only if a cell
	 * of the sheet read uses it: keep one byte past the cap to tell. */
	size_t have = s->text.len - s->start;
	size_t room = have > XLSXIN_MAX_CELL ? 0 : XLSXIN_MAX_CELL + 1 - have;
	buf_put(&s->text, t, (size_t)len < room ? (size_t)len : room);
}

/* s->text.p is NULL until the first string: unescape then sees n == 0. */
static int xlsxin__sst_read(zip_t *z, const char *part, xlsxin__sst *s, err *e)
{
	char *data;
	size_t len;
	if (!*part)
		return 0;
	int rc = xlsxin__part(z, part, XLSXIN_MAX_SST_BYTES, &data, &len, e);
	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	s->sax.e = e;
	buf_put(&s->text, "", 0);
	rc = xlsxin__xml(&s->sax, data, len, part, xlsxin__sst_start,
			 xlsxin__sst_end, xlsxin__sst_text);
	free(data);
	return rc;
}

/* ---- the worksheet ------------------------------------------------------- */

enum { T_NUM, T_SST, T_STR, T_INLINE, T_BOOL, T_ERR };

typedef struct xlsxin__sheet {
	xlsxin__sax sax;
	const xlsxin__sst *sst;
	xlsxin_row_fn fn;
	void *ctx;
	int in_data;
	long row; /* the row being read, 0 outside <row> */
	long last_row;
	int col; /* the cell being read, -1 outside <c> */
	int last_col;
	int type, has_value, in_v, in_is, in_t, rph;
	buf cur;
	buf val[XLSXIN_MAX_COLS];
	char *fields[XLSXIN_MAX_COLS];
	int n;
} xlsxin__sheet;

/* "C12" → 2 (0-based column); -1 when not a cell reference. */
static int xlsxin__col_of(const char *ref)
{
	int col = 0, letters = 0;
	const char *p = ref;
	for (; *p >= 'A' && *p <= 'Z'; p++) {
		if (++letters > 3)
			return -1;
		col = col * 26 + (*p - 'A' + 1);
	}
	if (!letters || col > XLSXIN__MAX_EXCEL_COL)
		return -1;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	return col - 1;
}

/* A positive decimal of at most 9 digits, else -1. */
static long xlsxin__num(const char *s)
{
	long v = 0;
	int d = 0;
	for (; *s; s++, d++) {
		if (*s < '0' || *s > '9' || d == 9)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return d ? v : -1;
}

/* "AB" for column 27, for messages. */
static void xlsxin__col_name(int col, char out[8])
{
	char tmp[8];
	int n = 0;
	for (col++; col > 0 && n < 7; col = (col - 1) / 26)
		tmp[n++] = (char)('A' + (col - 1) % 26);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

static void xlsxin__row_start(xlsxin__sheet *sh, const char **atts)
{
	const char *r = xlsxin__attr(atts, "r");
	long row = r ? xlsxin__num(r) : sh->last_row + 1;
	if (r && row < 0) {
		xlsxin__stop(&sh->sax, xlsxin__bad(sh->sax.e, "行号无效"));
		return;
	}
	if (row <= sh->last_row) {
		xlsxin__stop(&sh->sax, xlsxin__bad(sh->sax.e, "行顺序错乱"));
		return;
	}
	if (row > XLSXIN_MAX_ROWS) {
		xlsxin__stop(&sh->sax,
			     err_set(sh->sax.e, ERR_TOOBIG, "xlsx_too_big",
				     "Excel文件行数过多（最多%d行）",
				     XLSXIN_MAX_ROWS));
		return;
	}
	sh->row = row;
	sh->last_col = -1;
	sh->n = 0;
}

static void xlsxin__cell_start(xlsxin__sheet *sh, const char **atts)
{
	const char *r = xlsxin__attr(atts, "r");
	const char *t = xlsxin__attr(atts, "t");
	int col = r ? xlsxin__col_of(r) : sh->last_col + 1;
	if (col < 0 || col >= XLSXIN__MAX_EXCEL_COL) {
		xlsxin__stop(&sh->sax,
			     err_set(sh->sax.e, ERR_INVALID, "xlsx_malformed",
				     XLSXIN__BAD "（第%ld行单元格位置无效）",
				     sh->row));
		return;
	}
	sh->col = sh->last_col = col;
	sh->type = !t				 ? T_NUM
		   : strcmp(t, "s") == 0	 ? T_SST
		   : strcmp(t, "inlineStr") == 0 ? T_INLINE
		   : strcmp(t, "b") == 0	 ? T_BOOL
		   : strcmp(t, "e") == 0	 ? T_ERR
		   : strcmp(t, "n") == 0	 ? T_NUM
						 : T_STR; /* "str", "d" */
	sh->has_value = sh->in_v = sh->in_is = sh->in_t = sh->rph = 0;
	buf_reset(&sh->cur);
}

static void xlsxin__sheet_start(void *ud, const XML_Char *name,
				const XML_Char **atts)
{
	xlsxin__sheet *sh = ud;
	if (sh->sax.rc)
		return;
	const char *l = xlsxin__local(name);
	if (strcmp(l, "sheetData") == 0)
		sh->in_data = 1;
	else if (!sh->in_data)
		return;
	else if (strcmp(l, "row") == 0 && !sh->row)
		xlsxin__row_start(sh, atts);
	else if (strcmp(l, "c") == 0 && sh->row && sh->col < 0)
		xlsxin__cell_start(sh, atts);
	else if (sh->col < 0)
		return;
	else if (strcmp(l, "v") == 0 && !sh->in_is)
		sh->in_v = sh->has_value = 1;
	else if (strcmp(l, "is") == 0 && !sh->in_v)
		sh->in_is = sh->has_value = 1;
	else if (strcmp(l, "rPh") == 0 && sh->in_is)
		sh->rph++;
	else if (strcmp(l, "t") == 0 && sh->in_is && !sh->rph)
		sh->in_t = 1;
}

static void xlsxin__sheet_text(void *ud, const XML_Char *t, int len)
{
	xlsxin__sheet *sh = ud;
	if (sh->sax.rc || sh->col < 0 ||
	    !(sh->in_v || (sh->in_is && sh->in_t && !sh->rph)))
		return;
	if (sh->cur.len + (size_t)len > XLSXIN_MAX_CELL) {
		char c[8];
		xlsxin__col_name(sh->col, c);
		xlsxin__stop(&sh->sax,
			     err_set(sh->sax.e, ERR_TOOBIG, "xlsx_too_big",
				     "单元格%s%ld内容过长（最多%d字节）", c,
				     sh->row, XLSXIN_MAX_CELL));
		return;
	}
	buf_put(&sh->cur, t, (size_t)len);
}

/* The value of the cell just ended; NULL when it has none. */
static const char *xlsxin__value(xlsxin__sheet *sh, size_t *len)
{
	const char *v = buf_str(&sh->cur);
	*len = sh->cur.len;
	switch (sh->type) {
	case T_SST: {
		long i = xlsxin__num(v);
		if (i < 0 || (size_t)i >= sh->sst->n) {
			xlsxin__stop(
			    &sh->sax,
			    err_set(sh->sax.e, ERR_INVALID, "xlsx_malformed",
				    XLSXIN__BAD "（第%ld行引用了不存在的文本）",
				    sh->row));
			return NULL;
		}
		v = sh->sst->text.p + sh->sst->off[i];
		*len = strlen(v);
		return v;
	}
	case T_BOOL:
		if (strcmp(v, "1") == 0 || strcmp(v, "0") == 0) {
			*len = v[0] == '1' ? 4 : 5;
			return v[0] == '1' ? "TRUE" : "FALSE";
		}
		return v;
	case T_STR:
	case T_INLINE:
		*len = xlsxin__unescape(sh->cur.p, sh->cur.len);
		sh->cur.len = *len;
		return buf_str(&sh->cur);
	default:
		return v;
	}
}

static void xlsxin__cell_end(xlsxin__sheet *sh)
{
	int col = sh->col;
	sh->col = -1;
	if (!sh->has_value)
		return;
	size_t len;
	const char *v = xlsxin__value(sh, &len);
	if (!v || len == 0)
		return;
	char c[8];
	xlsxin__col_name(col, c);
	if (len > XLSXIN_MAX_CELL) {
		xlsxin__stop(&sh->sax,
			     err_set(sh->sax.e, ERR_TOOBIG, "xlsx_too_big",
				     "单元格%s%ld内容过长（最多%d字节）", c,
				     sh->row, XLSXIN_MAX_CELL));
		return;
	}
	if (col >= XLSXIN_MAX_COLS) {
		xlsxin__stop(&sh->sax,
			     err_set(sh->sax.e, ERR_TOOBIG, "xlsx_too_big",
				     "第%ld行在%s列有数据，列数过多"
				     "（最多%d列）",
				     sh->row, c, XLSXIN_MAX_COLS));
		return;
	}
	/* Cells the file skipped are "" at their place. */
	for (; sh->n < col; sh->n++) {
		buf_reset(&sh->val[sh->n]);
		buf_put(&sh->val[sh->n], "", 0);
	}
	buf_reset(&sh->val[col]);
	buf_put(&sh->val[col], v, len);
	if (sh->n <= col)
		sh->n = col + 1;
}

static void xlsxin__sheet_end(void *ud, const XML_Char *name)
{
	xlsxin__sheet *sh = ud;
	if (sh->sax.rc || !sh->in_data)
		return;
	const char *l = xlsxin__local(name);
	if (sh->col >= 0) {
		if (strcmp(l, "c") == 0)
			xlsxin__cell_end(sh);
		else if (strcmp(l, "v") == 0)
			sh->in_v = 0;
		else if (strcmp(l, "is") == 0)
			sh->in_is = 0;
		else if (strcmp(l, "t") == 0)
			sh->in_t = 0;
		else if (strcmp(l, "rPh") == 0 && sh->rph > 0)
			sh->rph--;
	} else if (strcmp(l, "row") == 0 && sh->row) {
		long row = sh->row;
		sh->last_row = row;
		sh->row = 0;
		if (sh->n == 0)
			return;
		for (int i = 0; i < sh->n; i++)
			sh->fields[i] = sh->val[i].p;
		int rc = sh->fn(sh->ctx, sh->fields, sh->n, row, sh->sax.e);
		if (rc)
			xlsxin__stop(&sh->sax, rc);
	} else if (strcmp(l, "sheetData") == 0) {
		sh->in_data = 0;
	}
}

/* ---- entry points -------------------------------------------------------- */

static int xlsxin__read_zip(zip_t *z, int want, xlsxin_book *info,
			    xlsxin_row_fn fn, void *ctx, err *e)
{
	if (zip_get_num_entries(z, 0) > XLSXIN_MAX_ENTRIES)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big",
			       "Excel文件内含文件过多（最多%d个）",
			       XLSXIN_MAX_ENTRIES);
	char sheet[XLSXIN__MAX_PATH], sstpart[XLSXIN__MAX_PATH];
	int rc = xlsxin__locate(z, want, info, sheet, sstpart, e);
	if (rc || info)
		return rc;
	xlsxin__sst sst = {.text = BUF_INIT};
	xlsxin__sheet *sh = NULL;
	char *data = NULL;
	size_t len;
	rc = xlsxin__sst_read(z, sstpart, &sst, e);
	if (rc)
		goto out;
	rc = xlsxin__part(z, sheet, XLSXIN_MAX_SHEET_BYTES, &data, &len, e);
	if (rc == 1)
		rc = xlsxin__bad(e, "缺少工作表");
	if (rc)
		goto out;
	sh = xcalloc(1, sizeof *sh);
	sh->sax.e = e;
	sh->sst = &sst;
	sh->fn = fn;
	sh->ctx = ctx;
	sh->col = -1;
	rc = xlsxin__xml(&sh->sax, data, len, sheet, xlsxin__sheet_start,
			 xlsxin__sheet_end, xlsxin__sheet_text);
out:
	if (sh) {
		buf_free(&sh->cur);
		for (int i = 0; i < XLSXIN_MAX_COLS; i++)
			buf_free(&sh->val[i]);
		free(sh);
	}
	free(data);
	buf_free(&sst.text);
	free(sst.off);
	return rc;
}

/* Where the bytes of the file are, for the checks made before libzip sees
 * it: an open file or memory. */
typedef struct xlsxin__src {
	FILE *f;
	const unsigned char *mem;
	uint64_t len;
} xlsxin__src;

static size_t xlsxin__read_at(const xlsxin__src *s, uint64_t off, void *out,
			      size_t n)
{
	if (off >= s->len)
		return 0;
	if (n > s->len - off)
		n = (size_t)(s->len - off);
	if (s->mem) {
		memcpy(out, s->mem + off, n);
		return n;
	}
	if (off > INT64_MAX || fseeko(s->f, (off_t)off, SEEK_SET) != 0)
		return 0;
	return fread(out, 1, n, s->f);
}

static uint64_t xlsxin__le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* An OLE2 compound file: an .xls, or an .xlsx that Excel encrypted with
 * a password.  Users rename one to .xlsx often enough to deserve its own
 * message. */
static int xlsxin__ole(const xlsxin__src *s, err *e)
{
	static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0,
					       0xA1, 0xB1, 0x1A, 0xE1};
	unsigned char head[8];
	if (xlsxin__read_at(s, 0, head, 8) != 8 || memcmp(head, magic, 8) != 0)
		return 0;
	return err_set(e, ERR_INVALID, "xlsx_malformed",
		       "文件是旧版Excel（.xls）或设有密码的Excel文件，"
		       "请在Excel中取消密码并另存为.xlsx后再导入");
}

/* libzip reads the whole central directory when it opens a zip, about 300
 * bytes of memory for each entry, before anything here can count them: a
 * 50 MB upload of empty entries would cost 300 MB.  So the end records it
 * will look for (the last 64 KiB, every candidate, ZIP64 included) are
 * checked first against the caps. */
static int xlsxin__eocd(const xlsxin__src *s, err *e)
{
	enum { EOCD = 22, LOC64 = 20, REC64 = 56, TAIL = 65535 + EOCD + LOC64 };
	size_t n = s->len < TAIL ? (size_t)s->len : TAIL;
	unsigned char *t = xmalloc(n ? n : 1);
	size_t got = xlsxin__read_at(s, s->len - n, t, n);
	int rc = 0;
	for (size_t i = 0; !rc && i + EOCD <= got; i++) {
		if (memcmp(t + i, "PK\5\6", 4) != 0)
			continue;
		uint64_t entries = xlsxin__le(t + i + 10, 2);
		uint64_t size = xlsxin__le(t + i + 12, 4);
		unsigned char r[REC64];
		if (i >= LOC64 && memcmp(t + i - LOC64, "PK\6\7", 4) == 0 &&
		    xlsxin__read_at(s, xlsxin__le(t + i - LOC64 + 8, 8), r,
				    REC64) == REC64 &&
		    memcmp(r, "PK\6\6", 4) == 0) {
			entries = xlsxin__le(r + 32, 8);
			size = xlsxin__le(r + 40, 8);
		}
		if (entries > XLSXIN_MAX_ENTRIES ||
		    size > XLSXIN_MAX_CDIR_BYTES)
			rc = err_set(e, ERR_TOOBIG, "xlsx_too_big",
				     "Excel文件内含文件过多（最多%d个）",
				     XLSXIN_MAX_ENTRIES);
	}
	free(t);
	return rc;
}

/* libzip's own messages are English; users get what the cause means. */
static int xlsxin__zip_error(int code, err *e)
{
	return xlsxin__bad(e, code == ZIP_ER_NOZIP    ? "不是zip格式"
			      : code == ZIP_ER_INCONS ? "压缩包结构不一致"
			      : code == ZIP_ER_MEMORY ? "内存不足"
						      : "压缩包已损坏");
}

/* The file at `path`: worksheet `want` read, or with `info` the
 * workbook described. */
static int xlsxin__read_path(const char *path, int want, xlsxin_book *info,
			     xlsxin_row_fn fn, void *ctx, err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_INVALID, "file_unreadable",
			       "无法读取文件 %s: %s", path, strerror(errno));
	xlsxin__src s = {.f = f};
	off_t len = fseeko(f, 0, SEEK_END) == 0 ? ftello(f) : -1;
	int rc = len < 0 ? err_set(e, ERR_INVALID, "file_unreadable",
				   "无法读取文件 %s", path)
			 : 0;
	s.len = len < 0 ? 0 : (uint64_t)len;
	if (!rc)
		rc = xlsxin__ole(&s, e);
	if (!rc)
		rc = xlsxin__eocd(&s, e);
	fclose(f);
	if (rc)
		return rc;
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	if (!z)
		return zerr == ZIP_ER_OPEN || zerr == ZIP_ER_NOENT ||
			       zerr == ZIP_ER_READ
			   ? err_set(e, ERR_INVALID, "file_unreadable",
				     "无法读取文件 %s", path)
			   : xlsxin__zip_error(zerr, e);
	rc = xlsxin__read_zip(z, want, info, fn, ctx, e);
	zip_discard(z);
	return rc;
}

int xlsxin_read(const char *path, xlsxin_row_fn fn, void *ctx, err *e)
{
	return xlsxin__read_path(path, -1, NULL, fn, ctx, e);
}

int xlsxin_read_sheet(const char *path, int sheet, xlsxin_row_fn fn,
		      void *ctx, err *e)
{
	return xlsxin__read_path(path, sheet < 0 ? -1 : sheet, NULL, fn, ctx, e);
}

int xlsxin_book_read(const char *path, xlsxin_book *info, err *e)
{
	return xlsxin__read_path(path, -1, info, NULL, NULL, e);
}

int xlsxin_read_mem(const void *data, size_t len, xlsxin_row_fn fn, void *ctx,
		    err *e)
{
	xlsxin__src s = {.mem = data, .len = len};
	int rc = xlsxin__ole(&s, e);
	if (!rc)
		rc = xlsxin__eocd(&s, e);
	if (rc)
		return rc;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src =
	    zip_source_buffer_create(len ? data : "", len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (!z) {
		rc = xlsxin__zip_error(zip_error_code_zip(&ze), e);
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	rc = xlsxin__read_zip(z, -1, NULL, fn, ctx, e);
	zip_discard(z);
	return rc;
}

/* Days from 1970-01-01 to y-m-d, and back (proleptic Gregorian), after
 * Howard Hinnant's civil-date algorithms. */
static void xlsxin__civil(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int xlsxin_serial_to_date(double serial, char out[11])
{
	out[0] = '\0';
	/* 1 is 1900-01-01, 2958465 is 9999-12-31. */
	if (!isfinite(serial) || serial < 1 || serial >= 2958466)
		return ERR_INVALID;
	long days = (long)serial; /* ≥ 1: truncation is floor */
	if (days == 60)
		return ERR_INVALID;
	/* Excel counts a 29 February 1900 that never was: serials after it
	 * are one day ahead.  Serial 25569 is 1970-01-01. */
	if (days < 60)
		days++;
	int y, m, d;
	xlsxin__civil(days - 25569, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}
