"""Quarterly verification: bad input and wrong roles (the documented error
shape, and proof that nothing was written), the scope of what each role
reads (SPEC §1: a director sees its village only; an auditor counts, never
names), and the report, progress and figures agreeing with each other."""

import pytest

from children_util import child_body, create
from conftest import assert_error, assert_status
from helpers import audit_entries, today_cn
from quality_util import (LEFT_BEHIND, RULES, current_quarter, derived_qflags, failing,
                          figures, guardian, item_of, previous_quarter, progress, report,
                          shift_quarter, take_village)


CQ = current_quarter()
PQ = previous_quarter()
NQ = shift_quarter(CQ, 1)
Y = CQ[:4]

MALFORMED_QUARTERS = [f"{Y}Q5", f"{Y}Q0", f"{Y[2:]}Q4", f"{Y}q4", f"{Y}-Q4",
                      f"{Y}Q44", "", f"Q4{Y}", "２０２６Q4", f"{Y}Q", f" {Y}Q4",
                      f"{Y}Q4 ", "abcdQ1"]
FUTURE_QUARTERS = [NQ, shift_quarter(CQ, 5), "2999Q1"]


def state_of(v, kid_id, audit_admin, sup):
    """Everything a verification or sign-off could have written."""
    return {
        "report": report(v.d, region=v.code),
        "report_pq": report(v.d, region=v.code, quarter=PQ),
        "progress": progress(v.d, CQ),
        "progress_pq": progress(v.d, PQ),  # with the quarter's due date
        "progress_town": item_of(progress(sup, CQ, v.town), v.code),
        "verify_audit": [e for e in audit_entries(audit_admin, "child_verify")
                         if e["target"] == f"child:{kid_id}"],
        "signoff_audit": [e for e in audit_entries(audit_admin, "quarter_signoff")
                          if e["region_code"] in (v.code, v.town, v.county)],
        "due_audit": len(audit_entries(audit_admin, "quarter_due_set")),
    }


class Place:
    """A fresh village with one record, and what it looks like now."""

    def __init__(self, v, kid, sup, audit_admin):
        self.v, self.kid, self.sup, self.audit_admin = v, kid, sup, audit_admin
        self.before = self.state()

    def state(self):
        return state_of(self.v, self.kid["id"], self.audit_admin, self.sup)

    def unchanged(self):
        assert self.state() == self.before, "a refused request wrote something"


@pytest.fixture
def place(vil, officers, audit_admin):
    kid = create(vil.d, child_body(vil.code, guardian=guardian()))
    return Place(vil, kid, officers("supervisor", vil.town), audit_admin)


@pytest.fixture(scope="module")
def dv(village_pool, staff):
    """A village and its director for requests that are refused or only
    read (no record is written through it)."""
    return take_village(village_pool, staff)


# --------------------------------------------------------------------------
# queries


@pytest.mark.parametrize("q", MALFORMED_QUARTERS + FUTURE_QUARTERS)
def test_report_refuses_a_bad_or_future_quarter(dv, q):
    r = dv.d.get("/quality", params={"quarter": q})
    assert_error(r, 400, "invalid_query", "quarter")


@pytest.mark.parametrize("rule", ["Q12", "Q00", "q01", "Q1", "Q011", "", "Q",
                                  "Q08,Q11", "QQ1", "Q-1"])
def test_report_refuses_an_unknown_rule(dv, rule):
    r = dv.d.get("/quality", params={"rule": rule})
    assert_error(r, 400, "invalid_query", "rule")


@pytest.mark.parametrize("params,field", [
    ({"page": "0"}, "page"), ({"page": "x"}, "page"),
    ({"page_size": "0"}, "page_size"), ({"page_size": "201"}, "page_size"),
    ({"rule": "Q08", "page_size": "-1"}, "page_size"),
])
def test_report_refuses_bad_pages(dv, params, field):
    assert_error(dv.d.get("/quality", params=params), 400, "invalid_query", field)


@pytest.mark.parametrize("region,status,code", [
    ("22x", 400, "invalid_region"), ("2201020010011", 400, "invalid_region"),
    ("229999", 404, "region_not_found"), ("220102999999", 404, "region_not_found"),
])
def test_report_refuses_a_bad_region(officers, region, status, code):
    province = officers("province", "22")
    for path in ("/quality", f"/quarters/{CQ}/progress", f"/quarters/{CQ}/figures"):
        assert_error(province.get(path, params={"region": region}), status, code)


