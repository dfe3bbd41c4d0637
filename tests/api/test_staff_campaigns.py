"""Campaigns (工作任务, SPEC §3.2): deadlines as data, with a name, a measure, a
scope and a due date; progress per child region and `late` when past due and
incomplete (docs/API.md `/campaigns`)."""

import pytest

from conftest import assert_error, assert_status
from helpers import days_ago, days_ahead, person_name, same_404
from workforce_util import (CAMPAIGN_ITEM_KEYS, CAMPAIGN_KEYS, CITY, DH_COUNTY, GHOST,
                            NA_COUNTY, attend, director_body, leave, new_training,
                            past_year, register, supervisor_body, training_body)

MEASURES = ("staff_registered", "staff_trained", "certificate_issued")


def new_campaign(c, **kw):
    body = {"name": "定岗定人" + person_name(), "measure": "staff_registered",
            "region_code": c.region, "due_on": "2018-08-30"}
    body.update(kw)
    r = c.post("/campaigns", json=body)
    assert_status(r, 201)
    got = r.json()
    check_campaign(got)
    assert got["name"] == body["name"] and got["measure"] == body["measure"]
    assert got["due_on"] == body["due_on"]
    return got


def check_campaign(c):
    assert CAMPAIGN_KEYS <= set(c), c
    assert isinstance(c["id"], int)
    assert c["measure"] in MEASURES
    assert isinstance(c["measure_label"], str) and c["measure_label"]
    assert isinstance(c["late"], bool)
    for i in c["items"]:
        assert CAMPAIGN_ITEM_KEYS <= set(i), i
        assert isinstance(i["late"], bool)
        assert 0 <= i["done"] <= i["target"], i
        if i["target"]:
            assert i["pct"] == pytest.approx(100.0 * i["done"] / i["target"], abs=0.05), i
    assert c["target"] == sum(i["target"] for i in c["items"])
    assert c["done"] == sum(i["done"] for i in c["items"])
    if c["target"]:
        assert c["pct"] == pytest.approx(100.0 * c["done"] / c["target"], abs=0.05)
    return c


def get_campaign(u, cid):
    r = u.get(f"/campaigns/{cid}")
    assert_status(r, 200)
    return check_campaign(r.json())


def item(c, code):
    got = [i for i in c["items"] if i["code"] == code]
    assert len(got) == 1, f"no item {code} in {[i['code'] for i in c['items']]}"
    return got[0]


@pytest.fixture(scope="module")
def county(region_pool, staff):
    """A county of 长春市 of this module's own:
      full   — a supervisor and every village's director
      half   — a supervisor, no directors
      nosup  — every village's director, no supervisor
      (the others: nobody)."""
    k = region_pool.take_county(CITY)
    officer = staff.user("county", k["code"])
    ts = [{"code": t["code"], "name": t["name"],
           "villages": [v["code"] for v in region_pool.villages(t["code"])]} for t in k["townships"]]
    small = sorted([t for t in ts if t["villages"]], key=lambda t: len(t["villages"]))
    full, nosup, half = small[0], small[1], small[2]
    register(officer, supervisor_body(full["code"]))
    for v in full["villages"]:
        register(officer, director_body(v))
    register(officer, supervisor_body(half["code"]))
    for v in nosup["villages"]:
        register(officer, director_body(v))
    return {"code": k["code"], "name": k["name"], "officer": officer, "townships": ts,
            "full": full, "half": half, "nosup": nosup}


def expected_registered(county, t):
    n = len(t["villages"])
    if t is county["full"]:
        return 1 + n, 1 + n
    if t is county["half"]:
        return 1 + n, 1
    if t is county["nosup"]:
        return 1 + n, n
    return 1 + n, 0


