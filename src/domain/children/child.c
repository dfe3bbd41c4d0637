/* The shape of a child record: parsing hostile JSON, rendering, the
 * cross-field rules, and differences between versions. */
#include "domain/children/child.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "domain/children/child_codes.h"
#include "domain/core/idcard.h"
#include "util/buf.h"
#include "util/jsonx.h"
#include "util/text.h"

/* ---- small validators ---- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int child_date_valid(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
		(s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	int max = mdays[m - 1] + (m == 2 && is_leap(y));
	return d <= max;
}

int child_phone_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
	    text_is_digits(s))
		return 1;
	/* Landline: 0, area code, optional hyphen, 7–8 digit number. */
	if (n < 10 || n > 13 || s[0] != '0')
		return 0;
	int digits = 0, hyphens = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '-' && p != s && p[1])
			hyphens++;
		else
			return 0;
	}
	return hyphens <= 1 && digits >= 10 && digits <= 12;
}

/* ---- parsing ---- */

/* Where a record is read from: the API's JSON object, or text by JSON
 * path (child_cells, for bulk imports).  One parser serves both, so a row
 * of a sheet passes exactly the checks, in the same order and with the
 * same messages, as the same record sent as JSON. */
typedef struct src {
	json_t *obj;			/* NULL: read `cells` */
	const child_cells *cells;
	const char *prefix;		/* in cells: "father." etc., or "" */
	int *cursor;			/* in cells: where the last hit was */
} src;

/* Whether path p starts with pre (pl bytes): the first byte tells most
 * paths apart, so strncmp is called for few. */
static int has_prefix(const char *p, const char *pre, size_t pl)
{
	return pl == 0 || (p[0] == pre[0] && strncmp(p, pre, pl) == 0);
}

/* The cell at prefix+key, or NULL.  Fields are asked for roughly in the
 * cells' order, so the search starts after the last hit. */
static const char *cell_get(const src *in, const char *key)
{
	const child_cells *t = in->cells;
	size_t pl = strlen(in->prefix);
	for (int k = 0; k < t->n; k++) {
		int i = (*in->cursor + k) % t->n;
		const char *p = t->path[i];
		if (has_prefix(p, in->prefix, pl) && strcmp(p + pl, key) == 0) {
			*in->cursor = i + 1;
			return t->value[i];
		}
	}
	return NULL;
}

/* As jsonx_str.  The characters of the text are copy_str's and
 * copy_text's to check (text_fault), from JSON and from cells alike, so
 * that both name the field by its whole path with the same message. */
static int src_str(const src *in, const char *key, int required,
		   size_t max, const char **out, err *e)
{
	if (in->obj)
		return jsonx_str_raw(in->obj, key, required, max, out, e);
	*out = cell_get(in, key);
	if (!*out) {
		if (required)
			return err_field(e, ERR_INVALID, "missing_field", key,
					 "缺少必填字段: %s", key);
		return 0;
	}
	if (text_utf8_len(*out) > max)
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "字段 %s 过长（最多%zu个字符）", key, max);
	return 0;
}

/* As jsonx_bool (not required); in cells "true" or "false". */
static int src_bool(const src *in, const char *key, int *out, err *e)
{
	if (in->obj)
		return jsonx_bool(in->obj, key, 0, out, e);
	const char *v = cell_get(in, key);
	*out = -1;
	if (!v)
		return 0;
	if (strcmp(v, "true") && strcmp(v, "false"))
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "字段 %s 应为true或false", key);
	*out = strcmp(v, "true") == 0;
	return 0;
}

/* As jsonx_only: in cells, the first field (the part of the path after
 * the prefix, up to a dot) not in `allowed`. */
static int src_only(const src *in, const char *const *allowed, err *e)
{
	if (in->obj)
		return jsonx_only(in->obj, allowed, e);
	size_t pl = strlen(in->prefix);
	for (int i = 0; i < in->cells->n; i++) {
		const char *p = in->cells->path[i];
		if (!in->cells->value[i] || !has_prefix(p, in->prefix, pl))
			continue;
		const char *name = p + pl;
		size_t n = strcspn(name, ".");
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = **a == *name && strncmp(*a, name, n) == 0 &&
			     (*a)[n] == '\0';
		if (!ok) {
			char key[64];
			snprintf(key, sizeof key, "%.*s", (int)n, name);
			return err_field(e, ERR_INVALID, "unknown_field", key,
					 "不支持的字段: %.40s", key);
		}
	}
	return 0;
}

