#include "demo/demo.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/account.h"
#include "domain/core/audit.h"
#include "domain/children/child.h"
#include "domain/children/childxlsx.h"
#include "domain/children/classify.h"
#include "domain/core/idcard.h"
#include "domain/core/region.h"
#include "domain/platforms/platform.h"
#include "domain/children/child_quality.h"
#include "domain/workforce/campaign.h"
#include "domain/workforce/staff.h"
#include "domain/workforce/training.h"
#include "domain/women/women.h"
#include "store/platform_store.h"
#include "store/staff_store.h"
#include "store/child_store.h"
#include "store/region_store.h"
#include "util/date.h"
#include "util/mem.h"

/* splitmix64: small, fast, and the same sequence on every machine. */
typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int rng_below(rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

/* Percent chance. */
static int rng_pct(rng *r, int pct)
{
	return rng_below(r, 1000) < pct * 10;
}

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
	"马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋",
	"唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
	"潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
	"任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "范", "金", "石",
	"贾", "夏", "付", "方", "白", "邹", "孟", "秦", "尹", "薛", "闫", "段",
	"侯", "史", "贺", "顾", "郝", "龚", "邵", "万", "钱", "严", "武", "孔",
};
static const char *const boy[] = {
	"浩", "宇", "轩", "然", "子", "涵", "博", "文", "俊", "杰", "明", "辉",
	"鹏", "磊", "思", "源", "泽", "睿", "晨", "阳", "天", "佳", "一", "诺",
	"铭", "宏", "伟", "志", "强", "建", "国", "新", "东", "海", "龙", "飞",
};
static const char *const girl[] = {
	"欣", "怡", "梓", "涵", "诗", "雨", "萱", "思", "佳", "琪", "雪", "婷",
	"晓", "丽", "敏", "静", "芳", "颖", "悦", "可", "馨", "妍", "梦", "瑶",
	"慧", "娜", "玉", "红", "春", "秀", "美", "兰", "月", "晴", "心", "语",
};
static const char *const adult_given[2][8] = {
	{ "建华", "国庆", "志强", "春生", "长海", "德福", "永刚", "立军" },
	{ "玉梅", "秀英", "桂兰", "凤霞", "淑珍", "金凤", "海燕", "丽娟" },
};
static const char *const elders[] = { "祖父", "祖母", "外祖父", "外祖母" };
static const char *const places[] = { "长春市", "吉林市", "大连市",
				      "北京市", "天津市", "沈阳市",
				      "哈尔滨市", "青岛市", "韩国首尔" };

static void pick_name(rng *r, int sex, char *out, size_t n)
{
	const char *const *g = sex == 1 ? boy : girl;
	size_t gn = sizeof boy / sizeof *boy;
	const char *sur = surnames[rng_below(r, sizeof surnames / sizeof *surnames)];
	if (rng_pct(r, 30))
		snprintf(out, n, "%s%s", sur, g[rng_below(r, (int)gn)]);
	else
		snprintf(out, n, "%s%s%s", sur, g[rng_below(r, (int)gn)],
			 g[rng_below(r, (int)gn)]);
}

/* A man's (male 1) or woman's name, with the given family name or any. */
static void adult_name(rng *r, const char *surname, int male, char *out,
		       size_t n)
{
	snprintf(out, n, "%s%s",
		 surname ? surname
			 : surnames[rng_below(r, sizeof surnames /
							 sizeof *surnames)],
		 adult_given[male ? 0 : 1][rng_below(r, 8)]);
}

static void phone(rng *r, char *out, size_t n)
{
	static const char *const pre[] = { "135", "138", "139", "150", "158",
					   "187", "131", "155", "177" };
	snprintf(out, n, "%s%08d", pre[rng_below(r, 9)],
		 rng_below(r, 100000000));
}

/* Open addressing set of 64-bit keys: no ID number is made twice. */
typedef struct idset {
	uint64_t *v;
	size_t cap, n;
} idset;

static int idset_add(idset *s, uint64_t k)
{
	if ((s->n + 1) * 2 > s->cap) {
		idset old = *s;
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->v = xcalloc(s->cap, sizeof *s->v);
		s->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i])
				idset_add(s, old.v[i]);
		free(old.v);
	}
	size_t i = (size_t)((k * 0x9E3779B97F4A7C15ull) >> 7) & (s->cap - 1);
	while (s->v[i]) {
		if (s->v[i] == k)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->v[i] = k;
	s->n++;
	return 1;
}

