"""GET /api/v1/children: filters, sorting, paging, `total`, invalid
queries; masking of ID and phone numbers by role; roles without child data."""

import pytest

from children_util import (LIST_ITEM_KEYS, NA_COUNTY, NA_TOWN, VIL_A, all_items,
                           child_body, create, full_body, get_child, ids_of, listing,
                           patch, unique_name)
from conftest import assert_error, assert_status
from helpers import MASKED_ID, MASKED_MOBILE, iso, today_cn


class Village:
    """A fresh village with a known set of children."""

    def __init__(self, staff, pool):
        self.code, self.name = pool.take()
        self.d = staff.user("director", self.code)
        t = today_cn()
        self.kids = {}
        mk = self.add
        mk("lb10", age=10, father="migrant_out_province", mother="migrant_in_province",
           name="王" + unique_name("甲"))
        mk("lb15", age=15, father="migrant_out_province", mother="deceased")
        mk("orphan12", age=12, father="deceased", mother="deceased", sex="female")
        mk("defacto8", age=8, father="imprisoned", mother="missing", guardianship="none")
        mk("poor6", age=6, father="at_home", mother="at_home", living_support="dibao",
           education="preschool")
        mk("drop14", age=14, father="at_home", mother="at_home", education="dropped_out",
           dropout_explanation="厌学辍学，已劝返两次", sex="female")
        mk("ill9", age=9, father="at_home", mother="at_home", health="ill", illness="哮喘",
           guardianship="poor")
        mk("dis11", age=11, father="at_home", mother="at_home",
           disability={"type": "听力残疾", "grade": "三级"})
        mk("nohukou3", age=3, father="at_home", mother="at_home", with_id=False,
           education="preschool")
        mk("plain17", age=17, father="at_home", mother="at_home", sex="female")
        # one exited
        mk("gone13", age=13, father="migrant_out_province", mother="migrant_out_province")
        r = self.d.post(f"/children/{self.kids['gone13']['id']}/exit",
                        json={"reason": "parents_returned", "date": iso(t),
                              "note": "父母返乡"})
        assert_status(r, 200)
        self.active = {k: v for k, v in self.kids.items() if k != "gone13"}

    def add(self, key, **kw):
        body = child_body(self.code, **kw)
        self.kids[key] = create(self.d, body)
        return self.kids[key]

    def ids(self, *keys):
        return {self.kids[k]["id"] for k in keys}

    def where(self, pred):
        return {c["id"] for c in self.active.values() if pred(c)}


@pytest.fixture(scope="module")
def vil(staff, village_pool):
    return Village(staff, village_pool)


def got(c, **params):
    return set(ids_of(all_items(c, **params)))


def test_list_items_and_total(vil):
    body = listing(vil.d)
    assert body["as_of"] == iso(today_cn())
    assert body["total"] == len(vil.active)
    for it in body["items"]:
        assert set(it) == LIST_ITEM_KEYS, sorted(set(it) ^ LIST_ITEM_KEYS)
        k = vil.kids[next(key for key, v in vil.kids.items() if v["id"] == it["id"])]
        for f in ("name", "sex", "age", "region_code",
                  "region_name", "categories", "flags", "last_visit_date", "contact_phone",
                  "status"):
            assert it[f] == k[f], (f, it[f], k[f])
        # lists mask ID numbers for every role, and so carry no birth date
        # (issue #23; docs/API.md "Masking" rule 5)
        assert it["birth_date"] is None
        assert it["id_number"] == (masked_id(k["id_number"]) if k["id_number"] else None)
        assert it["guardian_name"] == (k["guardian"] or {}).get("name")
    assert got(vil.d) == set(c["id"] for c in vil.active.values())


def test_region_parameter(vil, staff):
    county = staff.user("county", NA_COUNTY)
    assert got(county, region=vil.code) == set(c["id"] for c in vil.active.values())
    # the padded township code of the village's township includes it
    assert set(c["id"] for c in vil.active.values()) <= got(county, region=NA_TOWN + "000")


@pytest.mark.parametrize("cat", ["left_behind", "orphan", "de_facto_unsupported",
                                 "difficult_poverty", "difficult_disability",
                                 "difficult_guardianship"])
def test_category_filter(vil, cat):
    want = vil.where(lambda c: cat in c["categories"])
    assert want, f"the fixture has no {cat}"
    assert got(vil.d, category=cat) == want


@pytest.mark.parametrize("flag", ["unsupervised", "poor_guardianship", "dropout",
                                  "no_hukou", "ill", "disabled"])
def test_flag_filter(vil, flag):
    want = vil.where(lambda c: flag in c["flags"])
    assert want, f"the fixture has no {flag}"
    assert got(vil.d, flag=flag) == want


def test_category_and_flag_together(vil):
    want = vil.where(lambda c: "difficult_guardianship" in c["categories"]
                     and "unsupervised" in c["flags"])
    assert want == vil.ids("defacto8")
    assert got(vil.d, category="difficult_guardianship", flag="unsupervised") == want


