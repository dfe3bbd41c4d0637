"""Children's records: create, derived categories and flags (SPEC §11),
validation with proof that nothing was written, duplicates, history and
edits, exits and exit proposals, visits (docs/API.md "Children")."""

import datetime as dt
import re

import pytest

from children_util import (CATEGORY_LABELS, CHILD_EDITABLE, CHILD_READONLY, FLAG_LABELS,
                           NA_COUNTY, NA_TOWN, NG_COUNTY, NG_TOWN, PATH_A, VIL_A, VIL_B,
                           all_items, birth_for_age, child_body, create, full_body,
                           get_child, history, ids_of, listing, patch, total, unique_name,
                           years_before)
from conftest import CJK, assert_error, assert_status
from helpers import bad_check, id_number, iso, today_cn


@pytest.fixture(scope="module")
def dir_a(staff):
    return staff.user("director", VIL_A)


@pytest.fixture(scope="module")
def dir_b(staff):
    return staff.user("director", VIL_B)


@pytest.fixture(scope="module")
def county(staff):
    return staff.user("county", NA_COUNTY)


@pytest.fixture(scope="module")
def sup(staff):
    return staff.user("supervisor", NA_TOWN)


def cats(child):
    return set(child["categories"])


def flags(child):
    return set(child["flags"])


# --------------------------------------------------------------------------
# create


def test_create_with_every_field(dir_a):
    body = full_body(VIL_A)
    c = create(dir_a, body)
    assert CHILD_EDITABLE | CHILD_READONLY <= set(c), (
        f"missing {sorted(CHILD_EDITABLE | CHILD_READONLY - set(c))}")
    for k, v in body.items():
        if isinstance(v, dict):
            for kk, vv in v.items():
                assert c[k][kk] == vv, (k, kk, c[k])
        else:
            assert c[k] == v, (k, c[k], v)
    assert isinstance(c["id"], int) and c["id"] > 0
    assert c["status"] == "active"
    assert c["age"] == 10
    assert c["version"] == 1
    assert c["region_name"] == "十里堡村委会"
    assert c["region_path"] == PATH_A
    assert c["created_by"] == dir_a.username == c["updated_by"]
    assert c["last_visit_date"] is None
    assert c["exit"] is None
    assert c["confirmed_categories"] is None and c["categories_confirmed"] is False
    # father migrant, mother deceased: left-behind; dibao; disabled and
    # seriously ill; guardianship poor
    assert cats(c) == {"left_behind", "difficult_poverty", "difficult_disability",
                       "difficult_guardianship"}, c["categories"]
    assert flags(c) == {"poor_guardianship", "dropout", "ill", "disabled"}, c["flags"]
    # the same record reads back identically
    again = get_child(dir_a, c["id"])
    for k in CHILD_EDITABLE | {"categories", "flags", "classification", "version"}:
        assert again[k] == c[k], k


def test_classification_explains_each_code(dir_a):
    c = create(dir_a, full_body(VIL_A))
    cl = c["classification"]
    assert isinstance(cl, list)
    for e in cl:
        assert set(e) == {"code", "kind", "label", "why"}, e
        assert e["kind"] in ("category", "flag"), e
        labels = CATEGORY_LABELS if e["kind"] == "category" else FLAG_LABELS
        assert e["label"] == labels[e["code"]], e
        assert isinstance(e["why"], str) and CJK.search(e["why"]), e
    assert {e["code"] for e in cl if e["kind"] == "category"} == cats(c)
    assert {e["code"] for e in cl if e["kind"] == "flag"} == flags(c)
    lb = next(e for e in cl if e["code"] == "left_behind")
    # the rule that fired: age, rural, the parents' situation
    assert "16" in lb["why"] and "父" in lb["why"] and "母" in lb["why"], lb


def test_hukou_rural_defaults_to_true(dir_a):
    body = child_body(VIL_A, father="migrant_in_province", mother="migrant_out_province")
    del body["hukou_rural"]
    c = create(dir_a, body)
    assert c["hukou_rural"] is True
    assert "left_behind" in cats(c)


CASES = [
    # (father, mother, age, rural, expected categories)
    ("migrant_out_province", "deceased", 10, True, {"left_behind"}),
    ("deceased", "migrant_in_province", 10, True, {"left_behind"}),
    ("migrant_in_province", "migrant_out_province", 10, True, {"left_behind"}),
    ("at_home", "migrant_in_province", 10, True, set()),
    ("migrant_out_province", "other", 10, True, set()),
    ("migrant_out_province", "severe_disability", 10, True, {"left_behind"}),
    ("migrant_out_province", "migrant_out_province", 10, False, set()),
    ("deceased", "deceased", 10, True, {"orphan"}),
    ("missing", "deceased", 10, True, {"orphan"}),
    ("missing", "missing", 10, True, {"orphan"}),
    ("deceased", "imprisoned", 10, True, {"de_facto_unsupported"}),
    ("missing", "drug_rehab", 10, True, {"de_facto_unsupported"}),
    ("serious_illness", "guardianship_revoked", 10, True, {"de_facto_unsupported"}),
    ("restricted_liberty", "deported", 10, True, {"de_facto_unsupported"}),
    ("deceased", "at_home", 10, True, set()),
    ("imprisoned", "at_home", 10, True, set()),
    ("deceased", "deceased", 17, True, {"orphan"}),
    ("migrant_out_province", "migrant_out_province", 17, True, set()),
]