static parent_status parent_pick(rng *r, int partner_migrant)
{
	int x = rng_below(r, 1000);
	if (partner_migrant && x < 420)
		return x < 250 ? PARENT_MIGRANT_OUT_PROVINCE
			       : PARENT_MIGRANT_IN_PROVINCE;
	static const struct {
		int per_mille;
		parent_status s;
	} dist[] = {
		{ 330, PARENT_AT_HOME },
		{ 300, PARENT_MIGRANT_OUT_PROVINCE },
		{ 220, PARENT_MIGRANT_IN_PROVINCE },
		{ 30, PARENT_DECEASED },
		{ 15, PARENT_MISSING },
		{ 12, PARENT_IMPRISONED },
		{ 5, PARENT_DRUG_REHAB },
		{ 25, PARENT_SERIOUS_ILLNESS },
		{ 25, PARENT_SEVERE_DISABILITY },
		{ 3, PARENT_GUARDIANSHIP_REVOKED },
		{ 10, PARENT_OTHER },
		{ 25, PARENT_AT_HOME },
	};
	x = rng_below(r, 1000);
	for (size_t i = 0; i < sizeof dist / sizeof *dist; i++) {
		if (x < dist[i].per_mille)
			return dist[i].s;
		x -= dist[i].per_mille;
	}
	return PARENT_AT_HOME;
}

static void make_parent(rng *r, parent *p, int male, const char *surname,
			parent_status st, const char *county)
{
	memset(p, 0, sizeof *p);
	adult_name(r, male ? surname : NULL, male, p->name, sizeof p->name);
	p->status = st;
	if (st != PARENT_DECEASED && st != PARENT_MISSING)
		phone(r, p->phone, sizeof p->phone);
	if (st == PARENT_MIGRANT_OUT_PROVINCE)
		snprintf(p->work_place, sizeof p->work_place, "%s",
			 places[2 + rng_below(r, 7)]);
	else if (st == PARENT_MIGRANT_IN_PROVINCE)
		snprintf(p->work_place, sizeof p->work_place, "%s",
			 places[rng_below(r, 2)]);
	(void)county;
}

