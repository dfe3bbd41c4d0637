"""Protection cases (救助保护 — 五位一体, docs/API.md "Protection cases",
SPEC §6): reports of every reporter type and situation, about a recorded
child or a new one; who sees them at once (the to-do of the township
supervisor and the county); the ordered workflow with its timeline, each
step out of order refused with nothing written; referrals tracked until
answered; the timeline PDF; the link to the child's record
(difficult_guardianship while an abuse or neglect case is open); scope
(absent outside it, counts included), roles, and bad input.

The time limits, overdue lists and escalation by the scheduler are in
test_cases_time.py; the watch lists in test_cases_watchlist.py."""

import datetime as dt
import subprocess
import threading

import pytest

from case_util import (ACCEPT, CASE_KEYS, CLOSE, DETAIL_KEYS, DH_COUNTY,
                       EMERGENCY_MEASURES, EVENT_KEYS,
                       GHOST, INTERVENTION_KINDS, LINKING, REFERRAL_KIND_LABELS,
                       REPORTER_TYPES, SITUATION_LABELS, STEP_WORDS, YS_COUNTY,
                       YS_TOWN, YS_TOWN_2, YS_TOWN_3, YS_TOWN_4, YS_TOWN_5,
                       CaseWorld, advance, all_cases, answer_body,
                       assessment_body, assert_nothing_written, check_case,
                       count, days_from_today, emergency_body, get_case, ids,
                       in_window, intervention_body, now_utc, parse_utc,
                       plan_body, referral_body, report, report_body,
                       snapshot, step, step_raw, steps_of, todo)
from children_util import child_body, create, get_child, history, listing
from conftest import assert_error, assert_status


@pytest.fixture(scope="module")
def w(staff, village_pool, admin):
    return CaseWorld(staff, village_pool, admin)


def test_the_regions_these_tests_use_exist(admin):
    r = admin.get(f"/regions/{YS_COUNTY}")
    assert_status(r, 200)
    assert r.json()["name"] == "榆树市" and r.json()["level"] == "county"
    assert [p["name"] for p in r.json()["path"]] == ["吉林省", "长春市", "榆树市"]
    r = admin.get("/regions", params={"parent": YS_COUNTY})
    assert_status(r, 200)
    names = {i["code"]: i["name"] for i in r.json()["items"]}
    assert {names.get(t) for t in (YS_TOWN, YS_TOWN_2, YS_TOWN_3, YS_TOWN_4, YS_TOWN_5)} == {
        "五棵树镇", "弓棚镇", "闵家镇", "大坡镇", "黑林镇"}
    for t in (YS_TOWN, YS_TOWN_2, YS_TOWN_3, YS_TOWN_4, YS_TOWN_5):
        r = admin.get("/regions", params={"parent": t})
        assert_status(r, 200)
        assert sum(i["level"] == "village" for i in r.json()["items"]) >= 8, t
    r = admin.get(f"/regions/{DH_COUNTY}")
    assert_status(r, 200)
    assert r.json()["name"] == "德惠市"


def new_case(w, reporter=None, region=None, **kw):
    return report(reporter or w.dA, report_body(region or w.A, **kw))


def name_of(c):
    return c.user["username"]


# --------------------------------------------------------------------------
# reports


@pytest.mark.parametrize("situation", sorted(SITUATION_LABELS))
def test_report_about_a_new_child_for_every_situation(w, situation):
    before = now_utc()
    body = report_body(w.A, situation=situation, reporter_type="village_committee",
                       reporter_name="李主任", reporter_phone="13912345678",
                       place="村委会门口")
    k = report(w.dA, body)
    after = now_utc()
    check_case(k, detail=True)
    assert set(k) >= DETAIL_KEYS
    assert k["region_code"] == w.A and k["region_name"] == w.A_name
    assert k["region_path"].endswith(" / " + w.A_name), k["region_path"]
    assert "榆树市" in k["region_path"]
    assert k["child_id"] is None and k["child_name"] == body["child_name"]
    assert (k["reporter_type"], k["situation"], k["description"]) == (
        "village_committee", situation, body["description"])
    assert (k["reporter_name"], k["reporter_phone"], k["place"]) == (
        "李主任", "13912345678", "村委会门口")
    assert k["urgent"] is False
    assert (k["state"], k["level"], k["level_label"], k["escalations"]) == (
        "reported", 4, "乡镇", 0)
    assert k["accepted_at"] is None and k["closed_at"] is None
    assert k["outcome"] == "" and k["overdue"] is False and k["referrals"] == []
    t = in_window(k["reported_at"], before, after)
    # The acceptance deadline: accept_hours (24) after the report.
    assert parse_utc(k["due_at"]) - t == dt.timedelta(hours=24), k["due_at"]
    assert len(k["timeline"]) == 1
    ev = k["timeline"][0]
    assert ev["step"] == "report" and "报告" in ev["step_label"]
    assert ev["actor"] == name_of(w.dA)
    assert ev["at"] == k["reported_at"]
    assert ev["detail"]["situation"] == situation
    assert ev["detail"]["reporter_type"] == "village_committee"
    # The same case, read back.
    again = get_case(w.sup, k["id"])
    for f in DETAIL_KEYS - {"overdue"}:
        assert again[f] == k[f], (f, again[f], k[f])


def test_report_of_every_reporter_type(w):
    got = {}
    for rt in REPORTER_TYPES:
        k = report(w.dA, report_body(w.A, reporter_type=rt, situation="dropout"))
        got[rt] = k["id"]
        assert get_case(w.county, k["id"])["reporter_type"] == rt
    assert len(set(got.values())) == len(REPORTER_TYPES)
    listed = {i["id"]: i for i in all_cases(w.sup, state="reported")}
    for rt, cid in got.items():
        check_case(listed[cid])
        assert listed[cid]["reporter_type"] == rt


def test_report_about_a_recorded_child(w):
    ch = w.child()
    before = now_utc()
    k = report(w.dA, report_body(child_id=ch["id"], situation="dropout",
                                 reporter_type="school", urgent=True))
    after = now_utc()
    check_case(k, detail=True)
    assert k["child_id"] == ch["id"] and k["child_name"] == ch["name"]
    assert k["region_code"] == ch["region_code"] == w.A
    assert k["urgent"] is True
    # urgent: urgent_hours (2) to accept
    t = in_window(k["reported_at"], before, after)
    assert parse_utc(k["due_at"]) - t == dt.timedelta(hours=2)
    assert k["timeline"][0]["detail"]["urgent"] is True


