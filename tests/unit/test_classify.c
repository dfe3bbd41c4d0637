/* The derivation rules of SPEC §11: ages and birthdays, every category
 * and flag firing and not firing at each boundary, the reasons, and the
 * invariants the stored cat_base and the SQL age filter rely on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/children/classify.h"
#include "util/date.h"
#include "util/text.h"

/* ---- calendar helpers, independent of the code under test ---- */

/* Days since 1970-01-01 of a civil date and back (proleptic Gregorian),
 * after H. Hinnant's well-known algorithms. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, char out[11])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
		 (unsigned)m % 100u, (unsigned)d % 100u);
}

static long day_of(const char *s)
{
	int y, m, d;
	assert_int_equal(sscanf(s, "%4d-%2d-%2d", &y, &m, &d), 3);
	return days_from_civil(y, m, d);
}

/* A deterministic generator, so a failure reproduces. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int rnd_below(uint64_t *s, int n)
{
	return (int)(rnd(s) % (uint64_t)n);
}

/* ---- the spec, written out a second way ---- */

static const parent_status unable[] = {
	PARENT_DECEASED,	    PARENT_MISSING,
	PARENT_IMPRISONED,	    PARENT_DRUG_REHAB,
	PARENT_RESTRICTED_LIBERTY,  PARENT_SEVERE_DISABILITY,
	PARENT_SERIOUS_ILLNESS,	    PARENT_GUARDIANSHIP_REVOKED,
	PARENT_DEPORTED,
};
static const char *const unable_label[] = {
	"死亡",		  "失踪",	  "服刑在押",
	"强制隔离戒毒",	  "被执行其他限制人身自由措施",
	"重残",		  "重病",	  "被撤销监护资格",
	"遣送（驱逐）出境",
};
#define N_UNABLE (sizeof unable / sizeof *unable)

static int in(parent_status s, const parent_status *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == s)
			return 1;
	return 0;
}

static int spec_unable(parent_status s)
{
	return in(s, unable, N_UNABLE);
}

static int spec_migrant(parent_status s)
{
	return s == PARENT_MIGRANT_IN_PROVINCE ||
	       s == PARENT_MIGRANT_OUT_PROVINCE;
}

/* §11's set for de_facto_unsupported, as listed there. */
static int spec_df_set(parent_status s)
{
	static const parent_status set[] = {
		PARENT_MISSING,		   PARENT_IMPRISONED,
		PARENT_DRUG_REHAB,	   PARENT_RESTRICTED_LIBERTY,
		PARENT_SEVERE_DISABILITY,  PARENT_SERIOUS_ILLNESS,
		PARENT_GUARDIANSHIP_REVOKED, PARENT_DEPORTED,
	};
	return in(s, set, sizeof set / sizeof *set);
}

static int spec_gone(parent_status s)
{
	return s == PARENT_DECEASED || s == PARENT_MISSING;
}

/* The §11 tables, row by row, at a known age. */
static unsigned spec_categories(const child *c, int age)
{
	parent_status f = c->father.status, m = c->mother.status;
	unsigned r = 0;
	if (age < 0)
		return 0;
	if (age < 16 && c->hukou_rural &&
	    ((spec_migrant(f) && spec_migrant(m)) ||
	     (spec_migrant(f) && spec_unable(m)) ||
	     (spec_unable(f) && spec_migrant(m))))
		r |= CAT_LEFT_BEHIND;
	int orphan = age < 18 && spec_gone(f) && spec_gone(m);
	if (orphan)
		r |= CAT_ORPHAN;
	if (age < 18 && !orphan &&
	    ((spec_df_set(f) && spec_df_set(m)) ||
	     (spec_gone(f) && spec_df_set(m)) ||
	     (spec_df_set(f) && spec_gone(m))))
		r |= CAT_DE_FACTO_UNSUPPORTED;
	if (age < 18 && (c->living_support == SUPPORT_DIBAO ||
			 c->living_support == SUPPORT_TEKUN))
		r |= CAT_DIFFICULT_POVERTY;
	if (age < 18 &&
	    (c->disability.present || c->health == HEALTH_SERIOUS_ILLNESS))
		r |= CAT_DIFFICULT_DISABILITY;
	if (age < 18 &&
	    (c->guardianship == GUARD_NONE || c->guardianship == GUARD_POOR ||
	     c->open_abuse_case))
		r |= CAT_DIFFICULT_GUARDIANSHIP;
	return r;
}

static unsigned spec_flags(const child *c)
{
	unsigned r = 0;
	if (c->guardianship == GUARD_NONE)
		r |= FLAG_UNSUPERVISED;
	if (c->guardianship == GUARD_POOR)
		r |= FLAG_POOR_GUARDIANSHIP;
	if (c->education == EDU_OUT_OF_SCHOOL ||
	    c->education == EDU_DROPPED_OUT)
		r |= FLAG_DROPOUT;
	if (!c->hukou_registered)
		r |= FLAG_NO_HUKOU;
	if (c->health == HEALTH_ILL || c->health == HEALTH_SERIOUS_ILLNESS)
		r |= FLAG_ILL;
	if (c->disability.present)
		r |= FLAG_DISABLED;
	return r;
}

/* The reasons agree with the bits: one per bit, categories first, each
 * in bit order, each non-empty valid UTF-8. */
static void check_reasons(const classify_result *r)
{
	int k = 0;
	for (int i = 0; i < CAT_COUNT; i++)
		if (r->categories & (1u << i)) {
			assert_true(k < r->n);
			assert_string_equal(r->reasons[k].code,
					    classify_category_code(1u << i));
			k++;
		}
	for (int i = 0; i < FLAG_COUNT; i++)
		if (r->flags & (1u << i)) {
			assert_true(k < r->n);
			assert_string_equal(r->reasons[k].code,
					    classify_flag_code(1u << i));
			k++;
		}
	assert_int_equal(k, r->n);
	for (int i = 0; i < r->n; i++) {
		const char *w = r->reasons[i].why;
		assert_true(w[0] != '\0');
		assert_true(strlen(w) < sizeof r->reasons[i].why);
		assert_true(text_is_utf8(w, strlen(w)));
	}
}

