#include "domain/platforms/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/children/child.h"
#include "domain/children/child_codes.h"
#include "domain/core/perm.h"
#include "domain/core/region.h"
#include "io/xlsxout.h"
#include "store/platform_store.h"
#include "store/staff_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/mem.h"
#include "util/text.h"

static const code_entry kinds[] = {
	{ REGION_VILLAGE, "children_home", "儿童之家" },
	{ REGION_TOWNSHIP, "activity_center", "儿童活动中心" },
	{ REGION_TOWNSHIP, "protection_station", "未成年人保护工作站" },
	{ 0, NULL, NULL },
};
/* Two kinds share a level: look labels up by code, never by value. */
static const char *kind_label(const char *code)
{
	for (const code_entry *k = kinds; k->code; k++)
		if (!strcmp(k->code, code))
			return k->label;
	return "";
}

static const code_entry hosts[] = {
	{ 1, "civil_affairs_station", "村（社区）民政工作站" },
	{ 2, "village_school", "村小" },
	{ 3, "kindergarten", "幼儿园" },
	{ 4, "school", "学校" },
	{ 5, "civil_affairs_office", "民政工作机构" },
	{ 6, "youth_palace", "少年宫" },
	{ 7, "womens_home", "妇女之家" },
	{ 8, "rural_library", "农家书屋" },
	{ 9, "other", "其他" },
	{ 0, NULL, NULL },
};
static const code_entry functions[] = {
	{ 1, "1", "建立儿童档案" },
	{ 2, "2", "转介" },
	{ 3, "3", "宣传教育和技能指导" },
	{ 4, "4", "法治教育和心理健康指导" },
	{ 5, "5", "不良行为预防和矫治" },
	{ 6, "6", "文体娱乐阅读社会实践" },
	{ 0, NULL, NULL },
};
static const char *const five_labels[] = { "有统一名称", "有固定场所",
					   "有必要设施设备", "有专人管理",
					   "有基本制度" };
static const char *const place_items[] = { "ventilation", "lighting",
					   "fire_safety", "no_hazards" };
static const char *const place_labels[] = { "通风", "采光", "消防安全",
					    "无危险设施和安全隐患" };
static const char *const equipment[] = {
	"desks_chairs", "bookshelves",	    "av_equipment",
	"age_books",	"toys",		    "game_materials",
	"sports_equipment", "computers",    "file_cabinets",
};
static const char *const equipment_labels[] = {
	"桌椅", "图书架", "音像设备", "分龄图书", "玩具",
	"游戏材料", "文体活动器材", "电脑", "档案柜",
};
static const char *const rule_items[] = { "management_rules",
					  "activity_plan", "emergency_plan" };
static const char *const rule_labels[] = { "管理制度", "活动计划",
					   "灾害和意外伤害应急预案" };
static const code_entry statuses[] = {
	{ 1, "active", "运行中" },
	{ 2, "closed", "已关闭" },
	{ 0, NULL, NULL },
};

/* The compliance report lists at most this many failing platforms (the
 * first by region code); `failing_total` counts them all. */
#define COMPLIANCE_FAILING_MAX 200

/* ---- roles and scope ---- */

static int can_read(const actor *who)
{
	return perm_allows(who, PERM_PLATFORM_READ);
}

static int can_write(const actor *who)
{
	return perm_allows(who, PERM_PLATFORM_WRITE);
}

static int forbidden(err *e)
{
	return err_set(e, ERR_FORBIDDEN, "forbidden", "您的角色无权进行此操作");
}



/* A write about a platform (or a village's child count, or the
 * labelling words) and its audit entry. */
typedef struct platform_tx {
	const actor *who;
	platform_row *p;
	const char *const *villages;	/* the villages served, or NULL */
	int nv;
	json_t *patch;			/* an update's */
	/* an activity */
	const char *held, *title, *notes;
	int function, children, parents;
	/* a child count */
	const char *village;
	json_int_t count, year;
	/* the labelling words */
	json_t *words;
} platform_tx;

/* One 儿童活动中心 per township, unless the county records why it sets up
 * another (second_reason): counted in the creating transaction, after
 * the township's row lock, so two at once cannot both be first. */
static int one_center(store *s, const platform_row *p, err *e)
{
	int64_t n;
	char name[192];
	int rc;
	if (strcmp(p->kind, "activity_center"))
		return 0;
	if ((rc = platform_store_count_here(s, p->region, p->kind, &n, name,
					    e)))
		return rc;
	if (n > 0 && !*p->second_reason)
		return err_field(e, ERR_CONFLICT, "activity_center_exists",
				 "second_reason",
				 "%s已有儿童活动中心（%s）：每个乡镇（街道）设一个，"
				 "另设须由县级民政部门填写理由",
				 p->region_name, name);
	if (n == 0 && *p->second_reason)
		return err_field(e, ERR_INVALID, "invalid_field",
				 "second_reason",
				 "%s尚无儿童活动中心，无须填写另设理由",
				 p->region_name);
	return 0;
}

static int create_work(store *s, void *arg, err *e)
{
	platform_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = one_center(s, x->p, e)) ||
	    (rc = platform_store_insert(s, x->p, e)) ||
	    (rc = platform_store_set_villages(s, x->p->id, x->villages, x->nv,
					      e)))
		return rc;
	return audit_record(s, x->who, "platform_create",
			    audit_target(t, "platform", x->p->id), x->p->region,
			    json_pack("{s:s, s:s, s:s?}", "kind", x->p->kind,
				      "name", x->p->name, "second_reason",
				      *x->p->second_reason
					      ? x->p->second_reason
					      : NULL),
			    e);
}

static int update_work(store *s, void *arg, err *e)
{
	platform_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = platform_store_update(s, x->p, e)) ||
	    (x->villages &&
	     (rc = platform_store_set_villages(s, x->p->id, x->villages, x->nv,
					       e))))
		return rc;
	return audit_record(s, x->who, "platform_update",
			    audit_target(t, "platform", x->p->id), x->p->region,
			    json_pack("{s:O}", "patch", x->patch), e);
}

/* A required integer field in [lo, hi]: absent is missing_field,
 * anything else out of place (null included) invalid_field. */
static int int_field(json_t *body, const char *key, json_int_t lo,
		     json_int_t hi, json_int_t *out, const char *msg, err *e)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return err_field(e, ERR_INVALID, "missing_field", key, "%s",
				 msg);
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return err_field(e, ERR_INVALID, "invalid_field", key, "%s",
				 msg);
	*out = json_integer_value(v);
	return 0;
}