def test_a_padded_township_code_is_known_and_refused_as_not_a_village(w):
    n = count(w.county)
    for code in (YS_TOWN, YS_TOWN + "000"):
        assert_error(w.sup.post("/cases", json=report_body(code)), 400,
                     "invalid_field", "region_code")
    assert count(w.county) == n


def test_every_role_with_an_account_may_report_inside_its_scope(w):
    for c in (w.dA, w.sup, w.county, w.city, w.province):
        k = report(c, report_body(w.A, situation="other"))
        assert k["timeline"][0]["actor"] == name_of(c)
        assert get_case(w.sup, k["id"])["state"] == "reported"


def test_admin_may_not_report(w):
    n = count(w.county)
    r = w.admin.post("/cases", json=report_body(w.A))
    assert_error(r, 403, "forbidden")
    assert count(w.county) == n


def test_the_supervisor_and_the_county_see_a_new_report_at_once(w):
    watchers = {"sup": w.sup, "county": w.county}
    outsiders = {"dB": w.dB, "dC": w.dC, "sup2": w.sup2,
                 "county_dh": w.county_dh, "city_jl": w.city_jl}
    td_before = {n: todo(c)[1] for n, c in {**watchers, **outsiders}.items()}
    all_before = {n: count(c) for n, c in outsiders.items()}
    k = new_case(w, reporter=w.dA)
    for n, c in watchers.items():
        t_ids, t_total = todo(c)
        assert k["id"] in t_ids, f"{n} does not have the new report in its to-do"
        assert t_total == td_before[n] + 1, f"{n}: to-do count {td_before[n]} → {t_total}"
        listed = {i["id"]: i for i in all_cases(c, state="open")}
        assert listed[k["id"]]["state"] == "reported"
    # The reporting director sees its village's case, but it is not its to-do.
    assert k["id"] in ids(all_cases(w.dA))
    assert k["id"] not in todo(w.dA)[0]
    for n, c in outsiders.items():
        t_ids, t_total = todo(c)
        assert k["id"] not in t_ids and t_total == td_before[n], n
        assert k["id"] not in ids(all_cases(c)) and count(c) == all_before[n], n
    # Accepted, it stays on the to-do (open); closed, it leaves it.
    step(w.sup, k["id"], "accept", ACCEPT)
    assert k["id"] in todo(w.sup)[0] and k["id"] in todo(w.county)[0]
    advance_from_accepted(w.sup, k["id"])
    for n, c in watchers.items():
        t_ids, t_total = todo(c)
        assert k["id"] not in t_ids and t_total == td_before[n], n
        assert k["id"] in ids(all_cases(c, state="closed"))
        assert k["id"] not in ids(all_cases(c, state="open"))


def advance_from_accepted(c, cid):
    step(c, cid, "assessment", assessment_body("low"))
    step(c, cid, "plan", plan_body())
    return step(c, cid, "close", CLOSE)


def test_a_township_report_is_not_yet_on_the_city_or_province_to_do(w):
    k = new_case(w)
    assert k["level"] == 4
    assert k["id"] not in todo(w.city)[0], "city has a township-level report on its to-do"
    assert k["id"] not in todo(w.province)[0], "province has it too"


def test_list_filters_by_state_and_pages(w, village_pool, staff):
    v, _ = village_pool.take(YS_TOWN)
    d = staff.user("director", v)
    made = [report(d, report_body(v))["id"] for _ in range(5)]
    step(w.sup, made[0], "accept", ACCEPT)
    advance(w.sup, made[1], "assessed")
    advance(w.sup, made[2], "closed")
    assert count(d) == 5
    assert set(ids(all_cases(d, state="reported"))) == {made[3], made[4]}
    assert ids(all_cases(d, state="accepted")) == [made[0]]
    assert ids(all_cases(d, state="assessed")) == [made[1]]
    assert ids(all_cases(d, state="closed")) == [made[2]]
    assert set(ids(all_cases(d, state="open"))) == set(made) - {made[2]}
    # newest first, paged
    p1 = listing_cases(d, page=1, page_size=2)
    p2 = listing_cases(d, page=2, page_size=2)
    p3 = listing_cases(d, page=3, page_size=2)
    assert p1["total"] == p2["total"] == p3["total"] == 5
    got = ids(p1["items"]) + ids(p2["items"]) + ids(p3["items"])
    assert got == sorted(made, reverse=True)
    for it in p1["items"]:
        check_case(it)


def listing_cases(c, **params):
    r = c.get("/cases", params=params)
    assert_status(r, 200)
    return r.json()


@pytest.mark.parametrize("params, field", [
    ({"state": "bogus"}, "state"),
    ({"state": "CLOSED"}, "state"),
    ({"overdue": "yes"}, "overdue"),
    ({"todo": "1"}, "todo"),
    ({"page": "0"}, "page"),
    ({"page": "x"}, "page"),
    ({"page_size": "0"}, "page_size"),
    ({"page_size": "201"}, "page_size"),
])
def test_malformed_list_queries(w, params, field):
    assert_error(w.sup.get("/cases", params=params), 400, "invalid_query", field)


# --------------------------------------------------------------------------
# scope and roles


def test_a_case_outside_the_scope_is_absent_counts_included(w):
    outsiders = {"director of another village": w.dB,
                 "director of another township": w.dC,
                 "supervisor of another township": w.sup2,
                 "county of another county": w.county_dh,
                 "city of another city": w.city_jl}
    n_before = {n: count(c) for n, c in outsiders.items()}
    open_before = {n: count(c, state="open") for n, c in outsiders.items()}
    ch = w.child()
    k = report(w.dA, report_body(child_id=ch["id"], situation="abuse", urgent=True))
    cid = k["id"]
    for n, c in outsiders.items():
        ghost = c.get(f"/cases/{GHOST}")
        assert_error(ghost, 404, "not_found")
        r = c.get(f"/cases/{cid}")
        assert_error(r, 404, "not_found")
        assert r.json() == ghost.json(), f"{n}: out of scope and absent differ"
        r = c.get(f"/cases/{cid}/timeline.pdf")
        g = c.get(f"/cases/{GHOST}/timeline.pdf")
        assert_error(r, 404, "not_found")
        assert r.json() == g.json(), n
        for params in ({}, {"state": "open"}, {"state": "reported"},
                       {"todo": "true"}, {"overdue": "false"}):
            assert cid not in ids(all_cases(c, **params)), (n, params)
        assert count(c) == n_before[n], n
        assert count(c, state="open") == open_before[n], n
    before = snapshot(w.sup, cid)
    # Handlers outside the scope: every step answers as for an absent case.
    for c in (w.sup2, w.county_dh, w.city_jl):
        for name, body in (("accept", ACCEPT), ("emergency", emergency_body()),
                           ("close", CLOSE)):
            r = step_raw(c, cid, name, body)
            g = step_raw(c, GHOST, name, body)
            assert_error(r, 404, "not_found")
            assert r.json() == g.json()
    assert_nothing_written(w.sup, cid, before)
    # Inside: the village's director, the township, the county, the city, the province.
    for c in (w.dA, w.sup, w.county, w.city, w.province):
        assert get_case(c, cid)["id"] == cid
        assert cid in ids(all_cases(c))


