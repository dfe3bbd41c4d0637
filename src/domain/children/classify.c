#include "domain/children/classify.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "domain/children/child_codes.h"

/* Codes and labels, indexed by bit position (SPEC §11). */
static const char *const classify__cat_code[CAT_COUNT] = {
	"left_behind",		    "orphan",
	"de_facto_unsupported",	    "difficult_poverty",
	"difficult_disability",	    "difficult_guardianship",
};
static const char *const classify__cat_label[CAT_COUNT] = {
	"农村留守儿童",
	"孤儿",
	"事实无人抚养儿童",
	"困境儿童（家庭贫困）",
	"困境儿童（自身残疾/重病）",
	"困境儿童（监护缺失/不当）",
};
/* Short names, for a chart's axis and a card on a phone. */
static const char *const classify__cat_short[CAT_COUNT] = {
	"留守儿童",	  "孤儿",	   "事实无人抚养",
	"困境·家庭贫困", "困境·残疾重病", "困境·监护缺失",
};
static const char *const classify__flag_code[FLAG_COUNT] = {
	"unsupervised", "poor_guardianship", "dropout",
	"no_hukou",	"ill",		     "disabled",
};
static const char *const classify__flag_label[FLAG_COUNT] = {
	"无人监护", "监护较差", "失辍学", "无户籍", "患病", "残疾",
};

/* ---- dates ---- */

static int classify__leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int classify__mdays(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31 };
	return m == 2 && classify__leap(y) ? 29 : days[m - 1];
}

/* A strict YYYY-MM-DD real calendar day, year 0001–9999.  Anything
 * looser would let a typo silently shift a child's age. */
static int classify__date(const char *s, int *y, int *m, int *d)
{
	static const int at[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 8; i++)
		if (s[at[i]] < '0' || s[at[i]] > '9')
			return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	     (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > classify__mdays(*y, *m))
		return -1;
	return 0;
}

/* YYYY-MM-DD of a day classify__date accepts.  By hand rather than
 * snprintf: the compiler cannot see the ranges and would warn. */
static void classify__format(char out[11], int y, int m, int d)
{
	const int v[3] = { y, m, d }, w[3] = { 4, 2, 2 };
	char *p = out;
	for (int i = 0; i < 3; i++) {
		for (int k = w[i] - 1, x = v[i]; k >= 0; k--, x /= 10)
			p[k] = (char)('0' + x % 10);
		p += w[i];
		*p++ = i < 2 ? '-' : '\0';
	}
}

int classify_age(const char *birth, const char *asof)
{
	int by, bm, bd, y, m, d;
	if (classify__date(birth, &by, &bm, &bd) ||
	    classify__date(asof, &y, &m, &d))
		return -1;
	int age = y - by;
	/* Not yet had this year's birthday.  For a 29 February birth in a
	 * common year, 28 February still compares below (2, 29) and
	 * 1 March does not: the birthday falls on 1 March, as §11 says. */
	if (m < bm || (m == bm && d < bd))
		age--;
	return age < 0 ? -1 : age;
}

int classify_birthday(const char *birth, int years, char out[11])
{
	int y, m, d;
	out[0] = '\0';
	if (classify__date(birth, &y, &m, &d) || years < 0 ||
	    years > 9999 - y)
		return -1;
	y += years;
	/* The first day classify_age counts the new year of age. */
	if (m == 2 && d == 29 && !classify__leap(y)) {
		m = 3;
		d = 1;
	}
	classify__format(out, y, m, d);
	return 0;
}

/* ---- parents ---- */

int classify_parent_unable(parent_status s)
{
	switch (s) {
	case PARENT_DECEASED:
	case PARENT_MISSING:
	case PARENT_IMPRISONED:
	case PARENT_DRUG_REHAB:
	case PARENT_RESTRICTED_LIBERTY:
	case PARENT_SEVERE_DISABILITY:
	case PARENT_SERIOUS_ILLNESS:
	case PARENT_GUARDIANSHIP_REVOKED:
	case PARENT_DEPORTED:
		return 1;
	default:
		return 0;
	}
}

int classify_parent_migrant(parent_status s)
{
	return s == PARENT_MIGRANT_IN_PROVINCE ||
	       s == PARENT_MIGRANT_OUT_PROVINCE;
}

const char *classify_parent_absence(const parent *p, const char *asof)
{
	/* As of any date for now: SPEC §13.2 makes both depend on it. */
	(void)asof;
	if (classify_parent_migrant(p->status))
		return "migrant";
	if (classify_parent_unable(p->status))
		return "unable";
	return NULL;
}

