"""Scope and roles of the platform endpoints: a director of another village,
a supervisor of another township and a county officer of another county see
nothing outside their scope (404 exactly like an absent id, totals without
it) and write nothing there; admin and auditor get 403; province and city
officers read but do not write.
"""

import pytest

from conftest import assert_error, assert_status
from helpers import same_404
from platform_util import (GHOST, activities, activity_stats, all_platforms, center_body,
                           codes, compliance, create, get, home_body, label_words,
                           last_year, listing, log_activity, rule100, set_count,
                           stats_map)


@pytest.fixture(scope="module")
def world(officer, platform_pool, staff, yt_officer, province):
    """Two whole townships of 梨树县:
      S1: home A (150 children), home B (20), centre S1, village A2 (130, no home)
      S2: home C (130), centre S2, village C2 (0 children, no home)
    with one activity at each platform, and the users who look at them."""
    s1, s2 = platform_pool.township(), platform_pool.township()
    A, B, A2 = (v["code"] for v in s1["villages"][:3])
    C, C2 = (v["code"] for v in s2["villages"][:2])
    y = last_year()
    for v, n in ((A, 150), (B, 20), (A2, 130), (C, 130), (C2, 0)):
        set_count(officer, v, n, y)
    p = {
        "A": create(officer, home_body(A)),
        "B": create(officer, home_body(B)),
        "S1": create(officer, center_body(s1["code"])),
        "C": create(officer, home_body(C)),
        "S2": create(officer, center_body(s2["code"])),
    }
    for i, (k, fn) in enumerate((("A", 1), ("B", 2), ("S1", 3), ("C", 4), ("S2", 5))):
        log_activity(officer, p[k]["id"], f"{y}-05-{10 + i}", fn, 10 + i, i)
    return {
        "s1": s1, "s2": s2, "A": A, "B": B, "A2": A2, "C": C, "C2": C2, "p": p, "y": y,
        "director_B": staff.user("director", B),
        "supervisor_S2": staff.user("supervisor", s2["code"]),
        "yt": yt_officer,
        "auditor": staff.user("auditor", "22"),
        "city_sp": staff.user("city", "2203"),
        "city_cc": staff.user("city", "2201"),
        "province": province,
    }


def snapshot(officer, w):
    return {k: (get(officer, p["id"]), activities(officer, p["id"])) for k, p in w["p"].items()}


def counts(officer, w):
    r = rule100(officer, region="220322")
    return {e["code"]: e["child_count"] for e in r["missing"] + r["uncovered"]}


def assert_outside(c, w, officer, hidden, own_village=None):
    """Everything about platforms `hidden` answers c like an absent record,
    and nothing c sends to them is written."""
    before = snapshot(officer, w)
    ghost = {
        "get": c.get(f"/platforms/{GHOST}"),
        "acts": c.get(f"/platforms/{GHOST}/activities"),
        "patch": c.patch(f"/platforms/{GHOST}", json={"address": "外人改的地址"}),
        "log": c.post(f"/platforms/{GHOST}/activities",
                      json={"held_on": f"{w['y']}-06-01", "function": 6, "title": "越权活动",
                            "children": 99, "parents": 9}),
    }
    for k in hidden:
        pid = w["p"][k]["id"]
        same_404(c.get(f"/platforms/{pid}"), ghost["get"])
        same_404(c.get(f"/platforms/{pid}/activities"), ghost["acts"])
        same_404(c.patch(f"/platforms/{pid}", json={"address": "外人改的地址"}), ghost["patch"])
        same_404(c.post(f"/platforms/{pid}/activities",
                        json={"held_on": f"{w['y']}-06-01", "function": 6, "title": "越权活动",
                              "children": 99, "parents": 9}), ghost["log"])
        region = w["p"][k]["region_code"]
        for path in ("/platforms", "/platforms/rule100", "/platforms/compliance",
                     "/platforms/activity-stats", "/platforms/compliance/export"):
            same_404(c.get(path, params={"region": region}),
                     c.get(path, params={"region": region[:9] + "999"}), "region_not_found")
        same_404(c.get("/platforms/name-proposal",
                       params={"region": region, "kind": w["p"][k]["kind"]}),
                 c.get("/platforms/name-proposal",
                       params={"region": region[:9] + "999", "kind": "children_home"}),
                 "region_not_found")
    for v in (w["A"], w["A2"], w["C"]):
        if v == own_village:
            continue
        if v[:9] in [w["p"][k]["region_code"][:9] for k in hidden]:
            same_404(c.put(f"/regions/{v}/child-count", json={"count": 7, "year": w["y"]}),
                     c.put(f"/regions/{v[:9]}999/child-count",
                           json={"count": 7, "year": w["y"]}), "region_not_found")
    assert snapshot(officer, w) == before, "a refused request changed a platform"
    got = counts(officer, w)
    assert (got.get(w["A2"]), got.get(w["C2"])) == (130, 0), got


