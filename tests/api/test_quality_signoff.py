"""Quarterly verification, the flow (SPEC §7, docs/API.md "Quarterly
verification"): verifying records (outcome unchanged/updated) and the
progress per region (% verified, open rule failures); sign-off village →
township → county with returns; the snapshot a county's approval freezes;
due dates as configuration and lateness.

Sign-off and snapshots are per county and quarter, so these tests use whole
counties no other test touches (quality_util: SIGN_COUNTY, FROZEN_COUNTY,
OTHER_COUNTY), and take villages there from the session's village pool."""

import datetime as dt

import pytest

from children_util import child_body, create, patch
from conftest import assert_error
from helpers import today_cn
from quality_util import (FROZEN_COUNTY, LEFT_BEHIND, OTHER_COUNTY, RULES, SIGNOFF_STATES,
                          SIGN_COUNTY, confirm, counts, current_quarter, default_due,
                          exit_child, failing, figures, guardian, item_of,
                          previous_quarter, progress, quarter_bounds, registered_in, report, set_due,
                          signoff, take_village, townships, verify, villages, visit)


CQ = current_quarter()
PQ = previous_quarter()


def open_failures_of(c, region, quarter=None):
    """What a region's open rule failures are: the failing records of the
    rules Q01–Q10 (Q11, not yet verified, is what `verified` counts)."""
    cnt = counts(c, region, quarter)
    return sum(cnt[r] for r in RULES if r != "Q11")


# --------------------------------------------------------------------------
# verification and progress


def test_verification_outcomes_and_progress(village_pool, staff, officers, rows):
    v = take_village(village_pool, staff)
    sup = officers("supervisor", v.town)
    county = officers("county", v.county)
    a = create(v.d, child_body(v.code, guardian=None, **LEFT_BEHIND))  # Q01
    b = create(v.d, child_body(v.code, father=None, guardian=guardian()))  # Q07
    c = create(v.d, child_body(v.code, guardian=guardian()))
    for x in (a, b, c):  # registered in the previous quarter too
        registered_in(rows, x["id"], PQ)

    def item(quarter=CQ):
        return item_of(progress(v.d, quarter), v.code)

    it = item()
    assert (it["active"], it["verified"], it["pct"]) == (3, 0, 0)
    assert it["level"] == "village" and it["name"] == v.name
    assert it["signoff"] == "open" and it["late"] is False
    # Q01 + Q07 + three records not visited this quarter
    assert it["open_failures"] == 5 == open_failures_of(v.d, v.code)

    r = verify(v.d, a["id"], "unchanged")
    assert r == {"child_id": a["id"], "quarter": CQ, "outcome": "unchanged",
                 "verified_by": v.d.username}
    r = verify(sup, b["id"], "updated", quarter=CQ)
    assert r == {"child_id": b["id"], "quarter": CQ, "outcome": "updated",
                 "verified_by": sup.username}
    it = item()
    assert (it["active"], it["verified"]) == (3, 2)
    assert it["pct"] == pytest.approx(200 / 3, abs=0.01)
    # verifying again changes the outcome, not the count
    assert verify(v.d, a["id"], "updated")["outcome"] == "updated"
    assert item()["verified"] == 2
    assert failing(v.d, "Q11", v.code) == {c["id"]}
    # the county verifies c for the previous quarter only
    assert verify(county, c["id"], quarter=PQ)["quarter"] == PQ
    assert item()["verified"] == 2
    p = item(PQ)
    assert (p["verified"], p["active"]) == (1, 3)
    assert p["pct"] == pytest.approx(100 / 3, abs=0.01)

    # failures close as the records are put right
    visit(v.d, a["id"])
    assert item()["open_failures"] == 4 == open_failures_of(v.d, v.code)
    patch(v.d, a["id"], {"guardian": guardian()})
    assert item()["open_failures"] == 3 == open_failures_of(v.d, v.code)
    # the township's progress shows the village as the village sees it
    assert item_of(progress(sup, CQ, v.town), v.code) == item()
    # an exited record leaves the figures; it cannot be verified
    exit_child(v.d, c["id"])
    it = item()
    assert (it["active"], it["verified"], it["pct"]) == (2, 2, 100)
    r = v.d.post(f"/children/{c['id']}/verify", json={"outcome": "unchanged"})
    assert_error(r, 409, "record_exited")


