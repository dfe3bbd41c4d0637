"""Time limits of the protection cases (SPEC §6): the limits as
configuration (GET/PUT /settings/case-limits), the deadline each step sets,
overdue cases and referrals as the clock moves, and escalation of reports
not accepted in time by the server's scheduler — one level up per missed
deadline, never twice for the same deadline, across restarts and with two
servers on the same database.

The clock: these tests start servers of their own on the session's
database with `serve --clock-file FILE` and move their clock by writing an
offset in seconds into FILE.  The main server keeps the real time, so what
the schedulers wrote is read back through it."""

import datetime as dt
import re

import pytest

from case_util import (ACCEPT, CITY_CC, CITY_JL, DEFAULT_LIMITS, LEVEL_LABELS,
                       PROVINCE, YS_COUNTY, YS_TOWN_4, YS_TOWN_5, advance,
                       all_cases, assessment_body, days_from_today, get_case,
                       is_sanitizer_build, now_utc, parse_utc, plan_body,
                       referral_body, report, report_body, step, steps_of, todo)
from conftest import (ClockServer, assert_error, assert_status, shifted_client,
                      wait_ticks, wait_until)

HOUR = 3600
DAY = 86400
LIMIT_KEYS = set(DEFAULT_LIMITS)


@pytest.fixture
def default_limits(admin):
    """The documented defaults before and after the test."""
    r = admin.put("/settings/case-limits", json=DEFAULT_LIMITS)
    assert_status(r, 200)
    yield
    r = admin.put("/settings/case-limits", json=DEFAULT_LIMITS)
    assert_status(r, 200)
    assert r.json() == DEFAULT_LIMITS


def limits(c):
    r = c.get("/settings/case-limits")
    assert_status(r, 200)
    body = r.json()
    assert set(body) == LIMIT_KEYS, body
    return body


# --------------------------------------------------------------------------
# limits as configuration


def test_case_limits_are_configuration(default_limits, staff, village_pool, admin, audit_admin):
    v, _ = village_pool.take(YS_TOWN_5)
    d = staff.user("director", v)
    sup = staff.user("supervisor", YS_TOWN_5)
    county = staff.user("county", YS_COUNTY)
    city = staff.user("city", CITY_CC)
    province = staff.user("province", PROVINCE)
    auditor = staff.user("auditor", PROVINCE)
    # Everyone reads them; the defaults are the documented ones.
    for c in (d, sup, county, city, province, admin, auditor):
        assert limits(c) == DEFAULT_LIMITS
    # Only admin and province change them.
    for c in (d, sup, county, city, auditor):
        assert_error(c.put("/settings/case-limits", json={"accept_hours": 5}), 403,
                     "forbidden")
    assert limits(d) == DEFAULT_LIMITS
    for body, code, field in (
            ({"accept_hours": 0}, "invalid_field", "accept_hours"),
            ({"accept_hours": -1}, "invalid_field", "accept_hours"),
            ({"urgent_hours": 721}, "invalid_field", "urgent_hours"),
            ({"assess_days": "7"}, "invalid_field", "assess_days"),
            ({"plan_days": 1.5}, "invalid_field", "plan_days"),
            ({"referral_days": True}, "invalid_field", "referral_days"),
            ({"referral_days": None}, "invalid_field", "referral_days"),
            ({"accept_hours": 5, "escalate_hours": 3}, "unknown_field", "escalate_hours"),
    ):
        assert_error(province.put("/settings/case-limits", json=body), 400, code, field)
        assert limits(d) == DEFAULT_LIMITS, f"{body} changed the limits"
    assert_error(province.put("/settings/case-limits", data=b"[24]",
                              headers={"Content-Type": "application/json"}),
                 400, "invalid_json")
    assert limits(d) == DEFAULT_LIMITS

    # province: a partial change, merged with the rest
    r = province.put("/settings/case-limits", json={"accept_hours": 5})
    assert_status(r, 200)
    assert r.json() == dict(DEFAULT_LIMITS, accept_hours=5)
    r = admin.put("/settings/case-limits", json={"urgent_hours": 1, "assess_days": 3,
                                                 "plan_days": 720})
    assert_status(r, 200)
    want = dict(DEFAULT_LIMITS, accept_hours=5, urgent_hours=1, assess_days=3,
                plan_days=720)
    assert r.json() == want
    assert limits(sup) == want
    assert_status(admin.put("/settings/case-limits", json={}), 200)
    assert limits(sup) == want

    # New deadlines follow the configuration.
    k = report(d, report_body(v))
    assert parse_utc(k["due_at"]) - parse_utc(k["reported_at"]) == dt.timedelta(hours=5)
    ku = report(d, report_body(v, urgent=True))
    assert parse_utc(ku["due_at"]) - parse_utc(ku["reported_at"]) == dt.timedelta(hours=1)
    k = step(sup, k["id"], "accept", ACCEPT)
    assert parse_utc(k["due_at"]) - parse_utc(k["accepted_at"]) == dt.timedelta(days=3)
    k = step(sup, k["id"], "assessment", assessment_body())
    assert parse_utc(k["due_at"]) - parse_utc(k["timeline"][-1]["at"]) == dt.timedelta(days=720)
    k = step(sup, k["id"], "plan", plan_body())
    r = admin.put("/settings/case-limits", json={"referral_days": 10})
    assert_status(r, 200)
    k = step(sup, k["id"], "referral", referral_body("health"))
    assert k["referrals"][-1]["due_on"] == days_from_today(10)
    # Deadlines already set stay as they were.
    assert get_case(sup, ku["id"])["due_at"] == ku["due_at"]

    # Every change is audited.
    r = audit_admin.get("/audit", params={"action": "case_limits_set", "page_size": 10})
    assert_status(r, 200)
    actors = [e["actor"] for e in r.json()["items"]]
    assert province.user["username"] in actors and "admin" in actors


