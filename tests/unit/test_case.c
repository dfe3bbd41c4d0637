/* The protection chain's steps (SPEC §6) through the public headers of
 * domain/cases/ only, on a real SQLite file with the fixture regions: each
 * step from each state (allowed from its predecessors alone; refused from
 * the others with step_out_of_order and nothing written), the deadline
 * each step sets, the refusals of the ones without a permission, and the
 * escalation of a report not accepted in time — one level per missed
 * deadline, never twice for one, never above the province. */
#include "testutil.h"

#include <jansson.h>
#include <time.h>

#include "domain/core/account.h"
#include "domain/cases/case.h"
#include "domain/cases/case_escalate.h"
#include "domain/cases/case_limits.h"

/* 2026-11-15 12:00 in China. */
#define NOW 1794715200
#define HOUR 3600
#define DAY 86400
#define VILLAGE "220122100207"

static const actor SYS = { .now = NOW };

static json_t *body_of(const char *json)
{
	json_error_t je;
	json_t *b = json_loads(json, 0, &je);
	if (!b)
		fail_msg("bad test JSON %s: %s", json, je.text);
	return b;
}

static int64_t report_at(testdb *t, int64_t now, int urgent)
{
	actor who = { .now = now };
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "region_code",
			      VILLAGE, "child_name", "王小花", "reporter_type",
			      "public", "situation", "begging", "description",
			      "村民反映该儿童在集市乞讨", "urgent", urgent);
	json_t *out = NULL;
	err e;
	err_clear(&e);
	if (case_report(t->s, &who, b, &out, &e))
		fail_msg("report: %s %s", e.key, e.msg);
	json_decref(b);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

