"""Regions: the shipped Jilin tree, code forms, scope, non-statistical regions."""

import uuid
from urllib.parse import quote

import pytest

from conftest import (COUNTY, COUNTY_B, TOWNSHIP, TOWNSHIP_B, VILLAGE, Client,
                      assert_error, assert_status)

CITIES = [
    ("2201", "长春市"), ("2202", "吉林市"), ("2203", "四平市"), ("2204", "辽源市"),
    ("2205", "通化市"), ("2206", "白山市"), ("2207", "松原市"), ("2208", "白城市"),
    ("2224", "延边朝鲜族自治州"),
]

NANGUAN_TOWNSHIPS = [
    ("220102001", "南岭街道"), ("220102002", "自强街道"), ("220102003", "民康街道"),
    ("220102004", "新春街道"), ("220102005", "长通街道"), ("220102006", "全安街道"),
    ("220102007", "曙光街道"), ("220102008", "永吉街道"), ("220102009", "桃源街道"),
    ("220102010", "鸿城街道"), ("220102011", "明珠街道"), ("220102012", "富裕街道"),
    ("220102013", "盛世街道"), ("220102200", "幸福乡"),
]

MALFORMED = [
    "abc", "22a", "a22", "2", "223", "22010", "2201020", "22010200", "2201020010",
    "22010200100", "2201020010011", "220102001001001", " 22", "22 ", "+22", "-22",
    "２２", "22.0", "0x16", "22' OR '1'='1", "22;DROP TABLE regions;--",
    "22%", "22_", "22/01",
]

ITEM_KEYS = {"code", "name", "level", "statistical", "has_children"}


def children(client, parent, statistical_only=False):
    r = client.get("/regions", params={"parent": parent})
    assert_status(r, 200)
    body = r.json()
    assert set(body) >= {"items"}
    items = body["items"]
    for it in items:
        assert ITEM_KEYS <= set(it), it
        assert isinstance(it["statistical"], bool) and isinstance(it["has_children"], bool)
    codes = [it["code"] for it in items]
    assert codes == sorted(codes), f"children of {parent} not sorted by code: {codes}"
    if statistical_only:
        items = [it for it in items if it["statistical"]]
    return items


def test_province_children_are_the_nine_cities(admin):
    items = children(admin, "22")
    stat = [it for it in items if it["statistical"]]
    assert [(it["code"], it["name"]) for it in stat] == CITIES
    for it in stat:
        assert it["level"] == "city"
        assert it["has_children"] is True
    # anything else under 22 was added by an administrator (长白山管委会)
    for it in items:
        if not it["statistical"]:
            assert it["level"] == "city"
            assert it["code"].startswith("22") and len(it["code"]) == 4


def test_county_townships(admin):
    items = children(admin, COUNTY, statistical_only=True)
    assert [(it["code"], it["name"]) for it in items] == NANGUAN_TOWNSHIPS
    assert all(it["level"] == "township" and it["has_children"] for it in items)


def test_township_villages(admin):
    items = children(admin, TOWNSHIP, statistical_only=True)
    assert items, "南岭街道 has no villages"
    assert items[0]["code"] == VILLAGE and items[0]["name"] == "华阳社区"
    for it in items:
        assert it["level"] == "village"
        assert it["has_children"] is False
        assert len(it["code"]) == 12 and it["code"].startswith(TOWNSHIP)
    # a village has no children
    assert children(admin, VILLAGE) == []


def test_city_counties(admin):
    items = children(admin, "2201", statistical_only=True)
    got = {it["code"]: it["name"] for it in items}
    assert got[COUNTY] == "南关区" and got[COUNTY_B] == "宽城区"
    assert got["220184"] == "公主岭市"
    assert len(items) == 15
    assert all(it["level"] == "county" for it in items)


def test_region_detail_with_path(admin):
    r = admin.get(f"/regions/{TOWNSHIP}")
    assert_status(r, 200)
    body = r.json()
    assert body["code"] == TOWNSHIP
    assert body["name"] == "南岭街道"
    assert body["level"] == "township"
    assert body["statistical"] is True
    assert body["parent_code"] == COUNTY
    assert [(p["code"], p["name"], p["level"]) for p in body["path"]] == [
        ("22", "吉林省", "province"), ("2201", "长春市", "city"),
        ("220102", "南关区", "county"), ("220102001", "南岭街道", "township")]

    r = admin.get("/regions/22")
    assert_status(r, 200)
    assert r.json()["level"] == "province" and r.json()["name"] == "吉林省"
    assert [p["code"] for p in r.json()["path"]] == ["22"]

    r = admin.get(f"/regions/{VILLAGE}")
    assert_status(r, 200)
    assert r.json()["level"] == "village"
    assert r.json()["parent_code"] == TOWNSHIP
    assert len(r.json()["path"]) == 5