def test_staff_registered_progress_per_township(county):
    o = county["officer"]
    c = new_campaign(o, name="2018年定岗定人实名登记" + person_name(),
                     measure="staff_registered", region_code=county["code"],
                     due_on="2018-08-30")
    assert c["region_code"] == county["code"] and c["view_region"] == county["code"]
    assert [i["code"] for i in c["items"]] == [t["code"] for t in county["townships"]]
    for t in county["townships"]:
        i = item(c, t["code"])
        target, done = expected_registered(county, t)
        assert (i["target"], i["done"]) == (target, done), t
        assert i["late"] is (done < target), "late: past due and incomplete"
    assert item(c, county["full"]["code"])["pct"] == pytest.approx(100.0)
    assert c["late"] is True
    assert get_campaign(o, c["id"]) == c
    assert c["id"] in [x["id"] for x in o.get("/campaigns").json()["items"]]


def test_not_late_before_the_due_date(county):
    o = county["officer"]
    c = new_campaign(o, measure="staff_registered", region_code=county["code"],
                     due_on=days_ahead(30))
    assert c["done"] < c["target"]
    assert c["late"] is False
    assert all(i["late"] is False for i in c["items"])
    # due today: not yet late either
    c = new_campaign(o, measure="staff_registered", region_code=county["code"],
                     due_on=days_ago(0))
    assert c["late"] is False and not any(i["late"] for i in c["items"])


def test_campaign_on_a_township_per_village(county):
    o = county["officer"]
    t = county["full"]
    c = new_campaign(o, measure="staff_registered", region_code=t["code"], due_on="2018-08-30")
    # The township's own post has a row of its own ("本级").
    assert [i["code"] for i in c["items"] if len(i["code"]) == 12] == t["villages"]
    assert all((i["target"], i["done"], i["late"]) == (1, 1, False) for i in c["items"])


def test_township_campaign_counts_the_supervisor_post(county):
    o = county["officer"]
    t = county["nosup"]
    c = new_campaign(o, measure="staff_registered", region_code=t["code"], due_on="2018-08-30")
    assert c["target"] == 1 + len(t["villages"])
    assert c["done"] == len(t["villages"])
    assert c["late"] is True


@pytest.fixture(scope="module")
def trained(region_pool, na_county):
    """A township of 农安县: supervisor S (passes the initial training of
    year Y), D0 (attends, fails), D1 (no training), D2 (left)."""
    y = past_year()
    t = region_pool.take_township(min_villages=3)
    vs = [v["code"] for v in t["villages"][:3]]
    s = register(na_county, supervisor_body(t["code"]))
    ds = [register(na_county, director_body(v)) for v in vs]
    tr = new_training(na_county, training_body(NA_COUNTY, f"{y}-03-01", initial=True))
    attend(na_county, tr["id"], s["id"], passed=True, score=90)
    attend(na_county, tr["id"], ds[0]["id"], result="assessed", passed=False, score=50)
    leave(na_county, ds[2]["id"], days_ago(0), reason="调离")
    return {"year": y, "town": t, "villages": vs, "sup": s, "dirs": ds}


@pytest.mark.parametrize("measure,done", [("staff_trained", 2), ("certificate_issued", 1)])
def test_trained_and_certified_progress(na_county, trained, measure, done):
    y = trained["year"]
    c = new_campaign(na_county, measure=measure, region_code=NA_COUNTY, due_on=f"{y}-12-31")
    assert c["view_region"] == NA_COUNTY
    i = item(c, trained["town"]["code"])
    # D2 left after the due date: in post on it, so part of the target
    # (issue #19: a campaign is judged at its due date).
    assert (i["target"], i["done"]) == (4, done), "the people in post, and who made it"
    assert i["late"] is True and c["late"] is True
    # before the training was held nobody counts
    early = new_campaign(na_county, measure=measure, region_code=NA_COUNTY,
                         due_on=f"{y}-02-28")
    assert (item(early, trained["town"]["code"])["done"]) == 0