static int copy_str(const src *in, const char *key, int required,
		    size_t maxc, char *out, size_t outsz, const char *field,
		    err *e)
{
	const char *s;
	int rc = src_str(in, key, required, maxc, &s, e);
	if (rc) {
		if (e && field)
			snprintf(e->field, sizeof e->field, "%s", field);
		return rc;
	}
	if (s) {
		char why[96];
		const char *bad = text_fault(s, required ? 1 : 0, maxc, 0, why,
					     sizeof why);
		if (bad || strlen(s) >= outsz)
			return err_field(e, ERR_INVALID, "invalid_field",
					 field ? field : key, "字段 %s %s",
					 field ? field : key,
					 bad ? bad : "过长");
		memcpy(out, s, strlen(s) + 1);	/* fits: checked above */
	}
	return 0;
}

/* As copy_str, for free text that may run over several lines. */
static int copy_text(const src *in, const char *key, size_t maxc,
		     char *out, size_t outsz, err *e)
{
	const char *s;
	int rc = src_str(in, key, 0, maxc, &s, e);
	if (rc)
		return rc;
	if (s) {
		char why[96];
		const char *bad = text_fault(s, 0, maxc, 1, why, sizeof why);
		if (bad || strlen(s) >= outsz)
			return err_field(e, ERR_INVALID, "invalid_field", key,
					 "字段 %s %s", key, bad ? bad : "过长");
		memcpy(out, s, strlen(s) + 1);	/* fits: checked above */
	}
	return 0;
}

static int parse_code(const src *in, const char *key, const code_entry *t,
		      int required, int *out, const char *field, err *e)
{
	const char *s;
	int rc = src_str(in, key, required, 40, &s, e);
	if (rc) {
		if (e && field)
			snprintf(e->field, sizeof e->field, "%s", field);
		return rc;
	}
	if (!s)
		return 0;
	int v = code_value(t, s);
	if (v < 0)
		return err_field(e, ERR_INVALID, "invalid_field",
				 field ? field : key, "字段 %s 的取值无效: %.40s",
				 field ? field : key, s);
	*out = v;
	return 0;
}

/* Phone numbers and ID numbers are checked for format only when
 * `strict`: a stored record that an older release (or a legacy import)
 * let through must still load, so that the quality rules Q03/Q10 can
 * list it and its director can open and correct it. */
static int parse_phone(const src *in, const char *key, char *out,
		       size_t outsz, const char *field, int strict, err *e)
{
	int rc = copy_str(in, key, 0, 20, out, outsz, field, e);
	if (rc)
		return rc;
	if (strict && *out && !child_phone_valid(out))
		return err_field(e, ERR_INVALID, "invalid_phone", field,
				 "电话号码格式不正确（手机11位，或区号-号码）");
	return 0;
}

static int parse_idnum(const src *in, const char *key,
		       char out[CHILD_ID_MAX], const char *field, int strict,
		       err *e)
{
	char raw[40] = "";
	int rc = copy_str(in, key, 0, 20, raw, sizeof raw, field, e);
	if (rc)
		return rc;
	idcard_normalize(raw, out);
	if (strict && *out && idcard_validate(out, NULL, e) != 0) {
		if (e)
			snprintf(e->field, sizeof e->field, "%s", field);
		return ERR_INVALID;
	}
	return 0;
}

/* The sub-object `key` of a top-level source: *found is 0 when it is
 * absent or null (in cells: no cell under "key." has a value), else *out
 * reads it.  `prefix` is the caller's buffer for the cells' "key.". */
static int sub_object(const src *in, const char *key, src *out, int *found,
		      char prefix[32], err *e)
{
	*found = 0;
	*out = *in;
	if (in->obj) {
		json_t *v = json_object_get(in->obj, key);
		if (!v || json_is_null(v))
			return 0;
		if (!json_is_object(v))
			return err_field(e, ERR_INVALID, "invalid_field", key,
					 "字段 %s 应为对象或null", key);
		out->obj = v;
		*found = 1;
		return 0;
	}
	size_t kl = strlen(key);
	for (int i = 0; i < in->cells->n; i++) {
		const char *p = in->cells->path[i];
		if (!in->cells->value[i] || !has_prefix(p, key, kl))
			continue;
		if (p[kl] == '\0')
			return err_field(e, ERR_INVALID, "invalid_field", key,
					 "字段 %s 应为对象或null", key);
		*found |= p[kl] == '.';
	}
	snprintf(prefix, 32, "%s.", key);
	out->prefix = prefix;
	return 0;
}

