"""Coverage of the posts (SPEC §3.1, docs/API.md `GET /staff/coverage`):
townships without an active 儿童督导员 and villages without an active 儿童主任,
counted and listed per child region, at any date; and its xlsx export.

Each test works in a county (or township) no other test uses, so every number
is known: the expectation is computed from the posts the test registered."""

import pytest

from conftest import assert_error, assert_status
from helpers import XLSX_TYPE, days_ago, iso, today_cn, xlsx_rows
from workforce_util import (CITY, COVERAGE_ITEM_KEYS, NA_COUNTY, coverage, director_body,
                            leave, register, supervisor_body)


class Model:
    """The posts of one county as the test registered them."""

    def __init__(self, county, townships, villages):
        self.county = county
        self.townships = townships  # [{code,name}]
        self.villages = villages  # township code -> [{code,name}]
        self.spells = {}  # post region code -> [(appointed_on, left_on|None)]

    def add(self, code, appointed, left=None):
        self.spells.setdefault(code, []).append((appointed, left))

    def covered(self, code, date):
        return any(a <= date and (lft is None or lft > date)
                   for a, lft in self.spells.get(code, []))

    def item(self, t, date):
        vs = self.villages[t["code"]]
        vc = sum(self.covered(v["code"], date) for v in vs)
        return {"code": t["code"], "name": t["name"], "level": "township",
                "townships": 1, "townships_covered": int(self.covered(t["code"], date)),
                "villages": len(vs), "villages_covered": vc}

    def uncovered(self, date):
        out = set()
        for t in self.townships:
            if not self.covered(t["code"], date):
                out.add((t["code"], "township", "儿童督导员"))
            for v in self.villages[t["code"]]:
                if not self.covered(v["code"], date):
                    out.add((v["code"], "village", "儿童主任"))
        return out


def pct(part, whole):
    return 100.0 * part / whole if whole else None


def check_pcts(x):
    for kind in ("township", "village"):
        whole, part = x[kind + "s"], x[kind + "s_covered"]
        assert 0 <= part <= whole, x
        p = x[kind + "_pct"]
        assert isinstance(p, (int, float)) and not isinstance(p, bool), x
        if whole:
            assert p == pytest.approx(pct(part, whole), abs=0.05), x


def check_against(model, got, date):
    assert got["region_code"] == model.county["code"]
    assert got["region_name"] == model.county["name"]
    assert got["date"] == date
    items = got["items"]
    assert [i["code"] for i in items] == [t["code"] for t in model.townships], (
        "one item per township of the county, in code order")
    for i, t in zip(items, model.townships):
        assert COVERAGE_ITEM_KEYS <= set(i), i
        want = model.item(t, date)
        assert {k: i[k] for k in want} == want, f"{t['name']} at {date}"
        check_pcts(i)
    tot = got["total"]
    for k in ("townships", "townships_covered", "villages", "villages_covered"):
        assert tot[k] == sum(i[k] for i in items), (k, tot)
    check_pcts(tot)
    unc = {(u["code"], u["level"], u["missing"]) for u in got["uncovered"]}
    assert unc == model.uncovered(date), f"uncovered at {date}"
    assert len(got["uncovered"]) == len(unc), "a post listed twice"
    names = {t["code"]: t["name"] for t in model.townships}
    for vs in model.villages.values():
        names.update({v["code"]: v["name"] for v in vs})
    for u in got["uncovered"]:
        assert u["name"] == names[u["code"]], u
    return tot


@pytest.fixture(scope="module")
def world(region_pool, staff):
    """A county of 长春市 nobody else uses, its officer, and the posts of two
    townships registered with appointment and leaving dates around today:

      T1  supervisor since 2018-08-20
          V1a director since 2018-08-25
          V1b director appointed today
          V1c director 2018-08-25 .. left 7 days ago
      T2  supervisor appointed today
          V2a director since 30 days ago
    """
    county = region_pool.take_county(CITY)
    code = county["code"]
    officer = staff.user("county", code)
    townships = [{"code": t["code"], "name": t["name"]} for t in county["townships"]]
    villages = {t["code"]: [{"code": v["code"], "name": v["name"]}
                            for v in region_pool.villages(t["code"])] for t in townships}
    m = Model({"code": code, "name": county["name"]}, townships, villages)
    m.before = coverage(officer)
    big = [t for t in townships if len(villages[t["code"]]) >= 3]
    small = [t for t in townships if t not in big[:1] and villages[t["code"]]]
    t1, t2 = big[0], small[0]
    v1a, v1b, v1c = (v["code"] for v in villages[t1["code"]][:3])
    v2a = villages[t2["code"]][0]["code"]
    today, week, month = iso(today_cn()), days_ago(7), days_ago(30)
    register(officer, supervisor_body(t1["code"], appointed_on="2018-08-20"))
    m.add(t1["code"], "2018-08-20")
    register(officer, director_body(v1a, appointed_on="2018-08-25"))
    m.add(v1a, "2018-08-25")
    register(officer, director_body(v1b, appointed_on=today))
    m.add(v1b, today)
    c = register(officer, director_body(v1c, appointed_on="2018-08-25"))
    leave(officer, c["id"], week, reason="外出务工")
    m.add(v1c, "2018-08-25", week)
    register(officer, supervisor_body(t2["code"], appointed_on=today))
    m.add(t2["code"], today)
    register(officer, director_body(v2a, appointed_on=month))
    m.add(v2a, month)
    m.officer, m.t1, m.t2 = officer, t1, t2
    m.v1a, m.v1b, m.v1c, m.v2a = v1a, v1b, v1c, v2a
    return m