def test_each_caller_sees_its_part(na_county, trained, staff):
    y = trained["year"]
    c = new_campaign(na_county, measure="staff_trained", region_code=NA_COUNTY,
                     due_on=f"{y}-12-31")
    t = trained["town"]
    sup = staff.user("supervisor", t["code"])
    mine = get_campaign(sup, c["id"])
    assert mine["region_code"] == NA_COUNTY and mine["view_region"] == t["code"]
    assert [i["code"] for i in mine["items"] if len(i["code"]) == 12] == \
        [v["code"] for v in t["villages"]]
    v0, v1, v2 = trained["villages"]
    assert (item(mine, v0)["target"], item(mine, v0)["done"], item(mine, v0)["late"]) == (1, 1, False)
    assert (item(mine, v1)["target"], item(mine, v1)["done"], item(mine, v1)["late"]) == (1, 0, True)
    assert (item(mine, v2)["target"], item(mine, v2)["done"]) == (1, 0), \
        "a person who left after the due date was in post on it"
    assert c["id"] in [x["id"] for x in sup.get("/campaigns").json()["items"]]
    d = staff.user("director", v1)
    part = get_campaign(d, c["id"])
    assert part["view_region"] == v1
    assert [(i["code"], i["target"], i["done"], i["late"]) for i in part["items"]] == [
        (v1, 1, 0, True)]
    assert (part["target"], part["done"], part["late"]) == (1, 0, True)
    listed = [x for x in d.get("/campaigns").json()["items"] if x["id"] == c["id"]]
    assert len(listed) == 1 and listed[0]["view_region"] == v1


def test_province_campaign_seen_by_a_county(staff, na_county, trained):
    prov = staff.user("province", "22")
    c = new_campaign(prov, name="全省2018年定岗定人" + person_name(),
                     measure="staff_registered", region_code="22", due_on="2018-08-30")
    assert c["view_region"] == "22"
    assert all(len(i["code"]) == 4 for i in c["items"]), "one item per city"
    listed = [x for x in na_county.get("/campaigns").json()["items"] if x["id"] == c["id"]]
    assert len(listed) == 1, "a campaign set above the county applies to it"
    mine = get_campaign(na_county, c["id"])
    assert mine["view_region"] == NA_COUNTY and mine["region_code"] == "22"
    i = item(mine, trained["town"]["code"])
    n = len(trained["town"]["villages"])
    # S, D0, D1, D2 in post on the due date (D2 left only today): judged
    # then, D2's village counts as covered (issue #19)
    assert (i["target"], i["done"], i["late"]) == (1 + n, 4, 4 < 1 + n)


def test_another_countys_campaign_is_invisible(na_county, dh_county):
    c = new_campaign(dh_county, measure="staff_trained", region_code=DH_COUNTY,
                     due_on="2019-12-31")
    assert c["id"] not in [x["id"] for x in na_county.get("/campaigns").json()["items"]]
    same_404(na_county.get(f"/campaigns/{c['id']}"), na_county.get(f"/campaigns/{GHOST}"))
    assert_error(na_county.post("/campaigns", json={
        "name": "越权任务", "measure": "staff_trained", "region_code": DH_COUNTY,
        "due_on": "2019-12-31"}), 404, "region_not_found")


@pytest.mark.parametrize("role,where", [("supervisor", "township"), ("director", "village"),
                                        ("admin", None), ("auditor", "county")])
def test_who_may_set_campaigns(staff, admin, region_pool, na_county, role, where):
    # users do not change any count: any township will do
    t = region_pool.townships(NA_COUNTY)[-1]["code"]
    region = {"township": t, "village": region_pool.villages(t)[0]["code"],
              "county": NA_COUNTY, None: None}[where]
    u = admin if role == "admin" else staff.user(role, region)
    before = [x["id"] for x in na_county.get("/campaigns").json()["items"]]
    r = u.post("/campaigns", json={"name": "无权任务", "measure": "staff_registered",
                                   "region_code": region or NA_COUNTY, "due_on": "2018-08-30"})
    assert_error(r, 403, "forbidden")
    assert [x["id"] for x in na_county.get("/campaigns").json()["items"]] == before
