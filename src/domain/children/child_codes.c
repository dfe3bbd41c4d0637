#include "domain/children/child_codes.h"

#include <string.h>

const code_entry child_parent_status_codes[] = {
	{ PARENT_AT_HOME, "at_home", "在家" },
	{ PARENT_MIGRANT_IN_PROVINCE, "migrant_in_province", "省内务工" },
	{ PARENT_MIGRANT_OUT_PROVINCE, "migrant_out_province", "省外务工" },
	{ PARENT_DECEASED, "deceased", "死亡" },
	{ PARENT_MISSING, "missing", "失踪" },
	{ PARENT_IMPRISONED, "imprisoned", "服刑在押" },
	{ PARENT_DRUG_REHAB, "drug_rehab", "强制隔离戒毒" },
	{ PARENT_RESTRICTED_LIBERTY, "restricted_liberty",
	  "被执行其他限制人身自由措施" },
	{ PARENT_SEVERE_DISABILITY, "severe_disability", "重残" },
	{ PARENT_SERIOUS_ILLNESS, "serious_illness", "重病" },
	{ PARENT_GUARDIANSHIP_REVOKED, "guardianship_revoked", "被撤销监护资格" },
	{ PARENT_DEPORTED, "deported", "遣送（驱逐）出境" },
	{ PARENT_OTHER, "other", "其他" },
	{ 0, NULL, NULL },
};

const code_entry child_guardianship_codes[] = {
	{ GUARD_GOOD, "good", "良好" },
	{ GUARD_FAIR, "fair", "一般" },
	{ GUARD_POOR, "poor", "较差" },
	{ GUARD_NONE, "none", "无人监护" },
	{ 0, NULL, NULL },
};

const code_entry child_support_codes[] = {
	{ SUPPORT_NONE, "none", "无" },
	{ SUPPORT_DIBAO, "dibao", "低保" },
	{ SUPPORT_TEKUN, "tekun", "特困" },
	{ 0, NULL, NULL },
};

const code_entry child_mental_codes[] = {
	{ MENTAL_NORMAL, "normal", "正常" },
	{ MENTAL_ATTENTION, "attention", "需关注" },
	{ MENTAL_INTERVENTION, "intervention", "需干预" },
	{ 0, NULL, NULL },
};

const code_entry child_education_codes[] = {
	{ EDU_PRESCHOOL, "preschool", "学龄前" },
	{ EDU_IN_SCHOOL, "in_school", "在校" },
	{ EDU_OUT_OF_SCHOOL, "out_of_school", "失学" },
	{ EDU_DROPPED_OUT, "dropped_out", "辍学" },
	{ EDU_SUSPENDED, "suspended", "休学" },
	{ EDU_HOME_SCHOOLING, "home_schooling", "送教上门" },
	{ 0, NULL, NULL },
};

const code_entry child_health_codes[] = {
	{ HEALTH_HEALTHY, "healthy", "健康" },
	{ HEALTH_ILL, "ill", "患病" },
	{ HEALTH_SERIOUS_ILLNESS, "serious_illness", "重病" },
	{ 0, NULL, NULL },
};

const code_entry child_sex_codes[] = {
	{ 1, "male", "男" },
	{ 2, "female", "女" },
	{ 0, NULL, NULL },
};

const code_entry child_hukou_codes[] = {
	{ 1, "registered", "有户籍" },
	{ 0, "none", "无户籍" },
	{ 0, NULL, NULL },
};

const code_entry child_status_codes[] = {
	{ 1, "active", "在册" },
	{ 2, "exited", "已退出" },
	{ 0, NULL, NULL },
};

const code_entry child_exit_reason_codes[] = {
	{ 1, "aged_out", "年龄超出" },
	{ 2, "parents_returned", "父母返乡" },
	{ 3, "moved_away", "迁出" },
	{ 4, "died", "死亡" },
	{ 5, "other", "其他" },
	{ 0, NULL, NULL },
};

const code_entry child_transfer_state_codes[] = {
	{ 1, "pending", "待接收" },
	{ 2, "accepted", "已接收" },
	{ 3, "rejected", "已拒绝" },
	{ 4, "cancelled", "已撤回" },
	{ 0, NULL, NULL },
};