def test_fresh_county_has_nobody_in_post(world):
    got = world.before
    tot = got["total"]
    assert tot["townships"] == len(world.townships)
    assert tot["villages"] == sum(len(v) for v in world.villages.values())
    assert tot["townships_covered"] == 0 and tot["villages_covered"] == 0
    assert tot["township_pct"] == 0 and tot["village_pct"] == 0
    assert got["date"] == iso(today_cn()), "the date defaults to today (China)"
    assert len(got["uncovered"]) == tot["townships"] + tot["villages"]


def test_counts_and_lists_today(world):
    got = coverage(world.officer)
    tot = check_against(world, got, iso(today_cn()))
    assert tot["townships_covered"] == 2
    assert tot["villages_covered"] == 3
    i1 = next(i for i in got["items"] if i["code"] == world.t1["code"])
    n1 = len(world.villages[world.t1["code"]])
    assert i1["township_pct"] == pytest.approx(100.0)
    assert i1["village_pct"] == pytest.approx(200.0 / n1, abs=0.05)


@pytest.mark.parametrize("when", ["yesterday", "10 days ago", "2018-08-21",
                                  "2018-08-19", "2018-08-25"])
def test_counts_and_lists_at_a_date(world, when):
    date = {"yesterday": days_ago(1), "10 days ago": days_ago(10)}.get(when, when)
    got = coverage(world.officer, date=date)
    tot = check_against(world, got, date)
    expect = {
        # appointed today: not counted yesterday; the one who left 7 days ago
        # is no longer in post
        "yesterday": (1, 2),
        # before the leaving: V1c still covered
        "10 days ago": (1, 3),
        "2018-08-21": (1, 0),
        "2018-08-19": (0, 0),
        "2018-08-25": (1, 2),
    }[when]
    assert (tot["townships_covered"], tot["villages_covered"]) == expect


def test_person_appointed_today_is_not_counted_yesterday(world):
    unc_y = {u["code"] for u in coverage(world.officer, date=days_ago(1))["uncovered"]}
    unc_t = {u["code"] for u in coverage(world.officer)["uncovered"]}
    assert world.v1b in unc_y and world.v1b not in unc_t
    assert world.t2["code"] in unc_y and world.t2["code"] not in unc_t


def test_person_who_left_last_week_is_counted_before_leaving(world):
    for date, covered in ((days_ago(8), True), (days_ago(10), True),
                          (days_ago(6), False), (iso(today_cn()), False)):
        unc = {u["code"] for u in coverage(world.officer, date=date)["uncovered"]}
        assert (world.v1c not in unc) == covered, date


def test_city_item_matches_the_county(world, staff):
    city = staff.user("city", CITY)
    for date in (iso(today_cn()), days_ago(10), "2018-08-21"):
        c = coverage(city, region=CITY, date=date)
        assert c["region_code"] == CITY and c["date"] == date
        assert all(i["level"] == "county" for i in c["items"])
        item = next(i for i in c["items"] if i["code"] == world.county["code"])
        county_tot = coverage(world.officer, date=date)["total"]
        for k in ("townships", "townships_covered", "villages", "villages_covered"):
            assert item[k] == county_tot[k], (date, k)
        check_pcts(item)
        for k in ("townships", "townships_covered", "villages", "villages_covered"):
            assert c["total"][k] == sum(i[k] for i in c["items"]), k
    # the county officer asks about the city: outside its scope
    assert_error(world.officer.get("/staff/coverage", params={"region": CITY}), 404,
                 "region_not_found")


def test_director_sees_its_village(world, staff):
    d = staff.user("director", world.v1a)
    got = coverage(d)
    assert got["region_code"] == world.v1a
    assert [i["code"] for i in got["items"]] == [world.v1a]
    assert got["total"]["villages"] == 1 and got["total"]["villages_covered"] == 1
    assert got["uncovered"] == []
    d2 = staff.user("director", world.v1b)
    got = coverage(d2, date=days_ago(1))
    assert got["total"]["villages_covered"] == 0
    assert [u["code"] for u in got["uncovered"]] == [world.v1b]