def test_q_name_substring(vil):
    k = vil.kids["lb10"]
    assert got(vil.d, q=k["name"]) == {k["id"]}
    assert got(vil.d, q=k["name"][1:4]) == {k["id"]}
    # the surname shared by design
    assert k["id"] in got(vil.d, q=k["name"][:1])
    assert got(vil.d, q="不存在的名字") == set()
    # LIKE wildcards are literal
    assert got(vil.d, q="%") == set()
    assert got(vil.d, q="_") == set()


def test_q_id_prefix(vil):
    k = vil.kids["orphan12"]
    idn = k["id_number"]
    assert got(vil.d, q=idn) == {k["id"]}
    assert k["id"] in got(vil.d, q=idn[:14])
    assert got(vil.d, q=idn[:6]) == vil.where(lambda c: c["id_number"])
    assert got(vil.d, q=idn[:4]) == vil.where(lambda c: c["id_number"])
    # a prefix is a prefix: the middle of a number does not match
    assert got(vil.d, q=idn[6:14]) == set()
    # lower-case x finds X
    xs = [c for c in vil.active.values() if (c["id_number"] or "").endswith("X")]
    for c in xs:
        assert got(vil.d, q=c["id_number"][:-1] + "x") == {c["id"]}


def test_age_filters(vil):
    for lo, hi in [(0, 5), (6, 10), (10, 15), (15, 17), (17, 30), (12, 12)]:
        want = vil.where(lambda c: lo <= c["age"] <= hi)
        assert got(vil.d, age_min=lo, age_max=hi) == want, (lo, hi)
    assert got(vil.d, age_min=16) == vil.where(lambda c: c["age"] >= 16)
    assert got(vil.d, age_max=8) == vil.where(lambda c: c["age"] <= 8)


def test_status_filter(vil):
    assert got(vil.d, status="exited") == vil.ids("gone13")
    assert got(vil.d, status="active") == set(c["id"] for c in vil.active.values())
    ex = all_items(vil.d, status="exited")
    assert ex[0]["status"] == "exited"


@pytest.mark.parametrize("sort,key", [
    ("id", lambda i: i["id"]),
    ("name", lambda i: i["name"]),
    ("birth_date", lambda i: (i["birth_date"], i["id"])),
])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sort(vil, sort, key, order):
    items = all_items(vil.d, sort=sort, order=order)
    assert len(items) == len(vil.active)
    if sort == "birth_date":
        # the list carries no birth date (rule 5): take it from the records
        births = {c["id"]: c["birth_date"] for c in vil.active.values()}
        items = [dict(i, birth_date=births[i["id"]]) for i in items]
    vals = [key(i) for i in items]
    if sort == "birth_date":
        vals = [v[0] for v in vals]
    assert vals == sorted(vals, reverse=order == "desc"), vals


def test_default_order_is_stable_over_pages(vil):
    everything = ids_of(all_items(vil.d))
    paged = []
    for p in range(1, 5):
        paged += ids_of(listing(vil.d, page=p, page_size=3)["items"])
    assert paged == everything
    body = listing(vil.d, page=2, page_size=4)
    assert body["total"] == len(vil.active) and len(body["items"]) == 4
    beyond = listing(vil.d, page=99, page_size=4)
    assert beyond["items"] == [] and beyond["total"] == len(vil.active)


def test_filtered_total_agrees_over_pages(vil):
    for params in ({"category": "left_behind"}, {"flag": "ill"}, {"age_min": 9},
                   {"q": "王"}):
        all_ = all_items(vil.d, **params)
        pages = []
        for p in range(1, 20):
            body = listing(vil.d, page=p, page_size=2, **params)
            assert body["total"] == len(all_)
            if not body["items"]:
                break
            pages += body["items"]
        assert ids_of(pages) == ids_of(all_)


@pytest.mark.parametrize("params,field", [
    ({"category": "rich"}, "category"),
    ({"flag": "happy"}, "flag"),
    ({"status": "deleted"}, "status"),
    ({"age_min": "-1"}, "age_min"),
    ({"age_min": "ten"}, "age_min"),
    ({"age_max": "1.5"}, "age_max"),
    ({"not_visited_days": "0"}, "not_visited_days"),
    ({"not_visited_days": "x"}, "not_visited_days"),
    ({"sort": "password"}, "sort"),
    ({"sort": "name;drop"}, "sort"),
    ({"order": "up"}, "order"),
    ({"page": "0"}, "page"),
    ({"page": "a"}, "page"),
    ({"page_size": "0"}, "page_size"),
    ({"page_size": "201"}, "page_size"),
])
def test_invalid_query(vil, params, field):
    assert_error(vil.d.get("/children", params=params), 400, "invalid_query", field)


def test_invalid_region_query(vil):
    assert_error(vil.d.get("/children", params={"region": "22x"}), 400, "invalid_region")


# --------------------------------------------------------------------------
# masking


@pytest.fixture(scope="module")
def masked_kid(staff):
    d = staff.user("director", VIL_A)
    return create(d, full_body(VIL_A))


