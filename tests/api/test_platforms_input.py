"""Bad input to the platform endpoints: each refusal has the SPEC §12 error
shape (status, code, Chinese message, the field at fault) and writes nothing.
"""

import pytest

from conftest import assert_error, assert_status
from helpers import days_ago, days_ahead
from platform_util import (EQUIPMENT, activities, activity_stats, center_body, create,
                           get, home_body, last_year, listing, register_director)


DATE_CODES = ("invalid_field", "future_date")  # API.md names both for dates


def refused(r, status, code, field=None):
    """The error shape; `code` and `field` may be tuples of accepted ones."""
    assert r.status_code == status, (
        f"{r.request.method} {r.request.url}: expected {status}, got {r.status_code}: "
        f"{r.text[:400]}")
    try:
        got = r.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        got = None
    err = assert_error(r, status, got)
    codes = code if isinstance(code, tuple) else (code,)
    assert err["code"] in codes, f"{r.request.method} {r.request.url}: {err} not {codes}"
    if field is not None:
        fields = field if isinstance(field, tuple) else (field,)
        assert err.get("field") in fields, f"{err} names not {fields}"
    return err


def std(section, key):
    """A field of `standard`: the leaf name or its dotted path."""
    return (key, f"standard.{section}.{key}")


@pytest.fixture(scope="module")
def place(officer, platform_pool):
    """A township with a director in its first village and a supervisor."""
    v, w = platform_pool.villages(2)
    t = {"code": v["township"], "name": v["township_name"], "villages": [v, w]}
    return {"t": t, "v": v["code"], "d": register_director(officer, v["code"])}