def test_admin_and_auditor_do_not_read_cases(w):
    k = new_case(w)
    for c in (w.admin, w.auditor):
        for path in ("/cases", f"/cases/{k['id']}", f"/cases/{k['id']}/timeline.pdf",
                     "/watchlist"):
            assert_error(c.get(path), 403, "forbidden")
        assert_error(c.get("/cases", params={"todo": "true"}), 403, "forbidden")
    before = snapshot(w.sup, k["id"])
    for c in (w.admin, w.auditor):
        assert_error(step_raw(c, k["id"], "accept", ACCEPT), 403, "forbidden")
    assert_nothing_written(w.sup, k["id"], before)


def test_a_director_cannot_perform_steps(w):
    k = new_case(w)
    cid = k["id"]
    advance(w.sup, cid, "planned")
    ref = step(w.sup, cid, "referral", referral_body("education"))["referrals"][0]
    before = snapshot(w.sup, cid)
    for name, body in (("accept", ACCEPT), ("emergency", emergency_body()),
                       ("assessment", assessment_body()), ("plan", plan_body()),
                       ("referral", referral_body()),
                       ("referral_answer", answer_body(ref["id"])),
                       ("intervention", intervention_body()), ("close", CLOSE)):
        assert_error(step_raw(w.dA, cid, name, body), 403, "forbidden")
    assert_nothing_written(w.sup, cid, before)
    assert get_case(w.dA, cid)["referrals"][0]["answered_at"] is None


def test_any_handler_inside_the_scope_performs_steps(w):
    """supervisor, county, city and province may each take a step."""
    k = new_case(w, urgent=True)
    cid = k["id"]
    k = step(w.province, cid, "accept", ACCEPT)
    k = step(w.city, cid, "emergency", emergency_body())
    k = step(w.county, cid, "assessment", assessment_body())
    k = step(w.sup, cid, "plan", plan_body())
    actors = [e["actor"] for e in k["timeline"]]
    assert actors == [name_of(w.dA), name_of(w.province), name_of(w.city),
                      name_of(w.county), name_of(w.sup)]


def test_an_auditor_learns_no_identity_by_reporting(w):
    ch = w.child()
    r = w.auditor.post("/cases", json=report_body(child_id=ch["id"], situation="abuse"))
    assert ch["name"] not in r.text, f"{r.status_code}: the answer names the child"
    assert [h["action"] for h in history(w.dA, ch["id"])] == ["create"]


# --------------------------------------------------------------------------
# the workflow


def test_the_whole_chain_records_who_when_and_what(w):
    ch = w.child()
    k = report(w.dA, report_body(child_id=ch["id"], situation="abuse", urgent=True,
                                 reporter_type="director", place="十里堡村"))
    cid = k["id"]
    versions = [k["version"]]
    seen = list(k["timeline"])

    def do(c, name, body, state):
        before = now_utc()
        k = step(c, cid, name, body)
        after = now_utc()
        check_case(k, detail=True)
        assert k["state"] == state, (name, k["state"])
        assert k["timeline"][:len(seen)] == seen, "earlier timeline entries changed"
        assert len(k["timeline"]) == len(seen) + 1, (name, steps_of(k))
        ev = k["timeline"][-1]
        assert ev["step"] == name and STEP_WORDS[name] in ev["step_label"], ev
        assert ev["actor"] == name_of(c), ev
        in_window(ev["at"], before, after)
        seen.append(ev)
        return k, ev, before, after

    k, ev, b, a = do(w.sup, "accept", ACCEPT, "accepted")
    assert ev["detail"]["note"] == ACCEPT["note"]
    acc = in_window(k["accepted_at"], b, a)
    assert parse_utc(k["due_at"]) - acc == dt.timedelta(hours=2), "urgent: emergency in 2 h"
    assert k["version"] > versions[-1]
    versions.append(k["version"])

    body = emergency_body(EMERGENCY_MEASURES)
    k, ev, b, a = do(w.county, "emergency", body, "emergency")
    assert ev["detail"]["measures"] == EMERGENCY_MEASURES
    assert ev["detail"]["note"] == body["note"]
    assert parse_utc(k["due_at"]) - parse_utc(ev["at"]) == dt.timedelta(days=7)
    assert k["version"] > versions[-1]
    versions.append(k["version"])

    body = assessment_body("high")
    k, ev, b, a = do(w.sup, "assessment", body, "assessed")
    assert ev["detail"]["needs"] == body["needs"]
    assert ev["detail"]["risk_level"] == "high"
    assert parse_utc(k["due_at"]) - parse_utc(ev["at"]) == dt.timedelta(days=15)
    assert k["version"] > versions[-1]
    versions.append(k["version"])

    body = plan_body(40)
    k, ev, b, a = do(w.sup, "plan", body, "planned")
    assert ev["detail"]["measures"] == body["measures"]
    assert ev["detail"]["responsible_unit"] == body["responsible_unit"]
    assert ev["detail"]["due_on"] == body["due_on"]
    assert k["version"] > versions[-1]
    versions.append(k["version"])

    # One referral to each named kind, each tracked until answered.
    kinds = list(REFERRAL_KIND_LABELS)
    for i, kind in enumerate(kinds):
        due = None if i == 0 else days_from_today(i)
        k, ev, b, a = do(w.county, "referral", referral_body(kind, due), "planned")
        ref = k["referrals"][-1]
        assert len(k["referrals"]) == i + 1
        assert ref["kind"] == kind and ref["kind_label"] == REFERRAL_KIND_LABELS[kind]
        assert ref["institution"] == referral_body(kind)["institution"]
        assert ref["due_on"] == (due or days_from_today(30)), "referral_days default: 30"
        in_window(ref["sent_at"], b, a)
        assert ref["answered_at"] is None and ref["answer"] == ""
        assert ref["overdue"] is False
        assert ev["detail"]["kind"] == kind and ev["detail"]["due_on"] == ref["due_on"]

    k, ev, b, a = do(w.sup, "intervention", intervention_body("criticism"), "planned")
    assert ev["detail"] == {"kind": "criticism", "note": intervention_body()["note"]}

    # Closing with referrals unanswered is refused, and writes nothing.
    before = snapshot(w.sup, cid)
    err = assert_error(step_raw(w.county, cid, "close", CLOSE), 409, "referrals_open")
    assert str(len(kinds)) in err["message"]
    assert_nothing_written(w.sup, cid, before)

    refs = k["referrals"]
    for i, ref in enumerate(refs):
        ans = f"第{i + 1}项转介已办结"
        k, ev, b, a = do(w.sup, "referral_answer", answer_body(ref["id"], ans), "planned")
        got = {r["id"]: r for r in k["referrals"]}[ref["id"]]
        assert got["answer"] == ans
        in_window(got["answered_at"], b, a)
        assert ev["detail"]["referral_id"] == ref["id"] and ev["detail"]["answer"] == ans
        open_left = [r for r in k["referrals"] if r["answered_at"] is None]
        assert len(open_left) == len(refs) - i - 1
        if open_left:
            assert_error(step_raw(w.county, cid, "close", CLOSE), 409, "referrals_open")

    k, ev, b, a = do(w.county, "close", CLOSE, "closed")
    assert k["outcome"] == CLOSE["outcome"] and ev["detail"]["outcome"] == CLOSE["outcome"]
    in_window(k["closed_at"], b, a)
    assert k["due_at"] is None and k["overdue"] is False
    assert k["version"] > versions[-1]
    assert steps_of(k) == (["report", "accept", "emergency", "assessment", "plan"]
                           + ["referral"] * len(kinds) + ["intervention"]
                           + ["referral_answer"] * len(kinds) + ["close"])
    # The whole history, read by the village's director and by the city.
    for c in (w.dA, w.city):
        assert get_case(c, cid)["timeline"] == seen
    # Every step is in the audit log, naming the case.
    for step_name in ("report", "accept", "emergency", "assessment", "plan",
                      "referral", "referral_answer", "intervention", "close"):
        r = w.county.get("/audit", params={"action": f"case_{step_name}", "page_size": 200})
        assert_status(r, 200)
        mine = [e for e in r.json()["items"] if e["target"] == f"case:{cid}"]
        want = len(kinds) if step_name in ("referral", "referral_answer") else 1
        assert len(mine) == want, (step_name, mine)