@pytest.mark.parametrize("padded,natural", [
    ("220000000000", "22"), ("220100000000", "2201"), ("220102000000", "220102"),
    ("220102001000", "220102001"),
])
def test_padded_codes_are_accepted(admin, padded, natural):
    assert children(admin, padded) == children(admin, natural)
    r = admin.get(f"/regions/{padded}")
    assert_status(r, 200)
    assert r.json()["code"] == natural, "answers carry the natural-length code"


def test_padded_village_code(admin):
    r = admin.get(f"/regions/{VILLAGE}")
    assert_status(r, 200)
    assert r.json()["code"] == VILLAGE


@pytest.mark.parametrize("code", MALFORMED + [""])
def test_malformed_parent_is_invalid_region(admin, code):
    assert_error(admin.get("/regions", params={"parent": code}), 400, "invalid_region")


def test_nul_in_parent_is_refused(admin):
    """`22%00` must not be read as `22` (a C string cut at the NUL). Both
    documented codes fit: a malformed region code, a malformed parameter."""
    r = admin.get("/regions", params={"parent": "22\x00"})
    assert r.status_code == 400, f"22\\0 accepted: {r.status_code} {r.text[:200]}"
    assert_error(r, 400, r.json()["error"]["code"])
    assert r.json()["error"]["code"] in ("invalid_region", "invalid_query")


@pytest.mark.parametrize("code", [c for c in MALFORMED if "/" not in c])
def test_malformed_code_in_path_is_invalid_region(admin, code):
    assert_error(admin.get("/regions/" + quote(code, safe="")), 400, "invalid_region")


@pytest.mark.parametrize("code", ["99", "2209", "220199", "220102998", "220102001998"])
def test_absent_region_is_region_not_found(admin, code):
    assert_error(admin.get("/regions", params={"parent": code}), 404, "region_not_found")
    assert_error(admin.get(f"/regions/{code}"), 404, "region_not_found")


def test_without_parent_the_scope_region_itself(admin, accounts):
    r = admin.get("/regions")
    assert_status(r, 200)
    items = r.json()["items"]
    assert len(items) == 1 and items[0]["code"] == admin.user["region_code"]

    c = accounts.ready("county", COUNTY)
    r = c.get("/regions")
    assert_status(r, 200)
    items = r.json()["items"]
    assert len(items) == 1
    assert (items[0]["code"], items[0]["name"], items[0]["level"]) == (
        COUNTY, "南关区", "county")
    assert items[0]["statistical"] is True and items[0]["has_children"] is True


def test_county_user_sees_only_its_county(accounts):
    c = accounts.ready("county", COUNTY)
    # inside: fine
    items = children(c, COUNTY, statistical_only=True)
    assert [(it["code"], it["name"]) for it in items] == NANGUAN_TOWNSHIPS
    assert children(c, TOWNSHIP)
    assert_status(c.get(f"/regions/{TOWNSHIP}"), 200)
    assert_status(c.get("/regions", params={"parent": "220102000000"}), 200)
    # outside, above or beside: not found, whether it exists or not
    for code in ["22", "2201", COUNTY_B, TOWNSHIP_B, "220000000000", "220103000000",
                 "2202", "220199"]:
        assert_error(c.get("/regions", params={"parent": code}), 404, "region_not_found")
    for code in ["22", "2201", COUNTY_B, TOWNSHIP_B, "220199"]:
        assert_error(c.get(f"/regions/{code}"), 404, "region_not_found")


def test_supervisor_sees_only_its_township(accounts):
    s = accounts.ready("supervisor", TOWNSHIP)
    r = s.get("/regions")
    assert_status(r, 200)
    assert [it["code"] for it in r.json()["items"]] == [TOWNSHIP]
    assert children(s, TOWNSHIP)
    assert_error(s.get("/regions", params={"parent": COUNTY}), 404, "region_not_found")
    assert_error(s.get("/regions", params={"parent": "220102002"}), 404,
                 "region_not_found")


def _free_top(existing, parent, width):
    taken = {c for c in existing}
    for n in range(10 ** width - 1, 0, -1):
        code = f"{parent}{n:0{width}d}"
        if code not in taken:
            return code
    raise AssertionError("no free code")