static int parse_parent(const src *in, const char *key, parent *p,
			int strict, err *e)
{
	static const char *const fields[] = { "name",	"id_number", "phone",
					      "status", "work_place", NULL };
	/* The fields' full names, for errors. */
	static const char *const names[2][5] = {
		{ "father.name", "father.id_number", "father.phone",
		  "father.status", "father.work_place" },
		{ "mother.name", "mother.id_number", "mother.phone",
		  "mother.status", "mother.work_place" },
	};
	src sub, *o = &sub;
	char prefix[32];
	const char *const *f = names[strcmp(key, "father") != 0];
	int found, rc = sub_object(in, key, o, &found, prefix, e);
	if (rc || !found)
		return rc;
	if ((rc = src_only(o, fields, e))) {
		char full[40];
		snprintf(full, sizeof full, "%s.%.20s", key, e ? e->field : "");
		if (e)
			snprintf(e->field, sizeof e->field, "%s", full);
		return rc;
	}
	int st = PARENT_UNKNOWN;
	if ((rc = copy_str(o, "name", 0, 20, p->name, sizeof p->name, f[0],
			   e)) ||
	    (rc = parse_idnum(o, "id_number", p->id_number, f[1], strict,
			      e)) ||
	    (rc = parse_phone(o, "phone", p->phone, sizeof p->phone, f[2],
			      strict, e)) ||
	    (rc = parse_code(o, "status", child_parent_status_codes, 0, &st,
			     f[3], e)) ||
	    (rc = copy_str(o, "work_place", 0, 40, p->work_place,
			   sizeof p->work_place, f[4], e)))
		return rc;
	p->status = (parent_status)st;
	return 0;
}

static int parse_guardian(const src *in, guardian *g, int strict, err *e)
{
	static const char *const fields[] = { "name", "id_number",
					      "relationship", "phone", NULL };
	src sub, *o = &sub;
	char prefix[32];
	int found, rc = sub_object(in, "guardian", o, &found, prefix, e);
	if (rc || !found)
		return rc;
	if ((rc = src_only(o, fields, e))) {
		char f[64];
		snprintf(f, sizeof f, "guardian.%.40s", e ? e->field : "");
		if (e)
			snprintf(e->field, sizeof e->field, "%s", f);
		return rc;
	}
	g->present = 1;
	if ((rc = copy_str(o, "name", 1, 20, g->name, sizeof g->name,
			   "guardian.name", e)) ||
	    (rc = parse_idnum(o, "id_number", g->id_number,
			      "guardian.id_number", strict, e)) ||
	    (rc = copy_str(o, "relationship", 0, 20, g->relationship,
			   sizeof g->relationship, "guardian.relationship",
			   e)) ||
	    (rc = parse_phone(o, "phone", g->phone, sizeof g->phone,
			      "guardian.phone", strict, e)))
		return rc;
	return 0;
}

static int parse_disability(const src *in, disability *d, err *e)
{
	static const char *const fields[] = { "type", "grade",
					      "certificate_no", NULL };
	src sub, *o = &sub;
	char prefix[32];
	int found, rc = sub_object(in, "disability", o, &found, prefix, e);
	if (rc || !found)
		return rc;
	if ((rc = src_only(o, fields, e))) {
		char f[64];
		snprintf(f, sizeof f, "disability.%.40s", e ? e->field : "");
		if (e)
			snprintf(e->field, sizeof e->field, "%s", f);
		return rc;
	}
	d->present = 1;
	if ((rc = copy_str(o, "type", 1, 20, d->type, sizeof d->type,
			   "disability.type", e)) ||
	    (rc = copy_str(o, "grade", 0, 8, d->grade, sizeof d->grade,
			   "disability.grade", e)) ||
	    (rc = copy_str(o, "certificate_no", 0, 30, d->certificate_no,
			   sizeof d->certificate_no,
			   "disability.certificate_no", e)))
		return rc;
	return 0;
}

static int parse_bool(const src *obj, const char *key, int *out, err *e)
{
	int v;
	int rc = src_bool(obj, key, &v, e);
	if (rc == 0 && v >= 0)
		*out = v;
	return rc;
}