static json_t *get_at(testdb *t, int64_t id, int64_t now)
{
	actor who = { .now = now };
	json_t *out = NULL;
	err e;
	if (case_get(t->s, &who, id, &out, &e))
		fail_msg("get: %s", e.msg);
	return out;
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The instant `t` as the API writes it. */
static void instant(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void due_is(testdb *t, int64_t id, int64_t want)
{
	json_t *k = get_at(t, id, NOW);
	if (!want) {
		assert_null(str(k, "due_at"));
	} else {
		char w[21];
		instant(want, w);
		assert_non_null(str(k, "due_at"));
		assert_string_equal(str(k, "due_at"), w);
	}
	json_decref(k);
}

/* A valid body for each step ("referral_answer": of `referral`). */
static json_t *step_body(const char *step, int64_t referral)
{
	if (!strcmp(step, "accept"))
		return body_of("{\"note\":\"已受理\"}");
	if (!strcmp(step, "emergency"))
		return body_of("{\"measures\":[\"temporary_care\"],"
			       "\"note\":\"已安排临时照料\"}");
	if (!strcmp(step, "assessment"))
		return body_of("{\"needs\":{\"living\":\"生活困难\"},"
			       "\"risk_level\":\"high\",\"note\":\"入户评估\"}");
	if (!strcmp(step, "plan"))
		return body_of("{\"measures\":[\"每周入户走访\"],"
			       "\"responsible_unit\":\"农安镇民政办\","
			       "\"due_on\":\"2026-12-31\"}");
	if (!strcmp(step, "referral"))
		return body_of("{\"kind\":\"psychological\","
			       "\"institution\":\"农安县心理服务中心\"}");
	if (!strcmp(step, "referral_answer"))
		return json_pack("{s:I, s:s}", "referral_id",
				 (json_int_t)referral, "answer", "已接收");
	if (!strcmp(step, "intervention"))
		return body_of("{\"kind\":\"urge_duty\",\"note\":\"约谈父母\"}");
	if (!strcmp(step, "close"))
		return body_of("{\"outcome\":\"风险解除\"}");
	fail_msg("no body for %s", step);
	return NULL;
}

static int do_step(testdb *t, const actor *who, int64_t id, const char *step,
		   int64_t referral, err *e)
{
	json_t *b = step_body(step, referral), *out = NULL;
	err_clear(e);
	int rc = case_step(t->s, who, id, step, b, &out, e);
	json_decref(b);
	json_decref(out);
	return rc;
}

static void step_ok(testdb *t, int64_t id, const char *step)
{
	err e;
	if (do_step(t, &SYS, id, step, 0, &e))
		fail_msg("%s: %s %s", step, e.key, e.msg);
}

/* A case taken to `state` by valid steps (urgent ones through
 * emergency). */
static int64_t case_in(testdb *t, const char *state, int urgent)
{
	static const char *const path[] = { "reported", "accepted", "emergency",
					    "assessed", "planned", "closed" };
	static const char *const via[] = { NULL, "accept", "emergency",
					   "assessment", "plan", "close" };
	int64_t id = report_at(t, NOW, urgent);
	for (size_t i = 0; strcmp(path[i], state); i++) {
		if (!strcmp(via[i + 1], "emergency") && !urgent &&
		    strcmp(state, "emergency"))
			continue;
		step_ok(t, id, via[i + 1]);
	}
	json_t *k = get_at(t, id, NOW);
	assert_string_equal(str(k, "state"), state);
	json_decref(k);
	return id;
}

/* What a refused step must leave as it was. */
static char *snapshot(testdb *t, int64_t id)
{
	json_t *k = get_at(t, id, NOW);
	json_object_del(k, "overdue");
	char *s = json_dumps(k, JSON_SORT_KEYS);
	json_decref(k);
	return s;
}

/* Every step from every state: allowed exactly from its predecessors
 * (SPEC §6), the state it leads to; refused with step_out_of_order and
 * nothing written otherwise.  Referral steps need a planned case. */
static void test_steps_from_each_state(void **st)
{
	(void)st;
	static const struct {
		const char *state;
		int urgent;
	} states[] = {
		{ "reported", 0 }, { "accepted", 0 }, { "accepted", 1 },
		{ "emergency", 1 }, { "assessed", 0 }, { "planned", 0 },
		{ "closed", 0 },
	};
	static const struct {
		const char *step;
		/* the state after it from each of the states above; NULL:
		 * refused */
		const char *to[7];
	} steps[] = {
		{ "accept", { "accepted", 0, 0, 0, 0, 0, 0 } },
		{ "emergency", { 0, "emergency", "emergency", 0, 0, 0, 0 } },
		/* an urgent case is handled before it is assessed */
		{ "assessment", { 0, "assessed", 0, "assessed", 0, 0, 0 } },
		{ "plan", { 0, 0, 0, 0, "planned", 0, 0 } },
		{ "referral", { 0, 0, 0, 0, 0, "planned", 0 } },
		{ "intervention", { 0, 0, 0, 0, "assessed", "planned", 0 } },
		{ "close", { 0, 0, 0, 0, 0, "closed", 0 } },
	};
	testdb t;
	testdb_open(&t, 1);
	for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
		for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
			int64_t id = case_in(&t, states[i].state, states[i].urgent);
			char *before = snapshot(&t, id);
			err e;
			int rc = do_step(&t, &SYS, id, steps[k].step, 0, &e);
			const char *to = steps[k].to[i];
			if (to) {
				if (rc)
					fail_msg("%s from %s%s: %s", steps[k].step,
						 states[i].state,
						 states[i].urgent ? " (urgent)" : "",
						 e.msg);
				json_t *c = get_at(&t, id, NOW);
				assert_string_equal(str(c, "state"), to);
				json_decref(c);
			} else {
				if (rc != ERR_CONFLICT)
					fail_msg("%s from %s%s: rc %d", steps[k].step,
						 states[i].state,
						 states[i].urgent ? " (urgent)" : "",
						 rc);
				assert_string_equal(e.key, "step_out_of_order");
				char *after = snapshot(&t, id);
				assert_string_equal(before, after);
				free(after);
			}
			free(before);
		}
	}
	testdb_close(&t);
}

/* A referral is answered before the case closes; an answer names a
 * referral of this case. */