def test_director_of_another_village(officer, world):
    w, d = world, world["director_B"]
    assert_outside(d, w, officer, ["A", "S1", "C", "S2"], own_village=w["B"])
    # what it sees: its own village only
    mine = all_platforms(d)
    assert [p["id"] for p in mine] == [w["p"]["B"]["id"]]
    assert listing(d)["total"] == 1
    rep = compliance(d)
    assert rep["total"] == 1 and {p["id"] for p in rep["failing"]} <= {w["p"]["B"]["id"]}
    r = rule100(d)
    assert codes(r["missing"]) | codes(r["uncovered"]) <= {w["B"]}
    assert w["A2"] not in codes(r["missing"])
    assert stats_map(activity_stats(d)) == {(2, f"{w['y']}Q2"): (1, 11, 1)}
    # and writes there
    p = d.patch(f"/platforms/{w['p']['B']['id']}", json={"address": "村委会新址"})
    assert_status(p, 200)
    assert p.json()["address"] == "村委会新址"
    log_activity(d, w["p"]["B"]["id"], f"{w['y']}-11-02", 6, 12, 4)
    assert len(activities(officer, w["p"]["B"]["id"])) == 2
    assert set_count(d, w["B"], 21, w["y"])["child_count"] == 21
    r = d.post("/platforms", json=home_body(w["A2"]))
    same_404(r, d.post("/platforms", json=home_body(w["A2"][:9] + "999")), "region_not_found")
    assert listing(officer, region=w["A2"])["total"] == 0


def test_supervisor_of_another_township(officer, world):
    w, s = world, world["supervisor_S2"]
    assert_outside(s, w, officer, ["A", "B", "S1"])
    mine = {p["id"] for p in all_platforms(s)}
    assert mine == {w["p"]["C"]["id"], w["p"]["S2"]["id"]}
    assert listing(s)["total"] == 2
    assert compliance(s)["total"] == 2
    r = rule100(s)
    assert codes(r["missing"]) | codes(r["uncovered"]) <= {v["code"] for v in w["s2"]["villages"]}
    assert w["C2"] in codes(r["uncovered"]) and w["A2"] not in codes(r["missing"])
    q = f"{w['y']}Q2"
    assert stats_map(activity_stats(s, year=str(w["y"]))) == {(4, q): (1, 13, 3),
                                                              (5, q): (1, 14, 4)}
    # its own township: it writes
    p = s.patch(f"/platforms/{w['p']['S2']['id']}", json={"address": "镇政府一楼"})
    assert_status(p, 200)
    r = s.post("/platforms", json=home_body(w["A2"]))
    same_404(r, s.post("/platforms", json=home_body(w["A2"][:9] + "999")), "region_not_found")


