"""Escalation never hides a late report (issue #19 item 4).

A report left unaccepted long before any server ran (demo case 3: reported
days before the server started) climbs every level whose deadline it
missed, township → county → city → province, one step each, every step in
the case's timeline and the audit log naming the deadline missed and the
rule; and it stays overdue (in `?overdue=true` and the dashboard) while it
is not accepted, though each level's deadline runs from the one missed
below it.  The clock is a server's of the test's own (`ClockServer`)."""

import datetime as dt
import time

import pytest

from case_util import (ACCEPT, CITY_CC, LEVEL_LABELS, PROVINCE, YS_COUNTY,
                       all_cases, get_case, parse_utc, report, report_body, step)
from conftest import ClockServer, assert_status, wait_until

TOWN = "220182105"  # 土桥镇 (榆树市): no other test reports cases there
HOUR = 3600
LIMITS = {"accept_hours": 24, "urgent_hours": 2, "assess_days": 7,
          "plan_days": 15, "referral_days": 30}


@pytest.fixture
def limits(admin):
    assert_status(admin.put("/settings/case-limits", json=LIMITS), 200)
    yield LIMITS
    assert_status(admin.put("/settings/case-limits", json=LIMITS), 200)


def overdue_ids(c):
    return {i["id"] for i in all_cases(c, overdue="true")}


def test_a_report_late_for_days_climbs_every_level_and_stays_overdue(
        limits, staff, village_pool, servers, workdir, audit_admin):
    v, _ = village_pool.take(TOWN)
    d = staff.user("director", v)
    sup = staff.user("supervisor", TOWN)
    county = staff.user("county", YS_COUNTY)
    city = staff.user("city", CITY_CC)
    province = staff.user("province", PROVINCE)
    late = report(d, report_body(v))["id"]
    other = report(d, report_body(v))["id"]  # accepted late: lateness ends
    dash0 = sup.get("/dashboard", params={"region": TOWN}).json()["cases"]["overdue"]

    # the server starts twelve days after the reports
    clock = ClockServer(servers, workdir, tick=1, offset=12 * 24 * HOUR)
    try:
        clock.start()
        wait_until(lambda: get_case(sup, late)["escalations"] == 3,
                   what="the report to reach the province")
        time.sleep(2.5)  # more ticks: nothing above the province
        k = get_case(sup, late)
        assert (k["level"], k["level_label"], k["escalations"]) == (1, LEVEL_LABELS[1], 3)
        assert k["state"] == "reported"

        # every level in the timeline, each naming the deadline it missed
        esc = [e for e in k["timeline"] if e["step"] == "escalate"]
        assert [(e["detail"]["from"], e["detail"]["to"]) for e in esc] == [
            (LEVEL_LABELS[4], LEVEL_LABELS[3]), (LEVEL_LABELS[3], LEVEL_LABELS[2]),
            (LEVEL_LABELS[2], LEVEL_LABELS[1])]
        t0 = parse_utc(k["reported_at"])
        assert [parse_utc(e["detail"]["missed"]) - t0 for e in esc] == [
            dt.timedelta(hours=24 * n) for n in (1, 2, 3)]
        assert {e["detail"]["rule"] for e in esc} == {"accept_hours"}
        # the province's own deadline, from the city's: late too
        assert parse_utc(k["due_at"]) - t0 == dt.timedelta(hours=96)

        # still late on the real clock (the main server) and listed so,
        # for every level that sees it
        assert k["overdue"] is True
        for c in (sup, county, city, province):
            assert late in overdue_ids(c)
        assert sup.get("/dashboard", params={"region": TOWN}).json()[
            "cases"]["overdue"] == dash0 + 2

        # every step in the audit log, once
        r = audit_admin.get("/audit", params={"action": "case_escalate",
                                              "page_size": 200})
        assert_status(r, 200)
        mine = [e for e in r.json()["items"] if e["target"] == f"case:{late}"]
        assert len(mine) == 3

        # taking the step ends the lateness; an accepted report never climbs
        step(province, other, "accept", ACCEPT)
        o = get_case(sup, other)
        assert o["state"] == "accepted" and o["overdue"] is False
        assert other not in overdue_ids(sup)
        assert late in overdue_ids(sup)
    finally:
        clock.stop()