/* ---- the table ---- */

/* One case.  Parent statuses of 0 mean 在家 (use P_UNKNOWN for the
 * unentered status); dates default to a 14-year-old. */
#define P_UNKNOWN ((int)PARENT_STATUS_COUNT + 1)
typedef struct kase {
	const char *name;
	const char *birth, *asof;
	int urban, no_hukou;
	int f, m;
	guardianship g;
	living_support s;
	education ed;
	health h;
	int disabled, abuse;
	unsigned cats, flags;
} kase;

static parent_status status_of(int v)
{
	if (v == 0)
		return PARENT_AT_HOME;
	return v == P_UNKNOWN ? PARENT_UNKNOWN : (parent_status)v;
}

static void make_child(child *c, const kase *k)
{
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "测试");
	c->sex = 1;
	snprintf(c->birth_date, sizeof c->birth_date, "%s",
		 k->birth ? k->birth : "2010-06-15");
	c->hukou_rural = !k->urban;
	c->hukou_registered = !k->no_hukou;
	c->father.status = status_of(k->f);
	c->mother.status = status_of(k->m);
	c->guardianship = k->g ? k->g : GUARD_GOOD;
	c->living_support = k->s;
	c->education = k->ed ? k->ed : EDU_IN_SCHOOL;
	c->health = k->h ? k->h : HEALTH_HEALTHY;
	c->disability.present = k->disabled;
	c->open_abuse_case = k->abuse;
}

#define OUT PARENT_MIGRANT_OUT_PROVINCE
#define INP PARENT_MIGRANT_IN_PROVINCE
#define LB CAT_LEFT_BEHIND
#define ORPH CAT_ORPHAN
#define DF CAT_DE_FACTO_UNSUPPORTED
#define POV CAT_DIFFICULT_POVERTY
#define DIS CAT_DIFFICULT_DISABILITY
#define GUA CAT_DIFFICULT_GUARDIANSHIP