def test_supervisor_sees_its_township_villages(world, staff):
    s = staff.user("supervisor", world.t1["code"])
    got = coverage(s)
    assert got["region_code"] == world.t1["code"]
    vs = world.villages[world.t1["code"]]
    # The township's own post has a row of its own ("本级"), last.
    assert [i["code"] for i in got["items"] if len(i["code"]) == 12] == [v["code"] for v in vs]
    own = [i for i in got["items"] if i["code"] == world.t1["code"]]
    assert len(own) == 1 and own[0]["townships"] == 1 and own[0]["villages"] == 0
    for i in got["items"]:
        if i["code"] == world.t1["code"]:
            continue
        assert i["level"] == "village"
        assert i["villages"] == 1
        assert i["villages_covered"] == int(world.covered(i["code"], iso(today_cn())))
    assert got["total"]["villages"] == len(vs)
    assert got["total"]["villages_covered"] == 2
    assert {u["code"] for u in got["uncovered"] if u["level"] == "village"} == {
        v["code"] for v in vs if not world.covered(v["code"], iso(today_cn()))}


def test_township_coverage_counts_its_own_supervisor_post(world, staff):
    s = staff.user("supervisor", world.t1["code"])
    got = coverage(s)
    assert got["total"]["townships"] == 1
    assert got["total"]["townships_covered"] == 1
    other = world.townships[-1]
    assert not world.covered(other["code"], iso(today_cn()))
    got = coverage(world.officer, region=other["code"])
    listed = [u for u in got["uncovered"] if u["level"] == "township"]
    assert len(listed) == got["total"]["townships"] - got["total"]["townships_covered"]


def test_uncovered_list_is_complete_for_a_city(staff):
    city = staff.user("city", CITY)
    got = coverage(city)
    tot = got["total"]
    missing = (tot["townships"] - tot["townships_covered"]
               + tot["villages"] - tot["villages_covered"])
    assert missing > 500, "长春市 has more than 500 posts"
    # Decided: the list is capped at 500 and says so; the total is exact.
    assert len(got["uncovered"]) == 500
    assert got["uncovered_total"] == missing
    assert got["uncovered_truncated"] is True


# --------------------------------------------------------------------------
# the xlsx export


def test_export_opens_with_region_path_and_date(world):
    date = days_ago(10)
    r = world.officer.get("/staff/coverage/export", params={"date": date})
    assert_status(r, 200)
    assert r.headers.get("Content-Type", "").split(";")[0] == XLSX_TYPE
    assert r.content[:2] == b"PK"
    rows = xlsx_rows(r.content)
    head = " ".join(str(c) for row in rows[:4] for c in row)
    path = f"吉林省 / 长春市 / {world.county['name']}"
    assert path in head, f"region path missing from the header: {rows[:4]}"
    assert date in head, f"date missing from the header: {rows[:4]}"
    # one row per township with the same numbers as the JSON, then the total
    cov = coverage(world.officer, date=date)
    by_name = {str(row[0]): row for row in rows}
    for i in cov["items"]:
        row = by_name.get(i["name"])
        assert row is not None, f"no row for {i['name']}"
        nums = [x for x in row[1:] if x != ""]
        assert [int(float(n)) for n in nums[:2]] == [i["townships"], i["townships_covered"]], row
        assert int(float(nums[3])) == i["villages"] and int(float(nums[4])) == i["villages_covered"], row
    flat = [str(c) for row in rows for c in row]
    assert str(cov["total"]["villages"]) in flat


def test_export_defaults_to_today_and_keeps_to_scope(world, staff):
    r = world.officer.get("/staff/coverage/export")
    assert_status(r, 200)
    rows = xlsx_rows(r.content)
    head = " ".join(str(c) for row in rows[:4] for c in row)
    assert iso(today_cn()) in head
    assert_error(world.officer.get("/staff/coverage/export", params={"region": NA_COUNTY}),
                 404, "region_not_found")
    assert_error(world.officer.get("/staff/coverage/export", params={"date": "2018-02-30"}),
                 400, "invalid_query")


# --------------------------------------------------------------------------
# malformed queries


@pytest.mark.parametrize("date", ["2018-13-01", "2018-02-30", "20180801", "yesterday",
                                  "2018-8-1", ""])
def test_malformed_date(world, date):
    r = world.officer.get("/staff/coverage", params={"date": date})
    assert_error(r, 400, "invalid_query", "date")


def test_malformed_or_unknown_region(world):
    assert_error(world.officer.get("/staff/coverage", params={"region": "22x"}), 400,
                 "invalid_region")
    code = world.county["code"]
    assert_error(world.officer.get("/staff/coverage", params={"region": code + "999"}),
                 404, "region_not_found")