# --------------------------------------------------------------------------
# overdue as the clock moves


def test_overdue_steps_as_the_clock_moves(default_limits, staff, village_pool,
                                          servers, workdir):
    v, _ = village_pool.take(YS_TOWN_5)
    d = staff.user("director", v)
    sup = staff.user("supervisor", YS_TOWN_5)

    def new(urgent=False):
        return report(d, report_body(v, urgent=urgent))["id"]

    R, RU, R2 = new(), new(True), new()
    A = new()
    step(sup, A, "accept", ACCEPT)
    AU = new(True)
    step(sup, AU, "accept", ACCEPT)
    E = new(True)
    advance(sup, E, "emergency", urgent=True)
    S = new()
    advance(sup, S, "assessed")
    P = new()
    advance(sup, P, "planned")
    step(sup, P, "referral", referral_body("health", days_from_today(1)))
    step(sup, P, "referral", referral_body("education"))  # default: 30 days
    C = new(True)
    advance(sup, C, "closed", urgent=True)
    mine = {R, RU, R2, A, AU, E, S, P, C}
    names = {R: "R", RU: "RU", R2: "R2", A: "A", AU: "AU", E: "E", S: "S", P: "P", C: "C"}

    # A server that runs its scheduler once, at start (offset 0), and whose
    # clock is then moved: no escalation, only the clock.
    clock = ClockServer(servers, workdir, tick=999999999)
    srv = clock.start()
    try:
        def check(offset, want, referrals=None):
            clock.set(offset)
            # a session ends 12 h after its login, on this clock too
            k = shifted_client(srv, sup)
            listed = {i["id"]: i for i in all_cases(k, overdue="true")}
            got = set(listed) & mine
            label = f"at +{offset / HOUR:g} h"
            assert {names[i] for i in got} == {names[i] for i in want}, label
            for cid in mine:
                one = get_case(k, cid)
                assert one["overdue"] is (cid in want), (label, names[cid], one["due_at"])
                if cid in listed:
                    assert listed[cid]["overdue"] is True
            if referrals is not None:
                assert [r["overdue"] for r in get_case(k, P)["referrals"]] == referrals, label
            # the main server (real time): nothing is overdue yet
            real = {i["id"] for i in all_cases(sup, overdue="true")} & mine
            assert real == set(), f"{label}: the main server says overdue {real}"

        check(0, set(), [False, False])
        check(1 * HOUR, set())
        check(3 * HOUR, {RU, AU})  # urgent: 2 h to accept, 2 h to handle
        check(23 * HOUR, {RU, AU})
        check(25 * HOUR, {RU, AU, R, R2})  # 24 h to accept
        k = shifted_client(srv, sup)
        assert {i["id"] for i in all_cases(k, overdue="true", state="reported")} & mine == {
            R, RU, R2}
        # Taking the step ends the lateness; the next deadline runs from it.
        acc = step(k, R2, "accept", ACCEPT)
        assert acc["overdue"] is False
        assert parse_utc(acc["accepted_at"]) - now_utc() > dt.timedelta(hours=24)
        check(25 * HOUR, {RU, AU, R})
        check(3 * DAY, {RU, AU, R}, [True, False])  # referral due tomorrow: late
        check(8 * DAY, {RU, AU, R, A, E})  # 7 days to assess
        check(16 * DAY, {RU, AU, R, A, E, R2, S}, [True, False])  # 15 days to plan
        check(40 * DAY, {RU, AU, R, A, E, R2, S}, [True, True])  # 30 days to answer
    finally:
        clock.stop()