static const kase cases[] = {
	{ .name = "nothing to report" },
	/* left_behind: both migrant, in any mix */
	{ .name = "both out of province", .f = OUT, .m = OUT, .cats = LB },
	{ .name = "both in province", .f = INP, .m = INP, .cats = LB },
	{ .name = "father in, mother out", .f = INP, .m = OUT, .cats = LB },
	{ .name = "father out, mother in", .f = OUT, .m = INP, .cats = LB },
	/* one migrant, the other able: not left behind */
	{ .name = "father out, mother at home", .f = OUT },
	{ .name = "father at home, mother in", .m = INP },
	{ .name = "father out, mother other", .f = OUT, .m = PARENT_OTHER },
	{ .name = "father other, mother in", .f = PARENT_OTHER, .m = INP },
	{ .name = "father out, mother unentered", .f = OUT, .m = P_UNKNOWN },
	{ .name = "both unentered", .f = P_UNKNOWN, .m = P_UNKNOWN },
	/* one migrant and the other unable */
	{ .name = "father out, mother deceased", .f = OUT,
	  .m = PARENT_DECEASED, .cats = LB },
	{ .name = "father imprisoned, mother in", .f = PARENT_IMPRISONED,
	  .m = INP, .cats = LB },
	/* rural against urban */
	{ .name = "urban, both migrant", .urban = 1, .f = OUT, .m = OUT },
	{ .name = "urban, migrant and deceased", .urban = 1, .f = OUT,
	  .m = PARENT_DECEASED },
	{ .name = "urban orphan", .urban = 1, .f = PARENT_DECEASED,
	  .m = PARENT_DECEASED, .cats = ORPH },
	/* rural is the record's hukou_rural even without a registration:
	 * §4.4 reads "rural 户籍/residence". */
	{ .name = "no hukou, rural, both migrant", .no_hukou = 1, .f = OUT,
	  .m = OUT, .cats = LB, .flags = FLAG_NO_HUKOU },
	/* 16th birthday */
	{ .name = "day before 16th", .birth = "2008-06-15",
	  .asof = "2024-06-14", .f = OUT, .m = OUT, .cats = LB },
	{ .name = "16th birthday", .birth = "2008-06-15",
	  .asof = "2024-06-15", .f = OUT, .m = OUT },
	{ .name = "day after 16th", .birth = "2008-06-15",
	  .asof = "2024-06-16", .f = OUT, .m = OUT },
	{ .name = "16 but other rules stay", .birth = "2008-06-15",
	  .asof = "2024-06-15", .f = OUT, .m = OUT, .s = SUPPORT_DIBAO,
	  .cats = POV },
	{ .name = "born today", .birth = "2024-06-15", .asof = "2024-06-15",
	  .f = OUT, .m = OUT, .cats = LB },
	{ .name = "new year's eve birth, day before", .birth = "2008-12-31",
	  .asof = "2024-12-30", .f = OUT, .m = OUT, .cats = LB },
	{ .name = "new year's eve birth, 16th", .birth = "2008-12-31",
	  .asof = "2024-12-31", .f = OUT, .m = OUT },
	{ .name = "new year's day birth, 16th", .birth = "2008-01-01",
	  .asof = "2024-01-01", .f = OUT, .m = OUT },
	{ .name = "new year's day birth, eve", .birth = "2008-01-01",
	  .asof = "2023-12-31", .f = OUT, .m = OUT, .cats = LB },
	/* 29 February: the 16th birthday of a 2008 child is in leap 2024 */
	{ .name = "29 Feb, 28 Feb of 16th year", .birth = "2008-02-29",
	  .asof = "2024-02-28", .f = OUT, .m = OUT, .cats = LB },
	{ .name = "29 Feb, 16th birthday", .birth = "2008-02-29",
	  .asof = "2024-02-29", .f = OUT, .m = OUT },
	/* 2100 is a common year: that 16th birthday falls on 1 March */
	{ .name = "29 Feb 2084, 2100-02-28", .birth = "2084-02-29",
	  .asof = "2100-02-28", .f = OUT, .m = OUT, .cats = LB },
	{ .name = "29 Feb 2084, 2100-03-01", .birth = "2084-02-29",
	  .asof = "2100-03-01", .f = OUT, .m = OUT },
	/* 18th birthday of a 29 February child is never in a leap year */
	{ .name = "29 Feb, 28 Feb of 18th year", .birth = "2004-02-29",
	  .asof = "2022-02-28", .f = PARENT_DECEASED, .m = PARENT_DECEASED,
	  .cats = ORPH },
	{ .name = "29 Feb, 1 Mar of 18th year", .birth = "2004-02-29",
	  .asof = "2022-03-01", .f = PARENT_DECEASED, .m = PARENT_DECEASED },
	{ .name = "29 Feb, de facto 28 Feb of 18th", .birth = "2004-02-29",
	  .asof = "2022-02-28", .f = PARENT_IMPRISONED,
	  .m = PARENT_DEPORTED, .cats = DF },
	{ .name = "29 Feb, de facto 1 Mar of 18th", .birth = "2004-02-29",
	  .asof = "2022-03-01", .f = PARENT_IMPRISONED,
	  .m = PARENT_DEPORTED },
	/* orphan against de facto unsupported */
	{ .name = "deceased + deceased", .f = PARENT_DECEASED,
	  .m = PARENT_DECEASED, .cats = ORPH },
	{ .name = "deceased + missing", .f = PARENT_DECEASED,
	  .m = PARENT_MISSING, .cats = ORPH },
	{ .name = "missing + deceased", .f = PARENT_MISSING,
	  .m = PARENT_DECEASED, .cats = ORPH },
	{ .name = "missing + missing", .f = PARENT_MISSING,
	  .m = PARENT_MISSING, .cats = ORPH },
	{ .name = "deceased + imprisoned", .f = PARENT_DECEASED,
	  .m = PARENT_IMPRISONED, .cats = DF },
	{ .name = "imprisoned + deceased", .f = PARENT_IMPRISONED,
	  .m = PARENT_DECEASED, .cats = DF },
	{ .name = "missing + imprisoned", .f = PARENT_MISSING,
	  .m = PARENT_IMPRISONED, .cats = DF },
	{ .name = "imprisoned + serious illness", .f = PARENT_IMPRISONED,
	  .m = PARENT_SERIOUS_ILLNESS, .cats = DF },
	{ .name = "drug rehab + deported", .f = PARENT_DRUG_REHAB,
	  .m = PARENT_DEPORTED, .cats = DF },
	{ .name = "restricted + revoked", .f = PARENT_RESTRICTED_LIBERTY,
	  .m = PARENT_GUARDIANSHIP_REVOKED, .cats = DF },
	{ .name = "severe disability twice", .f = PARENT_SEVERE_DISABILITY,
	  .m = PARENT_SEVERE_DISABILITY, .cats = DF },
	{ .name = "deceased + at home", .f = PARENT_DECEASED },
	{ .name = "at home + missing", .m = PARENT_MISSING },
	{ .name = "imprisoned + at home", .f = PARENT_IMPRISONED },
	{ .name = "imprisoned + other", .f = PARENT_IMPRISONED,
	  .m = PARENT_OTHER },
	{ .name = "deceased + unentered", .f = PARENT_DECEASED,
	  .m = P_UNKNOWN },
	{ .name = "deceased + migrant: left behind only",
	  .f = PARENT_DECEASED, .m = OUT, .cats = LB },
	{ .name = "imprisoned + migrant: left behind only",
	  .f = PARENT_IMPRISONED, .m = INP, .cats = LB },
	{ .name = "orphan aged 17", .birth = "2007-06-15",
	  .f = PARENT_DECEASED, .m = PARENT_MISSING, .cats = ORPH },
	{ .name = "orphan day before 18th", .birth = "2006-06-15",
	  .asof = "2024-06-14", .f = PARENT_DECEASED, .m = PARENT_DECEASED,
	  .cats = ORPH },
	{ .name = "orphan 18th birthday", .birth = "2006-06-15",
	  .asof = "2024-06-15", .f = PARENT_DECEASED, .m = PARENT_DECEASED },
	{ .name = "de facto day before 18th", .birth = "2006-06-15",
	  .asof = "2024-06-14", .f = PARENT_DECEASED,
	  .m = PARENT_IMPRISONED, .cats = DF },
	{ .name = "de facto 18th birthday", .birth = "2006-06-15",
	  .asof = "2024-06-15", .f = PARENT_DECEASED,
	  .m = PARENT_IMPRISONED },
	/* difficult_poverty */
	{ .name = "dibao", .s = SUPPORT_DIBAO, .cats = POV },
	{ .name = "tekun", .s = SUPPORT_TEKUN, .cats = POV },
	{ .name = "dibao day before 18th", .birth = "2006-06-15",
	  .asof = "2024-06-14", .s = SUPPORT_DIBAO, .cats = POV },
	{ .name = "dibao 18th birthday", .birth = "2006-06-15",
	  .asof = "2024-06-15", .s = SUPPORT_DIBAO },
	/* difficult_disability and the ill and disabled flags */
	{ .name = "disabled", .disabled = 1, .cats = DIS,
	  .flags = FLAG_DISABLED },
	{ .name = "seriously ill", .h = HEALTH_SERIOUS_ILLNESS, .cats = DIS,
	  .flags = FLAG_ILL },
	{ .name = "ill, not seriously", .h = HEALTH_ILL, .flags = FLAG_ILL },
	{ .name = "health unset", .h = HEALTH_UNSET },
	{ .name = "disabled and seriously ill", .disabled = 1,
	  .h = HEALTH_SERIOUS_ILLNESS, .cats = DIS,
	  .flags = FLAG_ILL | FLAG_DISABLED },
	{ .name = "disabled day before 18th", .birth = "2006-06-15",
	  .asof = "2024-06-14", .disabled = 1, .cats = DIS,
	  .flags = FLAG_DISABLED },
	{ .name = "disabled 18th birthday", .birth = "2006-06-15",
	  .asof = "2024-06-15", .disabled = 1, .flags = FLAG_DISABLED },
	/* difficult_guardianship and the guardianship flags */
	{ .name = "unsupervised", .g = GUARD_NONE, .cats = GUA,
	  .flags = FLAG_UNSUPERVISED },
	{ .name = "poor guardianship", .g = GUARD_POOR, .cats = GUA,
	  .flags = FLAG_POOR_GUARDIANSHIP },
	{ .name = "fair guardianship", .g = GUARD_FAIR },
	{ .name = "open abuse case", .abuse = 1, .cats = GUA },
	{ .name = "abuse and unsupervised", .abuse = 1, .g = GUARD_NONE,
	  .cats = GUA, .flags = FLAG_UNSUPERVISED },
	{ .name = "unsupervised day before 18th", .birth = "2006-06-15",
	  .asof = "2024-06-14", .g = GUARD_NONE, .cats = GUA,
	  .flags = FLAG_UNSUPERVISED },
	{ .name = "unsupervised 18th birthday", .birth = "2006-06-15",
	  .asof = "2024-06-15", .g = GUARD_NONE,
	  .flags = FLAG_UNSUPERVISED },
	{ .name = "abuse 18th birthday", .birth = "2006-06-15",
	  .asof = "2024-06-15", .abuse = 1 },
	/* the other flags */
	{ .name = "out of school", .ed = EDU_OUT_OF_SCHOOL,
	  .flags = FLAG_DROPOUT },
	{ .name = "dropped out", .ed = EDU_DROPPED_OUT, .flags = FLAG_DROPOUT },
	{ .name = "suspended", .ed = EDU_SUSPENDED },
	{ .name = "home schooling", .ed = EDU_HOME_SCHOOLING },
	{ .name = "preschool", .birth = "2020-06-15", .ed = EDU_PRESCHOOL },
	{ .name = "no hukou", .no_hukou = 1, .flags = FLAG_NO_HUKOU },
	/* flags have no age condition */
	{ .name = "aged 20, everything", .birth = "2004-06-15",
	  .f = PARENT_DECEASED, .m = PARENT_DECEASED, .g = GUARD_NONE,
	  .s = SUPPORT_TEKUN, .ed = EDU_DROPPED_OUT,
	  .h = HEALTH_SERIOUS_ILLNESS, .disabled = 1, .abuse = 1,
	  .no_hukou = 1,
	  .flags = FLAG_UNSUPERVISED | FLAG_DROPOUT | FLAG_NO_HUKOU |
		   FLAG_ILL | FLAG_DISABLED },
	{ .name = "age unknown: asof before birth", .birth = "2010-06-15",
	  .asof = "2010-06-14", .f = OUT, .m = OUT, .g = GUARD_POOR,
	  .flags = FLAG_POOR_GUARDIANSHIP },
	{ .name = "age unknown: bad birth date", .birth = "2010-02-30",
	  .f = OUT, .m = OUT, .ed = EDU_OUT_OF_SCHOOL,
	  .flags = FLAG_DROPOUT },
	{ .name = "age unknown: empty birth date", .birth = "",
	  .s = SUPPORT_DIBAO, .h = HEALTH_ILL, .flags = FLAG_ILL },
	/* everything at once */
	{ .name = "kitchen sink", .f = OUT, .m = PARENT_DECEASED,
	  .g = GUARD_NONE, .s = SUPPORT_DIBAO, .ed = EDU_DROPPED_OUT,
	  .h = HEALTH_SERIOUS_ILLNESS, .disabled = 1, .abuse = 1,
	  .no_hukou = 1, .cats = LB | POV | DIS | GUA,
	  .flags = FLAG_UNSUPERVISED | FLAG_DROPOUT | FLAG_NO_HUKOU |
		   FLAG_ILL | FLAG_DISABLED },
	{ .name = "orphan on dibao, disabled, poor guardianship",
	  .f = PARENT_DECEASED, .m = PARENT_DECEASED, .g = GUARD_POOR,
	  .s = SUPPORT_DIBAO, .disabled = 1, .cats = ORPH | POV | DIS | GUA,
	  .flags = FLAG_POOR_GUARDIANSHIP | FLAG_DISABLED },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const kase *k = &cases[i];
		const char *asof = k->asof ? k->asof : "2024-06-15";
		child c;
		classify_result r;
		make_child(&c, k);
		classify_child(&c, asof, &r);
		if (r.categories != k->cats || r.flags != k->flags)
			fail_msg("%s: categories %#x flags %#x, want %#x %#x",
				 k->name, r.categories, r.flags, k->cats,
				 k->flags);
		check_reasons(&r);
		/* The second formulation of §11 agrees. */
		int age = classify_age(c.birth_date, asof);
		assert_int_equal(spec_categories(&c, age), k->cats);
		assert_int_equal(spec_flags(&c), k->flags);
	}
}