@pytest.mark.parametrize("q", MALFORMED_QUARTERS[:6] + FUTURE_QUARTERS[:1])
def test_quarter_paths_refuse_a_bad_or_future_quarter(dv, q):
    """The quarter in a path is answered as the query's: 400 invalid_query."""
    for path in (f"/quarters/{q}/progress", f"/quarters/{q}/figures"):
        assert_error(dv.d.get(path), 400, "invalid_query", "quarter")
    r = dv.d.post(f"/quarters/{q}/signoffs",
                   json={"region_code": dv.code, "action": "submit"})
    assert_error(r, 400, "invalid_query", "quarter")
    assert progress(dv.d, CQ)["signoff"] == "open"


# --------------------------------------------------------------------------
# verify


@pytest.mark.parametrize("body,code,field", [
    ({"outcome": "changed"}, "invalid_field", "outcome"),
    ({"outcome": "UNCHANGED"}, "invalid_field", "outcome"),
    ({"outcome": 1}, "invalid_field", "outcome"),
    ({"outcome": ["unchanged"]}, "invalid_field", "outcome"),
    ({}, "missing_field", "outcome"),
    ({"outcome": None}, "missing_field", "outcome"),
    ({"quarter": CQ}, "missing_field", "outcome"),
    ({"outcome": "unchanged", "note": "已核实"}, "unknown_field", "note"),
    ({"outcome": "unchanged", "verified_by": "x"}, "unknown_field", "verified_by"),
    ({"outcome": "unchanged", "quarter": 20264}, "invalid_field", "quarter"),
    ({"outcome": "unchanged", "quarter": CQ + "-1"}, "invalid_field", "quarter"),
    ([], "invalid_json", None),
    ("unchanged", "invalid_json", None),
], ids=lambda v: repr(v)[:40])
def test_verify_refused_writes_nothing(place, body, code, field):
    v, kid = place.v, place.kid
    r = v.d.post(f"/children/{kid['id']}/verify", json=body)
    assert_error(r, 400, code, field)
    place.unchanged()