/* One child in `village`, born so as to be 0–17 at `today`. */
static void make_child(rng *r, idset *ids, const char *village,
		       const char *today, child *c)
{
	memset(c, 0, sizeof *c);
	c->sex = 1 + rng_below(r, 2);
	pick_name(r, c->sex, c->name, sizeof c->name);
	char surname[8];
	/* The first character (3 bytes of UTF-8) is the family name. */
	snprintf(surname, sizeof surname, "%.3s", c->name);
	int age_days = 30 + rng_below(r, 17 * 365 + 300);
	date_minus_days(today, age_days, c->birth_date);
	int eth = rng_below(r, 100);
	int yanbian = strncmp(village, "2224", 4) == 0;
	snprintf(c->ethnicity, sizeof c->ethnicity, "%s",
		 yanbian && eth < 35 ? "朝鲜族"
		 : eth < 90	     ? "汉族"
		 : eth < 95	     ? "满族"
		 : eth < 98	     ? "蒙古族"
				     : "回族");
	snprintf(c->region, sizeof c->region, "%s", village);
	c->hukou_rural = rng_pct(r, 92);
	c->hukou_registered = !rng_pct(r, 1);
	if (c->hukou_registered) {
		snprintf(c->hukou_region, sizeof c->hukou_region, "%.6s",
			 village);
		for (int tries = 0;; tries++) {
			char first[18];
			/* A day so crowded that its order codes ran out:
			 * move the birth a day earlier and go on. */
			if (tries && tries % 2000 == 0)
				date_minus_days(c->birth_date, 1,
						c->birth_date);
			int seq = rng_below(r, 500) * 2 + (c->sex == 1);
			snprintf(first, sizeof first, "%.6s%.4s%.2s%.2s%03d",
				 village, c->birth_date, c->birth_date + 5,
				 c->birth_date + 8, seq);
			uint64_t key = strtoull(first, NULL, 10);
			if (!idset_add(ids, key))
				continue;
			snprintf(c->id_number, sizeof c->id_number, "%s%c",
				 first, idcard_check_char(first));
			break;
		}
	}
	snprintf(c->address, sizeof c->address, "%d组%d号",
		 1 + rng_below(r, 9), 1 + rng_below(r, 80));
	parent_status fs = parent_pick(r, 0);
	int fm = fs == PARENT_MIGRANT_IN_PROVINCE ||
		 fs == PARENT_MIGRANT_OUT_PROVINCE;
	parent_status ms = parent_pick(r, fm);
	make_parent(r, &c->father, 1, surname, fs, village);
	make_parent(r, &c->mother, 0, NULL, ms, village);
	int mm = ms == PARENT_MIGRANT_IN_PROVINCE ||
		 ms == PARENT_MIGRANT_OUT_PROVINCE;
	int away = (fm || classify_parent_unable(fs)) &&
		   (mm || classify_parent_unable(ms));
	/* Most children with both parents away have an entrusted guardian
	 * on record; the rest are the gaps the quarterly check finds. */
	if (away && rng_pct(r, 85)) {
		c->guardian.present = 1;
		int k = rng_below(r, 4);
		/* 祖父 and 外祖父 are men, 祖母 and 外祖母 women. */
		adult_name(r, k == 0 ? surname : NULL, k % 2 == 0,
			   c->guardian.name, sizeof c->guardian.name);
		snprintf(c->guardian.relationship,
			 sizeof c->guardian.relationship, "%s", elders[k]);
		phone(r, c->guardian.phone, sizeof c->guardian.phone);
	}
	snprintf(c->contact_phone, sizeof c->contact_phone, "%s",
		 c->guardian.present ? c->guardian.phone
		 : c->mother.phone[0] ? c->mother.phone
				       : c->father.phone);
	int g = rng_below(r, 100);
	c->guardianship = away && g < 4 ? GUARD_NONE
			  : g < 8	 ? GUARD_POOR
			  : g < 38	 ? GUARD_FAIR
					 : GUARD_GOOD;
	int sup = rng_below(r, 100);
	c->living_support = sup < 12 ? SUPPORT_DIBAO
			    : sup < 14 ? SUPPORT_TEKUN
				       : SUPPORT_NONE;
	int mh = rng_below(r, 100);
	c->mental_health = mh < 90 ? MENTAL_NORMAL
			   : mh < 98 ? MENTAL_ATTENTION
				     : MENTAL_INTERVENTION;
	int age = classify_age(c->birth_date, today);
	int ed = rng_below(r, 100);
	if (age < 6) {
		c->education = EDU_PRESCHOOL;
	} else if (ed < 94 || (age >= 16 && ed < 80)) {
		c->education = EDU_IN_SCHOOL;
		snprintf(c->school, sizeof c->school, "%s中心小学",
			 age < 12 ? "镇" : "镇第一中学");
		if (age >= 12)
			snprintf(c->school, sizeof c->school, "镇第一中学");
		snprintf(c->grade, sizeof c->grade, "%d年级",
			 age - 5 > 9 ? 9 : age - 5);
	} else if (ed < 97) {
		c->education = EDU_DROPPED_OUT;
		snprintf(c->dropout_explanation,
			 sizeof c->dropout_explanation,
			 "家庭经济困难，%d年起辍学；已联系学校劝返",
			 atoi(today) - 1);
	} else if (ed < 98) {
		c->education = EDU_OUT_OF_SCHOOL;
		snprintf(c->dropout_explanation,
			 sizeof c->dropout_explanation,
			 "随祖辈居住，未按时入学；已报告乡镇协调入学");
	} else if (ed < 99) {
		c->education = EDU_HOME_SCHOOLING;
	} else {
		c->education = EDU_SUSPENDED;
	}
	int h = rng_below(r, 100);
	c->health = h < 92 ? HEALTH_HEALTHY
		    : h < 98 ? HEALTH_ILL
			     : HEALTH_SERIOUS_ILLNESS;
	if (c->health != HEALTH_HEALTHY)
		snprintf(c->illness, sizeof c->illness, "%s",
			 c->health == HEALTH_ILL ? "哮喘" : "先天性心脏病");
	if (rng_pct(r, 3)) {
		static const char *const types[] = { "肢体残疾", "智力残疾",
						     "听力残疾", "视力残疾" };
		c->disability.present = 1;
		snprintf(c->disability.type, sizeof c->disability.type, "%s",
			 types[rng_below(r, 4)]);
		snprintf(c->disability.grade, sizeof c->disability.grade,
			 "%d级", 1 + rng_below(r, 4));
	}
}