/* Deceased or missing: the parent statuses of an orphan. */
static int classify__gone(parent_status s)
{
	return s == PARENT_DECEASED || s == PARENT_MISSING;
}

/* The set §11 names for de_facto_unsupported: unable to guard, except
 * deceased (missing is in it, deceased is not). */
static int classify__absent(parent_status s)
{
	return classify_parent_unable(s) && s != PARENT_DECEASED;
}

static int classify__left_behind(parent_status f, parent_status m)
{
	return (classify_parent_migrant(f) && classify_parent_migrant(m)) ||
	       (classify_parent_migrant(f) && classify_parent_unable(m)) ||
	       (classify_parent_unable(f) && classify_parent_migrant(m));
}

static int classify__orphan(parent_status f, parent_status m)
{
	return classify__gone(f) && classify__gone(m);
}

static int classify__de_facto(parent_status f, parent_status m)
{
	/* "Not orphan" belongs here, not at the age test: orphan and
	 * de_facto_unsupported share the age limit 18, so below it the
	 * orphan test is exactly classify__orphan and above it neither
	 * holds.  That keeps classify_base age-free and SQL-filterable. */
	if (classify__orphan(f, m))
		return 0;
	return (classify__absent(f) && classify__absent(m)) ||
	       (classify__gone(f) && classify__absent(m)) ||
	       (classify__absent(f) && classify__gone(m));
}

/* ---- the rules ---- */

unsigned classify_base(const child *c)
{
	parent_status f = c->father.status, m = c->mother.status;
	unsigned b = 0;
	if (c->hukou_rural && classify__left_behind(f, m))
		b |= CAT_LEFT_BEHIND;
	if (classify__orphan(f, m))
		b |= CAT_ORPHAN;
	if (classify__de_facto(f, m))
		b |= CAT_DE_FACTO_UNSUPPORTED;
	if (c->living_support == SUPPORT_DIBAO ||
	    c->living_support == SUPPORT_TEKUN)
		b |= CAT_DIFFICULT_POVERTY;
	if (c->disability.present || c->health == HEALTH_SERIOUS_ILLNESS)
		b |= CAT_DIFFICULT_DISABILITY;
	if (c->guardianship == GUARD_NONE || c->guardianship == GUARD_POOR ||
	    c->open_abuse_case)
		b |= CAT_DIFFICULT_GUARDIANSHIP;
	return b;
}

static unsigned classify__flags(const child *c)
{
	unsigned f = 0;
	if (c->guardianship == GUARD_NONE)
		f |= FLAG_UNSUPERVISED;
	if (c->guardianship == GUARD_POOR)
		f |= FLAG_POOR_GUARDIANSHIP;
	if (c->education == EDU_OUT_OF_SCHOOL ||
	    c->education == EDU_DROPPED_OUT)
		f |= FLAG_DROPOUT;
	if (!c->hukou_registered)
		f |= FLAG_NO_HUKOU;
	if (c->health == HEALTH_ILL || c->health == HEALTH_SERIOUS_ILLNESS)
		f |= FLAG_ILL;
	if (c->disability.present)
		f |= FLAG_DISABLED;
	return f;
}

int classify_age_limit(unsigned cat_bit)
{
	if (cat_bit == CAT_LEFT_BEHIND)
		return 16;
	for (int i = 1; i < CAT_COUNT; i++)
		if (cat_bit == 1u << i)
			return 18;
	/* Not one category bit: no age is below 0, so nothing matches. */
	return 0;
}

/* ---- reasons ---- */

/* A reason under construction.  Appends stop at the first piece that
 * does not fit, cut at a character boundary, so a reason is never
 * invalid UTF-8 and never reads on after a gap. */
typedef struct why {
	char *p;
	size_t len, cap;
	int full;
} why;