/* ---- the naming rule ---- */

/* The region's own name: a village's 村委会/居委会 suffix is not part of
 * it ("十里堡村委会" → "十里堡村", "西关社区居委会" → "西关社区"). */
static void own_name(const char *name, char *out, size_t n)
{
	static const struct {
		const char *suffix, *keep;
	} strip[] = {
		{ "社区居民委员会", "社区" }, { "社区居委会", "社区" },
		{ "村民委员会", "村" },	      { "村委会", "村" },
		{ "居民委员会", "社区" },     { "居委会", "社区" },
	};
	size_t len = strlen(name);
	for (size_t i = 0; i < sizeof strip / sizeof *strip; i++) {
		size_t sl = strlen(strip[i].suffix);
		if (len > sl && strcmp(name + len - sl, strip[i].suffix) == 0) {
			size_t base = len - sl, kl = strlen(strip[i].keep);
			/* "民强村村委会" is 民强村, not 民强村村. */
			int has = base >= kl &&
				  !strncmp(name + base - kl, strip[i].keep, kl);
			snprintf(out, n, "%.*s%s", (int)base, name,
				 has ? "" : strip[i].keep);
			return;
		}
	}
	snprintf(out, n, "%s", name);
}

static void proposal(const region *g, const char *kind, char *out, size_t n)
{
	char base[REGION_NAME_MAX];
	own_name(g->name, base, sizeof base);
	const char *suffix = !strcmp(kind, "activity_center") ? "儿童活动中心"
			     : !strcmp(kind, "protection_station")
				     ? "未成年人保护工作站"
				     : "儿童之家";
	snprintf(out, n, "%s%s", base, suffix);
}

/* 0 when `name` follows the rule; else the reason, in Chinese. */
static const char *name_problem(store *s, const region *g, const char *kind,
				const char *name, char *why, size_t n)
{
	char *words = NULL;
	if (platform_store_setting(s, "label_words", &words, NULL) == 0) {
		json_t *w = json_loads(words, 0, NULL);
		size_t i;
		json_t *v;
		json_array_foreach(w, i, v) {
			const char *word = json_string_value(v);
			if (word && *word && strstr(name, word)) {
				snprintf(why, n,
					 "名称不得含有“%s”等标签化字样", word);
				json_decref(w);
				free(words);
				return why;
			}
		}
		json_decref(w);
	}
	free(words);
	char want[256];
	proposal(g, kind, want, sizeof want);
	/* The township form may name both roles: XX镇儿童活动中心（未成年人保护工作站）. */
	char both[300];
	char base[REGION_NAME_MAX];
	own_name(g->name, base, sizeof base);
	snprintf(both, sizeof both, "%s儿童活动中心（未成年人保护工作站）", base);
	if (strcmp(name, want) == 0 ||
	    (g->level == REGION_TOWNSHIP && strcmp(name, both) == 0))
		return NULL;
	snprintf(why, n, "名称应为统一名称“%s”", want);
	return why;
}

int platform_name_proposal(store *s, const actor *who, const char *code,
			   const char *kind, json_t **out, err *e)
{
	region g;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if (!kind || code_value(kinds, kind) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "kind",
				 "类型应为 children_home、activity_center 或 "
				 "protection_station");
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL, code, &g, e)))
		return rc;
	/* Only what may be created is proposed (issue #19). */
	int level = code_value(kinds, kind);
	if (g.level != level)
		return err_field(e, ERR_INVALID, "invalid_query", "region",
				 "%s应设在%s级区划，不能在%s设立",
				 kind_label(kind), region_level_label(level),
				 g.name);
	int64_t n = 0;
	char have[192] = "";
	if (!strcmp(kind, "activity_center") &&
	    (rc = platform_store_count_here(s, g.code, kind, &n, have, e)))
		return rc;
	char name[256];
	proposal(&g, kind, name, sizeof name);
	*out = json_pack("{s:s, s:s, s:s}", "region_code", g.code, "kind",
			 kind, "name", name);
	/* A township that has its centre: the proposal says that a
	 * further one needs the county's reason. */
	if (n > 0) {
		json_object_set_new(*out, "needs_reason", json_true());
		json_object_set_new(
			*out, "note",
			json_sprintf("%s已有儿童活动中心（%s）：另设须由县级民政"
				     "部门填写理由",
				     g.name, have));
	}
	return 0;
}

/* ---- the 五有 standard ---- */

/* The dotted name of a field of `standard`, as the error names it. */
static const char *field_path(const char *section, const char *key,
			      char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", section, key);
	return buf;
}