def masked_id(full):
    return full[:6] + "*" * 8 + full[-4:]


def masked_phone(full):
    return full[:3] + "****" + full[-4:]


@pytest.mark.parametrize("role,region", [("province", "22"), ("city", "2201")])
def test_province_and_city_see_masked(staff, masked_kid, role, region):
    u = staff.user(role, region)
    k = masked_kid
    items = all_items(u, q=k["name"])
    assert len(items) == 1
    it = items[0]
    assert MASKED_ID.match(it["id_number"]) and it["id_number"] == masked_id(k["id_number"])
    assert MASKED_MOBILE.match(it["contact_phone"])
    assert it["contact_phone"] == masked_phone(k["contact_phone"])
    d = get_child(u, k["id"])
    assert d["id_number"] == masked_id(k["id_number"])
    assert d["contact_phone"] == masked_phone(k["contact_phone"])
    for who in ("father", "mother", "guardian"):
        assert d[who]["id_number"] == masked_id(k[who]["id_number"]), (who, d[who])
        assert d[who]["phone"] != k[who]["phone"] and "****" in d[who]["phone"], (who, d[who])
        assert d[who]["phone"].endswith(k[who]["phone"][-4:])
    assert d["father"]["phone"] == masked_phone(k["father"]["phone"])
    # no full number anywhere in what they get
    raw = u.get(f"/children/{k['id']}").text + u.get("/children", params={"q": k["name"]}).text
    for who in (k, k["father"], k["mother"], k["guardian"]):
        assert who["id_number"] not in raw
    for ph in (k["contact_phone"], k["father"]["phone"], k["mother"]["phone"],
               k["guardian"]["phone"]):
        assert ph not in raw


def test_masked_roles_see_no_numbers_in_history(staff):
    d = staff.user("director", VIL_A)
    k = create(d, full_body(VIL_A))
    new_phone = "13700001111"
    patch(d, k["id"], {"contact_phone": new_phone, "school": "新校"})
    city = staff.user("city", "2201")
    h = city.get(f"/children/{k['id']}/history")
    assert_status(h, 200)
    assert new_phone not in h.text and k["contact_phone"] not in h.text
    assert "新校" in h.text


@pytest.mark.parametrize("role,region", [("county", NA_COUNTY), ("supervisor", NA_TOWN),
                                         ("director", VIL_A)])
def test_writers_see_full_numbers(staff, masked_kid, role, region):
    u = staff.user(role, region)
    k = masked_kid
    it = all_items(u, q=k["name"])[0]
    # the list masks the number for them too (rule 5); the record has it whole
    assert it["id_number"] == masked_id(k["id_number"])
    assert it["contact_phone"] == k["contact_phone"]
    d = get_child(u, k["id"])
    for who in ("father", "mother", "guardian"):
        assert d[who]["id_number"] == k[who]["id_number"]
        assert d[who]["phone"] == k[who]["phone"]


@pytest.mark.parametrize("role,region", [("admin", "22"), ("auditor", "22"),
                                         ("auditor", NA_COUNTY)])
def test_admin_and_auditor_get_no_child_data(staff, admin, masked_kid, role, region):
    u = admin if role == "admin" else staff.user(role, region)
    k = masked_kid
    for path in ("/children", f"/children/{k['id']}", f"/children/{k['id']}/history",
                 f"/children/{k['id']}/visits", "/children/export",
                 "/children/exit-proposals", "/transfers"):
        r = u.get(path)
        assert_error(r, 403, "forbidden")
        assert k["name"] not in r.text
    assert_error(u.post("/children", json=child_body(VIL_A)), 403, "forbidden")
    assert_error(u.patch(f"/children/{k['id']}", json={"school": "x"}), 403, "forbidden")


def test_masked_roles_cannot_search_by_number_either_way(staff, masked_kid):
    # Issue #17: a number searched for confirms the digits the mask hides
    # (a prefix at a time, or a candidate whole), so a role that sees
    # numbers masked may not search by number at all — in scope or not,
    # whole number or prefix.  (This test used to assert that the whole
    # number found the record for a city officer.)
    u = staff.user("city", "2201")
    other_city = staff.user("city", "2202")
    k = masked_kid
    for c in (u, other_city):
        for q in (k["id_number"], k["id_number"][:10], k["id_number"][:14]):
            r = c.get("/children", params={"q": q})
            assert_error(r, 403, "forbidden", field="q")
            assert k["name"] not in r.text
    # by name the city finds it, masked; the other city does not
    items = all_items(u, q=k["name"])
    assert ids_of(items) == [k["id"]]
    assert items[0]["id_number"] == masked_id(k["id_number"])
    assert all_items(other_city, q=k["name"]) == []


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sort_by_region(vil, staff, order):
    sup = staff.user("supervisor", NA_TOWN)
    items = all_items(sup, sort="region", order=order)
    codes = [i["region_code"] for i in items]
    assert codes == sorted(codes, reverse=order == "desc")
    assert vil.ids("lb10") <= set(ids_of(items))