def test_progress_items_are_the_child_regions(admin, officers):
    """One item per child region, with its level, name and sign-off state."""
    county = officers("county", OTHER_COUNTY)
    ts = townships(admin, OTHER_COUNTY)
    p = progress(county, CQ)
    assert p["region_code"] == OTHER_COUNTY and p["quarter"] == CQ
    assert [(i["code"], i["name"]) for i in p["items"]] == [
        (t["code"], t["name"]) for t in ts]
    assert {i["level"] for i in p["items"]} == {"township"}
    for i in p["items"]:
        assert i["signoff"] in SIGNOFF_STATES, i
    vs = villages(admin, ts[0]["code"])
    p = progress(county, CQ, ts[0]["code"])
    assert [i["code"] for i in p["items"]] == [x["code"] for x in vs]
    assert {i["level"] for i in p["items"]} == {"village"}


# --------------------------------------------------------------------------
# sign-off: village → township → county


def test_signoff_flow_with_return(admin, staff, village_pool):
    """SIGN_COUNTY: children only in one village of its smallest township;
    the other township has none, and still has to be submitted before the
    county can approve."""
    ts = townships(admin, SIGN_COUNTY)
    assert len(ts) >= 2, ts
    town = min(ts, key=lambda t: len(villages(admin, t["code"])))["code"]
    rest = [t["code"] for t in ts if t["code"] != town]
    v1, _ = village_pool.take(town)
    v2, _ = village_pool.take(town)  # a village without records
    d1 = staff.user("director", v1)
    sup = staff.user("supervisor", town)
    sups = {t: staff.user("supervisor", t) for t in rest}
    county = staff.user("county", SIGN_COUNTY)
    city = staff.user("city", SIGN_COUNTY[:4])
    kid = create(d1, child_body(v1, guardian=guardian()))

    def state(c, region, code):
        return item_of(progress(c, CQ, region), code)["signoff"]

    assert progress(d1, CQ)["signoff"] == "open"
    assert state(county, SIGN_COUNTY, town) == "open"
    assert progress(d1, CQ)["signoff_by"] is None

    # the township cannot submit before its village with records
    r = sup.post(f"/quarters/{CQ}/signoffs", json={"region_code": town, "action": "submit"})
    assert_error(r, 409, "villages_pending")
    assert state(county, SIGN_COUNTY, town) == "open"

    p = signoff(d1, CQ, v1, "submit")
    assert p["region_code"] == v1 and p["signoff"] == "submitted"
    assert item_of(p, v1)["signoff"] == "submitted"
    assert p["signoff_by"] == d1.username and p["signoff_comment"] is None
    assert_error(d1.post(f"/quarters/{CQ}/signoffs",
                         json={"region_code": v1, "action": "submit"}),
                 409, "already_submitted")

    # the county cannot approve while townships are pending
    r = county.post(f"/quarters/{CQ}/signoffs",
                    json={"region_code": SIGN_COUNTY, "action": "approve"})
    assert_error(r, 409, "townships_pending")

    # v2 has no records: it need not submit
    p = signoff(sup, CQ, town, "submit")
    assert p["signoff"] == "submitted"
    assert item_of(p, v1)["signoff"] == "submitted"
    assert item_of(p, v2)["signoff"] == "open"
    assert state(county, SIGN_COUNTY, town) == "submitted"
    r = county.post(f"/quarters/{CQ}/signoffs",
                    json={"region_code": SIGN_COUNTY, "action": "approve"})
    assert_error(r, 409, "townships_pending")

    # a return needs a comment
    for body in ({}, {"comment": ""}):
        r = county.post(f"/quarters/{CQ}/signoffs",
                        json={"region_code": town, "action": "return", **body})
        assert_error(r, 400, "missing_field", "comment")
    assert state(county, SIGN_COUNTY, town) == "submitted"
    p = signoff(county, CQ, town, "return", comment="请补充走访记录后重新报送")
    assert p["signoff"] == "returned"
    # to the township and its villages, visible above and below
    assert item_of(p, v1)["signoff"] == "returned"
    assert item_of(p, v2)["signoff"] == "returned"
    assert state(county, SIGN_COUNTY, town) == "returned"
    assert progress(sup, CQ)["signoff"] == "returned"
    assert progress(d1, CQ)["signoff"] == "returned"
    assert state(city, SIGN_COUNTY[:4], SIGN_COUNTY) == "open"
    # the return's comment goes back with the data: the township and each
    # village read it on their own progress, the county on its items
    why = "请补充走访记录后重新报送"
    for who, region, code in ((sup, None, town), (d1, None, v1),
                              (county, SIGN_COUNTY, town), (sup, town, v1),
                              (sup, town, v2)):
        p = progress(who, CQ, region)
        x = p if p["region_code"] == code else item_of(p, code)
        assert (x["signoff"], x["signoff_comment"], x["signoff_by"]) == (
            "returned", why, county.username), (who.username, code)

    # submitted again from the village up
    r = sup.post(f"/quarters/{CQ}/signoffs", json={"region_code": town, "action": "submit"})
    assert_error(r, 409, "villages_pending")
    visit(d1, kid["id"])
    verify(d1, kid["id"], "updated")
    p = signoff(d1, CQ, v1, "submit")
    # submitted again: the comment was answered, it no longer shows
    assert (p["signoff"], p["signoff_comment"]) == ("submitted", None)
    assert signoff(sup, CQ, town, "submit")["signoff"] == "submitted"
    # townships without records are submitted by their supervisors
    for t, s in sups.items():
        r = county.post(f"/quarters/{CQ}/signoffs",
                        json={"region_code": SIGN_COUNTY, "action": "approve"})
        assert_error(r, 409, "townships_pending")
        assert signoff(s, CQ, t, "submit")["signoff"] == "submitted"

    p = signoff(county, CQ, SIGN_COUNTY, "approve")
    assert p["region_code"] == SIGN_COUNTY and p["signoff"] == "approved"
    assert {i["signoff"] for i in p["items"]} == {"submitted"}
    assert state(city, SIGN_COUNTY[:4], SIGN_COUNTY) == "approved"
    # a city signs nothing off: it is approved once all its counties are
    assert progress(city, CQ)["signoff"] == "open"
    assert state(staff.user("province", "22"), "22", SIGN_COUNTY[:4]) == "open"
    assert figures(city, CQ, SIGN_COUNTY)["frozen"] is True
    # done once
    r = county.post(f"/quarters/{CQ}/signoffs",
                    json={"region_code": SIGN_COUNTY, "action": "approve"})
    assert_error(r, 409, "already_approved")
    r = county.post(f"/quarters/{CQ}/signoffs",
                    json={"region_code": town, "action": "return", "comment": "再次核对"})
    assert_error(r, 409, "quarter_frozen")
    assert state(county, SIGN_COUNTY, town) == "submitted"