def _cases(place):
    v, t = place["v"], place["t"]["code"]
    other_v = place["t"]["villages"][1]["code"]
    H = lambda **kw: home_body(v, **kw)  # noqa: E731
    return [
        # unknown fields, at the top and inside `standard`
        ("unknown top", H(colour="red"), 400, "unknown_field", "colour"),
        ("status on create", H(status="active"), 400, "unknown_field", "status"),
        ("version", H(version=1), 400, "unknown_field", "version"),
        ("unknown standard part", H(standard={"tools": {}}), 400, "unknown_field", "tools"),
        ("unknown place fact", H(standard={"place": {"height": 3}}), 400, "unknown_field",
         "height"),
        ("unknown equipment", H(standard={"equipment": {"piano": 1}}), 400,
         "unknown_field", "piano"),
        ("unknown rule", H(standard={"rules": {"fire_drill": "2020-01-01"}}), 400,
         "unknown_field", "fire_drill"),
        # kinds and levels
        ("no kind", {k: x for k, x in H().items() if k != "kind"}, 400, "missing_field", "kind"),
        ("kind number", H(kind=1), 400, "invalid_field", "kind"),
        ("kind code", H(kind="home"), 400, "invalid_field", "kind"),
        ("kind label", H(kind="儿童之家"), 400, "invalid_field", "kind"),
        ("home on a township", home_body(t), 400, "invalid_field", "region_code"),
        ("home on a county", home_body("220322"), 400, "invalid_field", "region_code"),
        ("centre on a village", center_body(v), 400, "invalid_field", "region_code"),
        ("station on a village", center_body(v, kind="protection_station"), 400,
         "invalid_field", "region_code"),
        ("no region", {k: x for k, x in H().items() if k != "region_code"}, 400,
         "missing_field", "region_code"),
        ("region number", H(region_code=220322100201), 400, "invalid_field", "region_code"),
        ("malformed region", H(region_code="2203221002"), 400, "invalid_region", None),
        ("absent village", H(region_code=t + "999"), 404, "region_not_found", None),
        # hosts
        ("no host", {k: x for k, x in H().items() if k != "host"}, 400, "missing_field", "host"),
        ("host code", H(host="barn"), 400, "invalid_field", "host"),
        ("host label", H(host="村小"), 400, "invalid_field", "host"),
        ("host number", H(host=2), 400, "invalid_field", "host"),
        ("other without what", H(host="other"), 400, "missing_field", "host_other"),
        ("host_other number", H(host="other", host_other=5), 400, "invalid_field",
         "host_other"),
        # texts and dates
        ("no address", {k: x for k, x in H().items() if k != "address"}, 400,
         "missing_field", "address"),
        ("address number", H(address=12), 400, "invalid_field", "address"),
        ("address too long", H(address="长" * 101), 400, "invalid_field", "address"),
        ("name number", H(name=5), 400, "invalid_field", "name"),
        ("no opening date", {k: x for k, x in H().items() if k != "opened_on"}, 400,
         "missing_field", "opened_on"),
        ("opened tomorrow", H(opened_on=days_ahead(1)), 400, DATE_CODES, "opened_on"),
        ("opened next year", H(opened_on=days_ahead(400)), 400, DATE_CODES, "opened_on"),
        ("opened 30 Feb", H(opened_on="2020-02-30"), 400, "invalid_field", "opened_on"),
        ("opened slashes", H(opened_on="2020/01/01"), 400, "invalid_field", "opened_on"),
        ("opened number", H(opened_on=20200101), 400, "invalid_field", "opened_on"),
        # regional homes
        ("regional string", H(regional="true"), 400, "invalid_field", "regional"),
        ("regional number", H(regional=1), 400, "invalid_field", "regional"),
        ("regional centre", center_body(t, regional=True), 400, "invalid_field", "regional"),
        ("serves numbers", H(regional=True, serves=[int(other_v)]), 400, "invalid_field",
         "serves"),
        ("serves empty", H(regional=True, serves=[]), 400, ("missing_field", "invalid_field"),
         "serves"),
        # managers
        ("manager string", H(manager_staff_id=str(place["d"]["id"])), 400, "invalid_field",
         "manager_staff_id"),
        ("manager negative", H(manager_staff_id=-1), 400, "invalid_field", "manager_staff_id"),
        ("manager absent", H(manager_staff_id=987654321), 400, "invalid_field",
         "manager_staff_id"),
        # the 五有 facts
        ("standard list", H(standard=[]), 400, "invalid_field", "standard"),
        ("standard string", H(standard="完备"), 400, "invalid_field", "standard"),
        ("place list", H(standard={"place": []}), 400, "invalid_field", "standard.place"),
        ("equipment list", H(standard={"equipment": [1]}), 400, "invalid_field",
         "standard.equipment"),
        ("rules list", H(standard={"rules": ["2020-01-01"]}), 400, "invalid_field",
         "standard.rules"),
        ("negative area", H(standard={"place": {"floor_area": -5}}), 400, "invalid_field",
         std("place", "floor_area")),
        ("area string", H(standard={"place": {"floor_area": "60"}}), 400, "invalid_field",
         std("place", "floor_area")),
        ("yes/no string", H(standard={"place": {"lighting": "yes"}}), 400, "invalid_field",
         std("place", "lighting")),
        ("yes/no number", H(standard={"place": {"fire_safety": 1}}), 400, "invalid_field",
         std("place", "fire_safety")),
        ("inspection date", H(standard={"place": {"inspected_on": "2024-13-01"}}), 400,
         "invalid_field", std("place", "inspected_on")),
        ("negative count", H(standard={"equipment": {"toys": -1}}), 400, "invalid_field",
         std("equipment", "toys")),
        ("fractional count", H(standard={"equipment": {"computers": 1.5}}), 400,
         "invalid_field", std("equipment", "computers")),
        ("count string", H(standard={"equipment": {"bookshelves": "3"}}), 400,
         "invalid_field", std("equipment", "bookshelves")),
        ("rule yes", H(standard={"rules": {"activity_plan": True}}), 400, "invalid_field",
         std("rules", "activity_plan")),
        ("rule bad date", H(standard={"rules": {"emergency_plan": "2020-02-30"}}), 400,
         "invalid_field", std("rules", "emergency_plan")),
    ]


def test_create_refuses_bad_input(officer, place):
    t = place["t"]["code"]
    base = listing(officer, region=t)["total"]  # a shared township: others' too
    for label, body, status, code, field in _cases(place):
        r = officer.post("/platforms", json=body)
        try:
            refused(r, status, code, field)
        except AssertionError as e:
            raise AssertionError(f"[{label}] {e}") from None
        assert listing(officer, region=t)["total"] == base, f"[{label}] wrote a platform"
    # not an object / not JSON
    for raw in (b"[]", b"\"x\"", b"{", b"null"):
        r = officer.post("/platforms", data=raw, headers={"Content-Type": "application/json"})
        assert_error(r, 400, "invalid_json")
    assert listing(officer, region=t)["total"] == base
    # and the same body, repaired, is taken
    create(officer, home_body(place["v"], manager_staff_id=place["d"]["id"]))
    assert listing(officer, region=t)["total"] == base + 1


@pytest.mark.parametrize("standard,field", [
    ({"place": {"inspected_on": "future"}}, std("place", "inspected_on")),
    ({"rules": {"management_rules": "future"}}, std("rules", "management_rules")),
], ids=["inspected_on", "rule_date"])
def test_future_dates_in_the_standard_are_refused(officer, platform_pool, standard, field):
    v = platform_pool.village()["code"]
    import json
    body = json.loads(json.dumps(standard).replace("future", days_ahead(30)))
    r = officer.post("/platforms", json=home_body(v, standard=body))
    refused(r, 400, DATE_CODES, field)
    assert listing(officer, region=v)["total"] == 0
    # today is not the future
    body = json.loads(json.dumps(standard).replace("future", days_ago(0)))
    p = create(officer, home_body(v, standard=body))
    assert (p["standard"].get("place") or p["standard"]["rules"]) == next(iter(body.values()))