@pytest.mark.parametrize("father,mother,age,rural,expected", CASES)
def test_categories_from_parents(dir_a, father, mother, age, rural, expected):
    c = create(dir_a, child_body(VIL_A, age=age, father=father, mother=mother,
                                 hukou_rural=rural))
    assert c["age"] == age
    assert cats(c) == expected, (father, mother, age, rural, c["categories"],
                                 c["classification"])
    assert flags(c) == set()
    listed = listing(dir_a, q=c["id_number"])["items"]
    assert [i["categories"] for i in listed] == [c["categories"]]


def test_sixteenth_birthday_ends_left_behind(dir_a):
    t = today_cn()
    b16 = years_before(t, 16)
    if b16 is None:
        pytest.skip("today is 29 February")
    on = create(dir_a, child_body(VIL_A, birth=b16, father="migrant_out_province",
                                  mother="migrant_in_province"))
    assert on["age"] == 16
    assert "left_behind" not in cats(on), on["classification"]
    before = create(dir_a, child_body(VIL_A, birth=b16 + dt.timedelta(days=1),
                                      father="migrant_out_province",
                                      mother="migrant_in_province"))
    assert before["age"] == 15
    assert "left_behind" in cats(before), before["classification"]
    # the list filters draw the same line
    for k, lb in ((on, False), (before, True)):
        q = k["id_number"]
        assert listing(dir_a, q=q, category="left_behind")["total"] == int(lb), k
        assert listing(dir_a, q=q, age_min=16)["total"] == int(not lb)
        assert listing(dir_a, q=q, age_max=15)["total"] == int(lb)
        assert listing(dir_a, q=q, age_min=15, age_max=15)["total"] == int(lb)
        assert [i["categories"] for i in listing(dir_a, q=q)["items"]] == [k["categories"]]


def test_eighteenth_birthday_ends_every_category(dir_a):
    t = today_cn()
    b18 = years_before(t, 18)
    if b18 is None:
        pytest.skip("today is 29 February")
    kw = dict(father="deceased", mother="deceased", living_support="tekun",
              guardianship="none", health="serious_illness")
    on = create(dir_a, child_body(VIL_A, birth=b18, **kw))
    assert on["age"] == 18 and cats(on) == set(), on["classification"]
    # flags stay
    assert {"unsupervised", "ill"} <= flags(on)
    before = create(dir_a, child_body(VIL_A, birth=b18 + dt.timedelta(days=1), **kw))
    assert before["age"] == 17
    assert cats(before) == {"orphan", "difficult_poverty", "difficult_disability",
                            "difficult_guardianship"}, before["categories"]
    for cat in ("orphan", "difficult_poverty", "difficult_disability",
                "difficult_guardianship"):
        assert listing(dir_a, q=on["id_number"], category=cat)["total"] == 0, cat
        assert listing(dir_a, q=before["id_number"], category=cat)["total"] == 1, cat
    assert listing(dir_a, q=on["id_number"], flag="unsupervised")["total"] == 1
    assert listing(dir_a, q=on["id_number"], age_min=18, age_max=18)["total"] == 1
    assert listing(dir_a, q=before["id_number"], age_max=17)["total"] == 1


@pytest.mark.parametrize("fields,cat,flag", [
    ({"living_support": "dibao"}, {"difficult_poverty"}, set()),
    ({"living_support": "tekun"}, {"difficult_poverty"}, set()),
    ({"health": "ill", "illness": "感冒"}, set(), {"ill"}),
    ({"health": "serious_illness", "illness": "白血病"}, {"difficult_disability"}, {"ill"}),
    ({"disability": {"type": "视力残疾", "grade": "一级"}},
     {"difficult_disability"}, {"disabled"}),
    ({"guardianship": "none"}, {"difficult_guardianship"}, {"unsupervised"}),
    ({"guardianship": "poor"}, {"difficult_guardianship"}, {"poor_guardianship"}),
    ({"guardianship": "good"}, set(), set()),
    ({"education": "out_of_school", "dropout_explanation": "2025年起失学，已上报"},
     set(), {"dropout"}),
    ({"education": "dropped_out", "dropout_explanation": "家庭困难辍学，已劝返"},
     set(), {"dropout"}),
    ({"education": "suspended"}, set(), set()),
])
def test_difficult_categories_and_flags(dir_a, fields, cat, flag):
    c = create(dir_a, child_body(VIL_A, father="at_home", mother="at_home", **fields))
    assert cats(c) == cat, (fields, c["classification"])
    assert flags(c) == flag, (fields, c["classification"])
    codes = {e["code"] for e in c["classification"]}
    assert codes == cat | flag


def test_no_hukou_flag(dir_a):
    body = child_body(VIL_A, with_id=False, father="at_home", mother="at_home")
    assert "id_number" not in body
    c = create(dir_a, body)
    assert c["hukou_status"] == "none" and c["id_number"] is None
    assert flags(c) == {"no_hukou"}
    e = next(e for e in c["classification"] if e["code"] == "no_hukou")
    assert e["kind"] == "flag" and e["label"] == "无户籍"


