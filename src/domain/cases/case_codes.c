#include "domain/cases/case_codes.h"

#include <stddef.h>

const code_entry case_reporter_codes[] = {
	{ 1, "director", "儿童主任" },	     { 2, "school", "学校" },
	{ 3, "medical", "医疗机构" },	     { 4, "village_committee", "村（居）委会" },
	{ 5, "police", "公安" },	     { 6, "public", "群众" },
	{ 7, "other", "其他" },		     { 0, NULL, NULL },
};
const code_entry case_situation_codes[] = {
	{ 1, "unsupervised", "无人监护" },
	{ 2, "improper_guardianship", "监护不当" },
	{ 3, "abuse", "遭受或疑似遭受虐待、遗弃、性侵害、暴力伤害" },
	{ 4, "dropout", "失辍学" },
	{ 5, "no_hukou", "无户籍" },
	{ 6, "untreated_illness", "严重疾病或残疾无人照料" },
	{ 7, "begging", "流浪乞讨" },
	{ 8, "other", "其他" },
	{ 0, NULL, NULL },
};
const code_entry case_emergency_codes[] = {
	{ 1, "temporary_care", "临时照料" }, { 2, "hospital", "送医" },
	{ 3, "police", "报警" },	     { 4, "temporary_guardianship", "临时监护" },
	{ 0, NULL, NULL },
};
const code_entry case_referral_codes[] = {
	{ 1, "health", "卫生保健" },	     { 2, "rehabilitation", "医疗康复" },
	{ 3, "psychological", "心理干预" },  { 4, "social_assistance", "社会救助" },
	{ 5, "judicial", "司法保护" },	     { 6, "education", "教育" },
	{ 0, NULL, NULL },
};
const code_entry case_intervention_codes[] = {
	{ 1, "criticism", "批评教育" },
	{ 2, "urge_duty", "督促履责" },
	{ 3, "temporary_guardianship", "临时监护" },
	{ 4, "revoke_application", "申请撤销监护资格" },
	{ 0, NULL, NULL },
};
const code_entry case_state_codes[] = {
	{ 1, "reported", "已报告，待受理" }, { 2, "accepted", "已受理" },
	{ 3, "emergency", "已应急处置" },    { 4, "assessed", "已评估" },
	{ 5, "planned", "帮扶中" },	     { 6, "closed", "已结案" },
	{ 0, NULL, NULL },
};
const code_entry case_step_codes[] = {
	{ 1, "report", "报告" },	     { 2, "accept", "受理" },
	{ 3, "emergency", "应急处置" },	     { 4, "assessment", "评估" },
	{ 5, "plan", "制定帮扶方案" },	     { 6, "referral", "转介" },
	{ 7, "referral_answer", "转介回复" }, { 8, "intervention", "监护干预" },
	{ 9, "close", "结案" },		     { 10, "escalate", "超时未受理，上报上一级" },
	{ 0, NULL, NULL },
};

const code_entry case_escalate_rule_codes[] = {
	{ 1, "accept_hours", "一般报告受理时限" },
	{ 2, "urgent_hours", "紧急报告受理时限" },
	{ 0, NULL, NULL },
};

void case_codes_json(json_t *out)
{
	json_object_set_new(out, "case_reporter_type",
			    code_table_json(case_reporter_codes));
	json_object_set_new(out, "case_situation",
			    code_table_json(case_situation_codes));
	json_object_set_new(out, "case_emergency",
			    code_table_json(case_emergency_codes));
	json_object_set_new(out, "case_referral_kind",
			    code_table_json(case_referral_codes));
	json_object_set_new(out, "case_intervention",
			    code_table_json(case_intervention_codes));
	json_object_set_new(out, "case_state", code_table_json(case_state_codes));
	json_object_set_new(out, "case_step", code_table_json(case_step_codes));
	json_object_set_new(out, "case_escalate_rule",
			    code_table_json(case_escalate_rule_codes));
}