static int add_visits(store *s, rng *r, const child_row *row,
		      const char *today, int64_t now, err *e)
{
	static const char *const risks[] = { "low", "low", "low", "medium",
					     "high" };
	int n = rng_below(r, 4);
	for (int i = 0; i < n; i++) {
		char date[11];
		date_minus_days(today, rng_below(r, 365), date);
		if (strcmp(date, row->birth_date) < 0)
			continue;
		json_t *f = json_pack(
			"{s:s, s:s, s:s, s:s}", "living", "基本生活有保障",
			"guardianship",
			rng_pct(r, 80) ? "监护人尽责" : "监护人年老体弱，需关注",
			"mental_health", "情绪稳定", "education", "按时上学");
		char *fd = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(f);
		int64_t id;
		int rc = child_store_visit_add(s, row->id, row->region, date,
					       "儿童主任", "监护人",
					       fd, risks[rng_below(r, 5)], "",
					       "demo", now, &id, e);
		free(fd);
		if (rc)
			return rc;
	}
	return 0;
}

/* The next batch of generated children, up to 2000, written in one
 * transaction. */
typedef struct batch_tx {
	const actor *who;
	rng *r;
	idset *ids;
	const store_res *villages;
	int nv;
	const char *today;
	long n, done;
} batch_tx;

static int batch_work(store *s, void *arg, err *e)
{
	batch_tx *b = arg;
	const long batch = 2000;
	int rc = 0;
	for (long i = 0; i < batch && b->done < b->n && rc == 0;
	     i++, b->done++) {
		child c;
		store_text_row v;
		store_res_row(b->villages, rng_below(b->r, b->nv),
			      store_text_cols, &v);
		make_child(b->r, b->ids, v.text, b->today, &c);
		if ((rc = child_validate(&c, b->today, e)))
			break;
		classify_result cr;
		classify_child(&c, b->today, &cr);
		child_row row;
		memset(&row, 0, sizeof row);
		snprintf(row.region, sizeof row.region, "%s", c.region);
		snprintf(row.status, sizeof row.status, "active");
		snprintf(row.name, sizeof row.name, "%s", c.name);
		row.sex = c.sex;
		snprintf(row.birth_date, sizeof row.birth_date, "%s",
			 c.birth_date);
		snprintf(row.id_number, sizeof row.id_number, "%s",
			 c.id_number);
		row.cat_base = classify_base(&c);
		row.qflags = child_quality_flags(&c);
		row.flags = cr.flags;
		snprintf(row.guardian_name, sizeof row.guardian_name, "%s",
			 c.guardian.present ? c.guardian.name : "");
		snprintf(row.contact_phone, sizeof row.contact_phone, "%s",
			 c.contact_phone);
		row.data = child_stored_text(&c);
		/* Registered over the last three years, never before
		 * birth: past quarters count the records registered by
		 * their end (issue #19 item 2).  From the count, not the
		 * generator, so the rest of the data stays as it was. */
		int64_t reg = b->who->now -
			      (int64_t)((b->done * 7919 + 13) % 1100) * 86400;
		int64_t born = date_day_end(row.birth_date);
		row.created_at = row.updated_at = reg > born ? reg : born;
		snprintf(row.created_by, sizeof row.created_by, "demo");
		snprintf(row.updated_by, sizeof row.updated_by, "demo");
		rc = child_store_insert(s, &row, e);
		if (rc == 0)
			rc = add_visits(s, b->r, &row, b->today, b->who->now,
					e);
		child_row_clear(&row);
	}
	return rc;
}

int demo_children(store *s, const actor *who, const char *region_code,
		  long n, uint64_t seed, void (*progress)(long done, long n),
		  err *e)
{
	region g;
	store_res *villages;
	int rc = region_resolve(s, NULL, region_code, &g, e);
	if (rc)
		return rc;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range(g.code, lo, hi);
	if ((rc = region_store_villages(s, lo, hi, &villages, e)))
		return rc;
	int nv = store_res_rows(villages);
	if (nv == 0) {
		store_res_free(villages);
		return err_set(e, ERR_INVALID, "no_villages",
			       "区划 %s 下没有村（社区）", g.code);
	}
	char today[11];
	date_of(who->now, today);
	rng r = { seed };
	idset ids = { 0 };
	batch_tx b = { .who = who, .r = &r, .ids = &ids, .villages = villages,
		       .nv = nv, .today = today, .n = n };
	while (b.done < n && rc == 0) {
		if ((rc = store_tx(s, batch_work, &b, e)) == 0 && progress)
			progress(b.done, n);
	}
	store_res_free(villages);
	free(ids.v);
	if (rc)
		return rc;
	return audit_record_alone(s, who, "demo_generate", g.code,
				  json_pack("{s:I, s:s, s:I}", "children",
					    (json_int_t)n, "region", g.code,
					    "seed", (json_int_t)seed),
				  e);
}