def test_categories_follow_edits(dir_a):
    c = create(dir_a, child_body(VIL_A, father="migrant_out_province",
                                 mother="migrant_out_province"))
    assert cats(c) == {"left_behind"}
    c2 = patch(dir_a, c["id"], {"mother": {"status": "at_home"}})
    assert cats(c2) == set(), c2["classification"]
    c3 = patch(dir_a, c["id"], {"guardianship": "none"})
    assert cats(c3) == {"difficult_guardianship"} and flags(c3) == {"unsupervised"}


def test_confirm_categories(dir_a, sup, county):
    c = create(dir_a, child_body(VIL_A, father="migrant_out_province",
                                 mother="deceased"))
    assert_error(dir_a.post(f"/children/{c['id']}/confirm"), 403, "forbidden")
    r = sup.post(f"/children/{c['id']}/confirm")
    assert_status(r, 200)
    k = r.json()
    assert k["confirmed_categories"] == ["left_behind"]
    assert k["confirmed_by"] == sup.username
    assert k["categories_confirmed"] is True
    assert [h["action"] for h in history(dir_a, c["id"])][-1] == "confirm"
    # a change that alters the derived categories: no longer confirmed
    k2 = patch(dir_a, c["id"], {"father": {"status": "at_home"}})
    assert k2["categories"] == [] and k2["confirmed_categories"] == ["left_behind"]
    assert k2["categories_confirmed"] is False
    r = county.post(f"/children/{c['id']}/confirm")
    assert_status(r, 200)
    assert r.json()["confirmed_categories"] == [] and r.json()["categories_confirmed"]


# --------------------------------------------------------------------------
# validation: refused, and nothing written


class Nothing:
    """Proof that a refused create wrote nothing: the village's total, a
    search for the name and the ID, the next id, the audit log."""

    def __init__(self, writer, county, body):
        self.w = writer
        self.county = county
        self.body = body
        self.region = body.get("region_code") if isinstance(body.get("region_code"), str) else None
        self.total = total(county)
        self.audit = self._creates()
        self.last = create(writer, child_body(VIL_A))["id"]

    def _creates(self):
        r = self.county.get("/audit", params={"action": "child_create", "page_size": 1})
        assert_status(r, 200)
        return r.json()["total"]

    def check(self):
        assert total(self.county) == self.total + 1, "a refused record was stored"
        name = self.body.get("name")
        if isinstance(name, str) and name:
            assert listing(self.county, q=name)["total"] == 0, "the name is findable"
        idn = self.body.get("id_number")
        if isinstance(idn, str) and re.fullmatch(r"\d{17}[\dX]", idn):
            assert listing(self.county, q=idn)["total"] == 0, "the ID is findable"
        nxt = self.last + 1
        assert_error(self.county.get(f"/children/{nxt}"), 404, "not_found")
        assert_error(self.county.get(f"/children/{nxt}/history"), 404, "not_found")
        assert self._creates() == self.audit + 1, "a refused create was audited"


def refused(writer, county, body, status, code, field=None):
    n = Nothing(writer, county, body)
    r = writer.post("/children", json=body)
    err = assert_error(r, status, code, field)
    n.check()
    return err


def test_bad_check_digit(dir_a, county):
    body = child_body(VIL_A)
    body["id_number"] = bad_check(body["id_number"])
    refused(dir_a, county, body, 400, "invalid_id_number", "id_number")


@pytest.mark.parametrize("idn", ["22012220150101123", "2201222015010112345",
                                 "22012220150A011234", "220122201513011234"])
def test_malformed_id_numbers(dir_a, county, idn):
    body = child_body(VIL_A)
    body["id_number"] = idn
    refused(dir_a, county, body, 400, "invalid_id_number", "id_number")


def test_id_disagrees_with_birth_date(dir_a, county):
    body = child_body(VIL_A)
    other = dt.date.fromisoformat(body["birth_date"]) - dt.timedelta(days=3)
    body["id_number"] = id_number(NA_COUNTY, other, body["sex"])
    refused(dir_a, county, body, 400, "id_mismatch", "id_number")


def test_id_disagrees_with_sex(dir_a, county):
    body = child_body(VIL_A, sex="female")
    body["id_number"] = id_number(NA_COUNTY, body["birth_date"], "male")
    refused(dir_a, county, body, 400, "id_mismatch", "id_number")


def test_no_hukou_with_id_number(dir_a, county):
    body = child_body(VIL_A)
    body["hukou_status"] = "none"
    err = refused(dir_a, county, body, 400, "invalid_field", "id_number")
    assert err


def test_registered_without_id_number(dir_a, county):
    body = child_body(VIL_A)
    del body["id_number"]
    refused(dir_a, county, body, 400, "missing_field", "id_number")


@pytest.mark.parametrize("edu", ["out_of_school", "dropped_out"])
def test_dropout_needs_explanation(dir_a, county, edu):
    refused(dir_a, county, child_body(VIL_A, education=edu), 400, "missing_field",
            "dropout_explanation")


@pytest.mark.parametrize("field,value", [
    ("contact_phone", "1381234567"),
    ("contact_phone", "23812345678"),
    ("contact_phone", "138-1234-5678"),
    ("contact_phone", "abc"),
    ("father.phone", "12345"),
    ("guardian.phone", "1391234567x"),
])
def test_bad_phone(dir_a, county, field, value):
    body = child_body(VIL_A, guardian={"name": unique_name(), "relationship": "祖母"})
    if "." in field:
        head, key = field.split(".")
        body[head][key] = value
    else:
        body[field] = value
    n = Nothing(dir_a, county, body)
    r = dir_a.post("/children", json=body)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err.get("field") == field, err
    n.check()