static int parse(const src *obj, child *c, int strict, err *e)
{
	static const char *const fields[] = {
		"name",		"sex",		 "birth_date",
		"id_number",	"ethnicity",	 "region_code",
		"hukou_region", "hukou_rural",	 "hukou_status",
		"address",	"school",	 "grade",
		"contact_phone", "father",	 "mother",
		"guardian",	"guardianship",	 "living_support",
		"mental_health", "mental_notes", "education",
		"dropout_explanation", "health", "illness",
		"disability",	NULL,
	};
	int rc, sex = 0, hs = 1, g = 0, ls = 0, mh = 0, ed = 0, he = 0;
	const char *hukou;
	if ((rc = src_only(obj, fields, e)) ||
	    (rc = copy_str(obj, "name", 1, 20, c->name, sizeof c->name, "name",
			   e)) ||
	    (rc = parse_code(obj, "sex", child_sex_codes, 1, &sex, "sex", e)) ||
	    (rc = copy_str(obj, "birth_date", 1, 10, c->birth_date,
			   sizeof c->birth_date, "birth_date", e)) ||
	    (rc = parse_idnum(obj, "id_number", c->id_number, "id_number",
			      strict, e)) ||
	    (rc = copy_str(obj, "ethnicity", 1, 6, c->ethnicity,
			   sizeof c->ethnicity, "ethnicity", e)) ||
	    (rc = copy_str(obj, "region_code", 1, 12, c->region,
			   sizeof c->region, "region_code", e)) ||
	    (rc = copy_str(obj, "hukou_region", 0, 12, c->hukou_region,
			   sizeof c->hukou_region, "hukou_region", e)) ||
	    (rc = src_str(obj, "hukou_status", 0, 20, &hukou, e)))
		return rc;
	if (hukou) {
		if (strcmp(hukou, "registered") == 0)
			hs = 1;
		else if (strcmp(hukou, "none") == 0)
			hs = 0;
		else
			return err_field(e, ERR_INVALID, "invalid_field",
					 "hukou_status",
					 "户籍状态应为 registered 或 none");
	}
	c->hukou_registered = hs;
	c->hukou_rural = 1;
	if ((rc = parse_bool(obj, "hukou_rural", &c->hukou_rural, e)) ||
	    (rc = copy_str(obj, "address", 0, 100, c->address,
			   sizeof c->address, "address", e)) ||
	    (rc = copy_str(obj, "school", 0, 40, c->school, sizeof c->school,
			   "school", e)) ||
	    (rc = copy_str(obj, "grade", 0, 10, c->grade, sizeof c->grade,
			   "grade", e)) ||
	    (rc = parse_phone(obj, "contact_phone", c->contact_phone,
			      sizeof c->contact_phone, "contact_phone", strict,
			      e)) ||
	    (rc = parse_parent(obj, "father", &c->father, strict, e)) ||
	    (rc = parse_parent(obj, "mother", &c->mother, strict, e)) ||
	    (rc = parse_guardian(obj, &c->guardian, strict, e)) ||
	    (rc = parse_code(obj, "guardianship", child_guardianship_codes, 0,
			     &g, "guardianship", e)) ||
	    (rc = parse_code(obj, "living_support", child_support_codes, 0,
			     &ls, "living_support", e)) ||
	    (rc = parse_code(obj, "mental_health", child_mental_codes, 0, &mh,
			     "mental_health", e)) ||
	    (rc = copy_text(obj, "mental_notes", 150, c->mental_notes,
			    sizeof c->mental_notes, e)) ||
	    (rc = parse_code(obj, "education", child_education_codes, 0, &ed,
			     "education", e)) ||
	    (rc = copy_text(obj, "dropout_explanation", 150,
			    c->dropout_explanation,
			    sizeof c->dropout_explanation, e)) ||
	    (rc = parse_code(obj, "health", child_health_codes, 0, &he,
			     "health", e)) ||
	    (rc = copy_str(obj, "illness", 0, 40, c->illness,
			   sizeof c->illness, "illness", e)) ||
	    (rc = parse_disability(obj, &c->disability, e)))
		return rc;
	c->sex = sex;
	c->guardianship = (guardianship)g;
	c->living_support = (living_support)ls;
	c->mental_health = (mental_health)mh;
	c->education = (education)ed;
	c->health = (health)he;
	return 0;
}