int demo_children_csv(store *s, const actor *who, const char *region_code,
		      long n, uint64_t seed, const char *path, err *e)
{
	region g;
	store_res *villages;
	int rc = region_resolve(s, NULL, region_code, &g, e);
	if (rc)
		return rc;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range(g.code, lo, hi);
	if ((rc = region_store_villages(s, lo, hi, &villages, e)))
		return rc;
	int nv = store_res_rows(villages);
	FILE *f = nv ? fopen(path, "w") : NULL;
	if (!f) {
		store_res_free(villages);
		return nv ? err_set(e, ERR_INTERNAL, "file_write",
				    "无法写入 %s", path)
			  : err_set(e, ERR_INVALID, "no_villages",
				    "区划 %s 下没有村（社区）", g.code);
	}
	char today[11];
	date_of(who->now, today);
	rng r = { seed };
	idset ids = { 0 };
	childxlsx_csv_header(f);
	for (long i = 0; i < n; i++) {
		child c;
		store_text_row v;
		store_res_row(villages, rng_below(&r, nv), store_text_cols, &v);
		make_child(&r, &ids, v.text, today, &c);
		childxlsx_csv_row(f, &c);
	}
	store_res_free(villages);
	free(ids.v);
	if (fclose(f) != 0)
		return err_set(e, ERR_INTERNAL, "file_write", "写入 %s 失败",
			       path);
	return 0;
}

/* An adult's ID number for `county`, born in 1965–1995. */
static void adult_id(rng *r, idset *ids, const char *county, int sex,
		     char out[19])
{
	for (;;) {
		char first[18];
		snprintf(first, sizeof first, "%.6s%04d%02d%02d%03d", county,
			 1965 + rng_below(r, 31), 1 + rng_below(r, 12),
			 1 + rng_below(r, 28),
			 rng_below(r, 500) * 2 + (sex == 1));
		if (idset_add(ids, strtoull(first, NULL, 10))) {
			snprintf(out, 19, "%s%c", first,
				 idcard_check_char(first));
			return;
		}
	}
}

static int demo_post(store *s, const actor *who, rng *r, idset *ids,
		     const region *g, const char *post, int64_t *id, err *e)
{
	static const char *const sup_src[] = { "civil_affairs_office",
					       "womens_federation", "dedicated" };
	static const char *const dir_src[] = {
		"civil_affairs_assistant", "community_worker", "women_director",
		"college_graduate", "left_behind_woman", "volunteer" };
	int sup = strcmp(post, "supervisor") == 0;
	int sex = sup ? 1 + rng_below(r, 2) : (rng_pct(r, 70) ? 2 : 1);
	char name[64], idn[19], ph[21];
	adult_name(r, NULL, sex == 1, name, sizeof name);
	adult_id(r, ids, g->code, sex, idn);
	phone(r, ph, sizeof ph);
	json_t *body = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "post", post,
		"region_code", g->code, "name", name, "id_number", idn, "phone",
		ph, "source",
		sup ? sup_src[rng_below(r, 3)] : dir_src[rng_below(r, 6)],
		"employment", rng_pct(r, sup ? 40 : 10) ? "full_time" : "part_time",
		"appointed_on", "2018-08-20");
	json_t *out = NULL;
	int rc = staff_create(s, who, body, &out, e);
	json_decref(body);
	if (rc == 0)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return rc;
}

