/* The shape of a child record: parsing hostile JSON, rendering, the
 * cross-field rules, and differences between versions. */
#include "domain/child.h"

#include <stdio.h>
#include <string.h>

#include "domain/child_codes.h"
#include "domain/idcard.h"
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

static int copy_str(json_t *obj, const char *key, int required, size_t maxc,
		    char *out, size_t outsz, const char *field, err *e)
{
	const char *s;
	int rc = jsonx_str(obj, key, required, maxc, &s, e);
	if (rc) {
		if (e && field)
			snprintf(e->field, sizeof e->field, "%s", field);
		return rc;
	}
	if (s) {
		if (strlen(s) >= outsz || !text_valid_name(s, 0, maxc) ||
		    (required && !text_valid_name(s, 1, maxc)))
			return err_field(e, ERR_INVALID, "invalid_field",
					 field ? field : key,
					 "字段 %s 含有非法字符或过长",
					 field ? field : key);
		snprintf(out, outsz, "%s", s);
	}
	return 0;
}

/* As copy_str, for free text that may run over several lines. */
static int copy_text(json_t *obj, const char *key, size_t maxc, char *out,
		     size_t outsz, err *e)
{
	const char *s;
	int rc = jsonx_str(obj, key, 0, maxc, &s, e);
	if (rc)
		return rc;
	if (s) {
		if (strlen(s) >= outsz || !text_valid_text(s, 0, maxc))
			return err_field(e, ERR_INVALID, "invalid_field", key,
					 "字段 %s 含有非法字符或过长", key);
		snprintf(out, outsz, "%s", s);
	}
	return 0;
}

static int parse_code(json_t *obj, const char *key, const code_entry *t,
		      int required, int *out, const char *field, err *e)
{
	const char *s;
	int rc = jsonx_str(obj, key, required, 40, &s, e);
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
static int parse_phone(json_t *obj, const char *key, char *out, size_t outsz,
		       const char *field, int strict, err *e)
{
	int rc = copy_str(obj, key, 0, 20, out, outsz, field, e);
	if (rc)
		return rc;
	if (strict && *out && !child_phone_valid(out))
		return err_field(e, ERR_INVALID, "invalid_phone", field,
				 "电话号码格式不正确（手机11位，或区号-号码）");
	return 0;
}

static int parse_idnum(json_t *obj, const char *key, char out[CHILD_ID_MAX],
		       const char *field, int strict, err *e)
{
	char raw[40] = "";
	int rc = copy_str(obj, key, 0, 20, raw, sizeof raw, field, e);
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

static int sub_object(json_t *obj, const char *key, json_t **out, err *e)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "字段 %s 应为对象或null", key);
	*out = v;
	return 0;
}