def test_a_non_urgent_case_goes_from_accepted_to_assessment(w):
    k = new_case(w)
    before = now_utc()
    k = step(w.sup, k["id"], "accept", {})
    acc = in_window(k["accepted_at"], before, now_utc())
    assert parse_utc(k["due_at"]) - acc == dt.timedelta(days=7), "assess_days: 7"
    assert k["timeline"][-1]["step"] == "accept"
    k = step(w.sup, k["id"], "assessment", {"needs": {"living": "一般"}, "risk_level": "low"})
    assert k["state"] == "assessed"
    assert "emergency" not in steps_of(k)


def test_an_urgent_case_is_handled_before_it_is_assessed(w):
    k = new_case(w, urgent=True)
    cid = k["id"]
    step(w.sup, cid, "accept", ACCEPT)
    before = snapshot(w.sup, cid)
    assert_error(step_raw(w.sup, cid, "assessment", assessment_body()), 409,
                 "step_out_of_order")
    assert_nothing_written(w.sup, cid, before)
    k = step(w.sup, cid, "emergency", emergency_body(["police"]))
    assert k["state"] == "emergency"
    k = step(w.sup, cid, "assessment", assessment_body())
    assert k["state"] == "assessed"


@pytest.mark.parametrize("measure", EMERGENCY_MEASURES)
def test_each_emergency_measure(w, measure):
    k = new_case(w, urgent=True)
    step(w.sup, k["id"], "accept", ACCEPT)
    k = step(w.sup, k["id"], "emergency", emergency_body([measure]))
    assert k["timeline"][-1]["detail"]["measures"] == [measure]


@pytest.mark.parametrize("kind", INTERVENTION_KINDS)
def test_each_guardianship_intervention_when_assessed_or_planned(w, kind):
    k = new_case(w)
    advance(w.sup, k["id"], "assessed")
    k = step(w.sup, k["id"], "intervention", intervention_body(kind))
    assert k["state"] == "assessed" and k["timeline"][-1]["detail"]["kind"] == kind
    step(w.sup, k["id"], "plan", plan_body())
    k = step(w.county, k["id"], "intervention", intervention_body(kind))
    assert k["state"] == "planned"
    assert steps_of(k).count("intervention") == 2


# Which steps each state takes (docs/API.md); every other step is refused.
ALLOWED = {
    "reported": {"accept"},
    "accepted": {"emergency", "assessment"},
    "accepted_urgent": {"emergency"},
    "emergency": {"assessment"},
    "assessed": {"plan", "intervention"},
    "planned": {"referral", "intervention", "close"},
    "closed": set(),
}
STEP_BODIES = {
    "accept": lambda: ACCEPT,
    "emergency": emergency_body,
    "assessment": assessment_body,
    "plan": plan_body,
    "referral": referral_body,
    "intervention": intervention_body,
    "close": lambda: CLOSE,
}


def make_in_state(w, state):
    urgent = state in ("accepted_urgent", "emergency")
    k = new_case(w, urgent=urgent)
    target = "accepted" if state == "accepted_urgent" else state
    if target != "reported":
        advance(w.sup, k["id"], target, urgent=urgent)
    return k["id"]


@pytest.mark.parametrize("state", sorted(ALLOWED))
def test_every_step_out_of_order_is_refused_and_writes_nothing(w, state):
    cid = make_in_state(w, state)
    for name in sorted(STEP_BODIES):
        if name in ALLOWED[state]:
            continue
        before = snapshot(w.sup, cid)
        r = step_raw(w.county, cid, name, STEP_BODIES[name]())
        assert_error(r, 409, "step_out_of_order")
        assert_nothing_written(w.sup, cid, before)
    # …and each allowed one goes through (on a fresh case in that state).
    for name in sorted(ALLOWED[state]):
        cid2 = make_in_state(w, state)
        before = snapshot(w.sup, cid2)
        k = step(w.county, cid2, name, STEP_BODIES[name]())
        assert len(k["timeline"]) == before["timeline"] + 1