const code_entry child_history_action_codes[] = {
	{ 1, "create", "新建档案" },
	{ 2, "update", "修改档案" },
	{ 3, "confirm", "确认分类" },
	{ 4, "exit", "退出" },
	{ 5, "transfer", "迁移" },
	{ 0, NULL, NULL },
};

const code_entry child_risk_codes[] = {
	{ 1, "low", "低" },
	{ 2, "medium", "中" },
	{ 3, "high", "高" },
	{ 0, NULL, NULL },
};

const code_entry child_area_codes[] = {
	{ 1, "living", "基本生活" },
	{ 2, "guardianship", "家庭监护" },
	{ 3, "mental_health", "心理健康" },
	{ 4, "education", "学习教育" },
	{ 0, NULL, NULL },
};

int code_value(const code_entry *t, const char *code)
{
	for (; code && t->code; t++)
		if (strcmp(t->code, code) == 0)
			return t->value;
	return -1;
}

const char *code_of(const code_entry *t, int value)
{
	for (; t->code; t++)
		if (t->value == value)
			return t->code;
	return "";
}

const char *code_label(const code_entry *t, int value)
{
	for (; t->code; t++)
		if (t->value == value)
			return t->label;
	return "";
}

/* The 56 民族 in the order of GB/T 3304, the order a form lists them. */
static const char *const child__ethnicities[] = {
	"汉族",	  "蒙古族", "回族",	"藏族",	  "维吾尔族", "苗族",
	"彝族",	  "壮族",   "布依族",	"朝鲜族", "满族",     "侗族",
	"瑶族",	  "白族",   "土家族",	"哈尼族", "哈萨克族", "傣族",
	"黎族",	  "傈僳族", "佤族",	"畲族",	  "高山族",   "拉祜族",
	"水族",	  "东乡族", "纳西族",	"景颇族", "柯尔克孜族", "土族",
	"达斡尔族", "仫佬族", "羌族",	"布朗族", "撒拉族",   "毛南族",
	"仡佬族", "锡伯族", "阿昌族",	"普米族", "塔吉克族", "怒族",
	"乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",
	"裕固族", "京族",   "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族",
	"门巴族", "珞巴族", "基诺族",
};
enum { CHILD__NETHNICITIES = sizeof child__ethnicities /
			     sizeof *child__ethnicities };
_Static_assert(CHILD__NETHNICITIES == 56, "56 民族");

int child_ethnicity_valid(const char *name)
{
	for (size_t i = 0; name && i < CHILD__NETHNICITIES; i++)
		if (strcmp(child__ethnicities[i], name) == 0)
			return 1;
	return 0;
}

json_t *code_table_json(const code_entry *t)
{
	json_t *a = json_array();
	for (; t->code; t++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code",
						   t->code, "label", t->label));
	return a;
}

void child_codes_json(json_t *out)
{
	static const struct {
		const char *name;
		const code_entry *t;
	} tables[] = {
		{ "sex", child_sex_codes },
		{ "hukou_status", child_hukou_codes },
		{ "parent_status", child_parent_status_codes },
		{ "guardianship", child_guardianship_codes },
		{ "living_support", child_support_codes },
		{ "mental_health", child_mental_codes },
		{ "education", child_education_codes },
		{ "health", child_health_codes },
		{ "child_status", child_status_codes },
		{ "exit_reason", child_exit_reason_codes },
		{ "transfer_state", child_transfer_state_codes },
		{ "history_action", child_history_action_codes },
		{ "risk_level", child_risk_codes },
		{ "area", child_area_codes },
	};
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
		json_object_set_new(out, tables[i].name,
				    code_table_json(tables[i].t));
	json_t *eth = json_array();
	for (size_t i = 0; i < CHILD__NETHNICITIES; i++)
		json_array_append_new(eth, json_pack("{s:s, s:s}", "code",
						     child__ethnicities[i],
						     "label",
						     child__ethnicities[i]));
	json_object_set_new(out, "ethnicity", eth);
}