int child_parse(json_t *obj, child *c, err *e)
{
	src in = { .obj = obj, .prefix = "" };
	return parse(&in, c, 1, e);
}

int child_parse_stored(json_t *obj, child *c, err *e)
{
	src in = { .obj = obj, .prefix = "" };
	return parse(&in, c, 0, e);
}

int child_parse_cells(const child_cells *cells, child *c, err *e)
{
	int cursor = 0;
	src in = { .cells = cells, .prefix = "", .cursor = &cursor };
	return parse(&in, c, 1, e);
}

int child_validate(const child *c, const char *today, err *e)
{
	if (!child_date_valid(c->birth_date) || strcmp(c->birth_date,
						       "1990-01-01") < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "birth_date",
				 "出生日期应为有效日期（YYYY-MM-DD）");
	if (today && strcmp(c->birth_date, today) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "birth_date",
				 "出生日期不能晚于今天");
	if (!child_ethnicity_valid(c->ethnicity))
		return err_field(e, ERR_INVALID, "invalid_field", "ethnicity",
				 "民族应为56个民族之一，如“汉族”");
	if (!c->hukou_registered && c->id_number[0])
		return err_field(e, ERR_INVALID, "invalid_field", "id_number",
				 "无户籍儿童不应填写身份证号");
	if (c->hukou_registered && !c->id_number[0])
		return err_field(e, ERR_INVALID, "missing_field", "id_number",
				 "有户籍的儿童须填写身份证号；无户籍请选择“无户籍”");
	if (c->id_number[0]) {
		char birth[11];
		if (idcard_validate(c->id_number, today, e) != 0) {
			if (e)
				snprintf(e->field, sizeof e->field, "id_number");
			return ERR_INVALID;
		}
		if (idcard_birth(c->id_number, birth) != 0 ||
		    strcmp(birth, c->birth_date) != 0)
			return err_field(e, ERR_INVALID, "id_mismatch",
					 "id_number",
					 "身份证号中的出生日期（%s）与填写的出生日期不一致",
					 birth);
		if (idcard_sex(c->id_number) != c->sex)
			return err_field(e, ERR_INVALID, "id_mismatch",
					 "id_number",
					 "身份证号中的性别与填写的性别不一致");
	}
	if ((c->education == EDU_OUT_OF_SCHOOL ||
	     c->education == EDU_DROPPED_OUT) &&
	    !text_valid_text(c->dropout_explanation, 2, 150))
		return err_field(e, ERR_INVALID, "missing_field",
				 "dropout_explanation",
				 "失学、辍学儿童须填写情况说明（原因、起始时间、已采取的措施）");
	return 0;
}

/* ---- rendering ---- */

/* The record's JSON (SPEC §12), key by key in its order.  One table drives
 * both renderings, the jansson object and the text that is stored, so the
 * two cannot drift apart.  A sub-object (R_OBJ) runs to its R_END; `off`
 * of an R_OBJ is its `present` flag (R_ALWAYS: always an object, never
 * null).  R_CODE fields are int-sized enumerations. */
typedef enum rkind {
	R_STR,		/* always a string, "" included */
	R_OPT,		/* a string, or null when "" */
	R_CODE,		/* the code of a table, or null when unset */
	R_BOOL,
	R_HUKOU,	/* "registered" or "none" */
	R_OBJ,
	R_END,
} rkind;

typedef struct rfield {
	const char *key;
	rkind kind;
	size_t off;
	const code_entry *codes;
} rfield;

#define R_ALWAYS ((size_t)-1)
#define RF(key, kind, member, codes) \
	{ key, kind, offsetof(child, member), codes }