# --------------------------------------------------------------------------
# escalation by the scheduler


def escalations(c, cid):
    k = get_case(c, cid)
    return k["escalations"]


def esc_events(k):
    return [e for e in k["timeline"] if e["step"] == "escalate"]


def test_a_report_not_accepted_in_time_moves_up_once_per_deadline(
        default_limits, staff, village_pool, servers, workdir):
    v, _ = village_pool.take(YS_TOWN_4)
    d = staff.user("director", v)
    sup = staff.user("supervisor", YS_TOWN_4)
    county = staff.user("county", YS_COUNTY)
    city = staff.user("city", CITY_CC)
    city_jl = staff.user("city", CITY_JL)
    province = staff.user("province", PROVINCE)
    U = report(d, report_body(v, urgent=True))["id"]  # 2 h to accept
    X = report(d, report_body(v))["id"]  # 24 h
    W = report(d, report_body(v))["id"]  # accepted after its first escalation
    Y = report(d, report_body(v))["id"]
    step(sup, Y, "accept", ACCEPT)  # accepted in time: never escalates
    y0 = get_case(sup, Y)

    clock = ClockServer(servers, workdir, tick=1, offset=0)

    def state(cid):
        k = get_case(sup, cid)
        return k["level"], k["escalations"], len(esc_events(k))

    def settle(srv):
        """Two more ticks of the scheduler: time for a second (wrong)
        escalation at the clock's reading now."""
        wait_ticks(srv)

    try:
        s1 = clock.start()
        settle(s1)
        assert [state(c) for c in (U, X, W)] == [(4, 0, 0)] * 3, "escalated before the deadline"

        # +3 h: the urgent report's 2 h are over.
        clock.set(3 * HOUR)
        wait_until(lambda: escalations(sup, U) == 1, what="the urgent report to move up")
        settle(s1)
        k = get_case(sup, U)
        assert (k["level"], k["level_label"], k["escalations"]) == (3, LEVEL_LABELS[3], 1)
        assert k["state"] == "reported"
        assert steps_of(k) == ["report", "escalate"]
        ev = k["timeline"][-1]
        assert "上报" in ev["step_label"] and ev["actor"], ev
        assert ev["detail"].get("from") == LEVEL_LABELS[4] and ev["detail"].get("to") == LEVEL_LABELS[3], ev
        # the scheduler's clock: report time + 3 h
        t_esc = parse_utc(ev["at"])
        assert abs((t_esc - parse_utc(k["reported_at"])) - dt.timedelta(hours=3)) < dt.timedelta(seconds=30)
        # the county's deadline runs from the one missed (issue #19):
        # urgent_hours again, from report time + 2 h
        assert parse_utc(k["due_at"]) - parse_utc(k["reported_at"]) == dt.timedelta(hours=4)
        assert parse_utc(ev["detail"]["missed"]) - parse_utc(k["reported_at"]) == dt.timedelta(hours=2)
        assert ev["detail"]["rule"] == "urgent_hours"
        # still late, though the real clock is 3 h behind (issue #19)
        assert k["overdue"] is True
        assert [state(c) for c in (X, W)] == [(4, 0, 0)] * 2
        assert get_case(sup, Y)["version"] == y0["version"]
        # The county answers for it now; the city, one level up, sees it
        # on its to-do; the township no longer does (but still reads it).
        assert U in todo(county)[0]
        assert U in todo(city)[0]
        assert U not in todo(sup)[0]
        assert U in {i["id"] for i in all_cases(sup)}
        assert U not in todo(city_jl)[0]
        r = county.get("/audit", params={"action": "case_escalate", "page_size": 200})
        assert_status(r, 200)
        assert [e["target"] for e in r.json()["items"]].count(f"case:{U}") == 1

        # Restart on the same clock: the same deadline does not move it again.
        clock.stop(s1)
        s2 = clock.start()
        settle(s2)
        assert state(U) == (3, 1, 1), "escalated twice for one deadline after a restart"
        assert [state(c) for c in (X, W)] == [(4, 0, 0)] * 2

        # +25 h: the 24 h reports move up once; the urgent one missed the
        # county's deadline (+4 h) and the city's (+6 h): it climbs both
        # levels, one step each, and stops at the province.
        clock.set(25 * HOUR)
        wait_until(lambda: (escalations(sup, X), escalations(sup, W), escalations(sup, U))
                   == (1, 1, 3), what="X and W to move up, U to the province")
        settle(s2)
        assert state(X) == (3, 1, 1) and state(W) == (3, 1, 1)
        assert state(U) == (1, 3, 3)
        assert get_case(sup, U)["level_label"] == LEVEL_LABELS[1]
        assert [e["detail"]["to"] for e in esc_events(get_case(sup, U))] == [
            LEVEL_LABELS[3], LEVEL_LABELS[2], LEVEL_LABELS[1]]
        assert U in todo(province)[0]
        # The county accepts W: accepted reports do not escalate.
        step(county, W, "accept", ACCEPT)

        # Another restart, then +50 h: X (the county's deadline +48 h)
        # moves to the city; U, at the province, stays.
        clock.stop(s2)
        clock.set(50 * HOUR)
        s3 = clock.start()
        wait_until(lambda: escalations(sup, X) == 2, what="X to the city")
        settle(s3)
        assert state(X) == (2, 2, 2)
        assert state(U) == (1, 3, 3), "escalated above the province"
        assert state(W)[1] == 1 and get_case(sup, W)["state"] == "accepted"
        assert get_case(sup, W)["overdue"] is False  # taking the step ends it

        # +100 h: X reaches the province (the city's deadline was +72 h).
        clock.set(100 * HOUR)
        wait_until(lambda: escalations(sup, X) == 3, what="X to the province")
        settle(s3)
        assert state(X) == (1, 3, 3)
        assert state(U) == (1, 3, 3), "escalated above the province"
        assert state(W)[1] == 1
        assert get_case(sup, Y)["version"] == y0["version"]
        assert steps_of(get_case(sup, Y)) == ["report", "accept"]
        clock.stop(s3)
    finally:
        clock.stop()