def test_referrals_only_while_planned_and_answers_only_once(w):
    k = new_case(w)
    cid = k["id"]
    advance(w.sup, cid, "planned", referrals=["health", "judicial"])
    k = get_case(w.sup, cid)
    r1, r2 = k["referrals"]
    step(w.sup, cid, "referral_answer", answer_body(r1["id"]))
    before = snapshot(w.sup, cid)
    assert_error(step_raw(w.sup, cid, "referral_answer", answer_body(r1["id"], "再次回复")),
                 409, "referral_answered")
    assert_nothing_written(w.sup, cid, before)
    assert get_case(w.sup, cid)["referrals"][0]["answer"] == answer_body(0)["answer"]
    assert_error(step_raw(w.sup, cid, "close", CLOSE), 409, "referrals_open")
    assert_nothing_written(w.sup, cid, before)
    # A referral of another case cannot be answered through this one.
    other = new_case(w)
    advance(w.sup, other["id"], "planned", referrals=["education"])
    other_ref = get_case(w.sup, other["id"])["referrals"][0]
    o_before = snapshot(w.sup, other["id"])
    r = step_raw(w.sup, cid, "referral_answer", answer_body(other_ref["id"]))
    assert r.status_code in (400, 404, 409), r.text
    assert_nothing_written(w.sup, cid, before)
    assert_nothing_written(w.sup, other["id"], o_before)
    k = step(w.sup, cid, "referral_answer", answer_body(r2["id"]))
    k = step(w.sup, cid, "close", CLOSE)
    assert k["state"] == "closed"
    assert [r["answered_at"] is not None for r in k["referrals"]] == [True, True]


def test_an_unknown_referral_id_is_not_called_answered(w):
    k = new_case(w)
    advance(w.sup, k["id"], "planned")
    r = step_raw(w.sup, k["id"], "referral_answer", answer_body(GHOST))
    assert r.status_code in (400, 404), r.text
    assert r.json()["error"]["code"] in ("not_found", "invalid_field"), r.text