/* A rural 14-year-old with these parents is left behind, and only that,
 * for the reason `want`; the same child in town is nothing. */
static void expect_left_behind(parent_status f, parent_status m,
			       const char *want)
{
	child c;
	classify_result r;
	make_child(&c, &(kase){ 0 });
	c.father.status = f;
	c.mother.status = m;
	classify_child(&c, "2024-06-15", &r);
	/* Never an orphan or de facto unsupported: one parent works. */
	assert_int_equal(r.categories, CAT_LEFT_BEHIND);
	assert_string_equal(r.reasons[0].code, "left_behind");
	assert_string_equal(r.reasons[0].why, want);
	c.hukou_rural = 0;
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.categories, 0);
}

/* One parent migrant, the other each of the 9 unable statuses, in both
 * roles and with both migrant codes. */
static void test_left_behind_unable(void **state)
{
	(void)state;
	static const parent_status mig[] = { PARENT_MIGRANT_IN_PROVINCE,
					     PARENT_MIGRANT_OUT_PROVINCE };
	static const char *const mig_label[] = { "省内务工", "省外务工" };
	static const char head[] = "未满16周岁（14岁），农村户籍，";
	char want[256];
	for (size_t i = 0; i < N_UNABLE; i++) {
		for (int j = 0; j < 2; j++) {
			snprintf(want, sizeof want,
				 "%s父亲%s、母亲%s（无监护能力）", head,
				 mig_label[j], unable_label[i]);
			expect_left_behind(mig[j], unable[i], want);
			snprintf(want, sizeof want,
				 "%s父亲%s（无监护能力）、母亲%s", head,
				 unable_label[i], mig_label[j]);
			expect_left_behind(unable[i], mig[j], want);
		}
	}
	/* The able statuses never make a child left behind. */
	static const parent_status able[] = { PARENT_AT_HOME, PARENT_OTHER,
					      PARENT_UNKNOWN };
	for (size_t i = 0; i < sizeof able / sizeof *able; i++) {
		for (int j = 0; j < 2; j++) {
			child c;
			classify_result r;
			make_child(&c, &(kase){ 0 });
			c.father.status = mig[j];
			c.mother.status = able[i];
			classify_child(&c, "2024-06-15", &r);
			assert_int_equal(r.categories, 0);
			c.father.status = able[i];
			c.mother.status = mig[j];
			classify_child(&c, "2024-06-15", &r);
			assert_int_equal(r.categories, 0);
		}
	}
}