# Decided: a malformed phone number has its own documented code.
def test_bad_phone_code_is_documented(dir_a):
    body = child_body(VIL_A, contact_phone="1381234567")
    assert_error(dir_a.post("/children", json=body), 400, "invalid_phone", "contact_phone")


@pytest.mark.parametrize("phone", ["13812345678", "19912345678", "0431-85551234",
                                   "043185551234", "010-12345678"])
def test_good_phones(dir_a, phone):
    c = create(dir_a, child_body(VIL_A, contact_phone=phone))
    assert c["contact_phone"] == phone


@pytest.mark.parametrize("extra,field", [
    ({"nickname": "小明"}, "nickname"),
    ({"id": 5}, "id"),
    ({"status": "exited"}, "status"),
    ({"categories": ["orphan"]}, "categories"),
])
def test_unknown_field(dir_a, county, extra, field):
    body = child_body(VIL_A, **extra)
    refused(dir_a, county, body, 400, "unknown_field", field)


def test_unknown_field_in_parent(dir_a, county):
    body = child_body(VIL_A)
    body["father"]["age"] = 40
    n = Nothing(dir_a, county, body)
    err = assert_error(dir_a.post("/children", json=body), 400, "unknown_field")
    assert "age" in (err.get("field") or ""), err
    n.check()


@pytest.mark.parametrize("field,value", [
    ("name", 123),
    ("name", ["张三"]),
    ("sex", 1),
    ("birth_date", 20150101),
    ("hukou_rural", "yes"),
    ("hukou_rural", 1),
    ("father", "外出务工"),
    ("guardian", ["祖父"]),
    ("disability", "肢体"),
    ("region_code", 220122100207),
    ("id_number", 220122201501011234),
])
def test_wrong_types(dir_a, county, field, value):
    body = child_body(VIL_A)
    body[field] = value
    refused(dir_a, county, body, 400, "invalid_field", field)


@pytest.mark.parametrize("field,value", [
    ("sex", "unknown"),
    ("ethnicity", "火星族"),
    ("ethnicity", "汉"),
    ("hukou_status", "pending"),
    ("guardianship", "bad"),
    ("living_support", "welfare"),
    ("mental_health", "crazy"),
    ("education", "college"),
    ("health", "sick"),
    ("father.status", "abroad"),
    ("mother.status", "migrant"),
    ("birth_date", "2015-02-30"),
    ("birth_date", "15-01-01"),
])
def test_unknown_codes(dir_a, county, field, value):
    body = child_body(VIL_A)
    if "." in field:
        head, key = field.split(".")
        body[head][key] = value
    else:
        body[field] = value
    refused(dir_a, county, body, 400, "invalid_field", field)


@pytest.mark.parametrize("field", ["name", "sex", "birth_date", "ethnicity", "region_code"])
def test_missing_required(dir_a, county, field):
    body = child_body(VIL_A)
    del body[field]
    refused(dir_a, county, body, 400, "missing_field", field)


def test_region_not_a_village(dir_a, county):
    body = child_body(county.region + "100", county=NA_COUNTY)
    refused(county, county, body, 400, "invalid_field", "region_code")


def test_region_outside_scope_is_region_not_found(dir_a, county):
    body = child_body(VIL_B)
    err = refused(dir_a, county, body, 404, "region_not_found")
    # a village that does not exist answers the same
    ghost = child_body("220122100999")
    r = dir_a.post("/children", json=ghost)
    err2 = assert_error(r, 404, "region_not_found")
    assert err == err2, "an existing village outside the scope is told apart"


def test_malformed_region(dir_a, county):
    refused(dir_a, county, child_body("22012210020A", county=NA_COUNTY), 400,
            "invalid_region")


def test_birth_date_in_the_future(dir_a, county):
    tomorrow = today_cn() + dt.timedelta(days=1)
    body = child_body(VIL_A, birth=tomorrow, with_id=False)
    refused(dir_a, county, body, 400, "invalid_field", "birth_date")


def test_born_today_is_accepted(dir_a):
    c = create(dir_a, child_body(VIL_A, birth=today_cn(), father="migrant_out_province",
                                 mother="migrant_out_province"))
    assert c["age"] == 0 and cats(c) == {"left_behind"}


def test_refused_creates_leave_no_trace_in_a_fresh_village(staff, village_pool):
    code, _ = village_pool.take()
    d = staff.user("director", code)
    bad = [
        dict(child_body(code), education="dropped_out"),
        dict(child_body(code), contact_phone="12"),
        dict(child_body(code), sex="x"),
    ]
    for b in bad:
        assert d.post("/children", json=b).status_code == 400
    assert listing(d) == {"items": [], "total": 0, "as_of": iso(today_cn())}
    assert listing(d, status="exited")["total"] == 0