def test_patch_refuses_bad_input(officer, platform_pool, yt_officer):
    v, w = (x["code"] for x in platform_pool.villages(2))
    t = platform_pool.post()
    d = register_director(officer, v)
    dw = register_director(officer, w)
    home = create(officer, home_body(v, manager_staff_id=d["id"], regional=True, serves=[w]))
    centre = create(officer, center_body(t["code"]))
    cases = [
        (home, {"kind": "activity_center"}, 400, "unknown_field", "kind"),
        (home, {"region_code": w}, 400, "unknown_field", "region_code"),
        (home, {"id": 5}, 400, "unknown_field", "id"),
        (home, {"proposed_name": "x"}, 400, "unknown_field", "proposed_name"),
        (home, {"status": "open"}, 400, "invalid_field", "status"),
        (home, {"status": 1}, 400, "invalid_field", "status"),
        (home, {"name": "留守儿童之家"}, 400, "bad_name", "name"),
        (home, {"host": "barn"}, 400, "invalid_field", "host"),
        (home, {"address": 7}, 400, "invalid_field", "address"),
        (home, {"opened_on": days_ahead(2)}, 400, DATE_CODES, "opened_on"),
        (home, {"manager_staff_id": dw["id"]}, 400, "invalid_field", "manager_staff_id"),
        (home, {"manager_staff_id": "1"}, 400, "invalid_field", "manager_staff_id"),
        (home, {"regional": "no"}, 400, "invalid_field", "regional"),
        (home, {"serves": [platform_pool.other_township_village(t["code"])]}, 400, "invalid_field", "serves"),
        (home, {"standard": {"equipment": {"toys": -2}}}, 400, "invalid_field",
         std("equipment", "toys")),
        (home, {"standard": {"place": {"no_hazards": "否"}}}, 400, "invalid_field",
         std("place", "no_hazards")),
        (home, {"standard": {"rules": {"x": None}}}, 400, "unknown_field", "x"),
        (centre, {"regional": True, "serves": [w]}, 400, "invalid_field", "regional"),
        (centre, {"name": t["name"] + "留守儿童活动中心"}, 400, "bad_name", "name"),
    ]
    before = {p["id"]: get(officer, p["id"]) for p in (home, centre)}
    for p, body, status, code, field in cases:
        r = officer.patch(f"/platforms/{p['id']}", json=body)
        try:
            refused(r, status, code, field)
        except AssertionError as e:
            raise AssertionError(f"[{body}] {e}") from None
        assert get(officer, p["id"]) == before[p["id"]], f"[{body}] changed the record"
    for raw in (b"[]", b"{"):
        r = officer.patch(f"/platforms/{home['id']}", data=raw,
                          headers={"Content-Type": "application/json"})
        assert_error(r, 400, "invalid_json")
    assert get(officer, home["id"]) == before[home["id"]]
    # absent ids
    for pid in ("987654321", "0", "-1"):
        r = officer.patch(f"/platforms/{pid}", json={"address": "新址二号"})
        assert r.status_code in (400, 404), r.text
        assert_error(r, r.status_code, r.json()["error"]["code"])


