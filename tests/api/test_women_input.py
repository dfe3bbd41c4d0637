"""Bad input for the women's registry: every invalid body or query is
refused with the error shape (Chinese message, stable code, the field) and
leaves the database as it was — the village's records, services, counts
and audit log are compared before and after."""

import pytest

from conftest import assert_error, assert_status
from helpers import audit_entries, bad_check, days_ago
from women_util import (COUNTY, OTHER_COUNTY, TOWN, TOWN_2, register, snapshot,
                        woman_body, woman_id)


class World:
    def __init__(self, staff, pool):
        self.A, _ = pool.take(TOWN)
        self.d = staff.user("director", self.A)
        self.county = staff.user("county", COUNTY)
        self.other_town_village, _ = pool.take(TOWN_2)
        self.hd_village, _ = pool.take(pool.townships(OTHER_COUNTY)[0])
        self.woman = register(self.d, woman_body(self.A))


@pytest.fixture(scope="module")
def w(staff, village_pool):
    return World(staff, village_pool)


def audit_count(audit_admin):
    return sum(len(audit_entries(audit_admin, a)) for a in
               ("woman_create", "woman_update", "woman_service"))


@pytest.fixture
def unchanged(w, audit_admin):
    """Asserts, after the test, that the village and the log are as before."""
    before = snapshot(w.d, w.A), audit_count(audit_admin)
    yield
    assert (snapshot(w.d, w.A), audit_count(audit_admin)) == before


def _body(w, **kw):
    return woman_body(w.A, **kw)


def _without(w, key):
    b = _body(w)
    del b[key]
    return b


REGISTRATIONS = [
    # identity
    ("a man's ID number", lambda w: _body(w, id_number=woman_id(w.A, "1985-05-05", "male")),
     "id_mismatch", "id_number"),
    ("bad check digit", lambda w: _body(w, id_number=bad_check(woman_id(w.A))),
     "invalid_id_number", "id_number"),
    ("17 digits", lambda w: _body(w, id_number=woman_id(w.A)[:17]),
     "invalid_id_number", "id_number"),
    ("letters", lambda w: _body(w, id_number="22028419860412abcd"),
     "invalid_id_number", "id_number"),
    ("impossible birth date", lambda w: _body(w, id_number=_with_check("22028419860230002")),
     "invalid_id_number", "id_number"),
    ("born in the future", lambda w: _body(w, id_number=_with_check("22028420990101002")),
     "invalid_id_number", "id_number"),
    ("a girl", lambda w: _body(w, id_number=woman_id(w.A, days_ago(365 * 12))),
     "not_adult", "id_number"),
    # required fields
    ("no region", lambda w: _without(w, "region_code"), "missing_field", "region_code"),
    ("no name", lambda w: _without(w, "name"), "missing_field", "name"),
    ("no ID number", lambda w: _without(w, "id_number"), "missing_field", "id_number"),
    ("no employment", lambda w: _without(w, "employment"), "missing_field", "employment"),
    ("null name", lambda w: _body(w, name=None), "missing_field", "name"),
    ("empty name", lambda w: _body(w, name=""), "invalid_field", "name"),
    # values
    ("unknown employment", lambda w: _body(w, employment="fishing"),
     "invalid_field", "employment"),
    ("employment label", lambda w: _body(w, employment="务农"), "invalid_field", "employment"),
    ("bad phone", lambda w: _body(w, phone="12345"), "invalid_phone", "phone"),
    ("name too long", lambda w: _body(w, name="王" * 21), "invalid_field", "name"),
    ("one-letter name", lambda w: _body(w, name="王"), "invalid_field", "name"),
    ("husband place with control characters",
     lambda w: _body(w, husband_work_place="北京\x07市"), "invalid_field", "husband_work_place"),
    ("husband place too long", lambda w: _body(w, husband_work_place="北" * 41),
     "invalid_field", "husband_work_place"),
    ("skills too long", lambda w: _body(w, skills="编" * 101), "invalid_field", "skills"),
    # wrong types
    ("name a number", lambda w: _body(w, name=123), "invalid_field", "name"),
    ("ID number a number", lambda w: _body(w, id_number=220284198604120021),
     "invalid_field", "id_number"),
    ("phone a list", lambda w: _body(w, phone=["13900000000"]), "invalid_field", "phone"),
    ("employment an object", lambda w: _body(w, employment={"code": "farming"}),
     "invalid_field", "employment"),
    ("region a number", lambda w: _body(w, region_code=int(w.A)), "invalid_field",
     "region_code"),
    ("skills true", lambda w: _body(w, skills=True), "invalid_field", "skills"),
    # unknown or read-only fields
    ("status on create", lambda w: _body(w, status="active"), "unknown_field", None),
    ("birth date on create", lambda w: _body(w, birth_date="1986-04-12"),
     "unknown_field", None),
    ("an id", lambda w: _body(w, id=1), "unknown_field", None),
    # regions
    ("a malformed region", lambda w: _body(w, region_code="22x"), "invalid_region", None),
]


def _with_check(first17):
    from helpers import check_char
    return first17 + check_char(first17)


@pytest.mark.parametrize("make,code,field", [r[1:] for r in REGISTRATIONS],
                         ids=[r[0] for r in REGISTRATIONS])