/* Reads and checks the recorded facts; the verdict is judge()'s. */
static int parse_standard(json_t *in, const char *today, err *e)
{
	char path[64];
	static const char *const top[] = { "place", "equipment", "rules", NULL };
	static const char *const place[] = { "floor_area", "ventilation",
					     "lighting", "fire_safety",
					     "no_hazards", "inspected_on", NULL };
	int rc = jsonx_only(in, top, e);
	if (rc)
		return rc;
	json_t *p = json_object_get(in, "place");
	if (p) {
		if (!json_is_object(p) || (rc = jsonx_only(p, place, e)))
			return rc ? rc
				  : err_field(e, ERR_INVALID, "invalid_field",
					      "standard.place", "应为对象");
		json_t *a = json_object_get(p, "floor_area");
		if (a && !json_is_null(a) &&
		    (!json_is_number(a) || json_number_value(a) < 0 ||
		     json_number_value(a) > 100000))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "standard.place.floor_area",
					 "面积应为0至100000的数（平方米）");
		for (size_t i = 0; i < 4; i++) {
			json_t *b = json_object_get(p, place_items[i]);
			if (b && !json_is_boolean(b) && !json_is_null(b))
				return err_field(e, ERR_INVALID, "invalid_field",
						 field_path("standard.place.",
							    place_items[i], path,
							    sizeof path),
						 "%s应为true或false", place_labels[i]);
		}
		json_t *d = json_object_get(p, "inspected_on");
		if (d && !json_is_null(d) &&
		    (!json_is_string(d) || !child_date_valid(json_string_value(d))))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "standard.place.inspected_on",
					 "检查日期格式应为 YYYY-MM-DD");
		/* A future inspection would make item 2 pass before it happened. */
		if (json_is_string(d) && strcmp(json_string_value(d), today) > 0)
			return err_field(e, ERR_INVALID, "future_date",
					 "standard.place.inspected_on",
					 "检查日期不能晚于今天");
	}
	json_t *q = json_object_get(in, "equipment");
	if (q) {
		if (!json_is_object(q))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "standard.equipment", "应为对象");
		const char *k;
		json_t *v;
		json_object_foreach(q, k, v) {
			int known = 0;
			for (size_t i = 0; i < 9; i++)
				known |= strcmp(k, equipment[i]) == 0;
			if (!known)
				return err_field(e, ERR_INVALID, "unknown_field",
						 k, "不支持的设施设备: %.30s", k);
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 100000)
				return err_field(e, ERR_INVALID, "invalid_field",
						 field_path("standard.equipment.", k,
							    path, sizeof path),
						 "数量应为0至100000的整数");
		}
	}
	json_t *r = json_object_get(in, "rules");
	if (r) {
		if (!json_is_object(r))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "standard.rules", "应为对象");
		const char *k;
		json_t *v;
		json_object_foreach(r, k, v) {
			int known = 0;
			for (size_t i = 0; i < 3; i++)
				known |= strcmp(k, rule_items[i]) == 0;
			if (!known)
				return err_field(e, ERR_INVALID, "unknown_field",
						 k, "不支持的制度: %.30s", k);
			if (!json_is_null(v) &&
			    (!json_is_string(v) ||
			     !child_date_valid(json_string_value(v))))
				return err_field(e, ERR_INVALID, "invalid_field",
						 field_path("standard.rules.", k, path,
							    sizeof path),
						 "制度应填建立日期（YYYY-MM-DD）或null");
			if (json_is_string(v) &&
			    strcmp(json_string_value(v), today) > 0)
				return err_field(e, ERR_INVALID, "future_date",
						 field_path("standard.rules.", k, path,
							    sizeof path),
						 "制度建立日期不能晚于今天");
		}
	}
	return 0;
}

static void add(char *buf, size_t n, const char *text)
{
	size_t used = strlen(buf);
	snprintf(buf + used, n - used, "%s%s", used ? "、" : "", text);
}

/* The five items, each judged from the facts: bit i of the result is set
 * when item i+1 fails; reasons in `why`. */
static unsigned judge(store *s, const platform_row *p, const region *g,
		      json_t *st, char why[5][400])
{
	unsigned failing = 0;
	for (int i = 0; i < 5; i++)
		why[i][0] = '\0';
	char tmp[400];
	const char *np = name_problem(s, g, p->kind, p->name, tmp, sizeof tmp);
	if (np) {
		failing |= 1;
		snprintf(why[0], 400, "%.300s", np);
	}
	json_t *pl = json_object_get(st, "place");
	char miss[400] = "";
	if (!*p->address)
		add(miss, sizeof miss, "地址");
	if (json_number_value(json_object_get(pl, "floor_area")) <= 0)
		add(miss, sizeof miss, "面积");
	for (size_t i = 0; i < 4; i++)
		if (!json_is_true(json_object_get(pl, place_items[i])))
			add(miss, sizeof miss, place_labels[i]);
	if (!json_is_string(json_object_get(pl, "inspected_on")))
		add(miss, sizeof miss, "检查日期");
	if (*miss) {
		failing |= 2;
		snprintf(why[1], 400, "未达到或未记录：%.300s", miss);
	}
	json_t *eq = json_object_get(st, "equipment");
	miss[0] = '\0';
	for (size_t i = 0; i < 9; i++)
		if (json_integer_value(json_object_get(eq, equipment[i])) < 1)
			add(miss, sizeof miss, equipment_labels[i]);
	if (*miss) {
		failing |= 4;
		snprintf(why[2], 400, "缺少：%.300s", miss);
	}
	if (!p->manager || strcmp(p->manager_status, "active") != 0) {
		failing |= 8;
		snprintf(why[3], 400, "%s",
			 p->manager ? "指定的管理人员已离任"
				    : "未指定在岗的管理人员");
	}
	json_t *ru = json_object_get(st, "rules");
	miss[0] = '\0';
	for (size_t i = 0; i < 3; i++)
		if (!json_is_string(json_object_get(ru, rule_items[i])))
			add(miss, sizeof miss, rule_labels[i]);
	if (*miss) {
		failing |= 16;
		snprintf(why[4], 400, "缺少：%.300s", miss);
	}
	return failing;
}

static json_t *five_json(unsigned failing, char why[5][400])
{
	json_t *a = json_array();
	for (int i = 0; i < 5; i++)
		json_array_append_new(
			a, json_pack("{s:i, s:s, s:b, s:s}", "item", i + 1,
				     "label", five_labels[i], "ok",
				     !(failing & (1u << i)), "why", why[i]));
	return a;
}

static json_t *platform_json(store *s, const platform_row *p, int detail)
{
	json_t *st = json_loads(p->standard, 0, NULL);
	char path[512] = "";
	region_path_text(s, p->region, path, sizeof path, NULL);
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s,"
		" s:o, s:o, s:s, s:b, s:i}",
		"id", (json_int_t)p->id, "kind", p->kind, "kind_label",
		kind_label(p->kind), "region_code",
		p->region, "region_name", p->region_name, "region_path", path,
		"name", p->name, "regional", p->regional, "host", p->host,
		"host_label",
		*p->host_other ? p->host_other
			       : code_label(hosts, code_value(hosts, p->host)),
		"address", p->address, "opened_on", p->opened_on,
		"manager_staff_id",
		p->manager ? json_integer(p->manager) : json_null(),
		"manager_name",
		*p->manager_name ? json_string(p->manager_name) : json_null(),
		"status", p->status, "compliant", p->failing == 0, "version",
		p->version);
	json_t *fail = json_array();
	for (int i = 0; i < 5; i++)
		if (p->failing & (1u << i))
			json_array_append_new(fail, json_string(five_labels[i]));
	json_object_set_new(o, "failing", fail);
	json_object_set_new(o, "second_reason",
			    *p->second_reason ? json_string(p->second_reason)
					      : json_null());
	if (detail)
		json_object_set_new(o, "standard", st ? st : json_object());
	else
		json_decref(st);
	return o;
}

static int load(store *s, const actor *who, int64_t id, platform_row *p,
		err *e)
{
	int rc = platform_store_get(s, id, p, e);
	if (rc == 0 && who->u && !region_in_scope(actor_scope(who), p->region)) {
		char where[sizeof p->region];
		snprintf(where, sizeof where, "%s", p->region);
		platform_row_clear(p);
		rc = err_out_of_scope(e, where,
				      "服务阵地不存在或不在您的管辖范围内");
	}
	return rc;
}

