"""Training sessions (SPEC §3.2, docs/API.md `/trainings`): date, hours,
mode, organiser, trainer, topics, attendees and their results; and
`GET /staff?untrained_year=YYYY`, who in post had no training that year."""

import pytest

from conftest import assert_error, assert_status
from helpers import days_ago
from workforce_util import (CORE_TOPICS, NA_COUNTY, all_staff, attend, director_body,
                            get_staff, leave, new_training, past_year, register,
                            supervisor_body, training_body)

TRAINING_KEYS = {"id", "region_code", "title", "held_on", "hours", "mode",
                 "organiser", "trainer", "topics", "initial"}
MODES = ["lecture", "regional", "institution", "other"]


@pytest.fixture(scope="module")
def crew(region_pool, na_county):
    """A township of 农安县 with a supervisor and four directors."""
    t = region_pool.take_township(min_villages=5)
    vs = [v["code"] for v in t["villages"][:5]]
    s = register(na_county, supervisor_body(t["code"], appointed_on="2018-08-20"))
    ds = [register(na_county, director_body(v, appointed_on="2018-08-25")) for v in vs[:4]]
    return {"town": t, "villages": vs, "sup": s, "dirs": ds}


def test_create_with_every_field(na_county):
    y = past_year()
    topics = CORE_TOPICS + ["儿童心理健康辅导"]
    body = training_body(NA_COUNTY, f"{y}-03-10", initial=False, title="年度儿童主任业务培训",
                         hours=12.5, mode="regional", organiser="农安县民政局",
                         trainer="吉林省民政厅培训讲师", topics=topics)
    t = new_training(na_county, body)
    assert TRAINING_KEYS <= set(t), t
    assert isinstance(t["id"], int)
    assert t["region_code"] == NA_COUNTY
    assert t["title"] == "年度儿童主任业务培训"
    assert t["held_on"] == f"{y}-03-10"
    assert t["hours"] == pytest.approx(12.5)
    assert t["mode"] == "regional"
    assert t["organiser"] == "农安县民政局" and t["trainer"] == "吉林省民政厅培训讲师"
    assert t["topics"] == topics
    assert t["initial"] is False
    r = na_county.get(f"/trainings/{t['id']}")
    assert_status(r, 200)
    got = r.json()
    for k in TRAINING_KEYS:
        assert got[k] == t[k], k
    assert got["attendance"] == []
    assert got["core_topics"] == CORE_TOPICS, "the five core contents the notice names"
    # listed by year, not in another year
    r = na_county.get("/trainings", params={"region": NA_COUNTY, "year": str(y)})
    assert_status(r, 200)
    assert t["id"] in [i["id"] for i in r.json()["items"]]
    r = na_county.get("/trainings", params={"region": NA_COUNTY, "year": str(y - 1)})
    assert t["id"] not in [i["id"] for i in r.json()["items"]]
    assert t["id"] in [i["id"] for i in na_county.get("/trainings").json()["items"]]


@pytest.mark.parametrize("mode", MODES)
def test_every_mode(na_county, mode):
    t = new_training(na_county, training_body(NA_COUNTY, days_ago(40), mode=mode))
    assert t["mode"] == mode


def test_held_today_is_allowed(na_county):
    t = new_training(na_county, training_body(NA_COUNTY, days_ago(0)))
    assert t["held_on"] == days_ago(0)


def test_results_of_attendees(na_county, crew):
    y = past_year()
    t = new_training(na_county, training_body(NA_COUNTY, f"{y}-05-12", initial=False))
    s, d0, d1 = crew["sup"], crew["dirs"][0], crew["dirs"][1]
    attend(na_county, t["id"], s["id"], result="assessed", score=85, passed=True)
    attend(na_county, t["id"], d0["id"], result="attended", passed=False, score=None)
    got = attend(na_county, t["id"], d1["id"], result="assessed", score=40, passed=False)
    rows = {a["staff_id"]: a for a in got["attendance"]}
    assert set(rows) == {s["id"], d0["id"], d1["id"]}
    assert (rows[s["id"]]["result"], rows[s["id"]]["score"], rows[s["id"]]["passed"]) == (
        "assessed", 85, True)
    assert (rows[d0["id"]]["result"], rows[d0["id"]]["score"], rows[d0["id"]]["passed"]) == (
        "attended", None, False)
    assert (rows[d1["id"]]["result"], rows[d1["id"]]["score"], rows[d1["id"]]["passed"]) == (
        "assessed", 40, False)
    assert rows[s["id"]]["name"] == s["name"]
    # each person's record lists the session with the result
    for person, result, score, passed in ((s, "assessed", 85, True),
                                          (d0, "attended", None, False),
                                          (d1, "assessed", 40, False)):
        tr = [x for x in get_staff(na_county, person["id"])["trainings"] if x["id"] == t["id"]]
        assert len(tr) == 1, person
        x = tr[0]
        assert {"id", "title", "held_on", "initial", "result", "score", "passed"} <= set(x)
        assert (x["title"], x["held_on"], x["initial"]) == (t["title"], t["held_on"], False)
        assert (x["result"], x["score"], x["passed"]) == (result, score, passed)
    # not an initial training: nobody gets a certificate from it
    assert get_staff(na_county, s["id"])["certificates"] == []