static void test_referrals_before_close(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	int64_t id = case_in(&t, "planned", 0);
	int64_t other = case_in(&t, "planned", 0);
	step_ok(&t, id, "referral");
	json_t *k = get_at(&t, id, NOW);
	json_t *refs = json_object_get(k, "referrals");
	assert_int_equal(json_array_size(refs), 1);
	int64_t rid = num(json_array_get(refs, 0), "id");
	/* 30 days to answer by default */
	assert_string_equal(str(json_array_get(refs, 0), "due_on"), "2026-12-15");
	json_decref(k);
	err e;
	assert_int_equal(do_step(&t, &SYS, id, "close", 0, &e), ERR_CONFLICT);
	assert_string_equal(e.key, "referrals_open");
	/* another case's referral reads as absent */
	assert_int_equal(do_step(&t, &SYS, other, "referral_answer", rid, &e),
			 ERR_NOTFOUND);
	assert_int_equal(do_step(&t, &SYS, id, "referral_answer", rid, &e), 0);
	assert_int_equal(do_step(&t, &SYS, id, "close", 0, &e), 0);
	k = get_at(&t, id, NOW);
	assert_string_equal(str(k, "state"), "closed");
	assert_string_equal(str(k, "outcome"), "风险解除");
	json_decref(k);
	testdb_close(&t);
}

/* The deadline each step sets, with the default limits: a report 24 h
 * to accept (urgent 2 h); accepted, 7 days to assess (urgent: 2 h to the
 * emergency step, then 7 days); assessed, 15 days to plan; a plan has
 * none. */
static void test_time_limits(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	int64_t n = report_at(&t, NOW, 0);
	due_is(&t, n, NOW + 24 * HOUR);
	int64_t u = report_at(&t, NOW, 1);
	due_is(&t, u, NOW + 2 * HOUR);
	step_ok(&t, n, "accept");
	due_is(&t, n, NOW + 7 * DAY);
	step_ok(&t, u, "accept");
	due_is(&t, u, NOW + 2 * HOUR);
	step_ok(&t, u, "emergency");
	due_is(&t, u, NOW + 7 * DAY);
	step_ok(&t, n, "assessment");
	due_is(&t, n, NOW + 15 * DAY);
	step_ok(&t, n, "plan");
	due_is(&t, n, 0);
	/* overdue as the clock passes the deadline */
	json_t *k = get_at(&t, u, NOW + 7 * DAY - 1);
	assert_false(json_is_true(json_object_get(k, "overdue")));
	json_decref(k);
	k = get_at(&t, u, NOW + 7 * DAY + 1);
	assert_true(json_is_true(json_object_get(k, "overdue")));
	json_decref(k);
	/* limits as configuration: a shorter acceptance limit applies to the
	 * reports filed after it */
	json_t *b = body_of("{\"accept_hours\":12,\"urgent_hours\":1,"
			    "\"assess_days\":3,\"plan_days\":10,"
			    "\"referral_days\":20}");
	json_t *out = NULL;
	err e;
	assert_int_equal(case_limits_set(t.s, &SYS, b, &out, &e), 0);
	json_decref(b);
	json_decref(out);
	int64_t m = report_at(&t, NOW, 0);
	due_is(&t, m, NOW + 12 * HOUR);
	step_ok(&t, m, "accept");
	due_is(&t, m, NOW + 3 * DAY);
	/* bad limits are refused and change nothing */
	b = body_of("{\"accept_hours\":0,\"urgent_hours\":1,\"assess_days\":3,"
		    "\"plan_days\":10,\"referral_days\":20}");
	assert_int_equal(case_limits_set(t.s, &SYS, b, &out, &e), ERR_INVALID);
	json_decref(b);
	assert_int_equal(case_limits(t.s, &out, &e), 0);
	assert_int_equal(num(out, "accept_hours"), 12);
	json_decref(out);
	testdb_close(&t);
}

/* Reports not accepted in time move one level up per missed deadline:
 * township → county → city → province, and no further; once per
 * deadline however often the scheduler runs; an accepted one never. */