#define RF_PARENT(p)                                                       \
	{ #p, R_OBJ, R_ALWAYS, NULL }, RF("name", R_OPT, p.name, NULL),      \
		RF("id_number", R_OPT, p.id_number, NULL),                   \
		RF("phone", R_OPT, p.phone, NULL),                           \
		RF("status", R_CODE, p.status, child_parent_status_codes),   \
		RF("work_place", R_OPT, p.work_place, NULL),                 \
	{                                                                    \
		NULL, R_END, 0, NULL                                         \
	}

_Static_assert(sizeof(parent_status) == sizeof(int) &&
		       sizeof(guardianship) == sizeof(int) &&
		       sizeof(living_support) == sizeof(int) &&
		       sizeof(mental_health) == sizeof(int) &&
		       sizeof(education) == sizeof(int) &&
		       sizeof(health) == sizeof(int),
	       "R_CODE fields are read as int");

static const rfield rfields[] = {
	RF("name", R_STR, name, NULL),
	RF("sex", R_CODE, sex, child_sex_codes),
	RF("birth_date", R_STR, birth_date, NULL),
	RF("id_number", R_OPT, id_number, NULL),
	RF("ethnicity", R_STR, ethnicity, NULL),
	RF("region_code", R_STR, region, NULL),
	RF("hukou_region", R_OPT, hukou_region, NULL),
	RF("hukou_rural", R_BOOL, hukou_rural, NULL),
	RF("hukou_status", R_HUKOU, hukou_registered, NULL),
	RF("address", R_OPT, address, NULL),
	RF("school", R_OPT, school, NULL),
	RF("grade", R_OPT, grade, NULL),
	RF("contact_phone", R_OPT, contact_phone, NULL),
	RF_PARENT(father),
	RF_PARENT(mother),
	RF("guardian", R_OBJ, guardian.present, NULL),
	RF("name", R_OPT, guardian.name, NULL),
	RF("id_number", R_OPT, guardian.id_number, NULL),
	RF("relationship", R_OPT, guardian.relationship, NULL),
	RF("phone", R_OPT, guardian.phone, NULL),
	{ NULL, R_END, 0, NULL },
	RF("guardianship", R_CODE, guardianship, child_guardianship_codes),
	RF("living_support", R_CODE, living_support, child_support_codes),
	RF("mental_health", R_CODE, mental_health, child_mental_codes),
	RF("mental_notes", R_OPT, mental_notes, NULL),
	RF("education", R_CODE, education, child_education_codes),
	RF("dropout_explanation", R_OPT, dropout_explanation, NULL),
	RF("health", R_CODE, health, child_health_codes),
	RF("illness", R_OPT, illness, NULL),
	RF("disability", R_OBJ, disability.present, NULL),
	RF("type", R_OPT, disability.type, NULL),
	RF("grade", R_OPT, disability.grade, NULL),
	RF("certificate_no", R_OPT, disability.certificate_no, NULL),
	{ NULL, R_END, 0, NULL },
};
enum { NRFIELDS = sizeof rfields / sizeof *rfields };

typedef enum rval { V_STR, V_NULL, V_TRUE, V_FALSE, V_OPEN, V_SKIP } rval;

/* The value of field *f of c: a string (*s), null, a boolean; for an
 * R_OBJ, V_OPEN when the object is there, else V_SKIP (it is null, and
 * the caller skips to its R_END). */
static rval rvalue(const child *c, const rfield *f, const char **s)
{
	const char *at = (const char *)c + (f->off == R_ALWAYS ? 0 : f->off);
	*s = NULL;
	switch (f->kind) {
	case R_STR:
		*s = at;
		return V_STR;
	case R_OPT:
		*s = at;
		return *at ? V_STR : V_NULL;
	case R_CODE:
		*s = code_of(f->codes, *(const int *)(const void *)at);
		return **s ? V_STR : V_NULL;
	case R_BOOL:
		return *(const int *)(const void *)at ? V_TRUE : V_FALSE;
	case R_HUKOU:
		*s = *(const int *)(const void *)at ? "registered" : "none";
		return V_STR;
	case R_OBJ:
		return f->off == R_ALWAYS || *(const int *)(const void *)at
			       ? V_OPEN
			       : V_SKIP;
	case R_END:
		break;
	}
	return V_NULL;
}

static size_t skip_object(size_t i)
{
	while (rfields[i].kind != R_END)
		i++;
	return i;
}

json_t *child_to_json(const child *c)
{
	json_t *top = json_object(), *o = top;
	for (size_t i = 0; i < NRFIELDS; i++) {
		const rfield *f = &rfields[i];
		const char *s;
		json_t *v = NULL;
		if (f->kind == R_END) {
			o = top;
			continue;
		}
		switch (rvalue(c, f, &s)) {
		case V_STR:
			v = json_string(s);
			break;
		case V_NULL:
			v = json_null();
			break;
		case V_TRUE:
			v = json_true();
			break;
		case V_FALSE:
			v = json_false();
			break;
		case V_OPEN:
			json_object_set_new(top, f->key, o = json_object());
			continue;
		case V_SKIP:
			v = json_null();
			i = skip_object(i);
			break;
		}
		json_object_set_new(o, f->key, v);
	}
	return top;
}

/* A JSON string as jansson writes it without flags: the mandatory
 * escapes only, everything else (Chinese text too) as it is. */
static void put_json_string(buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_putc(b, '"');
	const char *run = s;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		buf_put(b, run, (size_t)(s - run));
		run = s + 1;
		char esc[7] = { '\\', 0 };
		size_t n = 2;
		switch (ch) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			n = 6;
		}
		buf_put(b, esc, n);
	}
	buf_put(b, run, (size_t)(s - run));
	buf_putc(b, '"');
}

