"""The watch list (监测预防, SPEC §6 "Monitoring"): GET /watchlist gives
each director and supervisor the children of its scope with a
key-attention flag, those not visited for N days, and the left-behind
children without a guardian on record — kept to the scope, and answering
to the record as it changes."""

import datetime as dt

import pytest

from case_util import DH_COUNTY, YS_TOWN_2, YS_TOWN_3, CITY_CC
from children_util import FLAG_LABELS, LIST_ITEM_KEYS, child_body, create, patch
from conftest import assert_error, assert_status
from helpers import MASKED_ID, iso, today_cn

WATCH_KEYS = {"flags", "days", "not_visited_total", "not_visited",
              "left_behind_without_guardian"}


def watch(c, **params):
    r = c.get("/watchlist", params=params)
    assert_status(r, 200)
    body = r.json()
    assert set(body) >= WATCH_KEYS, f"watch list lacks {sorted(WATCH_KEYS - set(body))}"
    groups = body["flags"]
    assert [g["flag"] for g in groups] and set(g["flag"] for g in groups) == set(FLAG_LABELS)
    for g in groups:
        assert set(g) >= {"flag", "label", "total", "items"}, g
        assert g["label"] == FLAG_LABELS[g["flag"]]
        assert isinstance(g["total"], int) and g["total"] >= len(g["items"])
        for it in g["items"]:
            assert set(it) >= LIST_ITEM_KEYS, sorted(set(it))
            assert g["flag"] in it["flags"], (g["flag"], it)
    assert isinstance(body["not_visited_total"], int)
    assert body["not_visited_total"] >= len(body["not_visited"])
    return body


def flag_ids(body):
    return {g["flag"]: {i["id"] for i in g["items"]} for g in body["flags"]}


def flag_totals(body):
    return {g["flag"]: g["total"] for g in body["flags"]}


def idset(items):
    return {i["id"] for i in items}


def visit(day):
    return {"visit_date": iso(day), "visitor": "王主任", "met": "祖父",
            "findings": {"living": "良好", "guardianship": "一般",
                         "mental_health": "正常", "education": "在校"},
            "risk_level": "low", "follow_up": "下月再访"}


GUARDIAN = {"name": "张大山", "relationship": "祖父", "phone": "13900001111"}
MIGRANT = {"father": "migrant_out_province", "mother": "migrant_in_province"}
HOME = {"father": "at_home", "mother": "at_home"}


class Village:
    """A fresh village with one child for each list of the watch list."""

    def __init__(self, staff, pool, township=YS_TOWN_3):
        self.code, self.name = pool.take(township)
        self.d = staff.user("director", self.code)
        v, d = self.code, self.d
        t = today_cn()
        self.unsup = create(d, child_body(v, guardianship="none", **HOME))
        self.poor = create(d, child_body(v, guardianship="poor", **HOME))
        self.drop = create(d, child_body(v, education="dropped_out",
                                         dropout_explanation="2025年9月起辍学，已联系学校劝返",
                                         **HOME))
        self.nohukou = create(d, child_body(v, with_id=False, **HOME))
        self.ill = create(d, child_body(v, health="ill", illness="哮喘", **HOME))
        self.dis = create(d, child_body(v, disability={"type": "肢体残疾", "grade": "二级",
                                                       "certificate_no": "22018220150101123442"},
                                        **HOME))
        self.lb_alone = create(d, child_body(v, **MIGRANT))
        self.lb_guarded = create(d, child_body(v, guardian=dict(GUARDIAN), **MIGRANT))
        self.visited = create(d, child_body(v, **HOME))
        self.old_visit = create(d, child_body(v, **HOME))
        self.gone = create(d, child_body(v, guardianship="none", **MIGRANT))
        assert_status(d.post(f"/children/{self.visited['id']}/visits", json=visit(t)), 201)
        assert_status(d.post(f"/children/{self.old_visit['id']}/visits",
                             json=visit(t - dt.timedelta(days=100))), 201)
        r = d.post(f"/children/{self.gone['id']}/exit",
                   json={"reason": "moved_away", "date": iso(t), "note": "迁出本村"})
        assert_status(r, 200)
        self.active = [self.unsup, self.poor, self.drop, self.nohukou, self.ill,
                       self.dis, self.lb_alone, self.lb_guarded, self.visited,
                       self.old_visit]
        self.all_ids = {c["id"] for c in self.active} | {self.gone["id"]}


@pytest.fixture(scope="module")
def vil(staff, village_pool):
    return Village(staff, village_pool)


def test_a_directors_watch_list(vil):
    for c, fl in ((vil.unsup, "unsupervised"), (vil.poor, "poor_guardianship"),
                  (vil.drop, "dropout"), (vil.nohukou, "no_hukou"), (vil.ill, "ill"),
                  (vil.dis, "disabled")):
        assert fl in c["flags"], (fl, c["classification"])
    assert "left_behind" in vil.lb_alone["categories"] and vil.lb_alone["guardian"] is None
    assert "left_behind" in vil.lb_guarded["categories"]
    body = watch(vil.d)
    assert body["days"] == 90
    want = {"unsupervised": {vil.unsup["id"]}, "poor_guardianship": {vil.poor["id"]},
            "dropout": {vil.drop["id"]}, "no_hukou": {vil.nohukou["id"]},
            "ill": {vil.ill["id"]}, "disabled": {vil.dis["id"]}}
    assert flag_ids(body) == want, "flagged children (the exited one left out)"
    assert flag_totals(body) == {k: len(v) for k, v in want.items()}
    # Not visited for 90 days: never visited, or last visited 100 days ago.
    never = {c["id"] for c in vil.active} - {vil.visited["id"]}
    assert idset(body["not_visited"]) == never
    assert body["not_visited_total"] == len(never)
    lb = body["left_behind_without_guardian"]
    assert idset(lb) == {vil.lb_alone["id"]}
    assert lb[0]["guardian_name"] is None and "left_behind" in lb[0]["categories"]
    for it in body["not_visited"]:
        assert it["region_code"] == vil.code and it["status"] == "active"
    # Another number of days.
    body = watch(vil.d, days=120)
    assert body["days"] == 120
    assert idset(body["not_visited"]) == never - {vil.old_visit["id"]}
    body = watch(vil.d, days=1)
    assert idset(body["not_visited"]) == never  # the 100-day-old visit too