static void test_escalation(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	int64_t x = report_at(&t, NOW, 0);	/* 24 h */
	int64_t u = report_at(&t, NOW, 1);	/* 2 h */
	int64_t y = report_at(&t, NOW, 0);
	step_ok(&t, y, "accept");
	int moved = -1;
	err e;
	/* before any deadline: nothing */
	assert_int_equal(case_escalate_due(t.s, NOW + HOUR, &moved, &e), 0);
	assert_int_equal(moved, 0);
	/* +3 h: the urgent one, once however often asked */
	assert_int_equal(case_escalate_due(t.s, NOW + 3 * HOUR, &moved, &e), 0);
	assert_int_equal(moved, 1);
	assert_int_equal(case_escalate_due(t.s, NOW + 3 * HOUR, &moved, &e), 0);
	assert_int_equal(moved, 0);
	json_t *k = get_at(&t, u, NOW + 3 * HOUR);
	assert_int_equal(num(k, "level"), 3);	/* the county */
	assert_int_equal(num(k, "escalations"), 1);
	assert_string_equal(str(k, "state"), "reported");
	json_decref(k);
	/* its next deadline runs from the one it missed (+2 h), not from
	 * when the scheduler noticed: the county's 2 hours end at +4 h */
	due_is(&t, u, NOW + 4 * HOUR);
	/* +25 h: x once, to the county; u missed the county's deadline
	 * (+4 h) and the city's (+6 h): it climbs both levels, a step each,
	 * and stops at the province */
	assert_int_equal(case_escalate_due(t.s, NOW + 25 * HOUR, &moved, &e), 0);
	assert_int_equal(moved, 3);
	k = get_at(&t, x, NOW);
	assert_int_equal(num(k, "level"), 3);
	json_decref(k);
	k = get_at(&t, u, NOW);
	assert_int_equal(num(k, "level"), 1);	/* the province */
	assert_int_equal(num(k, "escalations"), 3);
	json_decref(k);
	/* far later: x up to the province too, and there both stay */
	for (int64_t h = 26; h < 200; h++)
		assert_int_equal(case_escalate_due(t.s, NOW + h * HOUR, &moved,
						   &e),
				 0);
	k = get_at(&t, u, NOW);
	assert_int_equal(num(k, "level"), 1);
	assert_int_equal(num(k, "escalations"), 3);
	json_decref(k);
	k = get_at(&t, x, NOW);
	assert_int_equal(num(k, "level"), 1);
	assert_int_equal(num(k, "escalations"), 3);
	json_decref(k);
	/* the accepted one never moved */
	k = get_at(&t, y, NOW);
	assert_int_equal(num(k, "level"), 4);
	assert_int_equal(num(k, "escalations"), 0);
	json_decref(k);
	testdb_close(&t);
}

/* Who may take the steps (perm.c): a village director reports but does
 * not handle; nothing is written by the refusal. */
static void test_director_does_not_handle(void **st)
{
	(void)st;
	testdb t;
	testdb_open(&t, 1);
	int64_t id = report_at(&t, NOW, 0);
	user d;
	memset(&d, 0, sizeof d);
	d.id = 1;
	snprintf(d.username, sizeof d.username, "zhuren");
	d.role = ROLE_DIRECTOR;
	snprintf(d.region, sizeof d.region, "%s", VILLAGE);
	actor who = { .u = &d, .ip = "127.0.0.1", .now = NOW };
	char *before = snapshot(&t, id);
	err e;
	assert_int_equal(do_step(&t, &who, id, "accept", 0, &e), ERR_FORBIDDEN);
	char *after = snapshot(&t, id);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* and an unknown step is an absent route, not a state change */
	assert_int_equal(do_step(&t, &SYS, id, "accept", 0, &e), 0);
	json_t *out = NULL;
	json_t *b = body_of("{}");
	assert_int_equal(case_step(t.s, &SYS, id, "reopen", b, &out, &e),
			 ERR_NOTFOUND);
	json_decref(b);
	json_decref(out);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_from_each_state),
		cmocka_unit_test(test_referrals_before_close),
		cmocka_unit_test(test_time_limits),
		cmocka_unit_test(test_escalation),
		cmocka_unit_test(test_director_does_not_handle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