def test_bad_registration(w, unchanged, make, code, field):
    body = make(w)
    r = w.d.post("/women", json=body)
    assert_error(r, 400, code, field)


@pytest.mark.parametrize("region", [TOWN, COUNTY])
def test_registration_not_in_a_village(w, unchanged, region):
    r = w.county.post("/women", json=woman_body(w.A, region_code=region))
    assert_error(r, 400, "invalid_field", "region_code")


@pytest.mark.parametrize("where", ["other_town_village", "hd_village"])
def test_registration_outside_the_scope(w, unchanged, where):
    r = w.d.post("/women", json=woman_body(getattr(w, where)))
    assert_error(r, 404, "region_not_found")
    ghost = w.d.post("/women", json=woman_body("220284999999"))
    assert r.json()["error"]["code"] == ghost.json()["error"]["code"]


@pytest.mark.parametrize("raw,ctype,status,code", [
    (b"{", "application/json", 400, "invalid_json"),
    (b"[]", "application/json", 400, "invalid_json"),
    (b'"woman"', "application/json", 400, "invalid_json"),
    (b"name=x", "application/x-www-form-urlencoded", 415, None),
])
def test_not_a_json_object(w, unchanged, raw, ctype, status, code):
    for path in ("/women", f"/women/{w.woman['id']}/services"):
        r = w.d.post(path, data=raw, headers={"Content-Type": ctype})
        assert r.status_code == status, r.text
        if code:
            assert_error(r, status, code)


PATCHES = [
    ({"status": "deleted"}, "invalid_field", "status"),
    ({"status": ""}, "invalid_field", "status"),
    ({"employment": "fishing"}, "invalid_field", "employment"),
    ({"phone": "0431"}, "invalid_phone", "phone"),
    ({"skills": 5}, "invalid_field", "skills"),
    ({"husband_work_place": ["北京"]}, "invalid_field", "husband_work_place"),
    ({"name": "改名"}, "unknown_field", None),
    ({"id_number": "220284198604120021"}, "unknown_field", None),
    ({"region_code": "220284100201"}, "unknown_field", None),
    ({"version": 1}, "unknown_field", None),
    ({"skills": "编" * 101}, "invalid_field", "skills"),
]


@pytest.mark.parametrize("body,code,field", PATCHES)
def test_bad_patch(w, unchanged, body, code, field):
    r = w.d.patch(f"/women/{w.woman['id']}", json=body)
    assert_error(r, 400, code, field)


SERVICES = [
    ({"served_on": days_ago(1)}, "missing_field", "kind"),
    ({"kind": "entrepreneurship"}, "missing_field", "served_on"),
    ({"kind": "massage", "served_on": days_ago(1)}, "invalid_field", "kind"),
    ({"kind": "就业指导", "served_on": days_ago(1)}, "invalid_field", "kind"),
    ({"kind": "entrepreneurship", "served_on": days_ago(-1)}, "invalid_field", "served_on"),
    ({"kind": "entrepreneurship", "served_on": "2099-01-01"}, "invalid_field", "served_on"),
    ({"kind": "entrepreneurship", "served_on": "2024-02-30"}, "invalid_field", "served_on"),
    ({"kind": "entrepreneurship", "served_on": "2024/03/01"}, "invalid_field", "served_on"),
    ({"kind": "entrepreneurship", "served_on": 20240301}, "invalid_field", "served_on"),
    ({"kind": 3, "served_on": days_ago(1)}, "invalid_field", "kind"),
    ({"kind": "rights", "served_on": days_ago(1), "detail": {"case": "x"}},
     "invalid_field", "detail"),
    ({"kind": "rights", "served_on": days_ago(1), "detail": "调" * 301},
     "invalid_field", "detail"),
    ({"kind": "cancer_screening", "served_on": days_ago(1), "result": "abnormal",
      "follow_up": "复" * 301}, "invalid_field", "follow_up"),
    ({"kind": "cancer_screening", "served_on": days_ago(1), "result": True},
     "invalid_field", "result"),
    ({"kind": "entrepreneurship", "served_on": days_ago(1), "woman_id": 1},
     "unknown_field", None),
]


@pytest.mark.parametrize("body,code,field", SERVICES)
def test_bad_service(w, unchanged, body, code, field):
    r = w.d.post(f"/women/{w.woman['id']}/services", json=body)
    assert_error(r, 400, code, field)


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.5", "99999999999999999999"])
def test_malformed_ids(w, bad):
    r = w.d.get(f"/women/{bad}")
    assert r.status_code in (400, 404), r.text
    assert_error(r, r.status_code, r.json()["error"]["code"])


def test_csrf_is_required(w, unchanged):
    r = w.d.post("/women", json=woman_body(w.A), csrf=False)
    assert r.status_code == 403, r.text
    r = w.d.patch(f"/women/{w.woman['id']}", json={"skills": "x"}, csrf=False)
    assert r.status_code == 403, r.text


def test_good_body_after_the_refusals(w):
    """The same director's valid body goes in: the refusals above were
    about their bodies, not the account."""
    assert_status(w.d.post("/women", json=woman_body(w.A)), 201)