@pytest.mark.parametrize("role", ["province", "city"])
def test_read_only_roles_cannot_write(staff, dir_a, role):
    region = {"province": "22", "city": "2201"}[role]
    u = staff.user(role, region)
    c = create(dir_a, child_body(VIL_A))
    assert_error(u.post("/children", json=child_body(VIL_A)), 403, "forbidden")
    assert_error(u.patch(f"/children/{c['id']}", json={"school": "x小学"}), 403, "forbidden")
    assert_error(u.post(f"/children/{c['id']}/exit",
                        json={"reason": "other", "date": iso(today_cn()), "note": "测试说明"}),
                 403, "forbidden")
    assert get_child(dir_a, c["id"])["version"] == 1


# --------------------------------------------------------------------------
# duplicates


def test_same_id_twice_in_scope(dir_a, sup, county):
    body = child_body(VIL_A)
    first = create(dir_a, body)
    again = dict(body, name=unique_name())
    n = total(county)
    err = assert_error(dir_a.post("/children", json=again), 409, "duplicate_id_number",
                       "id_number")
    assert str(first["id"]) in err["message"], "the message names the record"
    # the supervisor of the township sees both villages: the same answer
    other = dict(body, name=unique_name(), region_code=VIL_B)
    for holder_of_both in (sup, county):  # both villages are in their scope
        err = assert_error(holder_of_both.post("/children", json=other), 409,
                           "duplicate_id_number", "id_number")
        assert str(first["id"]) in err["message"]
    assert total(county) == n
    assert listing(county, q=body["id_number"])["total"] == 1


def test_duplicate_in_lower_case_x(dir_a):
    # 'x' and 'X' are one check character
    # One number in eleven ends in X.  Each try takes a birth date of its
    # own, so that 400 tries (which miss with odds of 1e-17) never use up
    # the order codes of one date that other tests draw on.
    for k in range(400):
        body = child_body(VIL_A, birth=birth_for_age(9, days_after_birthday=1 + k % 360))
        if body["id_number"].endswith("X"):
            break
    else:
        pytest.fail("no number with check character X came up in 400 tries")
    create(dir_a, body)
    again = dict(body, name=unique_name(), id_number=body["id_number"][:-1] + "x")
    assert_error(dir_a.post("/children", json=again), 409, "duplicate_id_number")


def test_registered_elsewhere_says_nothing(staff, dir_a, dir_b, county):
    held = create(dir_a, full_body(VIL_A))
    idn = held["id_number"]
    body = child_body(VIL_B, sex=held["sex"], birth=held["birth_date"])
    body["id_number"] = idn
    before = total(county)
    r = dir_b.post("/children", json=body)
    err = assert_error(r, 409, "registered_elsewhere")
    raw = r.text
    for secret in (held["name"], VIL_A, "十里堡", held["region_path"], held["guardian"]["name"],
                   held["father"]["name"], held["mother"]["name"], dir_a.username):
        assert secret not in raw, f"registered_elsewhere discloses {secret!r}: {raw}"
    assert not re.search(rf"(?<!\d){held['id']}(?!\d)", err["message"]), (
        f"registered_elsewhere names the record id: {raw}")
    assert "#" not in err["message"]
    assert err.get("field") in (None, "id_number")

    # a director of another county: the same answer, word for word
    ng_vil = staff.admin.get("/regions", params={"parent": NG_TOWN}).json()["items"][0]["code"]
    d2 = staff.user("director", ng_vil)
    body2 = dict(body, region_code=ng_vil, name=unique_name())
    r2 = d2.post("/children", json=body2)
    assert_error(r2, 409, "registered_elsewhere")
    assert r2.json() == r.json(), "the answer depends on where the record is"
    ng = staff.user("county", NG_COUNTY)
    assert_error(ng.post("/children", json=body2), 409, "registered_elsewhere")
    assert r2.json() == r.json()
    assert total(county) == before
    # and a patch onto that number is refused the same way
    mine = create(dir_b, child_body(VIL_B, sex=held["sex"], birth=held["birth_date"]))
    r3 = dir_b.patch(f"/children/{mine['id']}", json={"id_number": idn})
    assert_error(r3, 409, "registered_elsewhere")
    assert r3.json() == r.json()
    assert get_child(dir_b, mine["id"])["id_number"] == mine["id_number"]


def test_exited_number_may_be_registered_again(dir_a):
    body = child_body(VIL_A)
    first = create(dir_a, body)
    assert_status(dir_a.post(f"/children/{first['id']}/exit",
                             json={"reason": "moved_away", "date": iso(today_cn()),
                                   "note": "随父母迁往外省"}), 200)
    again = create(dir_a, dict(body, name=unique_name()))
    assert again["id"] != first["id"] and again["id_number"] == body["id_number"]
    # now active twice is refused again
    assert_error(dir_a.post("/children", json=dict(body, name=unique_name())), 409,
                 "duplicate_id_number")


# --------------------------------------------------------------------------
# history and edits


def change(h, field):
    """The change of `field` in a history entry (nested fields may be
    listed as "father.status" or as the whole "father" object)."""
    for ch in h["changes"]:
        if ch["field"] == field:
            return ch["before"], ch["after"]
    head, _, key = field.partition(".")
    for ch in h["changes"]:
        if key and ch["field"] == head:
            b, a = ch["before"] or {}, ch["after"] or {}
            return b.get(key), a.get(key)
    raise AssertionError(f"no change of {field} in {h}")