static int parse_parent(json_t *obj, const char *key, parent *p, int strict,
			err *e)
{
	static const char *const fields[] = { "name",	"id_number", "phone",
					      "status", "work_place", NULL };
	json_t *o;
	char f[5][40];
	int rc = sub_object(obj, key, &o, e);
	if (rc || !o)
		return rc;
	if ((rc = jsonx_only(o, fields, e))) {
		snprintf(f[0], sizeof f[0], "%s.%.20s", key, e ? e->field : "");
		if (e)
			snprintf(e->field, sizeof e->field, "%s", f[0]);
		return rc;
	}
	snprintf(f[0], sizeof f[0], "%s.name", key);
	snprintf(f[1], sizeof f[1], "%s.id_number", key);
	snprintf(f[2], sizeof f[2], "%s.phone", key);
	snprintf(f[3], sizeof f[3], "%s.status", key);
	snprintf(f[4], sizeof f[4], "%s.work_place", key);
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

static int parse_guardian(json_t *obj, guardian *g, int strict, err *e)
{
	static const char *const fields[] = { "name", "id_number",
					      "relationship", "phone", NULL };
	json_t *o;
	int rc = sub_object(obj, "guardian", &o, e);
	if (rc || !o)
		return rc;
	if ((rc = jsonx_only(o, fields, e))) {
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

static int parse_disability(json_t *obj, disability *d, err *e)
{
	static const char *const fields[] = { "type", "grade",
					      "certificate_no", NULL };
	json_t *o;
	int rc = sub_object(obj, "disability", &o, e);
	if (rc || !o)
		return rc;
	if ((rc = jsonx_only(o, fields, e))) {
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

static int parse_bool(json_t *obj, const char *key, int *out, err *e)
{
	int v;
	int rc = jsonx_bool(obj, key, 0, &v, e);
	if (rc == 0 && v >= 0)
		*out = v;
	return rc;
}

static int parse(json_t *obj, child *c, int strict, err *e)
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
	if ((rc = jsonx_only(obj, fields, e)) ||
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
	    (rc = jsonx_str(obj, "hukou_status", 0, 20, &hukou, e)))
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
	return parse(obj, c, 1, e);
}

int child_parse_stored(json_t *obj, child *c, err *e)
{
	return parse(obj, c, 0, e);
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

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *code_or_null(const code_entry *t, int v)
{
	const char *c = code_of(t, v);
	return *c ? json_string(c) : json_null();
}

static json_t *parent_json(const parent *p)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "name",
			 str_or_null(p->name), "id_number",
			 str_or_null(p->id_number), "phone",
			 str_or_null(p->phone), "status",
			 code_or_null(child_parent_status_codes, p->status),
			 "work_place", str_or_null(p->work_place));
}

json_t *child_to_json(const child *c)
{
	json_t *g = c->guardian.present
			    ? json_pack("{s:o, s:o, s:o, s:o}", "name",
					str_or_null(c->guardian.name),
					"id_number",
					str_or_null(c->guardian.id_number),
					"relationship",
					str_or_null(c->guardian.relationship),
					"phone", str_or_null(c->guardian.phone))
			    : json_null();
	json_t *d = c->disability.present
			    ? json_pack("{s:o, s:o, s:o}", "type",
					str_or_null(c->disability.type),
					"grade",
					str_or_null(c->disability.grade),
					"certificate_no",
					str_or_null(c->disability.certificate_no))
			    : json_null();
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "sex", code_or_null(child_sex_codes, c->sex));
	json_object_set_new(o, "birth_date", json_string(c->birth_date));
	json_object_set_new(o, "id_number", str_or_null(c->id_number));
	json_object_set_new(o, "ethnicity", json_string(c->ethnicity));
	json_object_set_new(o, "region_code", json_string(c->region));
	json_object_set_new(o, "hukou_region", str_or_null(c->hukou_region));
	json_object_set_new(o, "hukou_rural", json_boolean(c->hukou_rural));
	json_object_set_new(o, "hukou_status",
			    json_string(c->hukou_registered ? "registered"
							    : "none"));
	json_object_set_new(o, "address", str_or_null(c->address));
	json_object_set_new(o, "school", str_or_null(c->school));
	json_object_set_new(o, "grade", str_or_null(c->grade));
	json_object_set_new(o, "contact_phone", str_or_null(c->contact_phone));
	json_object_set_new(o, "father", parent_json(&c->father));
	json_object_set_new(o, "mother", parent_json(&c->mother));
	json_object_set_new(o, "guardian", g);
	json_object_set_new(o, "guardianship",
			    code_or_null(child_guardianship_codes,
					 c->guardianship));
	json_object_set_new(o, "living_support",
			    code_or_null(child_support_codes,
					 c->living_support));
	json_object_set_new(o, "mental_health",
			    code_or_null(child_mental_codes, c->mental_health));
	json_object_set_new(o, "mental_notes", str_or_null(c->mental_notes));
	json_object_set_new(o, "education",
			    code_or_null(child_education_codes, c->education));
	json_object_set_new(o, "dropout_explanation",
			    str_or_null(c->dropout_explanation));
	json_object_set_new(o, "health",
			    code_or_null(child_health_codes, c->health));
	json_object_set_new(o, "illness", str_or_null(c->illness));
	json_object_set_new(o, "disability", d);
	return o;
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