static void check_pair(int f, int m, int urban, const char *asof)
{
	child c;
	classify_result r;
	make_child(&c, &(kase){ .urban = urban, .birth = "2008-06-15" });
	c.father.status = (parent_status)f;
	c.mother.status = (parent_status)m;
	classify_child(&c, asof, &r);
	int age = classify_age(c.birth_date, asof);
	if (r.categories != spec_categories(&c, age))
		fail_msg("father %d mother %d urban %d asof %s: %#x", f, m,
			 urban, asof, r.categories);
	/* Orphan and de facto unsupported exclude each other. */
	assert_false((r.categories & ORPH) && (r.categories & DF));
	check_reasons(&r);
}

/* Every pair of parent statuses, rural and urban, at ages around both
 * limits (the child was born 2008-06-15), against the second
 * formulation. */
static void test_parent_pairs(void **state)
{
	(void)state;
	static const char *const asof[] = { "2008-06-15", "2024-06-14",
					    "2024-06-15", "2025-06-14",
					    "2026-06-14", "2026-06-15",
					    "2030-01-01" };
	for (int f = 0; f < PARENT_STATUS_COUNT; f++)
		for (int m = 0; m < PARENT_STATUS_COUNT; m++)
			for (int urban = 0; urban < 2; urban++)
				for (size_t a = 0; a < 7; a++)
					check_pair(f, m, urban, asof[a]);
}

static void test_parent_sets(void **state)
{
	(void)state;
	int n_unable = 0, n_migrant = 0;
	for (int s = 0; s < PARENT_STATUS_COUNT; s++) {
		parent_status p = (parent_status)s;
		assert_int_equal(!!classify_parent_unable(p), spec_unable(p));
		assert_int_equal(!!classify_parent_migrant(p),
				 spec_migrant(p));
		assert_false(classify_parent_unable(p) &&
			     classify_parent_migrant(p));
		n_unable += !!classify_parent_unable(p);
		n_migrant += !!classify_parent_migrant(p);
	}
	assert_int_equal(n_unable, 9);
	assert_int_equal(n_migrant, 2);
	assert_false(classify_parent_unable(PARENT_AT_HOME));
	assert_false(classify_parent_unable(PARENT_OTHER));
	assert_false(classify_parent_unable(PARENT_UNKNOWN));
	assert_false(classify_parent_unable(PARENT_STATUS_COUNT));
	assert_false(classify_parent_migrant(PARENT_STATUS_COUNT));
}

static void test_reasons(void **state)
{
	(void)state;
	child c;
	classify_result r;

	/* The example of the brief, word for word. */
	make_child(&c, &(kase){ .f = OUT, .m = PARENT_DECEASED });
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.reasons[0].code, "left_behind");
	assert_string_equal(r.reasons[0].why,
			    "未满16周岁（14岁），农村户籍，"
			    "父亲省外务工、母亲死亡（无监护能力）");

	make_child(&c, &(kase){ .f = OUT, .m = INP, .birth = "2009-01-01" });
	classify_child(&c, "2024-06-15", &r);
	assert_string_equal(r.reasons[0].why,
			    "未满16周岁（15岁），农村户籍，"
			    "父亲省外务工、母亲省内务工");

	make_child(&c, &(kase){ .f = PARENT_DECEASED, .m = PARENT_MISSING });
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.reasons[0].code, "orphan");
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（14岁），父亲死亡、母亲失踪");

	make_child(&c, &(kase){ .f = PARENT_IMPRISONED,
				.m = PARENT_DECEASED });
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.reasons[0].code, "de_facto_unsupported");
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（14岁），父亲服刑在押、母亲死亡");

	make_child(&c, &(kase){ .s = SUPPORT_DIBAO, .birth = "2007-01-01" });
	classify_child(&c, "2024-06-15", &r);
	assert_string_equal(r.reasons[0].code, "difficult_poverty");
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（17岁），家庭享受低保");
	c.living_support = SUPPORT_TEKUN;
	classify_child(&c, "2024-06-15", &r);
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（17岁），家庭享受特困供养");

	make_child(&c, &(kase){ .disabled = 1 });
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.reasons[0].code, "difficult_disability");
	assert_string_equal(r.reasons[0].why, "未满18周岁（14岁），本人残疾");
	assert_string_equal(r.reasons[1].code, "disabled");
	assert_string_equal(r.reasons[1].why, "登记有残疾");
	snprintf(c.disability.type, sizeof c.disability.type, "肢体残疾");
	snprintf(c.disability.grade, sizeof c.disability.grade, "二级");
	c.health = HEALTH_SERIOUS_ILLNESS;
	snprintf(c.illness, sizeof c.illness, "白血病");
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（14岁），本人残疾（肢体残疾，二级）、"
			    "患重病（白血病）");
	assert_string_equal(r.reasons[1].code, "ill");
	assert_string_equal(r.reasons[1].why, "健康状况为重病（白血病）");
	assert_string_equal(r.reasons[2].code, "disabled");
	assert_string_equal(r.reasons[2].why, "登记有残疾（肢体残疾，二级）");
	c.disability.present = 0;
	classify_child(&c, "2024-06-15", &r);
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（14岁），本人患重病（白血病）");
	c.disability.present = 1;
	c.disability.type[0] = '\0';
	classify_child(&c, "2024-06-15", &r);
	assert_string_equal(r.reasons[2].why, "登记有残疾（二级）");

	make_child(&c, &(kase){ .h = HEALTH_ILL });
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.reasons[0].why, "健康状况为患病");

	make_child(&c, &(kase){ .g = GUARD_NONE, .abuse = 1 });
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.reasons[0].code, "difficult_guardianship");
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（14岁），家庭监护情况为无人监护，"
			    "有未结的虐待、遗弃或忽视救助保护个案");
	assert_string_equal(r.reasons[1].code, "unsupervised");
	assert_string_equal(r.reasons[1].why, "家庭监护情况为无人监护");
	c.guardianship = GUARD_POOR;
	c.open_abuse_case = 0;
	classify_child(&c, "2024-06-15", &r);
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（14岁），家庭监护情况为较差");
	assert_string_equal(r.reasons[1].code, "poor_guardianship");
	assert_string_equal(r.reasons[1].why, "家庭监护情况为较差");
	c.guardianship = GUARD_GOOD;
	c.open_abuse_case = 1;
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.reasons[0].why,
			    "未满18周岁（14岁），"
			    "有未结的虐待、遗弃或忽视救助保护个案");

	make_child(&c, &(kase){ .ed = EDU_OUT_OF_SCHOOL, .no_hukou = 1 });
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.reasons[0].code, "dropout");
	assert_string_equal(r.reasons[0].why, "受教育状况为失学");
	assert_string_equal(r.reasons[1].code, "no_hukou");
	assert_string_equal(r.reasons[1].why, "未登记户籍");
	c.education = EDU_DROPPED_OUT;
	classify_child(&c, "2024-06-15", &r);
	assert_string_equal(r.reasons[0].why, "受教育状况为辍学");
}