def test_history_records_changes(dir_a, dir_b):
    c = create(dir_a, child_body(VIL_A, school="一小"))
    h0 = history(dir_a, c["id"])
    assert len(h0) == 1
    assert h0[0]["action"] == "create" and h0[0]["version"] == 1
    assert h0[0]["actor"] == dir_a.username
    assert isinstance(h0[0]["changes"], list)

    u = patch(dir_a, c["id"], {"school": "二小", "grade": "五年级",
                               "father": {"status": "at_home"}})
    assert u["version"] == 2 and u["school"] == "二小"
    assert u["updated_by"] == dir_a.username
    assert u["father"]["name"] == c["father"]["name"], "merge patch lost a sibling field"
    h = history(dir_a, c["id"])
    assert [e["action"] for e in h] == ["create", "update"]
    last = h[-1]
    assert last["version"] == 2 and last["actor"] == dir_a.username
    for e in h:
        assert {"version", "at", "actor", "action", "changes"} <= set(e)
        for ch in e["changes"]:
            assert set(ch) == {"field", "before", "after"}
    assert change(last, "school") == ("一小", "二小")
    assert change(last, "grade") == (None, "五年级")
    assert change(last, "father.status") == ("migrant_out_province", "at_home")
    fields = [ch["field"] for ch in last["changes"]]
    assert "name" not in fields and "birth_date" not in fields, "unchanged fields listed"

    # null clears
    u = patch(dir_a, c["id"], {"grade": None})
    assert u["grade"] is None and u["version"] == 3
    assert change(history(dir_a, c["id"])[-1], "grade") == ("五年级", None)
    # a patch that changes nothing adds no version
    u = patch(dir_a, c["id"], {"school": "二小"})
    assert u["version"] == 3
    assert len(history(dir_a, c["id"])) == 3


def test_guardian_set_and_cleared(dir_a):
    c = create(dir_a, child_body(VIL_A))
    assert c["guardian"] is None
    g = {"name": unique_name(), "relationship": "外祖母", "phone": "13612345678"}
    u = patch(dir_a, c["id"], {"guardian": g})
    assert {k: u["guardian"][k] for k in g} == g
    u = patch(dir_a, c["id"], {"guardian": None})
    assert u["guardian"] is None
    assert [e["action"] for e in history(dir_a, c["id"])] == ["create", "update", "update"]


def test_if_match(dir_a):
    c = create(dir_a, child_body(VIL_A))
    cid = c["id"]
    u = patch(dir_a, cid, {"school": "三小"}, headers={"If-Match": "1"})
    assert u["version"] == 2
    r = dir_a.patch(f"/children/{cid}", json={"school": "四小"}, headers={"If-Match": "1"})
    assert_error(r, 409, "version_conflict")
    k = get_child(dir_a, cid)
    assert k["school"] == "三小" and k["version"] == 2
    assert len(history(dir_a, cid)) == 2
    u = patch(dir_a, cid, {"school": "四小"}, headers={"If-Match": '"2"'})
    assert u["version"] == 3


def test_patch_region_is_use_transfer(dir_a):
    c = create(dir_a, child_body(VIL_A))
    r = dir_a.patch(f"/children/{c['id']}", json={"region_code": VIL_B})
    assert_error(r, 400, "use_transfer", "region_code")
    k = get_child(dir_a, c["id"])
    assert k["region_code"] == VIL_A and k["version"] == 1


@pytest.mark.parametrize("body,code,field", [
    ({"id_number": "220122201501011235"}, "invalid_id_number", "id_number"),
    ({"contact_phone": "12"}, None, "contact_phone"),
    ({"education": "dropped_out"}, "missing_field", "dropout_explanation"),
    ({"sex": "female"}, "id_mismatch", "id_number"),
    ({"nickname": "x"}, "unknown_field", "nickname"),
    ({"name": None}, None, "name"),
    ({"hukou_status": "none"}, "invalid_field", "id_number"),
    ({"birth_date": "2099-01-01"}, "invalid_field", "birth_date"),
])
def test_refused_patch_changes_nothing(dir_a, body, code, field):
    c = create(dir_a, child_body(VIL_A, sex="male"))
    r = dir_a.patch(f"/children/{c['id']}", json=body)
    assert r.status_code == 400, r.text
    if code:
        assert_error(r, 400, code, field)
    else:
        assert r.json()["error"].get("field") == field, r.text
    k = get_child(dir_a, c["id"])
    assert k["version"] == 1
    for key in CHILD_EDITABLE:
        assert k[key] == c[key], key
    assert len(history(dir_a, c["id"])) == 1


def test_nothing_is_deleted(dir_a):
    c = create(dir_a, child_body(VIL_A))
    assert_error(dir_a.delete(f"/children/{c['id']}"), 405, "method_not_allowed")
    assert_error(dir_a.delete("/children"), 405, "method_not_allowed")
    assert_error(dir_a.delete(f"/children/{c['id']}/history"), 405, "method_not_allowed")
    assert_error(dir_a.put(f"/children/{c['id']}", json=child_body(VIL_A)), 405,
                 "method_not_allowed")
    assert get_child(dir_a, c["id"])["status"] == "active"


# --------------------------------------------------------------------------
# exits


EXIT_REASONS = ["aged_out", "parents_returned", "moved_away", "died", "other"]