def test_activity_refuses_bad_input(officer, platform_pool):
    v = platform_pool.village()["code"]
    p = create(officer, home_body(v))
    ok = {"held_on": days_ago(3), "function": 3, "title": "防溺水安全教育",
          "children": 20, "parents": 5, "notes": "邀请派出所民警讲解"}

    def without(k):
        return {x: y for x, y in ok.items() if x != k}

    cases = [
        ({**ok, "place": "操场"}, "unknown_field", "place"),
        ({**ok, "platform_id": p["id"]}, "unknown_field", "platform_id"),
        ({**ok, "function": 0}, "invalid_field", "function"),
        ({**ok, "function": 7}, "invalid_field", "function"),
        ({**ok, "function": "3"}, "invalid_field", "function"),
        ({**ok, "function": 2.5}, "invalid_field", "function"),
        ({**ok, "function": True}, "invalid_field", "function"),
        ({**ok, "function": "宣传教育和技能指导"}, "invalid_field", "function"),
        ({**ok, "children": "20"}, "invalid_field", "children"),
        ({**ok, "children": 2.5}, "invalid_field", "children"),
        ({**ok, "parents": -1}, "invalid_field", "parents"),
        ({**ok, "parents": "5"}, "invalid_field", "parents"),
        ({**ok, "held_on": days_ahead(1)}, DATE_CODES, "held_on"),
        ({**ok, "held_on": days_ahead(90)}, DATE_CODES, "held_on"),
        ({**ok, "held_on": "2024-02-30"}, "invalid_field", "held_on"),
        ({**ok, "held_on": 20240201}, "invalid_field", "held_on"),
        (without("held_on"), "missing_field", "held_on"),
        (without("title"), "missing_field", "title"),
        ({**ok, "title": 5}, "invalid_field", "title"),
        ({**ok, "title": "长" * 61}, "invalid_field", "title"),
        ({**ok, "notes": "长" * 301}, "invalid_field", "notes"),
        ({**ok, "notes": 5}, "invalid_field", "notes"),
    ]
    for body, code, field in cases:
        r = officer.post(f"/platforms/{p['id']}/activities", json=body)
        try:
            refused(r, 400, code, field)
        except AssertionError as e:
            raise AssertionError(f"[{body}] {e}") from None
    r = officer.post(f"/platforms/{p['id']}/activities", json={**ok, "children": -1})
    refused(r, 400, "invalid_field")  # the field it names: test_negative_children_names_children
    assert activities(officer, p["id"]) == []
    assert activity_stats(officer, region=v) == []
    # repaired, it is taken
    r = officer.post(f"/platforms/{p['id']}/activities", json=ok)
    assert_status(r, 201)
    assert len(activities(officer, p["id"])) == 1


def test_serves_of_the_wrong_type_is_invalid_field(officer, platform_pool):
    v, w = (x["code"] for x in platform_pool.villages(2))
    r = officer.post("/platforms", json=home_body(v, regional=True, serves=w))
    refused(r, 400, "invalid_field", "serves")
    assert listing(officer, region=v)["total"] == 0


def test_negative_children_names_children(officer, platform_pool):
    p = create(officer, home_body(platform_pool.village()["code"]))
    r = officer.post(f"/platforms/{p['id']}/activities",
                     json={"held_on": days_ago(3), "function": 6, "title": "读书会",
                           "children": -1, "parents": 0})
    refused(r, 400, "invalid_field", "children")


def test_bad_notes_name_notes(officer, platform_pool):
    p = create(officer, home_body(platform_pool.village()["code"]))
    r = officer.post(f"/platforms/{p['id']}/activities",
                     json={"held_on": days_ago(3), "function": 6, "title": "读书会",
                           "children": 3, "parents": 0, "notes": "签到表\u0007"})
    refused(r, 400, "invalid_field", "notes")


@pytest.mark.parametrize("what", ["function", "children", "parents", "count", "year"])
def test_absent_numbers_are_missing_field(officer, platform_pool, what):
    v = platform_pool.village()["code"]
    if what in ("count", "year"):
        body = {"count": 5, "year": last_year()}
        del body[what]
        r = officer.put(f"/regions/{v}/child-count", json=body)
    else:
        p = create(officer, home_body(v))
        body = {"held_on": days_ago(3), "function": 6, "title": "读书会", "children": 3,
                "parents": 0}
        del body[what]
        r = officer.post(f"/platforms/{p['id']}/activities", json=body)
    refused(r, 400, "missing_field", what)


def test_queries_are_checked(officer, platform_pool):
    t = platform_pool.village()["township"]
    for path, params, field in [
        ("/platforms", {"kind": "home"}, "kind"),
        ("/platforms", {"compliant": "yes"}, "compliant"),
        ("/platforms", {"page": "0"}, None),
        ("/platforms", {"page_size": "201"}, None),
        ("/platforms/activity-stats", {"year": "20x4"}, "year"),
    ]:
        r = officer.get(path, params={"region": t, **params})
        err = assert_error(r, 400, "invalid_query")
        if field:
            assert err.get("field") == field, err
    for path in ("/platforms", "/platforms/rule100", "/platforms/compliance",
                 "/platforms/activity-stats", "/platforms/compliance/export"):
        assert_error(officer.get(path, params={"region": "2203221"}), 400, "invalid_region")
        ghost = officer.get(path, params={"region": t + "999"})
        assert_error(ghost, 404, "region_not_found")


def test_equipment_names(officer, platform_pool):
    """The nine kinds of equipment are the documented keys, nothing else."""
    v = platform_pool.village()["code"]
    p = create(officer, home_body(v, standard={"equipment": {k: 1 for k in EQUIPMENT}}))
    assert p["standard"]["equipment"] == {k: 1 for k in EQUIPMENT}
    assert 3 not in {f["item"] for f in p["five"] if not f["ok"]}