/* Long free text is cut at a character, never mid-character. */
static void test_reason_overflow(void **state)
{
	(void)state;
	child c;
	classify_result r;
	make_child(&c, &(kase){ .disabled = 1,
				.h = HEALTH_SERIOUS_ILLNESS });
	for (size_t i = 0; i + 3 < sizeof c.disability.type; i += 3)
		memcpy(c.disability.type + i, "残", 3);
	for (size_t i = 0; i + 3 < sizeof c.disability.grade; i += 3)
		memcpy(c.disability.grade + i, "级", 3);
	for (size_t i = 0; i + 3 < sizeof c.illness; i += 3)
		memcpy(c.illness + i, "病", 3);
	classify_child(&c, "2024-06-15", &r);
	assert_int_equal(r.categories, DIS);
	check_reasons(&r);
	const char *w = r.reasons[0].why;
	assert_true(strlen(w) > 200);
	assert_true(strlen(w) < 256);
	assert_true(text_is_utf8(w, strlen(w)));
	/* Still begins with the rule's facts. */
	assert_memory_equal(w, "未满18周岁（14岁），本人残疾（",
			    strlen("未满18周岁（14岁），本人残疾（"));
	/* And ASCII text of awkward length cuts cleanly as well. */
	memset(c.illness, 'a', sizeof c.illness - 1);
	c.illness[sizeof c.illness - 1] = '\0';
	classify_child(&c, "2024-06-15", &r);
	check_reasons(&r);
}

static void test_age(void **state)
{
	(void)state;
	assert_int_equal(classify_age("2010-06-15", "2024-06-14"), 13);
	assert_int_equal(classify_age("2010-06-15", "2024-06-15"), 14);
	assert_int_equal(classify_age("2010-06-15", "2024-06-16"), 14);
	assert_int_equal(classify_age("2010-06-15", "2010-06-15"), 0);
	assert_int_equal(classify_age("2010-06-15", "2011-06-14"), 0);
	assert_int_equal(classify_age("2010-06-15", "2011-06-15"), 1);
	assert_int_equal(classify_age("2010-12-31", "2011-01-01"), 0);
	assert_int_equal(classify_age("2010-01-01", "2010-12-31"), 0);
	/* 29 February: N on 29 February in a leap year, 1 March else. */
	assert_int_equal(classify_age("2008-02-29", "2024-02-28"), 15);
	assert_int_equal(classify_age("2008-02-29", "2024-02-29"), 16);
	assert_int_equal(classify_age("2008-02-29", "2023-02-28"), 14);
	assert_int_equal(classify_age("2008-02-29", "2023-03-01"), 15);
	assert_int_equal(classify_age("2004-02-29", "2022-02-28"), 17);
	assert_int_equal(classify_age("2004-02-29", "2022-03-01"), 18);
	assert_int_equal(classify_age("2084-02-29", "2100-02-28"), 15);
	assert_int_equal(classify_age("2084-02-29", "2100-03-01"), 16);
	assert_int_equal(classify_age("1996-02-29", "2000-02-29"), 4);
	/* Born 28 February or 1 March: no surprises. */
	assert_int_equal(classify_age("2007-02-28", "2023-02-27"), 15);
	assert_int_equal(classify_age("2007-02-28", "2023-02-28"), 16);
	assert_int_equal(classify_age("2007-03-01", "2023-02-28"), 15);
	assert_int_equal(classify_age("2007-03-01", "2023-03-01"), 16);
	/* Unknown: asof before birth, or a malformed date. */
	assert_int_equal(classify_age("2010-06-15", "2010-06-14"), -1);
	assert_int_equal(classify_age("2010-06-15", "2009-12-31"), -1);
	static const char *const bad[] = {
		NULL,	      "",	     "2010-6-15",   "2010-06-5",
		"2010/06/15", "20100615",    "2010-06-15x", "2010-02-30",
		"2010-02-29", "1900-02-29",  "2010-13-01",  "2010-00-10",
		"2010-06-00", "2010-06-31",  "0000-01-01",  "abcd-ef-gh",
		"2010-06-1a", " 2010-06-15", "+010-06-15",  "2010--6-15",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(classify_age(bad[i], "2024-06-15"), -1);
		assert_int_equal(classify_age("2010-06-15", bad[i]), -1);
	}
	assert_int_equal(classify_age("2000-02-29", "2024-06-15"), 24);
	assert_int_equal(classify_age("0001-01-01", "9999-12-31"), 9998);
}