def test_admin_creates_changbaishan(admin):
    before = [it["code"] for it in children(admin, "22")]
    r = admin.post("/regions", json={"parent_code": "22", "name": "长白山管委会"})
    assert_status(r, 201)
    reg = r.json()
    assert reg["name"] == "长白山管委会"
    assert reg["level"] == "city"
    assert reg["statistical"] is False
    # "→ 201 region": the list-item shape or the detail shape
    assert reg.get("parent_code", "22") == "22"
    code = reg["code"]
    assert code not in before
    assert code == _free_top(before, "22", 2), (
        f"code {code} is not the top of 22's free range")

    listed = {it["code"]: it for it in children(admin, "22")}
    assert code in listed
    assert listed[code]["name"] == "长白山管委会"
    assert listed[code]["statistical"] is False
    assert listed[code]["level"] == "city"
    # the nine statistical cities are still exactly there
    assert [(c, n) for c, n in CITIES] == [
        (it["code"], it["name"]) for it in listed.values() if it["statistical"]]

    r = admin.get(f"/regions/{code}")
    assert_status(r, 200)
    assert r.json()["parent_code"] == "22"
    assert r.json()["statistical"] is False
    assert [(p["code"], p["name"]) for p in r.json()["path"]] == [
        ("22", "吉林省"), (code, "长白山管委会")]

    # one level further down: a county under it
    r = admin.post("/regions", json={"parent_code": code, "name": "池北区"})
    assert_status(r, 201)
    sub = r.json()
    assert sub["level"] == "county" and sub["statistical"] is False
    assert admin.get(f"/regions/{sub['code']}").json()["parent_code"] == code
    assert sub["code"] == code + "99"
    assert [it["code"] for it in children(admin, code)] == [sub["code"]]
    assert {it["code"]: it for it in children(admin, "22")}[code]["has_children"] is True

    # the padded form of the parent is accepted too
    r = admin.post("/regions", json={"parent_code": code + "00000000", "name": "池西区"})
    assert_status(r, 201)
    assert r.json()["code"] == code + "98"
    assert admin.get(f"/regions/{code}98").json()["parent_code"] == code


@pytest.mark.parametrize("role,region", [
    ("province", "22"), ("city", "2201"), ("county", COUNTY),
    ("supervisor", TOWNSHIP), ("director", VILLAGE), ("auditor", "22"),
])
def test_non_admin_cannot_create_region(accounts, admin, role, region):
    c = accounts.ready(role, region)
    name = "越权区" + uuid.uuid4().hex[:6]
    # under its own scope region: only the role is wrong
    assert_error(c.post("/regions", json={"parent_code": region, "name": name}),
                 403, "forbidden")
    assert name not in [it["name"] for it in children(admin, region)]


def test_create_region_validation(admin):
    name = "校验区" + uuid.uuid4().hex[:6]
    assert_error(admin.post("/regions", json={"parent_code": "2202"}), 400,
                 "missing_field", field="name")
    assert_error(admin.post("/regions", json={"name": name}), 400,
                 "missing_field", field="parent_code")
    assert_error(admin.post("/regions", json={"parent_code": "22x", "name": name}),
                 400, "invalid_region")
    assert_error(admin.post("/regions", json={"parent_code": "220298", "name": name}),
                 404, "region_not_found")
    assert_error(admin.post("/regions", json={"parent_code": "2202", "name": ""}),
                 400, "invalid_field", field="name")
    assert_error(admin.post("/regions", json={"parent_code": "2202", "name": 5}),
                 400, "invalid_field", field="name")
    assert_error(admin.post("/regions", json={"parent_code": 2202, "name": name}),
                 400, "invalid_field", field="parent_code")
    assert_error(admin.post("/regions", json={"parent_code": "2202", "name": name,
                                              "code": "220298"}),
                 400, "unknown_field", field="code")
    # there is no level under a village
    r = admin.post("/regions", json={"parent_code": VILLAGE, "name": name})
    assert r.status_code == 400, r.text
    assert_error(r, 400, r.json()["error"]["code"])
    assert children(admin, VILLAGE) == []
    assert name not in [it["name"] for it in children(admin, "2202")]


def test_whole_tree_counts(admin):
    """init loaded all of Jilin: 9 cities, 69 counties, 1075 townships,
    11860 villages (statistical regions only)."""
    cities = children(admin, "22", statistical_only=True)
    counties, townships, villages = [], [], 0
    for c in cities:
        counties += children(admin, c["code"], statistical_only=True)
    for c in counties:
        assert c["level"] == "county"
        townships += children(admin, c["code"], statistical_only=True)
    for t in townships:
        assert t["level"] == "township"
        villages += len(children(admin, t["code"], statistical_only=True))
    assert (len(cities), len(counties), len(townships), villages) == (9, 69, 1075, 11860)


def test_regions_need_login(server):
    assert_error(Client(server.url).get("/regions", params={"parent": "22"}), 401,
                 "unauthenticated")
    assert_error(Client(server.url).get("/regions/22"), 401, "unauthenticated")
