"""The 100-children rule (SPEC §5): a village with 100 or more children must
have its own 儿童之家; villages under 100 may share a regional one that names
them.  `PUT /regions/{village}/child-count` records the counts and
`GET /platforms/rule100` lists the villages that break the rule.

Each test takes whole townships of 梨树县 from the platform_pool, so the lists it
checks are its own.
"""

from conftest import assert_error, assert_status
from helpers import today_cn
from platform_util import (center_body, codes, create, get, home_body, last_year, listing,
                           patch, rule100, set_count)


def entry(body, code):
    got = [e for e in body["missing"] + body["uncovered"] if e["code"] == code]
    assert len(got) == 1, f"{code} listed {len(got)} times: {body}"
    return got[0]


def test_rule100_before_and_after_homes(officer, platform_pool):
    t = platform_pool.township(min_villages=8)
    vs = [v["code"] for v in t["villages"]]
    names = {v["code"]: v["name"] for v in t["villages"]}
    big, edge, small, near, uncounted, far_small, other = vs[:7]
    y = last_year()

    # nothing counted, no homes: every village is "under 100 or not counted"
    # and served by none
    r = rule100(officer, region=t["code"])
    assert r["missing"] == [] and codes(r["uncovered"]) == set(vs)
    e = entry(r, big)
    assert e["name"] == names[big]
    assert e["child_count"] is None and e["child_count_year"] is None

    got = set_count(officer, big, 150, y)
    assert (got["code"], got["child_count"], got["child_count_year"]) == (big, 150, y)
    assert got["name"] == names[big]
    set_count(officer, edge, 100, y)  # the rule says "100 or more"
    set_count(officer, small, 30, y)
    set_count(officer, near, 99, y)
    set_count(officer, far_small, 0, y)
    set_count(officer, other, 120, today_cn().year)

    r = rule100(officer, region=t["code"])
    assert codes(r["missing"]) == {big, edge, other}
    assert codes(r["uncovered"]) == set(vs) - {big, edge, other}
    assert entry(r, big)["child_count"] == 150 and entry(r, big)["child_count_year"] == y
    assert entry(r, near)["child_count"] == 99
    assert entry(r, uncounted)["child_count"] is None
    assert entry(r, other)["child_count_year"] == today_cn().year
    assert [e["code"] for e in r["missing"]] == sorted(codes(r["missing"])), "sorted by code"

    # big gets its own home
    home = create(officer, home_body(big))
    r = rule100(officer, region=t["code"])
    assert codes(r["missing"]) == {edge, other}
    assert big not in codes(r["uncovered"])

    # a regional home in `near` (99) serving `small` (30) and `edge` (100)
    reg = create(officer, home_body(near, regional=True, serves=[small, edge]))
    r = rule100(officer, region=t["code"])
    assert codes(r["missing"]) == {edge, other}, "a village of 100 needs its own home"
    assert codes(r["uncovered"]) == set(vs) - {big, edge, other, near, small}
    assert uncounted in codes(r["uncovered"]) and far_small in codes(r["uncovered"])

    # edge drops under 100: now covered by the regional home, listed nowhere
    set_count(officer, edge, 80, y)
    r = rule100(officer, region=t["code"])
    assert codes(r["missing"]) == {other}
    assert edge not in codes(r["uncovered"])
    # big drops under 100: its own home serves it
    set_count(officer, big, 60, y)
    r = rule100(officer, region=t["code"])
    assert big not in codes(r["missing"]) | codes(r["uncovered"])
    set_count(officer, big, 150, y)

    # a township's centre covers no village
    create(officer, center_body(t["code"]))
    assert codes(rule100(officer, region=t["code"])["uncovered"]) == \
        set(vs) - {big, edge, other, near, small}

    # closing the regional home uncovers its villages again
    patch(officer, reg["id"], {"status": "closed"})
    r = rule100(officer, region=t["code"])
    assert {near, small, edge} <= codes(r["uncovered"])
    patch(officer, reg["id"], {"status": "active"})
    r = rule100(officer, region=t["code"])
    assert not {near, small, edge} & codes(r["uncovered"])
    # closing big's own home puts big back on the missing list
    patch(officer, home["id"], {"status": "closed"})
    assert big in codes(rule100(officer, region=t["code"])["missing"])

    # a village's own view, and the county's (which holds the township's)
    rv = rule100(officer, region=big)
    assert codes(rv["missing"]) == {big} and rv["uncovered"] == []
    county = rule100(officer)
    assert {big, other} <= codes(county["missing"])


def test_serves_of_a_home_that_is_not_regional_cover_nothing(officer, platform_pool):
    a, b = (x["code"] for x in platform_pool.villages(2))
    r = officer.post("/platforms", json=home_body(a, serves=[b]))
    if r.status_code == 201:
        p = r.json()
        assert p["regional"] is False
        assert [s["code"] for s in p["serves"]] == [a], "serves recorded on a non-regional home"
    else:
        assert_error(r, 400, r.json()["error"]["code"], field="serves")
    assert b in codes(rule100(officer, region=b)["uncovered"])