/* The record as JSON text; with `nulls` 0 the null members are left out
 * (an absent object's fields with it). */
static char *to_text(const child *c, int nulls)
{
	buf b = BUF_INIT;
	int first = 1;
	buf_reserve(&b, 1024);	/* a typical record's text, with room */
	buf_putc(&b, '{');
	for (size_t i = 0; i < NRFIELDS; i++) {
		const rfield *f = &rfields[i];
		const char *s;
		if (f->kind == R_END) {
			buf_putc(&b, '}');
			first = 0;
			continue;
		}
		rval v = rvalue(c, f, &s);
		if (!nulls && (v == V_NULL || v == V_SKIP)) {
			if (v == V_SKIP)
				i = skip_object(i);
			continue;
		}
		if (!first)
			buf_putc(&b, ',');
		first = 0;
		put_json_string(&b, f->key);
		buf_putc(&b, ':');
		switch (v) {
		case V_STR:
			put_json_string(&b, s);
			break;
		case V_NULL:
			buf_puts(&b, "null");
			break;
		case V_TRUE:
			buf_puts(&b, "true");
			break;
		case V_FALSE:
			buf_puts(&b, "false");
			break;
		case V_OPEN:
			buf_putc(&b, '{');
			first = 1;
			break;
		case V_SKIP:
			buf_puts(&b, "null");
			i = skip_object(i);
			break;
		}
	}
	buf_putc(&b, '}');
	return buf_steal(&b);
}

char *child_to_text(const child *c)
{
	return to_text(c, 1);
}

char *child_stored_text(const child *c)
{
	return to_text(c, 0);
}

/* ---- versions ---- */

static void diff_into(json_t *out, const char *prefix, json_t *a, json_t *b)
{
	/* Objects are compared key by key; anything else as a whole. */
	if (json_is_object(a) && json_is_object(b)) {
		const char *k;
		json_t *v;
		json_object_foreach(a, k, v) {
			char path[128];
			snprintf(path, sizeof path, "%s%s%s", prefix,
				 *prefix ? "." : "", k);
			json_t *w = json_object_get(b, k);
			diff_into(out, path, v, w ? w : json_null());
		}
		json_object_foreach(b, k, v) {
			if (json_object_get(a, k))
				continue;
			char path[128];
			snprintf(path, sizeof path, "%s%s%s", prefix,
				 *prefix ? "." : "", k);
			diff_into(out, path, json_null(), v);
		}
		return;
	}
	if (json_is_object(a) && json_is_null(b)) {
		json_t *empty = json_object();
		diff_into(out, prefix, a, empty);
		json_decref(empty);
		return;
	}
	if (json_is_null(a) && json_is_object(b)) {
		json_t *empty = json_object();
		diff_into(out, prefix, empty, b);
		json_decref(empty);
		return;
	}
	if (!json_equal(a, b))
		json_array_append_new(out,
				      json_pack("{s:s, s:O, s:O}", "field",
						prefix, "before", a, "after",
						b));
}

json_t *child_diff(json_t *before, json_t *after)
{
	json_t *out = json_array();
	diff_into(out, "", before, after);
	return out;
}

json_t *child_merge_patch(json_t *target, json_t *patch)
{
	if (!json_is_object(patch))
		return json_deep_copy(patch);
	json_t *out = json_is_object(target) ? json_deep_copy(target)
					     : json_object();
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v) {
		if (json_is_null(v)) {
			json_object_set_new(out, k, json_null());
			continue;
		}
		json_t *cur = json_object_get(out, k);
		json_object_set_new(out, k, child_merge_patch(cur, v));
	}
	return out;
}