@pytest.mark.parametrize("reason", EXIT_REASONS)
def test_exit(dir_a, reason):
    # aged_out only for a child due by age (issue #19)
    c = create(dir_a, child_body(VIL_A, age=18 if reason == "aged_out" else 10))
    day = iso(today_cn() - dt.timedelta(days=2))
    note = "父母已返乡务农" if reason != "other" else "其他原因：寄养至亲属家"
    r = dir_a.post(f"/children/{c['id']}/exit", json={"reason": reason, "date": day,
                                                     "note": note})
    assert_status(r, 200)
    k = r.json()
    assert k["status"] == "exited"
    assert k["exit"]["reason"] == reason and k["exit"]["date"] == day
    assert k["exit"]["note"] == note
    assert k["version"] >= c["version"]
    h = history(dir_a, c["id"])
    assert [e["action"] for e in h] == ["create", "exit"]
    # exited: no edits, out of the active list, in the exited one
    assert_error(dir_a.patch(f"/children/{c['id']}", json={"school": "五小"}), 409,
                 "record_exited")
    assert get_child(dir_a, c["id"])["school"] == c["school"]
    assert c["id"] not in ids_of(all_items(dir_a, q=c["name"]))
    ex = all_items(dir_a, status="exited", q=c["name"])
    assert ids_of(ex) == [c["id"]] and ex[0]["status"] == "exited"
    # exiting twice is refused and changes nothing
    r = dir_a.post(f"/children/{c['id']}/exit", json={"reason": "died", "date": day,
                                                     "note": "再次"})
    assert_error(r, 409, "record_exited")
    assert get_child(dir_a, c["id"])["exit"]["reason"] == reason
    assert len(history(dir_a, c["id"])) == 2