/* The villages a 儿童之家 serves: its own, plus for a regional one those
 * listed, each a village of the same township in the actor's scope. */
static int serves(store *s, const actor *who, const platform_row *p,
		  json_t *list, char (*codes)[REGION_CODE_MAX], int *n, err *e)
{
	*n = 0;
	if (strcmp(p->kind, "children_home"))
		return 0;
	snprintf(codes[(*n)++], REGION_CODE_MAX, "%s", p->region);
	if (!p->regional)
		return 0;
	if (!list || json_is_null(list) ||
	    (json_is_array(list) && json_array_size(list) == 0))
		return err_field(e, ERR_INVALID, "missing_field", "serves",
				 "区域性儿童之家须列出服务的村（社区），最多60个");
	if (!json_is_array(list) || json_array_size(list) > 60)
		return err_field(e, ERR_INVALID, "invalid_field", "serves",
				 "服务的村（社区）应为区划代码列表，最多60个");
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		region g;
		int rc;
		if (!json_is_string(v))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "serves", "应为区划代码列表");
		if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
					 json_string_value(v), &g, e))) {
			if (e)
				snprintf(e->field, sizeof e->field, "serves");
			return rc;
		}
		if (g.level != REGION_VILLAGE ||
		    strncmp(g.code, p->region, 9) != 0)
			return err_field(e, ERR_INVALID, "invalid_field",
					 "serves",
					 "服务的村（社区）应与儿童之家同属一个乡镇（街道）");
		int dup = 0;
		for (int k = 0; k < *n; k++)
			dup |= strcmp(codes[k], g.code) == 0;
		if (!dup)
			snprintf(codes[(*n)++], REGION_CODE_MAX, "%s", g.code);
	}
	return 0;
}

/* Applies the writable fields of `body` to *p (create or patch). */
static int apply(store *s, const actor *who, platform_row *p, json_t *body,
		 const region *g, int creating, err *e)
{
	const char *name, *host, *other, *address, *opened;
	char today[11];
	date_of(who->now, today);
	int rc, regional = -1;
	if ((rc = jsonx_str(body, "name", 0, 60, &name, e)) ||
	    (rc = jsonx_str(body, "host", creating, 30, &host, e)) ||
	    (rc = jsonx_str(body, "host_other", 0, 40, &other, e)) ||
	    (rc = jsonx_str(body, "address", creating, 100, &address, e)) ||
	    (rc = jsonx_str(body, "opened_on", creating, 10, &opened, e)) ||
	    (rc = jsonx_bool(body, "regional", 0, &regional, e)))
		return rc;
	if (regional >= 0) {
		if (regional && strcmp(p->kind, "children_home"))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "regional", "只有儿童之家可以是区域性的");
		p->regional = regional;
	}
	char why[300];
	if (name && !*name)
		name = NULL; /* "" is the same as absent: the proposal */
	if (name) {
		if (!text_valid_name(name, 2, 60))
			return err_field(e, ERR_INVALID, "invalid_field", "name",
					 "名称应为2至60个字符");
		if (name_problem(s, g, p->kind, name, why, sizeof why))
			return err_field(e, ERR_INVALID, "bad_name", "name",
					 "%s", why);
		snprintf(p->name, sizeof p->name, "%s", name);
	} else if (creating) {
		proposal(g, p->kind, p->name, sizeof p->name);
	}
	if (host) {
		if (code_value(hosts, host) < 0)
			return err_field(e, ERR_INVALID, "invalid_field", "host",
					 "依托单位代码无效");
		if (!strcmp(host, "other") &&
		    (!other || !text_valid_name(other, 2, 40)))
			return err_field(e, ERR_INVALID, "missing_field",
					 "host_other", "依托单位为“其他”时须注明");
		snprintf(p->host, sizeof p->host, "%s", host);
		snprintf(p->host_other, sizeof p->host_other, "%s",
			 !strcmp(host, "other") ? other : "");
	}
	if (address) {
		if (!text_valid_name(address, 2, 100))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "address", "地址应为2至100个字符");
		snprintf(p->address, sizeof p->address, "%s", address);
	}
	if (opened) {
		if (!child_date_valid(opened))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "opened_on", "建成日期应为有效日期（YYYY-MM-DD）");
		if (strcmp(opened, today) > 0)
			return err_field(e, ERR_INVALID, "future_date",
					 "opened_on", "建成日期不能晚于今天");
		snprintf(p->opened_on, sizeof p->opened_on, "%s", opened);
	}
	json_t *m = json_object_get(body, "manager_staff_id");
	if (m) {
		if (json_is_null(m)) {
			p->manager = 0;
			p->manager_status[0] = '\0';
		} else {
			staff_row st;
			if (!json_is_integer(m) ||
			    staff_store_get(s, json_integer_value(m), &st,
					    NULL) != 0 ||
			    !region_in_scope(g->code, st.region) ||
			    strcmp(st.status, "active"))
				return err_field(e, ERR_INVALID, "invalid_field",
						 "manager_staff_id",
						 "管理人员应为本区划在岗的儿童主任或儿童督导员");
			p->manager = st.id;
			snprintf(p->manager_name, sizeof p->manager_name, "%s",
				 st.name);
			snprintf(p->manager_status, sizeof p->manager_status,
				 "%s", st.status);
		}
	}
	json_t *st = json_object_get(body, "standard");
	if (st) {
		if (!json_is_object(st))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "standard", "五有信息应为对象");
		if ((rc = parse_standard(st, today, e)))
			return rc;
		/* The recorded facts merge into what was there. */
		json_t *cur = json_loads(p->standard, 0, NULL);
		json_t *merged = child_merge_patch(cur ? cur : json_object(), st);
		json_decref(cur);
		free(p->standard);
		p->standard = json_dumps(merged, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(merged);
	}
	return 0;
}