def test_county_officer_of_another_county(officer, world):
    w, y = world, world["yt"]
    assert_outside(y, w, officer, ["A", "B", "S1", "C", "S2"])
    ids = {p["id"] for p in w["p"].values()}
    theirs = all_platforms(y)
    assert not ids & {p["id"] for p in theirs}
    assert listing(y)["total"] == len(theirs)
    rep = compliance(y)
    assert rep["total"] == len(theirs)
    assert not ids & {p["id"] for p in rep["failing"]}
    r = rule100(y)
    assert not [e for e in r["missing"] + r["uncovered"] if e["code"].startswith("220322")]
    # 伊通 has no platforms in these tests: none of 梨树县's activities count there
    assert activity_stats(y, year=str(w["y"])) == []
    assert activity_stats(officer, region=w["s1"]["code"], year=str(w["y"])) != []
    r = y.post("/platforms", json=home_body(w["A2"]))
    same_404(r, y.post("/platforms", json=home_body(w["A2"][:9] + "999")), "region_not_found")
    assert listing(officer, region=w["A2"])["total"] == 0


def test_admin_and_auditor_get_403(officer, world, admin):
    w = world
    pid = w["p"]["A"]["id"]
    before = snapshot(officer, w)
    for c in (admin, w["auditor"]):
        for path, params in (("/platforms", None), (f"/platforms/{pid}", None),
                             (f"/platforms/{pid}/activities", None),
                             ("/platforms/rule100", {"region": w["A"]}),
                             ("/platforms/compliance", {"region": w["A"]}),
                             ("/platforms/compliance/export", {"region": w["A"]}),
                             ("/platforms/activity-stats", {"region": w["A"]}),
                             ("/platforms/name-proposal",
                              {"region": w["A"], "kind": "children_home"})):
            assert_error(c.get(path, params=params), 403, "forbidden")
        assert_error(c.post("/platforms", json=home_body(w["A2"])), 403, "forbidden")
        assert_error(c.patch(f"/platforms/{pid}", json={"address": "管理员改的地址"}), 403,
                     "forbidden")
        assert_error(c.post(f"/platforms/{pid}/activities",
                            json={"held_on": f"{w['y']}-06-01", "function": 6,
                                  "title": "管理员活动", "children": 1, "parents": 1}),
                     403, "forbidden")
        assert_error(c.put(f"/regions/{w['A2']}/child-count",
                           json={"count": 3, "year": w["y"]}), 403, "forbidden")
        assert label_words(c)  # the words are no secret
    assert snapshot(officer, w) == before
    assert listing(officer, region=w["A2"])["total"] == 0
    assert counts(officer, w)[w["A2"]] == 130


def test_province_and_city_read_but_do_not_write(officer, world):
    w = world
    pid = w["p"]["A"]["id"]
    before = snapshot(officer, w)
    for c in (w["province"], w["city_sp"]):
        assert get(c, pid) == before["A"][0]
        assert activities(c, pid) == before["A"][1]
        assert pid in {p["id"] for p in all_platforms(c, region=w["s1"]["code"])}
        assert w["A2"] in codes(rule100(c, region=w["s1"]["code"])["missing"])
        assert compliance(c, region=w["s1"]["code"])["total"] == \
            compliance(officer, region=w["s1"]["code"])["total"]
        assert_error(c.post("/platforms", json=home_body(w["A2"])), 403, "forbidden")
        assert_error(c.patch(f"/platforms/{pid}", json={"address": "上级改的地址"}), 403,
                     "forbidden")
        assert_error(c.post(f"/platforms/{pid}/activities",
                            json={"held_on": f"{w['y']}-06-01", "function": 6,
                                  "title": "上级活动", "children": 1, "parents": 1}),
                     403, "forbidden")
        assert_error(c.put(f"/regions/{w['A2']}/child-count",
                           json={"count": 3, "year": w["y"]}), 403, "forbidden")
    # a city officer of 长春市: 梨树县 is outside its scope
    cc = w["city_cc"]
    same_404(cc.get(f"/platforms/{pid}"), cc.get(f"/platforms/{GHOST}"))
    same_404(cc.get("/platforms/compliance", params={"region": w["s1"]["code"]}),
             cc.get("/platforms/compliance", params={"region": w["s1"]["code"][:6] + "999"}),
             "region_not_found")
    assert snapshot(officer, w) == before
    assert counts(officer, w)[w["A2"]] == 130
