"""The dashboard (SPEC §9, docs/API.md "Dashboard"): every figure agrees
with the lists and reports it summarises, follows each write at once,
moves with time (ages, quarters), drills down from county to village, and
stays inside the caller's scope.

The dashboard reads per-village figures the server keeps current lazily
(a write marks its village stale; a reader recomputes what is stale), so
each test here writes and reads back immediately: a stale figure would
fail them.  The county 前郭县 (220721) is used by no other test module, so
its totals are exactly what these tests create.
"""

import datetime as dt
import uuid

import pytest

from children_util import (birth_for_age, child_body, create, id_number,
                           listing, patch, today_cn, unique_name)
from conftest import Client, assert_error, assert_status
from quality_util import (LEFT_BEHIND, ClockServer, current_quarter,
                          default_due, exit_child, guardian, previous_quarter,
                          report, verify)

COUNTY = "220721"  # 前郭尔罗斯蒙古族自治县 (松原市)
CITY = "2207"
CATEGORIES = ("left_behind", "orphan", "de_facto_unsupported",
              "difficult_poverty", "difficult_disability",
              "difficult_guardianship")
FLAGS = ("unsupervised", "poor_guardianship", "dropout", "no_hukou", "ill",
         "disabled")
TOP_KEYS = {"region_code", "region_name", "level", "as_of", "children",
            "drilldown", "trend", "workforce", "platforms", "cases",
            "quality", "women", "campaigns", "verification"}


def dashboard(c, region=None, status=200):
    r = c.get("/dashboard", params={"region": region} if region else None)
    assert_status(r, status)
    return r.json()


def total(c, **params):
    return listing(c, page_size=1, **params)["total"]


@pytest.fixture(scope="module")
def place(admin, village_pool, staff):
    """Two townships of the county, a village in each with its director."""
    r = admin.get("/regions", params={"parent": COUNTY})
    assert_status(r, 200)
    towns = [t["code"] for t in r.json()["items"]][:2]
    out = {"county": staff.user("county", COUNTY), "towns": towns,
           "villages": [], "directors": []}
    for t in towns:
        code, _ = village_pool.take(t)
        out["villages"].append(code)
        out["directors"].append(staff.user("director", code))
    return out


def kids(place):
    """A mix over both villages: left-behind, on 低保, an orphan."""
    d0, d1 = place["directors"]
    v0, v1 = place["villages"]
    made = [
        create(d0, child_body(v0, guardian=guardian(), **LEFT_BEHIND)),
        create(d0, child_body(v0, living_support="dibao")),
        create(d1, child_body(v1, father="deceased", mother="deceased",
                              guardian=guardian())),
        create(d1, child_body(v1, age=17, **LEFT_BEHIND)),
    ]
    return made


def test_shape_and_agreement_with_lists_and_quality(place):
    kids(place)
    county = place["county"]
    body = dashboard(county, COUNTY)
    assert TOP_KEYS <= set(body), TOP_KEYS - set(body)
    assert body["region_code"] == COUNTY and body["level"] == "county"
    assert body["as_of"] == today_cn().isoformat()
    ch = body["children"]
    assert ch["active"] == total(county, region=COUNTY) > 0
    for cat in CATEGORIES:
        assert ch["categories"][cat] == total(county, region=COUNTY,
                                              category=cat), cat
    for f in FLAGS:
        assert ch["flags"][f] == total(county, region=COUNTY, flag=f), f
    # the quality section is the quality report's counts for the quarter
    q = report(county, region=COUNTY)
    assert body["quality"]["quarter"] == q["quarter"] == current_quarter()
    assert body["quality"]["counts"] == q["counts"]
    unverified = q["counts"]["Q11"]
    assert body["quality"]["verified_pct"] == pytest.approx(
        100.0 * (q["active"] - unverified) / q["active"])


def test_drilldown_adds_up_and_each_row_is_its_own_dashboard(place):
    kids(place)
    county = place["county"]
    body = dashboard(county, COUNTY)
    rows = body["drilldown"]
    r = county.get("/regions", params={"parent": COUNTY})
    assert [x["code"] for x in rows] == [t["code"] for t in r.json()["items"]]
    assert sum(x["active"] for x in rows) == body["children"]["active"]
    for cat in CATEGORIES:
        assert sum(x["categories"][cat] for x in rows) == \
            body["children"]["categories"][cat]
    for town in place["towns"]:
        row = next(x for x in rows if x["code"] == town)
        sub = dashboard(county, town)
        assert sub["level"] == "township"
        assert sub["children"]["active"] == row["active"]
        assert sub["children"]["categories"] == row["categories"]
        assert sub["children"]["flags"] == row["flags"]
    # down to a village: one row, the village itself
    v = place["villages"][0]
    leaf = dashboard(county, v)
    assert leaf["level"] == "village"
    assert [x["code"] for x in leaf["drilldown"]] == [v]
    assert leaf["drilldown"][0]["active"] == leaf["children"]["active"] == \
        total(county, region=v)