int platform_create(store *s, const actor *who, json_t *body, json_t **out,
		    err *e)
{
	static const char *const fields[] = {
		"kind",	     "region_code",	 "name",      "regional",
		"serves",    "host",		 "host_other", "address",
		"opened_on", "manager_staff_id", "standard",  "second_reason",
		NULL };
	const char *kind, *code, *reason;
	int rc;
	if (!can_write(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "kind", 1, 24, &kind, e)) ||
	    (rc = jsonx_str(body, "region_code", 1, 64, &code, e)) ||
	    (rc = jsonx_str(body, "second_reason", 0, 200, &reason, e)))
		return rc;
	if (reason && !text_valid_text(reason, 2, 200))
		return err_field(e, ERR_INVALID, "invalid_field",
				 "second_reason",
				 "另设理由应为2至200个字，且不含非法字符");
	/* The county answers for its townships' centres: a further one is
	 * its decision, recorded with its reason. */
	if (reason && who->u &&
	    region_level_of(actor_scope(who)) > REGION_COUNTY)
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "另设儿童活动中心须由县级民政部门决定并填写理由");
	int level = code_value(kinds, kind);
	if (level < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "kind",
				 "类型应为 children_home（儿童之家）、activity_center"
				 "（儿童活动中心）或 protection_station（未成年人保护工作站）");
	region g;
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL, code, &g, e))) {
		if (e && e->code == ERR_INVALID)
			snprintf(e->field, sizeof e->field, "region_code");
		return rc;
	}
	if (g.level != level)
		return err_field(e, ERR_INVALID, "invalid_field", "region_code",
				 "%s应设在%s级区划", code_label(kinds, level),
				 region_level_label(level));
	platform_row p;
	memset(&p, 0, sizeof p);
	snprintf(p.kind, sizeof p.kind, "%s", kind);
	snprintf(p.region, sizeof p.region, "%s", g.code);
	snprintf(p.region_name, sizeof p.region_name, "%s", g.name);
	snprintf(p.status, sizeof p.status, "active");
	if (reason)
		snprintf(p.second_reason, sizeof p.second_reason, "%s", reason);
	p.standard = xstrdup("{}");
	char codes[61][REGION_CODE_MAX];
	int nc = 0;
	if ((rc = apply(s, who, &p, body, &g, 1, e)) ||
	    (rc = serves(s, who, &p, json_object_get(body, "serves"), codes,
			 &nc, e)))
		goto out;
	char why[5][400];
	json_t *st = json_loads(p.standard, 0, NULL);
	p.failing = judge(s, &p, &g, st, why);
	json_decref(st);
	p.created_at = p.updated_at = who->now;
	snprintf(p.created_by, sizeof p.created_by, "%s", actor_name(who));
	snprintf(p.updated_by, sizeof p.updated_by, "%s", actor_name(who));
	const char *ptrs[61];
	for (int i = 0; i < nc; i++)
		ptrs[i] = codes[i];
	platform_tx x = { .who = who, .p = &p, .villages = ptrs, .nv = nc };
	if ((rc = store_tx(s, create_work, &x, e)))
		goto out;
	rc = platform_get(s, who, p.id, out, e);
out:
	platform_row_clear(&p);
	return rc;
}

int platform_get(store *s, const actor *who, int64_t id, json_t **out,
		 err *e)
{
	platform_row p;
	store_res *v = NULL;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = load(s, who, id, &p, e)))
		return rc;
	region g;
	if ((rc = region_resolve(s, NULL, p.region, &g, e)) ||
	    (rc = platform_store_villages(s, id, &v, e)))
		goto out;
	/* The verdict is judged again on every read of the detail: a
	 * manager who left since the last write shows at once. */
	char why[5][400];
	json_t *stj = json_loads(p.standard, 0, NULL);
	p.failing = judge(s, &p, &g, stj, why);
	json_decref(stj);
	json_t *o = platform_json(s, &p, 1);
	json_object_set_new(o, "five", five_json(p.failing, why));
	json_t *sv = json_array();
	for (int i = 0; i < store_res_rows(v); i++) {
		platform_village_row w;
		store_res_row(v, i, platform_store_village_cols, &w);
		json_array_append_new(sv, json_pack("{s:s, s:s}", "code",
						    w.code, "name", w.name));
	}
	json_object_set_new(o, "serves", sv);
	char want[256];
	proposal(&g, p.kind, want, sizeof want);
	json_object_set_new(o, "proposed_name", json_string(want));
	*out = o;
out:
	store_res_free(v);
	platform_row_clear(&p);
	return rc;
}

int platform_update(store *s, const actor *who, int64_t id, json_t *patch,
		    json_t **out, err *e)
{
	static const char *const fields[] = {
		"name",	     "regional",	 "serves",   "host",
		"host_other", "address",	 "opened_on", "manager_staff_id",
		"standard",  "status",		 NULL };
	platform_row p;
	int rc;
	if (!can_write(who))
		return forbidden(e);
	if ((rc = jsonx_only(patch, fields, e)) ||
	    (rc = load(s, who, id, &p, e)))
		return rc;
	region g;
	char codes[61][REGION_CODE_MAX];
	int nc = 0;
	const char *status;
	if ((rc = region_resolve(s, NULL, p.region, &g, e)) ||
	    (rc = jsonx_str(patch, "status", 0, 8, &status, e)) ||
	    (rc = apply(s, who, &p, patch, &g, 0, e)))
		goto out;
	if (status) {
		if (code_value(statuses, status) < 0) {
			rc = err_field(e, ERR_INVALID, "invalid_field", "status",
				       "状态应为 active 或 closed");
			goto out;
		}
		snprintf(p.status, sizeof p.status, "%s", status);
	}
	int new_serves = json_object_get(patch, "serves") ||
			 json_object_get(patch, "regional");
	if (new_serves &&
	    (rc = serves(s, who, &p, json_object_get(patch, "serves"), codes,
			 &nc, e)))
		goto out;
	char why[5][400];
	json_t *st = json_loads(p.standard, 0, NULL);
	p.failing = judge(s, &p, &g, st, why);
	json_decref(st);
	p.updated_at = who->now;
	snprintf(p.updated_by, sizeof p.updated_by, "%s", actor_name(who));
	const char *ptrs[61];
	for (int i = 0; i < nc; i++)
		ptrs[i] = codes[i];
	platform_tx x = { .who = who, .p = &p,
			  .villages = new_serves ? ptrs : NULL, .nv = nc,
			  .patch = patch };
	if ((rc = store_tx(s, update_work, &x, e)))
		goto out;
	rc = platform_get(s, who, p.id, out, e);
out:
	platform_row_clear(&p);
	return rc;
}

static int scope_region(store *s, const actor *who, const char *in,
			region *g, err *e)
{
	if (!can_read(who))
		return forbidden(e);
	return region_resolve(s, who->u ? actor_scope(who) : NULL,
			      in ? in : (who->u ? actor_scope(who) : "22"), g, e);
}