int demo_workforce(store *s, const actor *who, const char *region_code,
		   uint64_t seed, err *e)
{
	region g;
	int rc = region_resolve(s, NULL, region_code, &g, e);
	if (rc)
		return rc;
	rng r = { seed };
	idset ids = { 0 };
	region *towns;
	int nt;
	if ((rc = region_children(s, g.code, &towns, &nt, e)))
		return rc;
	int64_t *staff = xcalloc(4096, sizeof *staff);
	int ns = 0;
	for (int t = 0; t < nt && rc == 0; t++) {
		int64_t id;
		if ((rc = demo_post(s, who, &r, &ids, &towns[t], "supervisor",
				    &id, e)))
			break;
		if (ns < 4096)
			staff[ns++] = id;
		region *vil;
		int nv;
		if ((rc = region_children(s, towns[t].code, &vil, &nv, e)))
			break;
		/* About one village in twenty still waits for its director:
		 * the gaps the coverage page is for. */
		for (int v = 0; v < nv && rc == 0; v++)
			if (rng_pct(&r, 95) &&
			    (rc = demo_post(s, who, &r, &ids, &vil[v],
					    "director", &id, e)) == 0 &&
			    ns < 4096)
				staff[ns++] = id;
		free(vil);
	}
	free(towns);
	char today[11], refresher[11];
	date_of(who->now, today);
	snprintf(refresher, sizeof refresher, "%.4s-03-15", today);
	struct {
		const char *title, *date;
		int initial;
	} sessions[] = {
		{ "2018年儿童督导员、儿童主任初任培训", "2018-09-18", 1 },
		{ "年度儿童工作业务培训", refresher, 0 },
	};
	for (size_t k = 0; k < 2 && rc == 0; k++) {
		json_t *body = json_pack(
			"{s:s, s:s, s:s, s:f, s:s, s:s, s:s, s:[s,s,s,s,s], s:b}",
			"region_code", g.code, "title", sessions[k].title,
			"held_on", sessions[k].date, "hours", k ? 8.0 : 16.0,
			"mode", k ? "regional" : "lecture", "organiser",
			"县民政局、县未成年人保护中心", "trainer",
			"省儿童福利指导中心讲师", "topics", "家庭走访",
			"信息更新", "强制报告", "政策链接",
			"推动落实家庭监护主体责任", "initial",
			sessions[k].initial);
		json_t *out = NULL;
		rc = training_create(s, who, body, &out, e);
		json_decref(body);
		int64_t tid = rc ? 0 : json_integer_value(json_object_get(out, "id"));
		json_decref(out);
		/* Most attended; a few failed the first assessment, and a
		 * few have not had this year's training yet. */
		for (int i = 0; i < ns && rc == 0; i++) {
			if (!rng_pct(&r, k ? 85 : 97))
				continue;
			int score = 55 + rng_below(&r, 45);
			json_t *a = json_pack("{s:I, s:s, s:i, s:b}", "staff_id",
					      (json_int_t)staff[i], "result",
					      "assessed", "score", score,
					      "passed", score >= 60);
			rc = training_attend(s, who, tid, a, &out, e);
			json_decref(a);
			json_decref(out);
		}
	}
	free(staff);
	free(ids.v);
	static const struct {
		const char *name, *measure, *due;
	} tasks[] = {
		{ "儿童督导员、儿童主任定岗定人并实名登记", "staff_registered",
		  "2018-08-30" },
		{ "儿童督导员、儿童主任首次培训", "staff_trained", "2018-09-30" },
	};
	for (size_t k = 0; k < 2 && rc == 0; k++) {
		json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "name",
					 tasks[k].name, "measure",
					 tasks[k].measure, "region_code", "22",
					 "due_on", tasks[k].due);
		json_t *out = NULL;
		rc = campaign_create(s, who, body, &out, e);
		json_decref(body);
		json_decref(out);
	}
	return rc;
}

/* The staff member in post at `code`, or 0. */
static int64_t demo_manager(store *s, const char *code, const char *post)
{
	staff_filter f;
	memset(&f, 0, sizeof f);
	region_scope_range(code, f.lo, f.hi);
	f.post = post;
	f.status = "active";
	f.limit = 1;
	staff_row *rows;
	int n;
	int64_t total, id = 0;
	if (staff_store_list(s, &f, &rows, &n, &total, NULL) == 0) {
		if (n > 0 && strcmp(rows[0].region, code) == 0)
			id = rows[0].id;
		free(rows);
	}
	return id;
}