def test_every_write_shows_at_once(place):
    d0 = place["directors"][0]
    v0 = place["villages"][0]
    county = place["county"]
    before = dashboard(county, COUNTY)
    kid = create(d0, child_body(v0, guardian=guardian(), **LEFT_BEHIND))
    after = dashboard(county, COUNTY)
    assert after["children"]["active"] == before["children"]["active"] + 1
    assert after["children"]["categories"]["left_behind"] == \
        before["children"]["categories"]["left_behind"] + 1
    # a changed fact moves the child between categories
    patch(d0, kid["id"], {"mother": {"status": "at_home"}, "living_support": "dibao"})
    moved = dashboard(county, COUNTY)
    assert moved["children"]["categories"]["left_behind"] == \
        before["children"]["categories"]["left_behind"]
    assert moved["children"]["categories"]["difficult_poverty"] == \
        before["children"]["categories"]["difficult_poverty"] + 1
    # verifying it takes one off Q11
    verify(d0, kid["id"])
    ver = dashboard(county, COUNTY)
    assert ver["quality"]["counts"]["Q11"] == moved["quality"]["counts"]["Q11"] - 1
    # an exit takes it out of the active count
    exit_child(d0, kid["id"])
    gone = dashboard(county, COUNTY)
    assert gone["children"]["active"] == before["children"]["active"] == \
        total(county, region=COUNTY)


def test_ages_move_with_the_clock(place, servers, workdir):
    """A left-behind child two days before the 16th birthday counts today
    and not three days later — on the same stored figures."""
    d1 = place["directors"][1]
    v1 = place["villages"][1]
    birth = birth_for_age(16, days_after_birthday=-2)
    create(d1, child_body(v1, birth=birth, guardian=guardian(), **LEFT_BEHIND))
    county = place["county"]
    now = dashboard(county, v1)["children"]["categories"]["left_behind"]
    clock = ClockServer(servers, workdir)
    try:
        clock.move(3)
        later = Client(clock.url)
        later.login_ok(county.username, county.password)
        body = dashboard(later, v1)
        assert body["as_of"] == (today_cn() + dt.timedelta(days=3)).isoformat()
        assert body["children"]["categories"]["left_behind"] == now - 1
        # the main server, still today, is not confused by the other day's figures
        assert dashboard(county, v1)["children"]["categories"]["left_behind"] == now
    finally:
        clock.stop()


def test_sections_women_campaigns_and_verification(place):
    county = place["county"]
    d0 = place["directors"][0]
    v0 = place["villages"][0]
    before = dashboard(county, COUNTY)
    birth = dt.date(1990, 5, 6)
    r = d0.post("/women", json={"region_code": v0, "name": unique_name(),
                                "id_number": id_number(COUNTY, birth, "female"),
                                "employment": "farming"})
    assert_status(r, 201)
    wid = r.json()["id"]
    r = d0.post(f"/women/{wid}/services", json={
        "kind": "cancer_screening", "served_on": today_cn().isoformat(),
        "result": "normal"})
    assert_status(r, 201)
    after = dashboard(county, COUNTY)
    assert after["women"]["registered"] == before["women"]["registered"] + 1
    screening = {s["kind"]: s for s in after["women"]["services"]}["cancer_screening"]
    was = {s["kind"]: s for s in before["women"]["services"]}["cancer_screening"]
    assert screening["services"] == was["services"] + 1
    assert screening["label"] == "两癌筛查"

    # a campaign of the county, already past its due date, shows as late
    name = "任务" + uuid.uuid4().hex[:6]
    r = county.post("/campaigns", json={"name": name, "measure": "staff_registered",
                                        "region_code": COUNTY, "due_on": "2018-08-30"})
    assert_status(r, 201)
    camp = {c["name"]: c for c in dashboard(county, COUNTY)["campaigns"]}[name]
    assert camp["due_on"] == "2018-08-30"
    assert camp["late"] is (camp["done"] < camp["target"])
    assert camp["region_code"] == COUNTY

    # verification: the last quarter that ended, its due date, who is late
    v = after["verification"]
    assert v["quarter"] == previous_quarter()
    assert v["due_on"] == default_due(previous_quarter()).isoformat()
    overdue = today_cn().isoformat() > v["due_on"]
    assert v["overdue"] is overdue
    if overdue:
        # no township of the county has submitted: all of them are late
        r = county.get("/regions", params={"parent": COUNTY})
        assert v["late_count"] == v["pending"] == len(r.json()["items"])
        for item in v["late"]:
            assert item["level"] == "township"
            assert item["state_label"] in ("未提交", "已退回")


def test_scope(place, staff, admin):
    d0 = place["directors"][0]
    v0, v1 = place["villages"]
    own = dashboard(d0)
    assert own["region_code"] == v0
    assert own["children"]["active"] == total(d0)
    # another village, the county, another county: as absent as a code
    # that does not exist
    absent = d0.get("/dashboard", params={"region": "220721999999"})
    for code in (v1, COUNTY, "220122"):
        r = d0.get("/dashboard", params={"region": code})
        assert_error(r, 404, "region_not_found")
        assert r.json() == absent.json()
    # the county officer cannot look at another county
    assert_error(place["county"].get("/dashboard", params={"region": "220122"}),
                 404, "region_not_found")
    # the administrator holds no child data; an auditor sees the counts
    assert_error(admin.get("/dashboard"), 403, "forbidden")
    aud = staff.user("auditor", COUNTY)
    assert dashboard(aud, COUNTY)["children"]["active"] == \
        dashboard(place["county"], COUNTY)["children"]["active"]
    # the city sees the county inside its figures
    city = staff.user("city", CITY)
    body = dashboard(city, CITY)
    row = next(x for x in body["drilldown"] if x["code"] == COUNTY)
    assert row["active"] == dashboard(place["county"], COUNTY)["children"]["active"]


def test_bad_region(place):
    for bad in ("abc", "22-01", "2" * 40, ""):
        r = place["county"].get("/dashboard", params={"region": bad})
        assert r.status_code in (400, 404), (bad, r.status_code)
        assert "error" in r.json()