@pytest.mark.parametrize("body,field", [
    ({"reason": "graduated", "date": "TODAY"}, "reason"),
    ({"reason": "moved_away", "date": "TOMORROW"}, "date"),
    ({"reason": "moved_away", "date": "2024-13-01"}, "date"),
    ({"reason": "moved_away", "date": "BEFORE_BIRTH"}, "date"),
    ({"date": "TODAY"}, "reason"),
    ({"reason": "moved_away", "date": "TODAY", "extra": 1}, "extra"),
])
def test_exit_refused(dir_a, body, field):
    c = create(dir_a, child_body(VIL_A))
    t = today_cn()
    subs = {"TODAY": iso(t), "TOMORROW": iso(t + dt.timedelta(days=1)),
            "BEFORE_BIRTH": iso(dt.date.fromisoformat(c["birth_date"]) - dt.timedelta(days=1))}
    body = {k: subs.get(v, v) for k, v in body.items()}
    r = dir_a.post(f"/children/{c['id']}/exit", json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"].get("field") == field, r.text
    assert get_child(dir_a, c["id"])["status"] == "active"


def test_exit_proposals(dir_a, staff, village_pool):
    code, _ = village_pool.take()
    d = staff.user("director", code)
    t = today_cn()
    b18 = years_before(t, 18) - dt.timedelta(days=1)
    adult = create(d, child_body(code, birth=b18, father="deceased", mother="deceased"))
    assert adult["age"] == 18 and adult["categories"] == []
    young = create(d, child_body(code, age=10, father="migrant_out_province",
                                 mother="migrant_out_province"))
    # 16, left-behind only: aged out of its one category
    lb16 = create(d, child_body(code, age=16, father="migrant_out_province",
                                mother="migrant_out_province"))
    assert lb16["categories"] == []
    # 16, still in difficulty: stays
    poor16 = create(d, child_body(code, age=16, living_support="dibao"))
    assert poor16["categories"] == ["difficult_poverty"]

    r = d.get("/children/exit-proposals")
    assert_status(r, 200)
    items = r.json()["items"]
    got = {i["id"]: i for i in items}
    assert adult["id"] in got, items
    p = got[adult["id"]]
    assert {"id", "name", "birth_date", "age", "region_code", "region_name", "reason"} <= set(p)
    assert p["name"] == adult["name"] and p["age"] == 18 and p["region_code"] == code
    assert p["birth_date"] == iso(b18)
    assert isinstance(p["reason"], str) and CJK.search(p["reason"])
    assert young["id"] not in got
    assert poor16["id"] not in got
    assert lb16["id"] in got
    assert set(got) == {adult["id"], lb16["id"]}

    # once exited it is no longer proposed
    assert_status(d.post(f"/children/{adult['id']}/exit",
                         json={"reason": "aged_out", "date": iso(t), "note": "已满18周岁"}), 200)
    r = d.get("/children/exit-proposals")
    assert adult["id"] not in {i["id"] for i in r.json()["items"]}
    # read-only roles have no proposals to act on; other villages' are not shown
    assert adult["id"] not in {i["id"] for i in dir_a.get("/children/exit-proposals").json()["items"]}
    assert lb16["id"] not in {i["id"] for i in dir_a.get("/children/exit-proposals").json()["items"]}


# --------------------------------------------------------------------------
# visits


def visit(day, risk="low", **kw):
    v = {"visit_date": iso(day), "visitor": "王主任", "met": "祖父",
         "findings": {"living": "基本生活有保障", "guardianship": "祖父监护，较尽责",
                      "mental_health": "情绪稳定", "education": "正常上学"},
         "risk_level": risk, "follow_up": "下月再访"}
    v.update(kw)
    return v


def test_visits(staff, village_pool):
    code, _ = village_pool.take()
    d = staff.user("director", code)
    t = today_cn()
    c = create(d, child_body(code))
    never = create(d, child_body(code))
    recent = create(d, child_body(code))

    assert_status(d.get(f"/children/{c['id']}/visits"), 200)
    assert d.get(f"/children/{c['id']}/visits").json() == {"items": []}

    bodies = [visit(t - dt.timedelta(days=30)), visit(t - dt.timedelta(days=5), "high"),
              visit(t - dt.timedelta(days=10), "medium")]
    made = []
    for b in bodies:
        r = d.post(f"/children/{c['id']}/visits", json=b)
        assert_status(r, 201)
        v = r.json()
        for k in ("visit_date", "visitor", "met", "findings", "risk_level", "follow_up"):
            assert v[k] == b[k], (k, v)
        assert isinstance(v["id"], int)
        made.append(v)
    r = d.get(f"/children/{c['id']}/visits")
    assert_status(r, 200)
    items = r.json()["items"]
    assert [v["visit_date"] for v in items] == [iso(t - dt.timedelta(days=n)) for n in (5, 10, 30)], (
        "visits are not newest first")
    assert {v["id"] for v in items} == {v["id"] for v in made}
    assert items[0]["findings"] == bodies[1]["findings"]
    assert items[0]["risk_level"] == "high"

    k = get_child(d, c["id"])
    assert k["last_visit_date"] == iso(t - dt.timedelta(days=5))
    assert k["version"] == c["version"], "a visit is not an edit of the record"
    rows = {i["id"]: i for i in all_items(d)}
    assert rows[c["id"]]["last_visit_date"] == iso(t - dt.timedelta(days=5))
    assert rows[never["id"]]["last_visit_date"] is None

    assert_status(d.post(f"/children/{recent['id']}/visits",
                         json=visit(t - dt.timedelta(days=7))), 201)
    # never visited, or last visit more than N days ago
    assert set(ids_of(all_items(d, not_visited_days=3))) == {c["id"], never["id"], recent["id"]}
    assert set(ids_of(all_items(d, not_visited_days=6))) == {never["id"], recent["id"]}
    assert set(ids_of(all_items(d, not_visited_days=7))) == {never["id"]}
    assert set(ids_of(all_items(d, not_visited_days=100))) == {never["id"]}
    # sort by last visit
    asc = ids_of(all_items(d, sort="last_visit", order="asc"))
    visited = [i for i in asc if i != never["id"]]
    assert visited == [recent["id"], c["id"]]


@pytest.mark.parametrize("change,field", [
    ({"visit_date": "TOMORROW"}, "visit_date"),
    ({"visit_date": "2025-02-30"}, "visit_date"),
    ({"risk_level": "extreme"}, "risk_level"),
    ({"findings": None}, "findings"),
    ({"visitor": ""}, "visitor"),
    ({"met": ""}, "met"),
    ({"met": "祖\u0001父"}, "met"),
    ({"follow_up": "下月\u0001再访"}, "follow_up"),
    ({"follow_up": "访" * 201}, "follow_up"),
    ({"mood": "好"}, "mood"),
])
def test_visit_refused(dir_a, change, field):
    c = create(dir_a, child_body(VIL_A))
    body = visit(today_cn())
    for k, v in change.items():
        if v is None:
            body.pop(k)
        elif v == "TOMORROW":
            body[k] = iso(today_cn() + dt.timedelta(days=1))
        else:
            body[k] = v
    r = dir_a.post(f"/children/{c['id']}/visits", json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"].get("field") == field, r.text
    assert dir_a.get(f"/children/{c['id']}/visits").json() == {"items": []}
    assert get_child(dir_a, c["id"])["last_visit_date"] is None


def test_visit_with_empty_follow_up(dir_a):
    """An empty follow-up is accepted, or refused naming follow_up."""
    c = create(dir_a, child_body(VIL_A))
    r = dir_a.post(f"/children/{c['id']}/visits", json=visit(today_cn(), follow_up=""))
    if r.status_code != 201:
        assert_error(r, 400, "invalid_field", "follow_up")


def test_timestamps_use_the_api_format(dir_a):
    from conftest import ISO_UTC
    c = create(dir_a, child_body(VIL_A))
    assert isinstance(c["created_at"], str) and ISO_UTC.match(c["created_at"])
    assert isinstance(c["updated_at"], str) and ISO_UTC.match(c["updated_at"])
    h = history(dir_a, c["id"])[0]
    assert isinstance(h["at"], str) and ISO_UTC.match(h["at"])


def test_exited_record_takes_no_visit_or_transfer(dir_a):
    c = create(dir_a, child_body(VIL_A))
    assert_status(dir_a.post(f"/children/{c['id']}/exit",
                             json={"reason": "died", "date": iso(today_cn()), "note": "病故"}), 200)
    r = dir_a.post(f"/children/{c['id']}/transfers", json={"to_region": VIL_B})
    assert_error(r, 409, "record_exited")
    r = dir_a.post(f"/children/{c['id']}/visits", json={
        "visit_date": iso(today_cn()), "visitor": "王主任", "met": "祖父",
        "findings": {}, "risk_level": "low"})
    assert r.status_code == 409, r.text
    assert dir_a.get(f"/children/{c['id']}/visits").json() == {"items": []}
    assert [e["action"] for e in history(dir_a, c["id"])] == ["create", "exit"]