# --------------------------------------------------------------------------
# snapshots


def test_county_approval_freezes_the_quarter_s_figures(admin, staff, village_pool):
    ts = [t["code"] for t in townships(admin, FROZEN_COUNTY)]
    town = ts[0]
    v1, _ = village_pool.take(town)
    d1 = staff.user("director", v1)
    county = staff.user("county", FROZEN_COUNTY)
    city = staff.user("city", FROZEN_COUNTY[:4])
    ot = townships(admin, OTHER_COUNTY)[0]["code"]
    ov, _ = village_pool.take(ot)
    od = staff.user("director", ov)

    a = create(d1, child_body(v1, guardian=None, **LEFT_BEHIND))  # Q01
    b = create(d1, child_body(v1, guardian=guardian(), living_support="dibao"))
    verify(d1, a["id"])
    create(od, child_body(ov, guardian=guardian()))

    live = figures(county, CQ, FROZEN_COUNTY)
    assert live["frozen"] is False and live["region_code"] == FROZEN_COUNTY
    f = live["figures"]
    assert (f["active"], f["verified"]) == (2, 1)
    assert f["categories"]["left_behind"] == 1
    assert f["categories"]["difficult_poverty"] == 1
    assert f["quality"]["Q01"] == 1 and f["quality"]["Q08"] == 2
    assert f["quality"]["Q11"] == 1

    # the Q01 failure stays open: submitting needs a written reason (issue #19)
    why = "受委托监护人信息正在补录"
    signoff(d1, CQ, v1, "submit", comment=why)
    for t in ts:
        signoff(staff.user("supervisor", t), CQ, t, "submit", comment=why)
    assert signoff(county, CQ, FROZEN_COUNTY, "approve")["signoff"] == "approved"

    frozen = figures(county, CQ, FROZEN_COUNTY)
    assert frozen["frozen"] is True and frozen["quarter"] == CQ
    assert frozen["figures"] == live["figures"]
    assert figures(city, CQ, FROZEN_COUNTY) == frozen
    past_before = figures(county, PQ, FROZEN_COUNTY)
    other_before = figures(od, CQ, ov)
    assert past_before["frozen"] is False and other_before["frozen"] is False

    # later edits: a new child, a changed category, a visit, an exit
    create(d1, child_body(v1, guardian=guardian(), **LEFT_BEHIND))
    patch(d1, b["id"], {"guardianship": "poor"})
    visit(d1, a["id"])
    confirm(county, b["id"])
    create(od, child_body(ov, guardian=guardian(), **LEFT_BEHIND))
    # verifying in the frozen quarter is refused, and changes nothing
    q11 = report(d1, quarter=CQ)["counts"]["Q11"]
    r = d1.post(f"/children/{b['id']}/verify", json={"outcome": "unchanged"})
    assert_error(r, 409, "quarter_frozen")
    r = d1.post(f"/children/{b['id']}/verify", json={"outcome": "updated", "quarter": CQ})
    assert_error(r, 409, "quarter_frozen")
    assert report(d1, quarter=CQ)["counts"]["Q11"] == q11

    again = figures(county, CQ, FROZEN_COUNTY)
    assert again == frozen, "a frozen quarter's figures changed after edits"
    # and progress sums what was frozen, not the live records (issue #19)
    p = progress(county, CQ, FROZEN_COUNTY)
    assert sum(i["active"] for i in p["items"]) == frozen["figures"]["active"]
    assert sum(i["verified"] for i in p["items"]) == frozen["figures"]["verified"]
    # a past quarter counts the records as they were at its end: today's
    # edits are not in it (issue #19 item 2)
    past = figures(county, PQ, FROZEN_COUNTY)
    assert past["frozen"] is False
    assert past["figures"] == past_before["figures"]
    # the current quarter of another county follows the edits
    other = figures(od, CQ, ov)
    assert other["frozen"] is False
    assert other["figures"]["active"] == other_before["figures"]["active"] + 1
    assert other["figures"]["categories"]["left_behind"] == \
        other_before["figures"]["categories"]["left_behind"] + 1
    # the previous quarter is not frozen: verifying there still works
    assert verify(d1, b["id"], quarter=PQ)["quarter"] == PQ