def test_two_handlers_accepting_at_once_accept_once(w):
    k = new_case(w)
    cid = k["id"]
    out = []
    go = threading.Barrier(4)

    def run(c):
        go.wait()
        out.append(step_raw(c, cid, "accept", ACCEPT))

    ts = [threading.Thread(target=run, args=(c,))
          for c in (w.sup, w.county, w.city, w.province)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    codes = sorted(r.status_code for r in out)
    assert codes == [200, 409, 409, 409], [r.text for r in out]
    for r in out:
        if r.status_code == 409:
            assert r.json()["error"]["code"] in ("step_out_of_order", "version_conflict")
    k = get_case(w.sup, cid)
    assert steps_of(k) == ["report", "accept"]


# --------------------------------------------------------------------------
# the timeline as PDF


def pdf_text(data, tmp_path):
    p = tmp_path / "t.pdf"
    p.write_bytes(data)
    r = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(p), "-"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_the_timeline_pdf(w, tmp_path):
    ch = w.child()
    k = report(w.dA, report_body(child_id=ch["id"], situation="unsupervised",
                                 urgent=True))
    cid = k["id"]
    advance(w.sup, cid, "closed", urgent=True, referrals=["psychological"])
    k = get_case(w.sup, cid)
    for c in (w.dA, w.sup, w.county, w.city, w.province):
        r = c.get(f"/cases/{cid}/timeline.pdf")
        assert_status(r, 200)
        assert r.headers["Content-Type"].split(";")[0] == "application/pdf"
        assert r.content.startswith(b"%PDF-")
    text = pdf_text(r.content, tmp_path)
    flat = text.replace("\n", "")
    assert "儿童救助保护个案记录" in text
    assert ch["name"] in flat
    assert w.A_name in flat
    assert CLOSE["outcome"] in flat
    for e in k["timeline"]:
        assert e["step_label"] in flat, f"step {e['step']} ({e['step_label']}) not in the PDF"
    for word in ("报告", "受理", "应急处置", "评估", "帮扶", "转介", "结案"):
        assert word in flat, word
    assert flat.count("转介") >= 2  # the referral and its answer


def test_the_timeline_pdf_speaks_chinese(w, tmp_path):
    k = new_case(w, urgent=True)
    advance(w.sup, k["id"], "planned", urgent=True, referrals=["psychological"])
    r = w.sup.get(f"/cases/{k['id']}/timeline.pdf")
    assert_status(r, 200)
    flat = pdf_text(r.content, tmp_path).replace("\n", "")
    for code in ("temporary_care", "psychological", "risk_level", "reporter_type"):
        assert code not in flat, f"the PDF shows the code {code!r}"
    for label in ("临时照料", "送医", "心理干预"):
        assert label in flat, label


# --------------------------------------------------------------------------
# the link to the child's record (SPEC §11 difficult_guardianship)


def cats(c, cid):
    return set(get_child(c, cid)["categories"])


def dg_why(c, cid):
    for cl in get_child(c, cid)["classification"]:
        if cl["code"] == "difficult_guardianship":
            return cl["why"]
    return None


@pytest.mark.parametrize("situation", LINKING)
def test_an_abuse_or_neglect_case_marks_the_child_while_open(w, situation):
    ch = w.child()
    assert "difficult_guardianship" not in ch["categories"]
    h0 = history(w.dA, ch["id"])
    k = report(w.sup, report_body(child_id=ch["id"], situation=situation))
    got = get_child(w.dA, ch["id"])
    assert "difficult_guardianship" in got["categories"]
    assert got["version"] > ch["version"]
    why = dg_why(w.dA, ch["id"])
    assert why and "个案" in why, why
    h = history(w.dA, ch["id"])
    assert len(h) == len(h0) + 1
    assert h[-1]["action"] == "case_open" and h[-1]["actor"] == name_of(w.sup)
    assert any(f"#{k['id']}" in str(x.get("after")) for x in h[-1]["changes"]), h[-1]
    # the list and its filter agree with the record
    assert ch["id"] in [i["id"] for i in listing(w.dA, category="difficult_guardianship",
                                                 page_size=200)["items"]]
    advance(w.sup, k["id"], "closed")
    got = get_child(w.dA, ch["id"])
    assert "difficult_guardianship" not in got["categories"]
    h = history(w.dA, ch["id"])
    assert h[-1]["action"] == "case_close" and h[-1]["actor"] == name_of(w.sup)
    assert [x["action"] for x in h[len(h0):]] == ["case_open", "case_close"]
    assert ch["id"] not in [i["id"] for i in listing(w.dA, category="difficult_guardianship",
                                                     page_size=200)["items"]]


@pytest.mark.parametrize("situation", sorted(set(SITUATION_LABELS) - set(LINKING)))
def test_other_situations_leave_the_record_alone(w, situation):
    ch = w.child()
    k = report(w.dA, report_body(child_id=ch["id"], situation=situation))
    assert "difficult_guardianship" not in cats(w.dA, ch["id"])
    assert [x["action"] for x in history(w.dA, ch["id"])] == ["create"]
    advance(w.sup, k["id"], "closed")
    assert [x["action"] for x in history(w.dA, ch["id"])] == ["create"]
    assert get_child(w.dA, ch["id"])["version"] == ch["version"]


def test_two_open_cases_keep_the_category_until_both_close(w):
    ch = w.child()
    k1 = report(w.dA, report_body(child_id=ch["id"], situation="abuse"))
    k2 = report(w.dA, report_body(child_id=ch["id"], situation="improper_guardianship"))
    assert "difficult_guardianship" in cats(w.dA, ch["id"])
    advance(w.sup, k2["id"], "closed")
    assert "difficult_guardianship" in cats(w.dA, ch["id"]), "one case is still open"
    h = history(w.dA, ch["id"])
    assert [x["action"] for x in h] == ["create", "case_open", "case_open", "case_close"]
    advance(w.county, k1["id"], "closed")
    assert "difficult_guardianship" not in cats(w.dA, ch["id"])
    assert [x["action"] for x in history(w.dA, ch["id"])] == [
        "create", "case_open", "case_open", "case_close", "case_close"]


def test_closing_keeps_a_category_the_record_itself_gives(w):
    ch = w.child(guardianship="poor")
    assert "difficult_guardianship" in ch["categories"]
    k = report(w.dA, report_body(child_id=ch["id"], situation="abuse"))
    advance(w.sup, k["id"], "closed")
    got = get_child(w.dA, ch["id"])
    assert "difficult_guardianship" in got["categories"], "guardianship poor still holds"
    assert "poor_guardianship" in got["flags"]


def test_a_report_about_a_new_child_touches_no_record(w):
    n = listing(w.dA, page_size=1)["total"]
    k = new_case(w, situation="abuse")
    assert k["child_id"] is None
    assert listing(w.dA, page_size=1)["total"] == n


# --------------------------------------------------------------------------
# bad input


def bad_report_cases(w):
    # An absent child_id is in test_an_absent_child_id_leaves_the_server_up
    # (it brings the server down on PostgreSQL).
    C_child = create(w.dC, child_body(w.C))["id"]
    return [
        # (label, body, status, code, field)
        ("unknown field", report_body(w.A, colour="red"), 400, "unknown_field", "colour"),
        ("missing reporter_type", drop(report_body(w.A), "reporter_type"), 400,
         "missing_field", "reporter_type"),
        ("bad reporter_type", report_body(w.A, reporter_type="teacher"), 400,
         "invalid_field", "reporter_type"),
        ("reporter_type not a string", report_body(w.A, reporter_type=3), 400,
         "invalid_field", "reporter_type"),
        ("missing situation", drop(report_body(w.A), "situation"), 400,
         "missing_field", "situation"),
        ("bad situation", report_body(w.A, situation="Abuse"), 400, "invalid_field",
         "situation"),
        ("missing description", drop(report_body(w.A), "description"), 400,
         "missing_field", "description"),
        ("empty description", report_body(w.A, description="  "), 400, None, "description"),
        ("short description", report_body(w.A, description="有情况"), 400,
         "invalid_field", "description"),
        ("long description", report_body(w.A, description="情" * 501), 400,
         "invalid_field", "description"),
        ("urgent not a boolean", report_body(w.A, urgent="yes"), 400, "invalid_field",
         "urgent"),
        ("urgent a number", report_body(w.A, urgent=1), 400, "invalid_field", "urgent"),
        ("bad phone", report_body(w.A, reporter_phone="12345"), 400, "invalid_phone",
         "reporter_phone"),
        ("place too long", report_body(w.A, place="地" * 81), 400, "invalid_field", "place"),
        ("no child and no village", drop(report_body(w.A), "region_code"), 400,
         "missing_field", "region_code"),
        ("no child name", drop(report_body(w.A), "child_name"), 400, "missing_field",
         "child_name"),
        ("child name too long", report_body(w.A, child_name="名" * 21), 400,
         "invalid_field", "child_name"),
        ("malformed region", report_body("22018x"), 400, "invalid_region", "region_code"),
        ("region a number", report_body(int(w.A)), 400, "invalid_field", "region_code"),
        ("region a township", report_body(YS_TOWN), 400, "invalid_field", "region_code"),
        ("absent village", report_body(YS_TOWN + "999"), 404, "region_not_found", None),
        ("village outside scope", report_body(w.C), 404, "region_not_found", None),
        ("child_id a string", report_body(child_id="1"), 400, "invalid_field", "child_id"),
        ("child_id a float", report_body(child_id=1.5), 400, "invalid_field", "child_id"),
        ("child outside scope", report_body(child_id=C_child), 404, "not_found", "child_id"),
    ]


def drop(d, key):
    d = dict(d)
    del d[key]
    return d


def test_bad_reports_are_refused_and_write_nothing(w):
    n = count(w.county)
    n_c = count(w.county, state="reported")
    for label, body, status, code, field in bad_report_cases(w):
        r = w.sup.post("/cases", json=body)
        if code is None:
            assert r.status_code == status, (label, r.text)
            err = r.json()["error"]
            assert err["code"] in ("missing_field", "invalid_field"), (label, err)
            assert err.get("field") == field, (label, err)
            assert_error(r, status, err["code"], field)
        else:
            assert_error(r, status, code, field)
        assert count(w.county) == n, f"{label}: something was written"
    assert count(w.county, state="reported") == n_c
    # A director reporting for a village of its own township but not its own.
    assert_error(w.dA.post("/cases", json=report_body(w.B)), 404, "region_not_found")
    assert count(w.county) == n


def test_non_json_and_missing_csrf_write_nothing(w):
    n = count(w.county)
    for data in (b"not json", b"[1,2]", b"null", b"\"text\""):
        r = w.sup.post("/cases", data=data, headers={"Content-Type": "application/json"})
        assert_error(r, 400, "invalid_json")
    assert_error(w.sup.post("/cases", json=report_body(w.A), csrf=False), 403, "csrf_failed")
    assert_error(w.sup.post("/cases", data=b"{}", headers={"Content-Type": "text/plain"}),
                 415, "unsupported_media_type")
    assert count(w.county) == n


def test_an_absent_child_id_leaves_the_server_up(w, servers, backend, request):
    """On a server of the test's own, so that the session's server stays up
    whatever happens.  A child outside the scope is refused exactly as an
    absent one."""
    import requests
    srv = servers.start()
    from conftest import shifted_client
    c = shifted_client(srv, w.sup)
    outside = create(w.dC, child_body(w.C))["id"]
    r_out = c.post("/cases", json=report_body(child_id=outside))
    assert_error(r_out, 404, "not_found", "child_id")
    n = count(w.county)
    try:
        for cid in (GHOST, 0, -5, 2 ** 40):
            r = c.post("/cases", json=report_body(child_id=cid))
            assert_error(r, 404, "not_found", "child_id")
            assert r.json() == r_out.json(), "absent and outside the scope differ"
        assert_status(requests.get(srv.url + "/api/v1/health", timeout=5), 200)
    except requests.RequestException as e:
        raise AssertionError(f"the server went down: {e}\n{srv.log_tail(3000)}")
    finally:
        if srv.proc.poll() is None:
            srv.proc.terminate()
            srv.proc.wait(15)
    assert count(w.county) == n


def test_a_recorded_child_that_has_left_cannot_be_reported_by_id(w):
    ch = w.child()
    r = w.dA.post(f"/children/{ch['id']}/exit",
                  json={"reason": "moved_away", "date": days_from_today(0), "note": "迁出"})
    assert_status(r, 200)
    n = count(w.county)
    assert_error(w.dA.post("/cases", json=report_body(child_id=ch["id"])), 404,
                 "not_found", "child_id")
    assert count(w.county) == n


def test_a_bad_reporter_name_is_named(w):
    assert_error(w.sup.post("/cases", json=report_body(w.A, reporter_name="张\u0001三")),
                 400, "invalid_field", "reporter_name")


def test_an_invalid_child_name_is_invalid_not_missing(w):
    assert_error(w.sup.post("/cases", json=report_body(w.A, child_name="小\u0001明")),
                 400, "invalid_field", "child_name")


def test_a_malformed_region_code_is_refused_even_with_a_child_id(w):
    ch = w.child()
    n = count(w.county)
    r = w.sup.post("/cases", json=report_body(child_id=ch["id"], region_code="abc"))
    assert r.status_code == 400, r.text
    assert count(w.county) == n


def test_bad_step_bodies_are_refused_and_write_nothing(w):
    """Each body is sent to a case in the state where the step is allowed."""
    today = days_from_today(0)
    yesterday = days_from_today(-1)
    cases = [
        # state, step, body, code, field
        ("reported", "accept", {"note": "好", "x": 1}, "unknown_field", "x"),
        ("reported", "accept", {"note": 5}, "invalid_field", "note"),
        ("reported", "accept", {"note": "备" * 201}, "invalid_field", "note"),
        ("accepted_urgent", "emergency", {"measures": [], "note": "已处置"},
         None, "measures"),
        ("accepted_urgent", "emergency", {"note": "已处置"}, "missing_field", "measures"),
        ("accepted_urgent", "emergency", {"measures": "hospital", "note": "已处置"},
         None, "measures"),  # wrong type: see test_wrong_types_are_invalid_not_missing
        ("accepted_urgent", "emergency", {"measures": ["ambulance"], "note": "已处置"},
         "invalid_field", "measures"),
        ("accepted_urgent", "emergency", {"measures": [1], "note": "已处置"},
         "invalid_field", "measures"),
        ("accepted_urgent", "emergency", {"measures": ["hospital"]}, "missing_field", "note"),
        ("accepted_urgent", "emergency", {"measures": ["hospital"], "note": ""}, None, "note"),
        ("accepted", "assessment", {"risk_level": "low"}, "missing_field", "needs"),
        ("accepted", "assessment", {"needs": "都好", "risk_level": "low"}, None, "needs"),
        ("accepted", "assessment", {"needs": {"living": "好"}}, "missing_field", "risk_level"),
        ("accepted", "assessment", {"needs": {"living": "好"}, "risk_level": "severe"},
         "invalid_field", "risk_level"),
        ("accepted", "assessment", {"needs": {"living": 3}, "risk_level": "low"},
         "invalid_field", "living"),
        ("accepted", "assessment", {"needs": {"housing": "差"}, "risk_level": "low"},
         "unknown_field", "housing"),
        ("assessed", "plan", drop(plan_body(), "measures"), "missing_field", "measures"),
        ("assessed", "plan", dict(plan_body(), measures=[]), None, "measures"),
        ("assessed", "plan", dict(plan_body(), measures=["好"]), "invalid_field", "measures"),
        ("assessed", "plan", dict(plan_body(), measures=[7]), "invalid_field", "measures"),
        ("assessed", "plan", drop(plan_body(), "responsible_unit"), "missing_field",
         "responsible_unit"),
        ("assessed", "plan", dict(plan_body(), responsible_unit=""), None,
         "responsible_unit"),
        ("assessed", "plan", drop(plan_body(), "due_on"), "missing_field", "due_on"),
        ("assessed", "plan", dict(plan_body(), due_on=yesterday), "invalid_field", "due_on"),
        ("assessed", "plan", dict(plan_body(), due_on="2026-02-30"), "invalid_field", "due_on"),
        ("assessed", "plan", dict(plan_body(), due_on="下个月"), "invalid_field", "due_on"),
        ("assessed", "plan", dict(plan_body(), due_on=20261231), "invalid_field", "due_on"),
        ("assessed", "plan", dict(plan_body(), owner="我"), "unknown_field", "owner"),
        ("planned", "referral", {"institution": "某医院"}, "missing_field", "kind"),
        ("planned", "referral", {"kind": "housing", "institution": "某机构"},
         "invalid_field", "kind"),
        ("planned", "referral", {"kind": "health"}, "missing_field", "institution"),
        ("planned", "referral", {"kind": "health", "institution": ""}, None, "institution"),
        ("planned", "referral", dict(referral_body(), due_on=yesterday), "invalid_field",
         "due_on"),
        ("planned", "referral", dict(referral_body(), due_on="2026-13-01"), "invalid_field",
         "due_on"),
        ("planned", "referral_answer", {"answer": "已办"}, None, "referral_id"),  # ditto
        ("planned", "referral_answer", {"referral_id": "1", "answer": "已办"},
         "invalid_field", "referral_id"),
        ("planned", "referral_answer", {"referral_id": 1}, "missing_field", "answer"),
        ("planned", "intervention", {"note": "约谈"}, "missing_field", "kind"),
        ("planned", "intervention", {"kind": "fine", "note": "罚款处理"}, "invalid_field",
         "kind"),
        ("planned", "intervention", {"kind": "criticism"}, "missing_field", "note"),
        ("planned", "close", {}, "missing_field", "outcome"),
        ("planned", "close", {"outcome": " "}, None, "outcome"),
        ("planned", "close", {"outcome": "好", "closed_by": "x"}, "unknown_field",
         "closed_by"),
    ]
    made = {}
    for state, name, body, code, field in cases:
        if state not in made:
            made[state] = make_in_state(w, state)
        cid = made[state]
        before = snapshot(w.sup, cid)
        r = step_raw(w.sup, cid, name, body)
        where = f"{state}/{name} {body}"
        if code is None:
            assert r.status_code == 400, (where, r.text)
            code2 = r.json()["error"]["code"]
            assert code2 in ("missing_field", "invalid_field"), (where, r.text)
            assert_error(r, 400, code2, field)
        else:
            assert r.status_code == 400, (where, r.text)
            assert_error(r, 400, code, field)
        assert_nothing_written(w.sup, cid, before)
    # the boundary: due today is accepted
    k = step(w.sup, made["planned"], "referral", referral_body("health", today))
    assert k["referrals"][-1]["due_on"] == today


def test_steps_on_absent_cases_and_unknown_steps(w):
    k = new_case(w)
    before = snapshot(w.sup, k["id"])
    assert_error(step_raw(w.sup, k["id"], "approve", {}), 404, "not_found")
    assert_error(step_raw(w.sup, k["id"], "report", {}), 404, "not_found")
    for bad in ("abc", "0", "-1", str(GHOST)):
        assert_error(w.sup.get(f"/cases/{bad}"), 404, "not_found")
        assert_error(step_raw(w.sup, bad, "accept", ACCEPT), 404, "not_found")
    for data in (b"not json", b"[]"):
        r = w.sup.post(f"/cases/{k['id']}/accept", data=data,
                       headers={"Content-Type": "application/json"})
        assert_error(r, 400, "invalid_json")
    assert_nothing_written(w.sup, k["id"], before)


def test_wrong_types_are_invalid_not_missing(w):
    cid = make_in_state(w, "accepted_urgent")
    assert_error(step_raw(w.sup, cid, "emergency", {"measures": "hospital", "note": "已处置"}),
                 400, "invalid_field", "measures")
    cid = make_in_state(w, "accepted")
    assert_error(step_raw(w.sup, cid, "assessment", {"needs": "都好", "risk_level": "low"}),
                 400, "invalid_field", "needs")
    cid = make_in_state(w, "planned")
    assert_error(step_raw(w.sup, cid, "referral_answer", {"answer": "已办"}),
                 400, "missing_field", "referral_id")


# --------------------------------------------------------------------------
# what API.md says of optional fields, empty text and the case's shape


def test_assessment_needs_areas_are_each_optional(w):
    # `needs` itself is required, and so is the risk level
    cid = make_in_state(w, "accepted")
    before = snapshot(w.sup, cid)
    for body, code, field in (
            ({}, "missing_field", ("needs", "risk_level")),
            ({"risk_level": "low"}, "missing_field", "needs"),
            ({"needs": None, "risk_level": "low"}, "missing_field", "needs"),
            ({"needs": [], "risk_level": "low"}, "invalid_field", "needs"),
            ({"needs": {}}, "missing_field", "risk_level"),
            ({"needs": {"living": "\u0007"}, "risk_level": "low"}, "invalid_field", "living")):
        r = step_raw(w.sup, cid, "assessment", body)
        assert r.status_code == 400, (body, r.text)
        err = assert_error(r, 400, code)
        assert err.get("field") in (field if isinstance(field, tuple) else (field,)), (body, err)
    assert_nothing_written(w.sup, cid, before)
    # no area at all: the risk level alone is recorded
    k = step(w.sup, cid, "assessment", {"needs": {}, "risk_level": "medium"})
    assert k["state"] == "assessed"
    ev = k["timeline"][-1]
    assert ev["step"] == "assessment" and ev["detail"]["needs"] == {}
    assert ev["detail"]["risk_level"] == "medium"
    # "" and null are absent: only the areas filled in are kept
    cid = make_in_state(w, "accepted")
    k = step(w.sup, cid, "assessment",
             {"needs": {"living": "", "education": None, "guardianship": "祖父母照料尚可"},
              "risk_level": "low", "note": ""})
    ev = k["timeline"][-1]
    assert ev["detail"]["needs"] == {"guardianship": "祖父母照料尚可"}, ev
    assert ev["detail"]["note"] == ""


def test_empty_text_is_absent_in_every_step(w):
    cid = make_in_state(w, "planned")
    k = step(w.sup, cid, "referral", referral_body("health"))
    rid = k["referrals"][-1]["id"]
    before = snapshot(w.sup, cid)
    # a required text that is "" or null: missing_field, like absence
    for body in ({"referral_id": rid, "answer": ""}, {"referral_id": rid, "answer": None},
                 {"referral_id": rid}):
        assert_error(step_raw(w.sup, cid, "referral_answer", body), 400, "missing_field",
                     "answer")
    # blank is a value, and not text
    assert_error(step_raw(w.sup, cid, "referral_answer", {"referral_id": rid, "answer": "  "}),
                 400, "invalid_field", "answer")
    for name, body, field in (
            ("referral", {"kind": "health", "institution": ""}, "institution"),
            ("intervention", {"kind": "criticism", "note": ""}, "note"),
            ("close", {"outcome": ""}, "outcome"),
            ("close", {"outcome": None}, "outcome")):
        assert_error(step_raw(w.sup, cid, name, body), 400, "missing_field", field)
    assert_nothing_written(w.sup, cid, before)
    assert get_case(w.sup, cid)["referrals"][-1]["answered_at"] is None
    # an optional text that is "" is taken as absent
    k = new_case(w)
    k = step(w.sup, k["id"], "accept", {"note": ""})
    assert k["state"] == "accepted" and k["timeline"][-1]["detail"] == {"note": ""}
    k = step(w.sup, cid, "referral_answer", {"referral_id": rid, "answer": "已接收"})
    assert k["referrals"][-1]["answer"] == "已接收"


def test_a_case_carries_only_its_documented_fields(w, tmp_path):
    k = new_case(w, urgent=True)
    advance(w.sup, k["id"], "planned", urgent=True, referrals=["psychological"])
    k = get_case(w.sup, k["id"])
    assert set(k) == DETAIL_KEYS, sorted(set(k) ^ DETAIL_KEYS)
    for e in k["timeline"]:
        assert set(e) == EVENT_KEYS, e
    for item in all_cases(w.sup, state="planned"):
        assert set(item) == CASE_KEYS, sorted(set(item) ^ CASE_KEYS)
    # the PDF shows each step's time in China time, from `at`
    r = w.sup.get(f"/cases/{k['id']}/timeline.pdf")
    assert_status(r, 200)
    flat = pdf_text(r.content, tmp_path).replace("\n", "").replace(" ", "")
    at = parse_utc(k["timeline"][0]["at"]) + dt.timedelta(hours=8)
    assert at.strftime("%Y-%m-%d") in flat and at.strftime("%H:%M") in flat, flat[:400]