def test_the_watch_list_follows_the_records(staff, village_pool):
    v = Village(staff, village_pool)
    d = v.d
    # a guardian on record takes the child off the list; a parent back home
    # ends its being left behind
    patch(d, v.lb_alone["id"], {"guardian": dict(GUARDIAN)})
    assert idset(watch(d)["left_behind_without_guardian"]) == set()
    patch(d, v.lb_guarded["id"], {"guardian": None})
    assert idset(watch(d)["left_behind_without_guardian"]) == {v.lb_guarded["id"]}
    patch(d, v.lb_guarded["id"], {"mother": {"status": "at_home"}})
    assert idset(watch(d)["left_behind_without_guardian"]) == set()
    # a visit today takes a child off the not-visited list
    assert_status(d.post(f"/children/{v.unsup['id']}/visits", json=visit(today_cn())), 201)
    assert v.unsup["id"] not in idset(watch(d)["not_visited"])
    # guardianship restored: no longer flagged
    patch(d, v.unsup["id"], {"guardianship": "fair"})
    assert flag_ids(watch(d))["unsupervised"] == set()


def test_the_watch_list_keeps_to_the_scope(vil, staff, village_pool):
    other_code, _ = village_pool.take(YS_TOWN_3)
    other = staff.user("director", other_code)
    stranger = create(other, child_body(other_code, guardianship="none", **MIGRANT))
    sup = staff.user("supervisor", YS_TOWN_3)
    sup2 = staff.user("supervisor", YS_TOWN_2)
    county_dh = staff.user("county", DH_COUNTY)

    def everyone(body):
        out = set()
        for g in body["flags"]:
            out |= idset(g["items"])
        return out | idset(body["not_visited"]) | idset(body["left_behind_without_guardian"])

    # The other village's director: its own child, nothing of ours.
    b = watch(other)
    assert everyone(b) == {stranger["id"]}
    assert flag_totals(b)["unsupervised"] == 1 and b["not_visited_total"] == 1
    assert idset(b["left_behind_without_guardian"]) == {stranger["id"]}
    # Ours: nothing of the other village.
    b = watch(vil.d)
    assert stranger["id"] not in everyone(b)
    # The township's supervisor: both villages.
    b = watch(sup)
    assert vil.unsup["id"] in flag_ids(b)["unsupervised"]
    assert stranger["id"] in flag_ids(b)["unsupervised"]
    assert {vil.lb_alone["id"], stranger["id"]} <= idset(b["left_behind_without_guardian"])
    assert vil.lb_guarded["id"] not in idset(b["left_behind_without_guardian"])
    assert vil.gone["id"] not in everyone(b)
    # Another township, another county: none of them.
    for c in (sup2, county_dh):
        assert not (everyone(watch(c)) & (vil.all_ids | {stranger["id"]}))


def test_city_and_province_see_masked_numbers(vil, staff):
    city = staff.user("city", CITY_CC)
    b = watch(city)
    mine = [it for g in b["flags"] for it in g["items"] if it["id"] in vil.all_ids]
    mine += [it for it in b["left_behind_without_guardian"] if it["id"] in vil.all_ids]
    assert mine, "the city's watch list has none of the village's children"
    for it in mine:
        if it["id_number"] is not None:
            assert MASKED_ID.match(it["id_number"]), it["id_number"]


@pytest.mark.parametrize("days", ["0", "-1", "abc", "1.5", "10000", ""])
def test_bad_days(vil, days):
    assert_error(vil.d.get("/watchlist", params={"days": days}), 400, "invalid_query", "days")


def test_days_bounds(vil):
    assert watch(vil.d, days=1)["days"] == 1
    assert watch(vil.d, days=3650)["days"] == 3650


@pytest.mark.parametrize("days", ["3651", "9999"])
def test_days_over_ten_years_are_refused_as_days(vil, days):
    assert_error(vil.d.get("/watchlist", params={"days": days}), 400, "invalid_query", "days")


def test_admin_and_auditor_get_no_watch_list(staff, admin):
    auditor = staff.user("auditor", "22")
    for c in (admin, auditor):
        assert_error(c.get("/watchlist"), 403, "forbidden")


def test_left_behind_without_guardian_beyond_the_first_200(staff, village_pool):
    code, _ = village_pool.take(YS_TOWN_3)
    d = staff.user("director", code)
    for _ in range(200):
        create(d, child_body(code, guardian=dict(GUARDIAN), **MIGRANT))
    alone = create(d, child_body(code, **MIGRANT))
    r = d.get("/children", params={"category": "left_behind", "page_size": 1})
    assert_status(r, 200)
    assert r.json()["total"] == 201
    b = watch(d)
    assert alone["id"] in idset(b["left_behind_without_guardian"]), (
        "the 201st left-behind child (no guardian) is missing")