static json_t *demo_standard(rng *r)
{
	int good = rng_pct(r, 75);
	char inspected[11];
	snprintf(inspected, sizeof inspected, "2025-%02d-%02d",
		 1 + rng_below(r, 12), 1 + rng_below(r, 28));
	return json_pack(
		"{s:{s:i, s:b, s:b, s:b, s:b, s:s}, s:{s:i, s:i, s:i, s:i, s:i,"
		" s:i, s:i, s:i, s:i}, s:{s:s, s:s, s:o}}",
		"place", "floor_area", 40 + rng_below(r, 120), "ventilation", 1,
		"lighting", 1, "fire_safety", good || rng_pct(r, 50),
		"no_hazards", 1, "inspected_on", inspected, "equipment",
		"desks_chairs", 10 + rng_below(r, 20), "bookshelves",
		1 + rng_below(r, 4), "av_equipment", good ? 1 : 0, "age_books",
		100 + rng_below(r, 500), "toys", 5 + rng_below(r, 30),
		"game_materials", 5 + rng_below(r, 20), "sports_equipment",
		3 + rng_below(r, 10), "computers", good || rng_pct(r, 30) ? 1 : 0,
		"file_cabinets", 1, "rules", "management_rules", "2019-03-01",
		"activity_plan", "2026-01-05", "emergency_plan",
		good || rng_pct(r, 50) ? json_string("2019-03-01") : json_null());
}

static int demo_platform(store *s, const actor *who, rng *r,
			 const char *kind, const region *g, json_t *serving,
			 int64_t manager, const char *host, int64_t *id,
			 err *e)
{
	char addr[160];
	snprintf(addr, sizeof addr, "%s%s", g->name,
		 strcmp(kind, "children_home") ? "政府院内" : "村部二楼");
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "kind", kind,
				 "region_code", g->code, "host", host, "address",
				 addr, "opened_on", "2019-06-01", "standard",
				 demo_standard(r));
	if (manager)
		json_object_set_new(body, "manager_staff_id",
				    json_integer(manager));
	if (serving) {
		json_object_set_new(body, "regional", json_true());
		json_object_set(body, "serves", serving);
	}
	json_t *out = NULL;
	int rc = platform_create(s, who, body, &out, e);
	json_decref(body);
	if (rc == 0)
		*id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return rc;
}

int demo_platforms(store *s, const actor *who, const char *region_code,
		   uint64_t seed, err *e)
{
	static const char *const titles[] = {
		"", "儿童信息排查登记", "困境儿童转介服务", "防溺水安全教育",
		"法治进校园与心理健康讲座", "网络沉迷预防小组活动",
		"暑期读书会" };
	region g;
	int rc = region_resolve(s, NULL, region_code, &g, e);
	if (rc)
		return rc;
	rng r = { seed };
	char today[11];
	date_of(who->now, today);
	int year = atoi(today) - 1;
	region *towns;
	int nt;
	if ((rc = region_children(s, g.code, &towns, &nt, e)))
		return rc;
	for (int t = 0; t < nt && rc == 0; t++) {
		int64_t pid;
		rc = demo_platform(s, who, &r, "activity_center", &towns[t], NULL,
				   demo_manager(s, towns[t].code, "supervisor"),
				   "civil_affairs_office", &pid, e);
		region *vil;
		int nv;
		if (rc || (rc = region_children(s, towns[t].code, &vil, &nv, e)))
			break;
		json_t *small = json_array();
		const region *host = NULL;
		for (int v = 0; v < nv && rc == 0; v++) {
			int count = 30 + rng_below(&r, 200);
			json_t *cc = json_pack("{s:i, s:i}", "count", count,
					       "year", year);
			json_t *o = NULL;
			rc = platform_set_child_count(s, who, vil[v].code, cc,
						      &o, e);
			json_decref(cc);
			json_decref(o);
			if (rc)
				break;
			/* Most large villages have their own; the rest are
			 * the rule's list.  Small villages share. */
			if (count >= 100 && rng_pct(&r, 85))
				rc = demo_platform(
					s, who, &r, "children_home", &vil[v], NULL,
					demo_manager(s, vil[v].code, "director"),
					"civil_affairs_station", &pid, e);
			else if (count < 100 && rng_pct(&r, 80)) {
				if (!host)
					host = &vil[v];
				else
					json_array_append_new(
						small, json_string(vil[v].code));
			}
		}
		if (rc == 0 && host)
			rc = demo_platform(s, who, &r, "children_home", host,
					   json_array_size(small) ? small : NULL,
					   demo_manager(s, host->code, "director"),
					   "village_school", &pid, e);
		json_decref(small);
		free(vil);
	}
	free(towns);
	/* A year of activities on the first platforms. */
	for (int64_t id = 1; id <= 60 && rc == 0; id++) {
		for (int k = 0; k < 4 && rc == 0; k++) {
			int fn = 1 + rng_below(&r, 6);
			char held[24];
			snprintf(held, sizeof held, "%04d-%02d-%02d", year % 10000,
				 1 + rng_below(&r, 12), 1 + rng_below(&r, 28));
			json_t *a = json_pack("{s:s, s:i, s:s, s:i, s:i}",
					      "held_on", held, "function", fn,
					      "title", titles[fn], "children",
					      5 + rng_below(&r, 40), "parents",
					      rng_below(&r, 15));
			json_t *o = NULL;
			rc = platform_activity_add(s, who, id, a, &o, e);
			if (rc == ERR_NOTFOUND)
				rc = 0;
			json_decref(a);
			json_decref(o);
		}
	}
	return rc;
}