# --------------------------------------------------------------------------
# due dates and lateness


@pytest.fixture
def pq_due(admin):
    """The previous quarter's due date back to the default afterwards."""
    yield PQ
    set_due(admin, PQ, default_due(PQ).isoformat())


def test_due_dates_are_configuration_and_lateness_follows(pq_due, admin, staff,
                                                         village_pool):
    today = today_cn()
    end = quarter_bounds(PQ)[1]
    town = townships(admin, OTHER_COUNTY)[-1]["code"]
    v, _ = village_pool.take(town)
    w, _ = village_pool.take(town)
    d = staff.user("director", v)
    sup = staff.user("supervisor", town)
    province = staff.user("province", "22")
    create(d, child_body(v, guardian=guardian()))

    later = (today + dt.timedelta(days=30)).isoformat()
    out = set_due(admin, PQ, later)
    assert out["due_on"] == later and out["quarter"] == PQ
    p = progress(sup, PQ)
    assert p["due_on"] == later
    assert item_of(p, v)["late"] is False and item_of(p, w)["late"] is False

    # the province moves it into the past: every region not submitted is late
    out = set_due(province, PQ, end.isoformat())
    assert out["due_on"] == end.isoformat()
    p = progress(sup, PQ)
    assert p["due_on"] == end.isoformat()
    assert item_of(p, v)["late"] is True and item_of(p, w)["late"] is True
    county = staff.user("county", OTHER_COUNTY)
    assert item_of(progress(county, PQ), town)["late"] is True

    # a submitted village is not late; its township still is
    signoff(d, PQ, v, "submit")
    p = progress(sup, PQ)
    assert item_of(p, v)["late"] is False and item_of(p, v)["signoff"] == "submitted"
    assert item_of(p, w)["late"] is True
    assert item_of(progress(county, PQ), town)["late"] is True
    signoff(sup, PQ, town, "submit")
    assert item_of(progress(county, PQ), town)["late"] is False

    # the current quarter keeps its own (default) due date, not late
    pc = progress(sup, CQ)
    assert pc["due_on"] >= quarter_bounds(CQ)[1].isoformat()
    assert item_of(pc, w)["late"] is False


def test_default_due_date_is_15_days_after_the_quarter(admin, officers):
    sup = officers("supervisor", townships(admin, OTHER_COUNTY)[0]["code"])
    for q, due in (("2019Q2", "2019-07-15"), ("2019Q4", "2020-01-15"),
                   ("2020Q1", "2020-04-15")):
        assert progress(sup, q)["due_on"] == due