int platform_list(store *s, const actor *who, const char *in,
		  const char *kind, const char *status, const char *compliant,
		  int64_t offset, int limit, json_t **out, err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	int rc = scope_region(s, who, in, &g, e);
	if (rc)
		return rc;
	if (kind && code_value(kinds, kind) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "kind",
				 "类型无效");
	int c = -1;
	if (compliant) {
		if (strcmp(compliant, "true") && strcmp(compliant, "false"))
			return err_field(e, ERR_INVALID, "invalid_query",
					 "compliant", "应为 true 或 false");
		c = strcmp(compliant, "true") == 0;
	}
	if (status && code_value(statuses, status) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "status",
				 "状态应为 active 或 closed");
	/* 五有 is judged of platforms in use: asking for (non-)compliant ones
	 * means active ones unless closed ones are asked for. */
	if (c >= 0 && !status)
		status = "active";
	region_scope_range(g.code, lo, hi);
	platform_row *rows;
	int n;
	int64_t total;
	if ((rc = platform_store_list(s, lo, hi, kind, status, c, offset, limit,
				      &rows, &n, &total, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(items, platform_json(s, &rows[i], 0));
		platform_row_clear(&rows[i]);
	}
	free(rows);
	*out = json_pack("{s:o, s:I}", "items", items, "total",
			 (json_int_t)total);
	return 0;
}

static json_t *villages_json(const store_res *r)
{
	json_t *a = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		platform_rule_row v;
		store_res_row(r, i, platform_store_rule_cols, &v);
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:o, s:o}", "code", v.code,
				     "name", v.name, "child_count",
				     v.uncounted ? json_null()
						 : json_integer(v.child_count),
				     "child_count_year",
				     v.year_unknown
					     ? json_null()
					     : json_integer(v.child_count_year)));
	}
	return a;
}

int platform_rule100(store *s, const actor *who, const char *in,
		     int64_t offset, int limit, json_t **out, err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	int rc = scope_region(s, who, in, &g, e);
	if (rc)
		return rc;
	if (limit < 1 || limit > RULE100_PAGE_MAX)
		limit = RULE100_PAGE_MAX;
	region_scope_range(g.code, lo, hi);
	store_res *m, *u;
	int64_t nm, nu;
	if ((rc = platform_store_rule_missing(s, lo, hi, offset, limit, &m, &nm,
					      e)))
		return rc;
	if ((rc = platform_store_rule_uncovered(s, lo, hi, offset, limit, &u,
						&nu, e))) {
		store_res_free(m);
		return rc;
	}
	/* The units marked as needing no 儿童之家 are in neither list:
	 * say how many were left out. */
	int64_t nx = 0;
	if ((rc = region_exempt_count(s, g.code, &nx, e))) {
		store_res_free(m);
		store_res_free(u);
		return rc;
	}
	/* Never a silent cap: say when either list holds only a part. */
	int cut = offset > 0 || store_res_rows(m) < nm ||
		  store_res_rows(u) < nu;
	*out = json_pack("{s:s, s:s, s:I, s:o, s:I, s:o, s:b, s:I}",
			 "region_code", g.code, "region_name", g.name,
			 "missing_total", (json_int_t)nm, "missing",
			 villages_json(m), "uncovered_total", (json_int_t)nu,
			 "uncovered", villages_json(u), "truncated", cut,
			 "exempt_total", (json_int_t)nx);
	store_res_free(m);
	store_res_free(u);
	return 0;
}

int platform_compliance(store *s, const actor *who, const char *in,
			json_t **out, err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	int rc = scope_region(s, who, in, &g, e);
	if (rc)
		return rc;
	region_scope_range(g.code, lo, hi);
	store_res *c;
	if ((rc = platform_store_compliance(s, lo, hi, &c, e)))
		return rc;
	platform_compliance_row cr;
	store_res_row(c, 0, platform_store_compliance_cols, &cr);
	int64_t total = cr.total, ok = cr.compliant;
	json_t *items = json_array();
	for (int i = 0; i < 5; i++)
		json_array_append_new(
			items, json_pack("{s:i, s:s, s:I}", "item", i + 1,
					 "label", five_labels[i], "failing",
					 (json_int_t)cr.failing[i]));
	store_res_free(c);
	json_t *failing;
	if ((rc = platform_list(s, who, g.code, NULL, "active", "false", 0,
				COMPLIANCE_FAILING_MAX, &failing, e))) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:s, s:s, s:I, s:I, s:f, s:o, s:o, s:O}",
			 "region_code", g.code, "region_name", g.name, "total",
			 (json_int_t)total, "compliant", (json_int_t)ok, "pct",
			 total ? 100.0 * (double)ok / (double)total : 0.0,
			 "items", items, "failing",
			 json_incref(json_object_get(failing, "items")),
			 "failing_total", json_object_get(failing, "total"));
	json_decref(failing);
	return 0;
}

int platform_compliance_xlsx(store *s, const actor *who, const char *in,
			     const exportmark *mark, char **bytes, size_t *len,
			     char filename[128], err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1], today[11];
	int rc = scope_region(s, who, in, &g, e);
	if (rc)
		return rc;
	date_of(who->now, today);
	region_scope_range(g.code, lo, hi);
	xlsxout *x;
	static const xlsxout_col cols[] = {
		{ "名称", 30, XLSXOUT_TEXT },	{ "类型", 12, XLSXOUT_TEXT },
		{ "区划", 30, XLSXOUT_TEXT },	{ "管理人员", 10, XLSXOUT_TEXT },
		{ "五有达标", 10, XLSXOUT_TEXT }, { "未达标项目", 40, XLSXOUT_TEXT },
	};
	char path[512] = "", line[700];
	region_path_text(s, g.code, path, sizeof path, NULL);
	if ((rc = exportmark_xlsx_open(who, mark, "服务阵地", &x, e)))
		return rc;
	snprintf(line, sizeof line, "区划：%.400s　　统计日期：%s", path, today);
	if ((rc = xlsxout_header_line(x, "儿童之家、儿童活动中心“五有”达标情况", e)) ||
	    (rc = xlsxout_header_line(x, line, e)) ||
	    (rc = xlsxout_columns(x, cols, 6, e)))
		goto fail;
	for (int64_t off = 0;; off += 200) {
		platform_row *rows;
		int n;
		int64_t total;
		if ((rc = platform_store_list(s, lo, hi, NULL, "active", -1,
					      off, 200, &rows, &n, &total, e)))
			goto fail;
		for (int i = 0; i < n && rc == 0; i++) {
			char failing[200] = "";
			for (int k = 0; k < 5; k++)
				if (rows[i].failing & (1u << k))
					add(failing, sizeof failing,
					    five_labels[k]);
			char rp[512] = "";
			region_path_text(s, rows[i].region, rp, sizeof rp, NULL);
			const char *cells[] = {
				rows[i].name,
				kind_label(rows[i].kind),
				rp, rows[i].manager_name,
				rows[i].failing ? "否" : "是", failing };
			rc = xlsxout_row(x, cells, 6, e);
		}
		for (int i = 0; i < n; i++)
			platform_row_clear(&rows[i]);
		free(rows);
		if (rc)
			goto fail;
		if (n < 200)
			break;
	}
	snprintf(filename, 128, "服务阵地_%.40s_%s.xlsx", g.name, today);
	if ((rc = xlsxout_close_mem(x, bytes, len, e)))
		return rc;
	/* SPEC §10: every export is audited */
	if ((rc = audit_record_alone(s, who, "compliance_export", g.code,
				     json_pack("{s:s}", "region", g.code),
				     e))) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