def test_two_schedulers_on_one_database_escalate_once(default_limits, staff, village_pool,
                                                      servers, workdir):
    v, _ = village_pool.take(YS_TOWN_4)
    d = staff.user("director", v)
    made = [report(d, report_body(v))["id"] for _ in range(30)]
    clock = ClockServer(servers, workdir, tick=1, offset=0)

    def levels():
        items = {i["id"]: i for i in all_cases(d)}
        return [(items[c]["level"], items[c]["escalations"]) for c in made]

    try:
        a = clock.start()
        b = clock.start()
        assert a.url != b.url
        clock.set(25 * HOUR)
        wait_until(lambda: all(e >= 1 for _, e in levels()), what="all 30 to move up")
        wait_ticks(a, b)
        assert levels() == [(3, 1)] * len(made)
        for cid in made:
            k = get_case(d, cid)
            assert len(esc_events(k)) == 1, (cid, steps_of(k))
        clock.set(50 * HOUR)
        wait_until(lambda: all(e >= 2 for _, e in levels()), what="all 30 to move up again")
        wait_ticks(a, b)
        assert levels() == [(2, 2)] * len(made)
        for cid in made:
            k = get_case(d, cid)
            assert len(esc_events(k)) == 2, (cid, steps_of(k))
            assert k["level_label"] == LEVEL_LABELS[2]
        clock.stop()
        for srv in (a, b):
            log = srv.log_tail(200000)
            assert not re.search(r"ERROR: AddressSanitizer|runtime error", log), log[-3000:]
    finally:
        clock.stop()
    # the audit has one entry per escalation
    county = staff.user("county", YS_COUNTY)
    r = county.get("/audit", params={"action": "case_escalate", "page_size": 200})
    assert_status(r, 200)
    targets = [e["target"] for e in r.json()["items"]]
    for cid in made:
        assert targets.count(f"case:{cid}") == 2, cid


# --------------------------------------------------------------------------
# a clean exit (sanitizer builds: LeakSanitizer runs when the server ends)


def test_a_server_that_only_reads_cases_exits_cleanly(staff, servers, workdir):
    clock = ClockServer(servers, workdir, tick=1)
    srv = clock.start()
    sup = shifted_client(srv, staff.user("supervisor", YS_TOWN_4))
    for _ in range(5):
        all_cases(sup)
    (code,) = clock.stop(srv)
    assert code == 0, srv.log_tail()


def test_a_server_that_takes_reports_and_escalates_exits_cleanly(
        default_limits, guanai, staff, village_pool, servers, workdir):
    if not is_sanitizer_build(guanai.path):
        pytest.skip("needs the sanitizer build (build/asan/guanai)")
    v, _ = village_pool.take(YS_TOWN_4)
    clock = ClockServer(servers, workdir, tick=1)
    srv = clock.start()
    director = staff.user("director", v)
    d = shifted_client(srv, director)
    made = [report(d, report_body(v))["id"] for _ in range(5)]
    clock.set(25 * HOUR)
    d = shifted_client(srv, director)  # the first session ended at +12 h
    wait_until(lambda: all(escalations(d, c) == 1 for c in made), what="escalation")
    (code,) = clock.stop(srv)
    log = srv.log_tail(100000)
    assert code == 0 and "LeakSanitizer" not in log, log[-2500:]