static void why_put(why *w, const char *s)
{
	if (w->full || !s)
		return;
	size_t n = strlen(s), room = w->cap - 1 - w->len;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		w->full = 1;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void
why_fmt(why *w, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	why_put(w, tmp);
}

static why classify__reason(classify_result *out, const char *code)
{
	classify_reason *r = &out->reasons[out->n++];
	r->code = code;
	r->why[0] = '\0';
	return (why){ r->why, 0, sizeof r->why, 0 };
}

static const char *classify__status(parent_status s)
{
	const char *l = code_label(child_parent_status_codes, (int)s);
	return *l ? l : "状态未填";
}

/* "父亲省外务工、母亲死亡（无监护能力）": both statuses, marking the
 * unable one when the rule turned on a parent being unable. */
static void classify__parents(why *w, const child *c, int mark_unable)
{
	const parent_status st[2] = { c->father.status, c->mother.status };
	static const char *const who[2] = { "父亲", "母亲" };
	for (int i = 0; i < 2; i++) {
		why_put(w, i ? "、" : "");
		why_put(w, who[i]);
		why_put(w, classify__status(st[i]));
		if (mark_unable && classify_parent_unable(st[i]))
			why_put(w, "（无监护能力）");
	}
}

/* "（肢体残疾，二级）" from whichever details were recorded. */
static void classify__details(why *w, const char *a, const char *b)
{
	if (!*a && !*b)
		return;
	why_put(w, "（");
	why_put(w, a);
	why_put(w, *a && *b ? "，" : "");
	why_put(w, b);
	why_put(w, "）");
}

static void classify__cat_why(why *w, unsigned bit, const child *c, int age)
{
	why_fmt(w, "未满%d周岁（%d岁），", classify_age_limit(bit), age);
	switch (bit) {
	case CAT_LEFT_BEHIND:
		why_put(w, "农村户籍，");
		classify__parents(w, c, 1);
		break;
	case CAT_ORPHAN:
	case CAT_DE_FACTO_UNSUPPORTED:
		classify__parents(w, c, 0);
		break;
	case CAT_DIFFICULT_POVERTY:
		why_put(w, "家庭享受");
		why_put(w, c->living_support == SUPPORT_DIBAO ? "低保"
							      : "特困供养");
		break;
	case CAT_DIFFICULT_DISABILITY:
		if (c->disability.present) {
			why_put(w, "本人残疾");
			classify__details(w, c->disability.type,
					  c->disability.grade);
		}
		if (c->health == HEALTH_SERIOUS_ILLNESS) {
			why_put(w, c->disability.present ? "、患重病"
							 : "本人患重病");
			classify__details(w, c->illness, "");
		}
		break;
	case CAT_DIFFICULT_GUARDIANSHIP: {
		const char *sep = "";
		if (c->guardianship == GUARD_NONE ||
		    c->guardianship == GUARD_POOR) {
			why_put(w, "家庭监护情况为");
			why_put(w, c->guardianship == GUARD_NONE ? "无人监护"
								 : "较差");
			sep = "，";
		}
		if (c->open_abuse_case) {
			why_put(w, sep);
			why_put(w, "有未结的虐待、遗弃或忽视救助保护个案");
		}
		break;
	}
	}
}

static void classify__flag_why(why *w, unsigned bit, const child *c)
{
	switch (bit) {
	case FLAG_UNSUPERVISED:
		why_put(w, "家庭监护情况为无人监护");
		break;
	case FLAG_POOR_GUARDIANSHIP:
		why_put(w, "家庭监护情况为较差");
		break;
	case FLAG_DROPOUT:
		why_put(w, "受教育状况为");
		why_put(w, c->education == EDU_OUT_OF_SCHOOL ? "失学" : "辍学");
		break;
	case FLAG_NO_HUKOU:
		why_put(w, "未登记户籍");
		break;
	case FLAG_ILL:
		why_put(w, c->health == HEALTH_ILL ? "健康状况为患病"
						   : "健康状况为重病");
		classify__details(w, c->illness, "");
		break;
	case FLAG_DISABLED:
		why_put(w, "登记有残疾");
		classify__details(w, c->disability.type, c->disability.grade);
		break;
	}
}

void classify_child(const child *c, const char *asof, classify_result *out)
{
	memset(out, 0, sizeof *out);
	int age = classify_age(c->birth_date, asof);
	unsigned base = classify_base(c);
	/* The age part applied to the base, exactly as SQL applies it to
	 * the stored cat_base: the one place categories are decided. */
	for (int i = 0; i < CAT_COUNT; i++) {
		unsigned bit = 1u << i;
		if (!(base & bit) || age < 0 || age >= classify_age_limit(bit))
			continue;
		out->categories |= bit;
		why w = classify__reason(out, classify__cat_code[i]);
		classify__cat_why(&w, bit, c, age);
	}
	/* Flags carry no age condition: a record past every age limit
	 * still shows its dropout or missing hukou. */
	out->flags = classify__flags(c);
	for (int i = 0; i < FLAG_COUNT; i++) {
		unsigned bit = 1u << i;
		if (!(out->flags & bit))
			continue;
		why w = classify__reason(out, classify__flag_code[i]);
		classify__flag_why(&w, bit, c);
	}
}

/* ---- codes and labels ---- */

/* The position of a single bit below `count`, or -1. */
static int classify__index(unsigned bit, int count)
{
	for (int i = 0; i < count; i++)
		if (bit == 1u << i)
			return i;
	return -1;
}

const char *classify_category_code(unsigned bit)
{
	int i = classify__index(bit, CAT_COUNT);
	return i < 0 ? "" : classify__cat_code[i];
}

const char *classify_category_label(unsigned bit)
{
	int i = classify__index(bit, CAT_COUNT);
	return i < 0 ? "" : classify__cat_label[i];
}

const char *classify_flag_code(unsigned bit)
{
	int i = classify__index(bit, FLAG_COUNT);
	return i < 0 ? "" : classify__flag_code[i];
}

const char *classify_flag_label(unsigned bit)
{
	int i = classify__index(bit, FLAG_COUNT);
	return i < 0 ? "" : classify__flag_label[i];
}

unsigned classify_category_bit(const char *code)
{
	for (int i = 0; code && i < CAT_COUNT; i++)
		if (strcmp(code, classify__cat_code[i]) == 0)
			return 1u << i;
	return 0;
}

unsigned classify_flag_bit(const char *code)
{
	for (int i = 0; code && i < FLAG_COUNT; i++)
		if (strcmp(code, classify__flag_code[i]) == 0)
			return 1u << i;
	return 0;
}

/* ---- the tables for GET /api/v1/codes ---- */

/* Calls `mark` on each entry of table `name` already in `out`, with the
 * value its code has in `t`. */
typedef void (*classify__mark)(json_t *entry, int value);

static void classify__each(json_t *out, const char *name,
			   const code_entry *t, classify__mark mark)
{
	size_t i;
	json_t *entry;
	json_array_foreach(json_object_get(out, name), i, entry) {
		int v = code_value(t, json_string_value(json_object_get(entry,
									"code")));
		if (v >= 0)
			mark(entry, v);
	}
}

static void classify__mark_parent(json_t *entry, int v)
{
	json_object_set_new(entry, "migrant",
			    json_boolean(classify_parent_migrant(v)));
	json_object_set_new(entry, "unable",
			    json_boolean(classify_parent_unable(v)));
}

/* The flag a value raises is read off the rules themselves: a child with
 * nothing else recorded, and this one value, gets it. */
static void classify__flag_of(json_t *entry, const child *c)
{
	unsigned f = classify__flags(c);
	for (int i = 0; i < FLAG_COUNT; i++)
		if (f == 1u << i)
			json_object_set_new(entry, "flag",
					    json_string(classify__flag_code[i]));
}

static child classify__blank(void)
{
	child c;
	memset(&c, 0, sizeof c);
	c.hukou_registered = 1;
	return c;
}

static void classify__mark_guardianship(json_t *entry, int v)
{
	child c = classify__blank();
	c.guardianship = (guardianship)v;
	classify__flag_of(entry, &c);
}

static void classify__mark_education(json_t *entry, int v)
{
	child c = classify__blank();
	c.education = (education)v;
	classify__flag_of(entry, &c);
}

static void classify__mark_health(json_t *entry, int v)
{
	child c = classify__blank();
	c.health = (health)v;
	classify__flag_of(entry, &c);
}

void classify_codes_json(json_t *out)
{
	json_t *cats = json_array(), *flags = json_array();
	for (int i = 0; i < CAT_COUNT; i++)
		json_array_append_new(
			cats, json_pack("{s:s, s:s, s:s, s:i}", "code",
					classify__cat_code[i], "label",
					classify__cat_label[i], "short",
					classify__cat_short[i], "age_limit",
					classify_age_limit(1u << i)));
	for (int i = 0; i < FLAG_COUNT; i++)
		json_array_append_new(flags,
				      json_pack("{s:s, s:s}", "code",
						classify__flag_code[i], "label",
						classify__flag_label[i]));
	json_object_set_new(out, "category", cats);
	json_object_set_new(out, "flag", flags);
	classify__each(out, "parent_status", child_parent_status_codes,
		       classify__mark_parent);
	classify__each(out, "guardianship", child_guardianship_codes,
		       classify__mark_guardianship);
	classify__each(out, "education", child_education_codes,
		       classify__mark_education);
	classify__each(out, "health", child_health_codes,
		       classify__mark_health);
}