def test_verify_refuses_non_json(place):
    v, kid = place.v, place.kid
    r = v.d.post(f"/children/{kid['id']}/verify", data=b"outcome=unchanged",
                 headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")
    r = v.d.post(f"/children/{kid['id']}/verify", data=b'{"outcome":"unchanged"}',
                 headers={"Content-Type": "text/plain"})
    assert_error(r, 415, "unsupported_media_type")
    place.unchanged()


@pytest.mark.parametrize("q", [f"{Y}Q5", "2026-4", NQ])
def test_verify_bad_quarter_in_the_body_is_invalid_field(place, q):
    v, kid = place.v, place.kid
    r = v.d.post(f"/children/{kid['id']}/verify",
                 json={"outcome": "unchanged", "quarter": q})
    assert_error(r, 400, "invalid_field", "quarter")
    place.unchanged()


def test_verify_empty_quarter_is_the_current_one(place):
    v, kid = place.v, place.kid
    r = v.d.post(f"/children/{kid['id']}/verify",
                 json={"outcome": "unchanged", "quarter": ""})
    assert_status(r, 200)
    assert r.json()["quarter"] == CQ


@pytest.mark.parametrize("cid", ["999999999", "0", "abc", "-1", "1e3"])
def test_verify_an_absent_record(dv, cid):
    r = dv.d.post(f"/children/{cid}/verify", json={"outcome": "unchanged"})
    assert_error(r, 404, "not_found")


# --------------------------------------------------------------------------
# sign-off


def signoff_bodies(v):
    return [
        ({"region_code": v.code, "action": "publish"}, 400, "invalid_field", "action"),
        ({"region_code": v.code, "action": "SUBMIT"}, 400, "invalid_field", "action"),
        ({"region_code": v.code, "action": 1}, 400, "invalid_field", "action"),
        ({"action": "submit"}, 400, "missing_field", "region_code"),
        ({"region_code": v.code}, 400, "missing_field", "action"),
        ({"region_code": v.code, "action": "submit", "state": "approved"},
         400, "unknown_field", "state"),
        ({"region_code": v.code, "action": "submit", "comment": "长" * 201},
         400, "invalid_field", "comment"),
        ({"region_code": v.code, "action": "submit", "comment": "a\u0001b"},
         400, "invalid_field", "comment"),
        ({"region_code": v.code, "action": "submit", "comment": 5},
         400, "invalid_field", "comment"),
        ({"region_code": "22x", "action": "submit"}, 400, "invalid_region", None),
        ({"region_code": 220102001001, "action": "submit"}, 400, "invalid_field",
         "region_code"),
        ({"region_code": "222403999999", "action": "submit"}, 404,
         "region_not_found", None),
    ]


def test_signoff_refused_writes_nothing(place):
    v = place.v
    for body, status, code, field in signoff_bodies(v):
        r = v.d.post(f"/quarters/{CQ}/signoffs", json=body)
        assert_error(r, status, code, field)
    r = v.d.post(f"/quarters/{CQ}/signoffs", json=[v.code, "submit"])
    assert_error(r, 400, "invalid_json")
    place.unchanged()


# --------------------------------------------------------------------------
# due dates


def test_due_date_refused_writes_nothing(admin, officers):
    q = "2019Q3"
    province = officers("province", "22")
    before = progress(province, q)["due_on"]
    assert before == "2019-10-15"
    for body, code, field in [
        ({"due_on": "2019-09-29"}, "invalid_field", "due_on"),   # before the end
        ({"due_on": "2019-02-30"}, "invalid_field", "due_on"),
        ({"due_on": "2019-13-01"}, "invalid_field", "due_on"),
        ({"due_on": "20191015"}, "invalid_field", "due_on"),
        ({"due_on": "2019-10-15T00:00:00Z"}, "invalid_field", "due_on"),
        ({"due_on": 20191015}, "invalid_field", "due_on"),
        ({}, "missing_field", "due_on"),
        ({"due_on": None}, "missing_field", "due_on"),
        ({"due_on": "2019-10-20", "starts_on": "2019-07-01"}, "unknown_field",
         "starts_on"),
    ]:
        assert_error(admin.put(f"/quarters/{q}", json=body), 400, code, field)
    for bad in (f"{Y}Q5", "2019q3", "2019-Q3", "x"):
        r = admin.put(f"/quarters/{bad}", json={"due_on": "2030-01-01"})
        assert_error(r, 404, "not_found")
    assert progress(province, q)["due_on"] == before


# --------------------------------------------------------------------------
# roles


def test_wrong_roles_are_refused_and_write_nothing(place, admin, officers):
    v, kid = place.v, place.kid
    sup = officers("supervisor", v.town)
    county = officers("county", v.county)
    city = officers("city", v.county[:4])
    province = officers("province", "22")
    auditor = officers("auditor", v.town)
    P = f"/quarters/{CQ}/signoffs"

    def so(c, region, action, **kw):
        return c.post(P, json={"region_code": region, "action": action, **kw})

    # only a county officer approves or returns
    assert_error(so(v.d, v.code, "approve"), 403, "forbidden")
    assert_error(so(v.d, v.code, "return", comment="退回重填"), 403, "forbidden")
    assert_error(so(sup, v.town, "approve"), 403, "forbidden")
    assert_error(so(sup, v.town, "return", comment="退回重填"), 403, "forbidden")
    assert_error(so(sup, v.code, "approve"), 403, "forbidden")
    # …and a director or supervisor cannot reach the county at all
    assert_error(so(v.d, v.county, "approve"), 404, "region_not_found")
    assert_error(so(sup, v.county, "approve"), 404, "region_not_found")
    assert_error(so(v.d, v.town, "submit"), 404, "region_not_found")
    # a county is approved, not submitted; a township is not approved
    assert_error(so(county, v.county, "submit"), 403, "forbidden")
    assert_error(so(county, v.town, "approve"), 400, "invalid_field", "region_code")
    assert_error(so(county, v.code, "approve"), 400, "invalid_field", "region_code")
    # nothing to return: the township has not submitted; a village is not returned
    assert_error(so(county, v.town, "return", comment="退回重填"), 409, "nothing_to_return")
    assert_error(so(county, v.code, "return", comment="退回重填"), 409, "nothing_to_return")
    # city, province, auditor and admin take no part in sign-off or verifying
    for c in (city, province, auditor, admin):
        assert_error(so(c, v.code, "submit"), 403, "forbidden")
        r = c.post(f"/children/{kid['id']}/verify", json={"outcome": "unchanged"})
        assert_error(r, 403, "forbidden")
    # admin reads no quality data
    for path in ("/quality", f"/quarters/{CQ}/progress", f"/quarters/{CQ}/figures"):
        assert_error(admin.get(path, params={"region": v.code}), 403, "forbidden")
    # only admin and province set due dates
    for c in (v.d, sup, county, city, auditor):
        r = c.put(f"/quarters/{PQ}", json={"due_on": today_cn().isoformat()})
        assert_error(r, 403, "forbidden")
    place.unchanged()


# --------------------------------------------------------------------------
# scope


def test_a_director_sees_nothing_of_another_village(village_pool, staff, admin):
    a = take_village(village_pool, staff)
    b = take_village(village_pool, staff)
    hidden = create(a.d, child_body(a.code, guardian=None, **LEFT_BEHIND))
    mine = create(b.d, child_body(b.code, guardian=guardian()))
    assert failing(a.d, "Q01", a.code) == {hidden["id"]}

    body = report(b.d)
    assert body["region_code"] == b.code and body["active"] == 1
    assert {i["child_id"] for i in body["items"]} == {mine["id"]}
    assert body["counts"]["Q01"] == 0 and body["counts"]["Q07"] == 0
    for rule in RULES:
        assert hidden["id"] not in failing(b.d, rule)
    assert hidden["name"] not in str(report(b.d, rule="Q01"))
    # another village answers like a region that does not exist
    ghost = a.code[:9] + "999"
    for path in ("/quality", f"/quarters/{CQ}/progress", f"/quarters/{CQ}/figures"):
        for params in ({"region": a.code}, {"region": a.code, "rule": "Q01"}):
            r = b.d.get(path, params=params)
            g = b.d.get(path, params=dict(params, region=ghost))
            assert_error(r, 404, "region_not_found")
            assert r.json() == g.json()
            assert hidden["name"] not in r.text
    for region in (a.code, a.town, a.county):
        r = b.d.post(f"/quarters/{CQ}/signoffs",
                     json={"region_code": region, "action": "submit"})
        assert_error(r, 404, "region_not_found")
    r = b.d.post(f"/children/{hidden['id']}/verify", json={"outcome": "unchanged"})
    assert_error(r, 404, "not_found")
    assert r.json() == b.d.post("/children/999999999/verify",
                                json={"outcome": "unchanged"}).json()
    assert hidden["id"] in failing(a.d, "Q11", a.code)
    assert progress(a.d, CQ)["signoff"] == "open"


def test_auditor_counts_without_names(village_pool, staff, officers):
    v = take_village(village_pool, staff)
    # left-behind without guardian (Q01), a father without name (Q07)
    kid = create(v.d, child_body(v.code, guardian=None,
                                 father={"status": "migrant_out_province"},
                                 **LEFT_BEHIND))
    sup = officers("supervisor", v.town)
    auditor = officers("auditor", v.town)
    county_auditor = officers("auditor", v.county)
    full = report(sup, region=v.code)
    assert {(i["rule"], i["child_id"]) for i in full["items"]} >= {
        ("Q01", kid["id"]), ("Q07", kid["id"])}
    for who in (auditor, county_auditor):
        body = report(who, region=v.code)
        assert body["counts"] == full["counts"] and body["active"] == 1
        assert body["rules"] == full["rules"]
        assert body["items"] == []
        for rule in ("Q01", "Q07", "Q08", "Q11"):
            r = who.get("/quality", params={"region": v.code, "rule": rule})
            assert_status(r, 200)
            assert r.json()["items"] == [] and r.json()["counts"][rule] == 1
            assert kid["name"] not in r.text
        # progress and figures are counts too
        p = progress(who, CQ, v.town)
        assert item_of(p, v.code)["active"] == 1
        assert figures(who, CQ, v.code)["figures"]["active"] == 1
    assert report(auditor)["region_code"] == v.town


# --------------------------------------------------------------------------
# the report, progress and figures agree


def _dup_village(village_pool, staff, rows):
    """A village with two active records of one ID number (a legacy pair,
    as in test_quality.test_q09_…) and nothing else failing but Q08/Q11."""
    v = take_village(village_pool, staff)
    g = guardian()
    a = create(v.d, child_body(v.code, age=6, guardian=g))
    b = create(v.d, child_body(v.code, birth=a["birth_date"], guardian=g))
    row = rows.get(b["id"])
    data = dict(row["data"], id_number=a["id_number"])
    assert derived_qflags(data) == 0
    rows.set(b["id"], data=data, id_number=a["id_number"], active_id=None)
    assert failing(v.d, "Q09", v.code) == {a["id"], b["id"]}
    return v


def test_progress_open_failures_are_the_report_s_failures(vil):
    create(vil.d, child_body(vil.code, guardian=None, **LEFT_BEHIND))
    create(vil.d, child_body(vil.code, father=None, mother=None))
    c = report(vil.d)["counts"]
    it = item_of(progress(vil.d, CQ), vil.code)
    assert it["open_failures"] == sum(c[r] for r in RULES if r != "Q11")
    assert it["active"] - it["verified"] == c["Q11"]
    f = figures(vil.d, CQ, vil.code)["figures"]
    assert f["quality"] == c and f["active"] == 2 and f["verified"] == 0


def test_open_failures_count_duplicate_id_numbers(village_pool, staff, rows):
    v = _dup_village(village_pool, staff, rows)
    c = report(v.d)["counts"]
    assert c["Q09"] == 2
    it = item_of(progress(v.d, CQ), v.code)
    assert it["open_failures"] == sum(c[r] for r in RULES if r != "Q11")


def test_figures_count_duplicate_id_numbers(village_pool, staff, rows):
    v = _dup_village(village_pool, staff, rows)
    c = report(v.d)["counts"]
    assert figures(v.d, CQ, v.code)["figures"]["quality"] == c