fail:
	xlsxout_abandon(x);
	return rc;
}

static int activity_work(store *s, void *arg, err *e)
{
	platform_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int64_t aid;
	int rc = platform_store_activity_add(
		s, x->p->id, x->held, x->function, x->title, x->children,
		x->parents, x->notes, x->who->now, actor_name(x->who), &aid, e);
	return rc ? rc
		  : audit_record(s, x->who, "activity_create",
				 audit_target(t, "platform", x->p->id),
				 x->p->region,
				 json_pack("{s:s, s:s}", "title", x->title,
					   "held_on", x->held),
				 e);
}

int platform_activity_add(store *s, const actor *who, int64_t id,
			  json_t *body, json_t **out, err *e)
{
	static const char *const fields[] = { "held_on", "function", "title",
					      "children", "parents", "notes",
					      NULL };
	const char *held, *title, *notes;
	char today[11];
	date_of(who->now, today);
	int rc;
	if (!can_write(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "held_on", 1, 10, &held, e)) ||
	    (rc = jsonx_str(body, "title", 1, 60, &title, e)) ||
	    (rc = jsonx_str(body, "notes", 0, 300, &notes, e)))
		return rc;
	json_int_t fn, ch, pa;
	if ((rc = int_field(body, "function", 1, 6, &fn,
			    "功能应为1至6：1建立儿童档案 2转介 3宣传教育和技能指导 "
			    "4法治教育和心理健康指导 5不良行为预防和矫治 "
			    "6文体娱乐阅读社会实践",
			    e)) ||
	    (rc = int_field(body, "children", 0, 10000, &ch,
			    "参与儿童人数应为0至10000的整数", e)) ||
	    (rc = int_field(body, "parents", 0, 10000, &pa,
			    "参与家长人数应为0至10000的整数", e)))
		return rc;
	if (!child_date_valid(held))
		return err_field(e, ERR_INVALID, "invalid_field", "held_on",
				 "活动日期应为有效日期（YYYY-MM-DD）");
	if (strcmp(held, today) > 0)
		return err_field(e, ERR_INVALID, "future_date", "held_on",
				 "活动日期不能晚于今天");
	if (!text_valid_name(title, 2, 60))
		return err_field(e, ERR_INVALID, "invalid_field", "title",
				 "活动名称应为2至60个字符");
	if (notes && !text_valid_name(notes, 0, 300))
		return err_field(e, ERR_INVALID, "invalid_field", "notes",
				 "备注应为300个字符以内的文字，不含控制字符");
	platform_row p;
	if ((rc = load(s, who, id, &p, e)))
		return rc;
	platform_tx x = { .who = who, .p = &p, .held = held, .title = title,
			  .notes = notes ? notes : "", .function = (int)fn,
			  .children = (int)ch, .parents = (int)pa };
	rc = store_tx(s, activity_work, &x, e);
	platform_row_clear(&p);
	if (rc)
		return rc;
	return platform_activities(s, who, id, out, e);
}