static void test_birthday(void **state)
{
	(void)state;
	char out[11];
	assert_int_equal(classify_birthday("2010-06-15", 16, out), 0);
	assert_string_equal(out, "2026-06-15");
	assert_int_equal(classify_birthday("2010-06-15", 0, out), 0);
	assert_string_equal(out, "2010-06-15");
	assert_int_equal(classify_birthday("2008-02-29", 16, out), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(classify_birthday("2008-02-29", 15, out), 0);
	assert_string_equal(out, "2023-03-01");
	assert_int_equal(classify_birthday("2004-02-29", 18, out), 0);
	assert_string_equal(out, "2022-03-01");
	assert_int_equal(classify_birthday("2084-02-29", 16, out), 0);
	assert_string_equal(out, "2100-03-01");
	assert_int_equal(classify_birthday("1984-02-29", 16, out), 0);
	assert_string_equal(out, "2000-02-29");
	assert_int_equal(classify_birthday("2007-02-28", 18, out), 0);
	assert_string_equal(out, "2025-02-28");
	assert_int_equal(classify_birthday("0999-01-01", 18, out), 0);
	assert_string_equal(out, "1017-01-01");
	assert_int_equal(classify_birthday("9981-12-31", 18, out), 0);
	assert_string_equal(out, "9999-12-31");
	static const char *const bad[] = { NULL, "", "2010-02-30",
					   "2010-6-15", "2011-02-29" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memcpy(out, "garbage!!!", 11);
		assert_int_equal(classify_birthday(bad[i], 16, out), -1);
		assert_string_equal(out, "");
	}
	assert_int_equal(classify_birthday("2010-06-15", -1, out), -1);
	assert_int_equal(classify_birthday("9990-06-15", 18, out), -1);
	assert_int_equal(classify_birthday("2010-06-15", 1 << 30, out), -1);
}

/* The thresholds SQL filters with agree with classify_age on every day:
 *   age(b, a) < N  ⟺  a < classify_birthday(b, N)
 *                  ⟺  b > date_years_before(a, N)   (the list filter)
 * over sixteen years of as-of dates around the birthdays. */
static void test_thresholds(void **state)
{
	(void)state;
	static const char *const births[] = {
		"2000-02-29", "2004-02-29", "2008-02-29", "1996-02-29",
		"2007-02-28", "2007-03-01", "2010-06-15", "2010-12-31",
		"2011-01-01", "2012-02-28", "2012-03-01", "2084-02-29",
	};
	static const int years[] = { 0, 1, 4, 15, 16, 17, 18 };
	for (size_t b = 0; b < sizeof births / sizeof *births; b++) {
		long from = day_of(births[b]);
		for (size_t y = 0; y < sizeof years / sizeof *years; y++) {
			int n = years[y];
			char bd[11];
			assert_int_equal(
				classify_birthday(births[b], n, bd), 0);
			/* The birthday is the first day of age n. */
			long first = day_of(bd);
			char before[11];
			civil_from_days(first - 1, before);
			assert_int_equal(classify_age(births[b], bd), n);
			if (n > 0)
				assert_int_equal(
					classify_age(births[b], before),
					n - 1);
			/* A window of a year and a half either side. */
			long lo = first - 550 < from ? from : first - 550;
			for (long d = lo; d <= first + 550; d++) {
				char asof[11], thr[11];
				civil_from_days(d, asof);
				int age = classify_age(births[b], asof);
				assert_true(age >= 0);
				int young = age < n;
				if (young != (strcmp(asof, bd) < 0))
					fail_msg("birth %s asof %s n %d: "
						 "age %d, birthday %s",
						 births[b], asof, n, age, bd);
				date_years_before(asof, n, thr);
				if (young != (strcmp(births[b], thr) > 0))
					fail_msg("birth %s asof %s n %d: "
						 "threshold %s",
						 births[b], asof, n, thr);
			}
		}
	}
}

/* Random children on random days: the stored cat_base and the SQL age
 * filter give exactly classify_child's categories, and both match the
 * spec written out a second way. */
static void test_invariant(void **state)
{
	(void)state;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	long lo = days_from_civil(1996, 1, 1);
	long hi = days_from_civil(2026, 12, 31);
	for (int iter = 0; iter < 200000; iter++) {
		child c;
		kase k = { 0 };
		char birth[11], asof[11];
		long b = lo + rnd_below(&seed, (int)(hi - lo));
		/* One in eight born on 29 February. */
		if (rnd_below(&seed, 8) == 0) {
			static const int leap[] = { 1996, 2000, 2004, 2008,
						    2012, 2016, 2020, 2024 };
			b = days_from_civil(leap[rnd_below(&seed, 8)], 2, 29);
		}
		civil_from_days(b, birth);
		/* As-of days from birth up to 20 years on, with extra weight
		 * on the days around the 16th and 18th birthdays. */
		long a;
		switch (rnd_below(&seed, 4)) {
		case 0:
		case 1:
			a = b + rnd_below(&seed, 20 * 366);
			break;
		default: {
			char bd[11];
			assert_int_equal(classify_birthday(birth,
							   rnd_below(&seed, 2)
								   ? 16
								   : 18,
							   bd),
					 0);
			a = day_of(bd) + rnd_below(&seed, 5) - 2;
			break;
		}
		}
		civil_from_days(a, asof);
		k.birth = birth;
		k.urban = rnd_below(&seed, 3) == 0;
		k.no_hukou = rnd_below(&seed, 10) == 0;
		k.f = rnd_below(&seed, PARENT_STATUS_COUNT);
		k.m = rnd_below(&seed, PARENT_STATUS_COUNT);
		make_child(&c, &k);
		/* Past make_child's defaults: every value, unset included. */
		c.father.status = (parent_status)k.f;
		c.mother.status = (parent_status)k.m;
		c.guardianship = (guardianship)rnd_below(&seed, 5);
		c.living_support = (living_support)rnd_below(&seed, 3);
		c.education = (education)rnd_below(&seed, 7);
		c.health = (health)rnd_below(&seed, 4);
		c.disability.present = rnd_below(&seed, 6) == 0;
		c.open_abuse_case = rnd_below(&seed, 10) == 0;

		classify_result r;
		classify_child(&c, asof, &r);
		int age = classify_age(birth, asof);
		assert_true(age >= 0);
		unsigned base = classify_base(&c), want = 0, sql = 0;
		for (int i = 0; i < CAT_COUNT; i++) {
			unsigned bit = 1u << i;
			int limit = classify_age_limit(bit);
			char thr[11];
			if ((base & bit) && age < limit)
				want |= bit;
			date_years_before(asof, limit, thr);
			if ((base & bit) && strcmp(birth, thr) > 0)
				sql |= bit;
		}
		if (r.categories != want || r.categories != sql ||
		    r.categories != spec_categories(&c, age))
			fail_msg("birth %s asof %s father %d mother %d: "
				 "got %#x base %#x sql %#x spec %#x",
				 birth, asof, k.f, k.m, r.categories, base,
				 sql, spec_categories(&c, age));
		assert_int_equal(r.flags, spec_flags(&c));
		/* Flags are age-free: the as-of date the store uses when
		 * saving (before any birth) gives the same flags and no
		 * categories. */
		classify_result r0;
		classify_child(&c, "1990-01-01", &r0);
		assert_int_equal(r0.flags, r.flags);
		assert_int_equal(r0.categories, 0);
		/* cat_base is the categories of the same child newborn. */
		classify_child(&c, birth, &r0);
		assert_int_equal(r0.categories, base);
		check_reasons(&r);
	}
}

static void test_codes(void **state)
{
	(void)state;
	static const struct {
		unsigned bit;
		const char *code, *label;
		int limit;
	} cats[] = {
		{ CAT_LEFT_BEHIND, "left_behind", "农村留守儿童", 16 },
		{ CAT_ORPHAN, "orphan", "孤儿", 18 },
		{ CAT_DE_FACTO_UNSUPPORTED, "de_facto_unsupported",
		  "事实无人抚养儿童", 18 },
		{ CAT_DIFFICULT_POVERTY, "difficult_poverty",
		  "困境儿童（家庭贫困）", 18 },
		{ CAT_DIFFICULT_DISABILITY, "difficult_disability",
		  "困境儿童（自身残疾/重病）", 18 },
		{ CAT_DIFFICULT_GUARDIANSHIP, "difficult_guardianship",
		  "困境儿童（监护缺失/不当）", 18 },
	};
	static const struct {
		unsigned bit;
		const char *code, *label;
	} flags[] = {
		{ FLAG_UNSUPERVISED, "unsupervised", "无人监护" },
		{ FLAG_POOR_GUARDIANSHIP, "poor_guardianship", "监护较差" },
		{ FLAG_DROPOUT, "dropout", "失辍学" },
		{ FLAG_NO_HUKOU, "no_hukou", "无户籍" },
		{ FLAG_ILL, "ill", "患病" },
		{ FLAG_DISABLED, "disabled", "残疾" },
	};
	assert_int_equal(sizeof cats / sizeof *cats, CAT_COUNT);
	assert_int_equal(sizeof flags / sizeof *flags, FLAG_COUNT);
	for (int i = 0; i < CAT_COUNT; i++) {
		assert_int_equal(cats[i].bit, 1u << i);
		assert_string_equal(classify_category_code(cats[i].bit),
				    cats[i].code);
		assert_string_equal(classify_category_label(cats[i].bit),
				    cats[i].label);
		assert_int_equal(classify_category_bit(cats[i].code),
				 cats[i].bit);
		assert_int_equal(classify_age_limit(cats[i].bit),
				 cats[i].limit);
		/* Category and flag codes do not collide. */
		assert_int_equal(classify_flag_bit(cats[i].code), 0);
	}
	for (int i = 0; i < FLAG_COUNT; i++) {
		assert_int_equal(flags[i].bit, 1u << i);
		assert_string_equal(classify_flag_code(flags[i].bit),
				    flags[i].code);
		assert_string_equal(classify_flag_label(flags[i].bit),
				    flags[i].label);
		assert_int_equal(classify_flag_bit(flags[i].code),
				 flags[i].bit);
		assert_int_equal(classify_category_bit(flags[i].code), 0);
	}
	static const unsigned bad_bits[] = { 0, 1u << CAT_COUNT, 3, 1u << 31,
					     ~0u };
	for (size_t i = 0; i < sizeof bad_bits / sizeof *bad_bits; i++) {
		assert_string_equal(classify_category_code(bad_bits[i]), "");
		assert_string_equal(classify_category_label(bad_bits[i]), "");
		assert_string_equal(classify_flag_code(bad_bits[i]), "");
		assert_string_equal(classify_flag_label(bad_bits[i]), "");
		assert_int_equal(classify_age_limit(bad_bits[i]), 0);
	}
	static const char *const bad_codes[] = { NULL, "", "LEFT_BEHIND",
						 "left_behind ", "孤儿",
						 "orphans" };
	for (size_t i = 0; i < sizeof bad_codes / sizeof *bad_codes; i++) {
		assert_int_equal(classify_category_bit(bad_codes[i]), 0);
		assert_int_equal(classify_flag_bit(bad_codes[i]), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_left_behind_unable),
		cmocka_unit_test(test_parent_pairs),
		cmocka_unit_test(test_parent_sets),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_reason_overflow),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_birthday),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_invariant),
		cmocka_unit_test(test_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
