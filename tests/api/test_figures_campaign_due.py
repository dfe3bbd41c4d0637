"""Issue #19 item 1: a campaign is judged at its due date.

The verdict (target, done, late) is the state on the due date: the posts
filled then, the people in post then and whether they had been trained or
certified by then.  Whatever happened after it is shown apart as made good
(`made_good`: count, first and last day), and people appointed after the
due date are not part of the campaign.  docs/API.md `/campaigns`."""

import pytest

from conftest import assert_status
from helpers import XLSX_TYPE, days_ago, days_ahead, xlsx_rows
from helpers import person_name as unique_name
from workforce_util import (attend, director_body, leave, new_training, register,
                            supervisor_body, training_body)


# 辉南县, a county no other test uses: 农安县's townships are shared by
# many workforce tests and ran out.
HN_COUNTY = "220523"


@pytest.fixture(scope="module")
def hn_county(staff):
    """A county officer of 辉南县."""
    return staff.user("county", HN_COUNTY)

def campaign(c, measure, region, due):
    r = c.post("/campaigns", json={"name": "截止日判定" + unique_name(), "measure": measure,
                                   "region_code": region, "due_on": due})
    assert_status(r, 201)
    got = r.json()
    r = c.get(f"/campaigns/{got['id']}")
    assert_status(r, 200)
    assert r.json() == got
    return got


def only(c, code):
    got = [i for i in c["items"] if i["code"] == code]
    assert len(got) == 1, c["items"]
    return got[0]


NONE = {"count": 0, "from": None, "to": None}


@pytest.fixture(scope="module")
def town(region_pool, hn_county):
    """A township: its supervisor S in post since 2018-08-20; D0 director of
    v0 since 2018-08-25; v1 empty on 2018-08-30, filled 3 days ago; D2
    director of v2 appointed 2018-08-25, left on 2018-08-28 (before the due
    date); v3.. never filled."""
    t = region_pool.take_township(county=HN_COUNTY, min_villages=4)
    vs = [v["code"] for v in t["villages"]]
    s = register(hn_county, supervisor_body(t["code"]))
    d0 = register(hn_county, director_body(vs[0]))
    d2 = register(hn_county, director_body(vs[2]))
    leave(hn_county, d2["id"], "2018-08-28", reason="调离")
    d1 = register(hn_county, director_body(vs[1], appointed_on=days_ago(3)))
    return {"code": t["code"], "villages": vs, "s": s, "d0": d0, "d1": d1, "d2": d2}


def test_posts_judged_at_the_due_date(hn_county, town):
    c = campaign(hn_county, "staff_registered", town["code"], "2018-08-30")
    n = len(town["villages"])
    # S and D0 in post on 2018-08-30; D1 came later, D2 had left
    assert (c["target"], c["done"], c["late"]) == (1 + n, 2, True)
    assert c["judged_on"] == "2018-08-30"
    assert c["made_good"] == {"count": 1, "from": days_ago(3), "to": days_ago(3)}
    v1 = only(c, town["villages"][1])
    assert (v1["target"], v1["done"], v1["late"]) == (1, 0, True)
    assert v1["made_good"] == {"count": 1, "from": days_ago(3), "to": days_ago(3)}
    assert only(c, town["villages"][0])["made_good"] == NONE, "done in time: nothing to make good"
    assert only(c, town["villages"][2])["made_good"] == NONE, "still empty"
    # the coverage report of that day agrees with the verdict
    r = hn_county.get("/staff/coverage", params={"region": town["code"], "date": "2018-08-30"})
    assert_status(r, 200)
    tot = r.json()["total"]
    assert tot["townships_covered"] + tot["villages_covered"] == c["done"]
    assert tot["townships"] + tot["villages"] == c["target"]


def test_filling_every_post_later_does_not_change_the_verdict(hn_county, region_pool):
    t = region_pool.take_township(county=HN_COUNTY, min_villages=3)
    vs = [v["code"] for v in t["villages"]]
    register(hn_county, supervisor_body(t["code"]))
    for v in vs:
        register(hn_county, director_body(v, appointed_on=days_ago(0)))
    c = campaign(hn_county, "staff_registered", t["code"], "2018-08-30")
    assert (c["target"], c["done"], c["late"]) == (1 + len(vs), 1, True), \
        "410/410 after the fact is not 'on time'"
    assert c["made_good"] == {"count": len(vs), "from": days_ago(0), "to": days_ago(0)}


def test_people_judged_at_the_due_date(hn_county, town):
    # S trained before the due date, D0 only after it, D1 (appointed after
    # the due date) trained too: not part of the campaign
    before = new_training(hn_county, training_body(HN_COUNTY, "2018-09-10"))
    after = new_training(hn_county, training_body(HN_COUNTY, days_ago(2)))
    attend(hn_county, before["id"], town["s"]["id"], passed=True)
    attend(hn_county, after["id"], town["d0"]["id"], passed=True)
    attend(hn_county, after["id"], town["d1"]["id"], passed=True)
    for measure in ("staff_trained", "certificate_issued"):
        c = campaign(hn_county, measure, town["code"], "2018-09-30")
        assert (c["target"], c["done"], c["late"]) == (2, 1, True), measure
        # the township's own supervisor is its "本级" row
        own = only(c, town["code"])
        assert (own["target"], own["done"], own["made_good"]) == (1, 1, NONE)
        v0 = only(c, town["villages"][0])
        assert (v0["target"], v0["done"], v0["late"]) == (1, 0, True)
        assert v0["made_good"]["count"] == 1 and v0["made_good"]["from"] == days_ago(2)
        assert only(c, town["villages"][1])["target"] == 0, "appointed after the due date"
        assert c["made_good"]["count"] == 1


def test_before_the_due_date_it_stands_as_of_today(hn_county, town):
    c = campaign(hn_county, "staff_registered", town["code"], days_ahead(10))
    assert c["judged_on"] == days_ago(0)
    assert c["done"] == 3 and c["late"] is False, "S, D0 and D1 in post today"
    assert c["made_good"] == NONE


def test_the_workbook_shows_what_was_made_good(hn_county, town):
    c = campaign(hn_county, "staff_registered", town["code"], "2018-08-30")
    r = hn_county.get(f"/campaigns/{c['id']}/export")
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith(XLSX_TYPE)
    rows = xlsx_rows(r.content)
    head = [row for row in rows if "区划代码" in row][0]
    assert head[6:8] == ["截止后补齐", "补齐日期"]
    v1 = [row for row in rows if row[0] == town["villages"][1]][0]
    assert (v1[2], v1[3], v1[5], v1[6], v1[7]) == (1, 0, "逾期", 1, days_ago(3))
    total = [row for row in rows if row[1] == "合计"][0]
    assert (total[2], total[3], total[6]) == (c["target"], c["done"], 1)