def test_child_count_input(officer, platform_pool, province):
    v = platform_pool.village()["code"]
    t = {"code": v[:9]}
    y = last_year()
    set_count(officer, v, 42, y)
    bad = [
        ({"count": -1, "year": y}, "count"),
        ({"count": "42", "year": y}, "count"),
        ({"count": 4.5, "year": y}, "count"),
        ({"count": None, "year": y}, "count"),
        ({"count": True, "year": y}, "count"),
        ({"count": 42, "year": today_cn().year + 1}, "year"),
        ({"count": 42, "year": str(y)}, "year"),
        ({"count": 42, "year": 1899}, "year"),
    ]
    for body, field in bad:
        r = officer.put(f"/regions/{v}/child-count", json=body)
        assert_error(r, 400, "invalid_field", field=field)
    r = officer.put(f"/regions/{v}/child-count", json={"count": 1, "year": y, "note": "x"})
    assert_error(r, 400, "unknown_field", field="note")
    for body, field in (({"year": y}, "count"), ({"count": 5}, "year")):
        r = officer.put(f"/regions/{v}/child-count", json=body)
        assert r.status_code == 400, r.text
        assert_error(r, 400, r.json()["error"]["code"], field=field)
    # a township is not a village
    r = officer.put(f"/regions/{t['code']}/child-count", json={"count": 5, "year": y})
    assert r.status_code == 400, r.text
    assert_error(r, 400, r.json()["error"]["code"])
    r = officer.put("/regions/2203221/child-count", json={"count": 5, "year": y})
    assert_error(r, 400, "invalid_region")
    # province and city officers read but do not write
    r = province.put(f"/regions/{v}/child-count", json={"count": 5, "year": y})
    assert_error(r, 403, "forbidden")
    # nothing of that was written
    e = entry(rule100(officer, region=v), v)
    assert (e["child_count"], e["child_count_year"]) == (42, y)
    # a later count replaces the earlier one
    set_count(officer, v, 43, today_cn().year)
    e = entry(rule100(officer, region=v), v)
    assert (e["child_count"], e["child_count_year"]) == (43, today_cn().year)


def test_regional_serves_stay_in_the_township(officer, platform_pool, yt_officer, staff):
    a, b = (x["code"] for x in platform_pool.villages(2))
    t = {"code": a[:9]}
    foreign = platform_pool.other_township_village(t["code"])
    r = yt_officer.get("/regions", params={"parent": "220323102"})
    assert_status(r, 200)
    yt_village = [i["code"] for i in r.json()["items"] if i["level"] == "village"][0]
    # another township of the same county
    r = officer.post("/platforms", json=home_body(a, regional=True, serves=[b, foreign]))
    assert_error(r, 400, "invalid_field", field="serves")
    # not a village
    r = officer.post("/platforms", json=home_body(a, regional=True, serves=[t["code"]]))
    assert_error(r, 400, "invalid_field", field="serves")
    # another county (outside the caller's scope): refused like an absent region
    r = officer.post("/platforms", json=home_body(a, regional=True, serves=[yt_village]))
    ghost = officer.post("/platforms", json=home_body(a, regional=True,
                                                      serves=[t["code"] + "999"]))
    assert r.status_code == ghost.status_code and r.status_code in (400, 404), r.text
    assert r.json() == ghost.json()
    for bad in ("220322", 220322100201, [b], ""):
        r = officer.post("/platforms", json=home_body(a, regional=True, serves=[bad]))
        assert r.status_code == 400, (bad, r.text)
        assert_error(r, 400, r.json()["error"]["code"], field="serves")
    assert listing(officer, region=a)["total"] == 0
    # a supervisor's scope is its township: a village of another township is
    # outside it
    sup = staff.user("supervisor", t["code"])
    r = sup.post("/platforms", json=home_body(a, regional=True, serves=[foreign]))
    assert r.status_code in (400, 404), r.text
    assert_error(r, r.status_code, r.json()["error"]["code"], field="serves")
    p = create(sup, home_body(a, regional=True, serves=[b]))
    r = officer.patch(f"/platforms/{p['id']}", json={"serves": [foreign]})
    assert_error(r, 400, "invalid_field", field="serves")
    assert get(officer, p["id"]) == p


def test_rule100_lists_page_and_say_when_cut(officer, platform_pool):
    """No silent cap: both lists page together and `truncated` says when a
    list holds only a part."""
    t = platform_pool.township(min_villages=6)
    vs = sorted(v["code"] for v in t["villages"])
    y = last_year()
    big = vs[:3]
    for v in big:
        set_count(officer, v, 200, y)
    whole = rule100(officer, region=t["code"])
    assert [e["code"] for e in whole["missing"]] == big
    assert [e["code"] for e in whole["uncovered"]] == vs[3:]
    seen_m, seen_u, page = [], [], 1
    while True:
        r = rule100(officer, region=t["code"], page=page, page_size=2)
        assert (r["missing_total"], r["uncovered_total"]) == (3, len(vs) - 3), r
        assert len(r["missing"]) <= 2 and len(r["uncovered"]) <= 2
        assert r["truncated"] is True, "a part of a list, never said"
        seen_m += [e["code"] for e in r["missing"]]
        seen_u += [e["code"] for e in r["uncovered"]]
        if not r["missing"] and not r["uncovered"]:
            break
        page += 1
    assert seen_m == big and seen_u == vs[3:], "every village once, in code order"
    # one page holding everything is not cut
    r = rule100(officer, region=t["code"], page=1, page_size=1000)
    assert r["truncated"] is False and r["missing"] == whole["missing"]
    for bad in ({"page": "0"}, {"page": "x"}, {"page_size": "0"},
                {"page_size": "1001"}, {"page_size": "-5"}):
        r = officer.get("/platforms/rule100", params={"region": t["code"], **bad})
        assert_error(r, 400, "invalid_query", field=next(iter(bad)))