/* One woman in village `g` with 0–3 services of last year. */
static int demo_woman(store *s, const actor *who, rng *r, idset *ids,
		      const region *g, int year, err *e)
{
	static const char *const jobs[] = { "farming", "farming", "farming",
					    "local_work", "self_employed",
					    "unemployed", "other" };
	static const char *const skills[] = { "", "手工编织", "家政服务",
					      "电商直播", "养殖", "种植",
					      "缝纫" };
	static const char *const kinds[] = { "employment_guidance",
					     "entrepreneurship",
					     "cancer_screening", "rights" };
	static const char *const rights[] = {
		"赡养纠纷，经村调委会调解达成协议",
		"土地承包权益纠纷，已转乡司法所处理",
		"家庭暴力求助，已联系妇联与派出所，发出告诫书" };
	char name[64], idn[19], ph[21];
	adult_name(r, NULL, 0, name, sizeof name);
	adult_id(r, ids, g->code, 2, idn);
	phone(r, ph, sizeof ph);
	json_t *body = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "region_code", g->code,
		"name", name, "id_number", idn, "phone", ph,
		"husband_work_place",
		places[rng_below(r, sizeof places / sizeof *places)],
		"employment", jobs[rng_below(r, 7)], "skills",
		skills[rng_below(r, 7)]);
	json_t *out = NULL;
	int rc = women_create(s, who, body, &out, e);
	json_decref(body);
	int64_t id = rc ? 0 : json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	for (int k = rng_below(r, 4); k > 0 && rc == 0; k--) {
		const char *kind = kinds[rng_below(r, 4)];
		char day[16];
		snprintf(day, sizeof day, "%04d-%02d-%02d", year % 10000,
			 1 + rng_below(r, 12), 1 + rng_below(r, 28));
		json_t *sv = json_pack("{s:s, s:s}", "kind", kind, "served_on",
				       day);
		if (!strcmp(kind, "cancer_screening")) {
			int x = rng_below(r, 100);
			json_object_set_new(sv, "result",
					    json_string(x < 85	 ? "normal"
							: x < 97 ? "abnormal"
								 : "diagnosed"));
			if (x >= 85)
				json_object_set_new(
					sv, "follow_up",
					json_string("已转县妇幼保健院复查，"
						    "村妇女主任跟进"));
		} else if (!strcmp(kind, "rights"))
			json_object_set_new(
				sv, "detail",
				json_string(rights[rng_below(r, 3)]));
		else
			json_object_set_new(
				sv, "detail",
				json_string(strcmp(kind, "entrepreneurship")
						    ? "参加县人社局就业指导与岗位推介会"
						    : "协助申请创业担保贷款"));
		rc = women_service_add(s, who, id, sv, &out, e);
		json_decref(sv);
		json_decref(out);
	}
	return rc;
}

int demo_women(store *s, const actor *who, const char *region_code,
	       uint64_t seed, err *e)
{
	region g;
	int rc = region_resolve(s, NULL, region_code, &g, e);
	if (rc)
		return rc;
	rng r = { seed };
	idset ids = { 0 };
	char today[11];
	date_of(who->now, today);
	int year = atoi(today) - 1;
	region *towns;
	int nt;
	if ((rc = region_children(s, g.code, &towns, &nt, e)))
		return rc;
	for (int t = 0; t < nt && rc == 0; t++) {
		region *vil;
		int nv;
		if ((rc = region_children(s, towns[t].code, &vil, &nv, e)))
			break;
		/* One to three in every village, so each demo director
		 * starts with a registry to look at. */
		for (int v = 0; v < nv && rc == 0; v++) {
			int n = 1 + rng_below(&r, 3);
			for (int k = 0; k < n && rc == 0; k++)
				rc = demo_woman(s, who, &r, &ids, &vil[v], year, e);
		}
		free(vil);
	}
	free(towns);
	free(ids.v);
	return rc;
}