int platform_activities(store *s, const actor *who, int64_t id,
			json_t **out, err *e)
{
	platform_row p;
	store_res *r;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = load(s, who, id, &p, e)))
		return rc;
	platform_row_clear(&p);
	if ((rc = platform_store_activities(s, id, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		platform_activity_row a;
		store_res_row(r, i, platform_store_activity_cols, &a);
		json_array_append_new(
			items,
			json_pack("{s:I, s:s, s:i, s:s, s:s, s:I, s:I, s:s, s:s}",
				  "id", (json_int_t)a.id, "held_on", a.held_on,
				  "function", a.function, "function_label",
				  code_label(functions, a.function), "title",
				  a.title, "children", (json_int_t)a.children,
				  "parents", (json_int_t)a.parents, "notes",
				  a.notes, "created_by", a.created_by));
	}
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int platform_activity_stats(store *s, const actor *who, const char *in,
			    const char *year, json_t **out, err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1], from[11], to[11];
	int rc = scope_region(s, who, in, &g, e);
	if (rc)
		return rc;
	if (year && (!text_is_digits(year) || strlen(year) != 4))
		return err_field(e, ERR_INVALID, "invalid_query", "year",
				 "年份应为4位数字");
	snprintf(from, sizeof from, "%s-01-01", year ? year : "1900");
	snprintf(to, sizeof to, "%s-12-31", year ? year : "9999");
	region_scope_range(g.code, lo, hi);
	store_res *r;
	if ((rc = platform_store_activity_stats(s, lo, hi, from, to, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		platform_activity_stat_row a;
		store_res_row(r, i, platform_store_activity_stat_cols, &a);
		char q[16];
		snprintf(q, sizeof q, "%sQ%lld", a.year, (long long)a.quarter);
		json_array_append_new(
			items,
			json_pack("{s:i, s:s, s:s, s:I, s:I, s:I}", "function",
				  a.function, "function_label",
				  code_label(functions, a.function), "quarter",
				  q, "activities", (json_int_t)a.activities,
				  "children", (json_int_t)a.children,
				  "parents", (json_int_t)a.parents));
	}
	store_res_free(r);
	*out = json_pack("{s:s, s:o}", "region_code", g.code, "items", items);
	return 0;
}

/* A village's count belongs to no platform: its entry's target is
 * "platform:0". */
static int child_count_work(store *s, void *arg, err *e)
{
	platform_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = platform_store_set_child_count(s, x->village, (int)x->count,
						(int)x->year, e);
	return rc ? rc
		  : audit_record(s, x->who, "child_count_set",
				 audit_target(t, "platform", 0), x->village,
				 json_pack("{s:I, s:I}", "count", x->count,
					   "year", x->year),
				 e);
}

int platform_set_child_count(store *s, const actor *who, const char *village,
			     json_t *body, json_t **out, err *e)
{
	static const char *const fields[] = { "count", "year", NULL };
	char today[11];
	date_of(who->now, today);
	region g;
	int rc;
	if (!can_write(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = region_resolve(s, who->u ? actor_scope(who) : NULL, village, &g, e)))
		return rc;
	if (g.level != REGION_VILLAGE)
		return err_field(e, ERR_INVALID, "invalid_region", "region_code",
				 "儿童数量按村（社区）登记");
	json_int_t c, y;
	if ((rc = int_field(body, "count", 0, 100000, &c,
			    "儿童数量应为0至100000的整数", e)) ||
	    (rc = int_field(body, "year", 2000, atoi(today), &y,
			    "统计年份应为2000年至今年", e)))
		return rc;
	platform_tx x = { .who = who, .village = g.code, .count = c,
			  .year = y };
	if ((rc = store_tx(s, child_count_work, &x, e)))
		return rc;
	*out = json_pack("{s:s, s:s, s:I, s:I}", "code", g.code, "name", g.name,
			 "child_count", c, "child_count_year", y);
	return 0;
}

int platform_label_words(store *s, json_t **out, err *e)
{
	char *v;
	int rc = platform_store_setting(s, "label_words", &v, e);
	if (rc)
		return rc;
	json_t *w = json_loads(v, 0, NULL);
	free(v);
	*out = json_pack("{s:o}", "words", w ? w : json_array());
	return 0;
}

/* New labelling words change item 1 of names already recorded: every
 * platform's stored verdict is judged again (inside the caller's
 * transaction, after the words are stored). */
static int rejudge_names(store *s, err *e)
{
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range("", lo, hi);
	for (int64_t off = 0;; off += 200) {
		platform_row *rows;
		int n, rc = 0;
		int64_t total;
		if ((rc = platform_store_list(s, lo, hi, NULL, NULL, -1, off,
					      200, &rows, &n, &total, e)))
			return rc;
		for (int i = 0; i < n; i++) {
			region g;
			char why[5][400];
			json_t *st = json_loads(rows[i].standard, 0, NULL);
			if (rc == 0 &&
			    (rc = region_resolve(s, NULL, rows[i].region, &g,
						 e)) == 0) {
				unsigned f = judge(s, &rows[i], &g, st, why);
				if (f != rows[i].failing)
					rc = platform_store_set_failing(
						s, rows[i].id, f, e);
			}
			json_decref(st);
			platform_row_clear(&rows[i]);
		}
		free(rows);
		if (rc || n < 200)
			return rc;
	}
}

static int label_words_work(store *s, void *arg, err *e)
{
	platform_tx *x = arg;
	char *text = json_dumps(x->words, JSON_COMPACT);
	int rc = platform_store_set_setting(s, "label_words", text, e);
	free(text);
	if (rc || (rc = rejudge_names(s, e)))
		return rc;
	return audit_record(s, x->who, "label_words_set",
			    "settings:label_words", actor_scope(x->who),
			    json_pack("{s:O}", "words", x->words), e);
}

int platform_set_label_words(store *s, const actor *who, json_t *body,
			     json_t **out, err *e)
{
	static const char *const fields[] = { "words", NULL };
	int rc = perm_need(who, PERM_LABEL_WORDS_WRITE, e);
	if (rc || (rc = jsonx_only(body, fields, e)))
		return rc;
	json_t *w = json_object_get(body, "words");
	if (!json_is_array(w) || json_array_size(w) > 100)
		return err_field(e, ERR_INVALID, "invalid_field", "words",
				 "应为词语列表（最多100个）");
	size_t i;
	json_t *v;
	int has_lb = 0, has_kj = 0;
	json_array_foreach(w, i, v) {
		if (!json_is_string(v) ||
		    !text_valid_name(json_string_value(v), 2, 20))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "words", "每个词语应为2至20个字符");
		has_lb |= strcmp(json_string_value(v), "留守儿童") == 0;
		has_kj |= strcmp(json_string_value(v), "困境儿童") == 0;
	}
	/* The notice's own two words always stay. */
	if (!has_lb || !has_kj)
		return err_field(e, ERR_INVALID, "invalid_field", "words",
				 "“留守儿童”“困境儿童”为通知明确禁止的字样，不能删除");
	platform_tx x = { .who = who, .words = w };
	rc = store_tx(s, label_words_work, &x, e);
	return rc ? rc : platform_label_words(s, out, e);
}

/* Parallel arrays of codes and labels as one table of GET /api/v1/codes. */
static json_t *platform__pairs(const char *const *codes,
			       const char *const *labels, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code",
						   codes[i], "label",
						   labels[i]));
	return a;
}

void platform_codes_json(json_t *out)
{
	static const char *const items[] = { "1", "2", "3", "4", "5" };
	_Static_assert(sizeof items / sizeof *items ==
			       sizeof five_labels / sizeof *five_labels,
		       "one code per 五有 item");
	json_t *k = code_table_json(kinds);
	size_t i;
	json_t *entry;
	json_array_foreach(k, i, entry)
		json_object_set_new(entry, "level",
				    json_string(region_level_name(kinds[i].value)));
	json_object_set_new(out, "platform_kind", k);
	json_object_set_new(out, "platform_host", code_table_json(hosts));
	json_object_set_new(out, "platform_function", code_table_json(functions));
	json_object_set_new(out, "platform_standard",
			    platform__pairs(items, five_labels, 5));
	json_object_set_new(out, "platform_place_check",
			    platform__pairs(place_items, place_labels,
					    sizeof place_items /
						    sizeof *place_items));
	json_object_set_new(out, "platform_equipment",
			    platform__pairs(equipment, equipment_labels,
					    sizeof equipment / sizeof *equipment));
	json_object_set_new(out, "platform_rule",
			    platform__pairs(rule_items, rule_labels,
					    sizeof rule_items /
						    sizeof *rule_items));
	json_object_set_new(out, "platform_status", code_table_json(statuses));
}