def test_untrained_year_lists_who_was_not_trained(na_county, region_pool, staff):
    """A township of its own: supervisor S, directors D0..D3. In year Y S and
    D0 attend (D0 fails: still trained), D3 left; D1, D2 have no training."""
    y = past_year()
    t = region_pool.take_township(min_villages=4)
    vs = [v["code"] for v in t["villages"][:4]]
    s = register(na_county, supervisor_body(t["code"], appointed_on="2018-08-20"))
    ds = [register(na_county, director_body(v, appointed_on="2018-08-25")) for v in vs]
    tr = new_training(na_county, training_body(NA_COUNTY, f"{y}-06-01", initial=False))
    attend(na_county, tr["id"], s["id"], passed=True, score=90)
    attend(na_county, tr["id"], ds[0]["id"], result="assessed", passed=False, score=30)
    # trained in another year only
    tr_old = new_training(na_county, training_body(NA_COUNTY, f"{y - 1}-06-01", initial=False))
    attend(na_county, tr_old["id"], ds[1]["id"], result="attended", passed=False, score=None)
    leave(na_county, ds[3]["id"], days_ago(0), reason="调离本村")

    def untrained(c, year, region=None):
        params = {"untrained_year": str(year)}
        if region:
            params["region"] = region
        return {i["id"] for i in all_staff(c, **params)}

    assert untrained(na_county, y, t["code"]) == {ds[1]["id"], ds[2]["id"]}
    assert untrained(na_county, y - 1, t["code"]) == {s["id"], ds[0]["id"], ds[2]["id"]}
    assert untrained(na_county, y, vs[1]) == {ds[1]["id"]}
    assert untrained(na_county, y, vs[0]) == set()
    assert untrained(na_county, y, vs[3]) == set(), "a person who left is not in post"
    # per region: the supervisor of the township and a director see their part
    sup = staff.user("supervisor", t["code"])
    assert untrained(sup, y) == {ds[1]["id"], ds[2]["id"]}
    d2 = staff.user("director", vs[2])
    assert untrained(d2, y) == {ds[2]["id"]}
    # combined with the other filters
    assert {i["id"] for i in all_staff(na_county, region=t["code"], post="supervisor",
                                       untrained_year=str(y - 1))} == {s["id"]}
    # the county's list holds this township's untrained and nobody trained
    county_ids = untrained(na_county, y)
    assert {ds[1]["id"], ds[2]["id"]} <= county_ids
    assert not county_ids & {s["id"], ds[0]["id"], ds[3]["id"]}


def test_province_training_is_visible_to_the_county(staff, na_county, crew):
    prov = staff.user("province", "22")
    y = past_year()
    t = new_training(prov, training_body("22", f"{y}-07-01", organiser="吉林省民政厅"))
    assert t["region_code"] == "22"
    ids = [i["id"] for i in na_county.get("/trainings", params={"year": str(y)}).json()["items"]]
    assert t["id"] in ids, "a county's staff attend the province's sessions"
    assert_status(na_county.get(f"/trainings/{t['id']}"), 200)
    got = attend(na_county, t["id"], crew["dirs"][2]["id"], result="attended",
                 passed=False, score=None)
    assert [a["staff_id"] for a in got["attendance"]] == [crew["dirs"][2]["id"]]


def test_training_region_must_be_county_or_above(na_county, crew):
    before = len(na_county.get("/trainings").json()["items"])
    for code in (crew["town"]["code"], crew["villages"][0]):
        r = na_county.post("/trainings", json=training_body(code, days_ago(5)))
        assert_error(r, 400, "invalid_field", "region_code")
    assert len(na_county.get("/trainings").json()["items"]) == before


def test_who_may_organise(staff, crew, na_county):
    sup = staff.user("supervisor", crew["town"]["code"])
    d = staff.user("director", crew["villages"][0])
    t = new_training(na_county, training_body(NA_COUNTY, days_ago(3)))
    for c in (sup, d):
        assert_error(c.post("/trainings", json=training_body(NA_COUNTY, days_ago(3))), 403,
                     "forbidden")
        assert_error(c.post(f"/trainings/{t['id']}/attendance",
                            json={"staff_id": crew["dirs"][0]["id"], "result": "attended",
                                  "passed": False}), 403, "forbidden")
        # they read the county's sessions
        assert_status(c.get(f"/trainings/{t['id']}"), 200)
    assert na_county.get(f"/trainings/{t['id']}").json()["attendance"] == []
    city = staff.user("city", "2201")
    t2 = new_training(city, training_body("2201", days_ago(3), organiser="长春市民政局"))
    got = attend(city, t2["id"], crew["dirs"][3]["id"], result="attended", passed=False,
                 score=None)
    assert len(got["attendance"]) == 1
