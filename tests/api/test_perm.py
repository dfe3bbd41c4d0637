"""The one permission table seen from outside: who may grant whom (every
role × role pair), the escalation of issue #17 (a supervisor making an
auditor), the separation of the three administrators (等保 三权分立), the
caller's actions in GET /session, and the auditor's exports agreeing
across /reports/* and /dashboard/export (issue #19)."""

import io
import uuid

import openpyxl
import pytest

from children_util import child_body, create
from conftest import (CITY, COUNTY, COUNTY_B, TOWNSHIP, VILLAGE, VILLAGE_B,
                      Client, assert_error, assert_status, check_user,
                      strong_password)

ROLES = ["admin", "security_admin", "audit_admin", "province", "city", "county",
         "supervisor", "director", "auditor"]

# Each role's own region in the test tree (the level roles' regions nest).
HOME = {"admin": "22", "security_admin": "22", "audit_admin": "22",
        "province": "22", "city": CITY, "county": COUNTY, "supervisor": TOWNSHIP,
        "director": VILLAGE, "auditor": COUNTY}

# Written out here, not read from the server: a change to the grant table
# is a change to this test.
GRANTS = {
    "security_admin": {"admin", "audit_admin"},
    "admin": {"province", "city", "county", "supervisor", "director", "auditor"},
    "province": {"city", "county", "supervisor", "director"},
    "city": {"county", "supervisor", "director"},
    "county": {"supervisor", "director"},
    "supervisor": {"director"},
    "director": set(),
    "auditor": set(),
    "audit_admin": set(),
}


def target_region(creator, target):
    """A region of the target role's level inside the creator's scope when
    there is one (the administrators and the auditor take any level)."""
    if target in ("admin", "security_admin", "audit_admin", "auditor"):
        return HOME[creator]
    return HOME[target]


@pytest.fixture(scope="module")
def everyone(accounts, admin, security_admin, audit_admin):
    """A logged-in client of every role."""
    out = {"admin": admin, "security_admin": security_admin,
           "audit_admin": audit_admin}
    for role in ROLES:
        if role not in out:
            out[role] = accounts.ready(role, HOME[role])
    return out


@pytest.fixture(scope="module")
def accounts(server, admin):
    from conftest import Accounts
    return Accounts(server, admin, lambda: "pm" + uuid.uuid4().hex[:12])


@pytest.mark.parametrize("creator", ROLES)
def test_every_grant_answers_as_the_table_says(everyone, accounts, creator):
    c = everyone[creator]
    r = c.get("/session")
    assert_status(r, 200)
    assert set(r.json()["grants"]) == GRANTS[creator]
    for target in ROLES:
        name = accounts.uniq()
        r = c.post("/users", json={"username": name, "role": target,
                                   "region_code": target_region(creator, target)})
        if target in GRANTS[creator]:
            assert_status(r, 201)
            assert check_user(r.json()["user"])["role"] == target
        else:
            assert_error(r, 403, "forbidden")
            assert not accounts.exists(name), f"{creator} made a {target}"


def test_a_supervisor_cannot_make_an_auditor(accounts, request):
    """Issue #17 item 2, as the demo supervisor dudao did it: an auditor in
    its own township would read the audit log, which dudao may not."""
    dudao = accounts.ready("supervisor", TOWNSHIP)
    assert_error(dudao.get("/audit"), 403, "forbidden")
    name = accounts.uniq()
    r = dudao.post("/users", json={"username": name, "role": "auditor",
                                   "region_code": TOWNSHIP})
    assert_error(r, 403, "forbidden", field="role")
    assert not accounts.exists(name)
    # nor by moving a director it made to the auditor role
    d, _ = accounts.create("director", VILLAGE, creator=dudao)
    assert_error(dudao.patch(f"/users/{d['id']}", json={"role": "auditor",
                                                        "region_code": TOWNSHIP}),
                 403, "forbidden")
    assert accounts.admin.get(f"/users/{d['id']}").json()["role"] == "director"
    # and the refusals wrote no user_create for that name
    audit_admin = request.getfixturevalue("audit_admin")
    r = audit_admin.get("/audit", params={"action": "user_create", "page_size": 200})
    assert_status(r, 200)
    assert not any(e["detail"].get("username") == name for e in r.json()["items"])


def test_the_three_administrators_are_separate(accounts, admin, security_admin,
                                               audit_admin):
    # admin runs the system but does not read the log …
    assert_error(admin.get("/audit"), 403, "forbidden")
    assert_error(security_admin.get("/audit"), 403, "forbidden")
    region_name = "三权区" + uuid.uuid4().hex[:6]
    r = admin.post("/regions", json={"parent_code": "2206", "name": region_name})
    assert_status(r, 201)
    region_code = r.json()["code"]
    # … nor makes, resets or disables an administrator
    for role in ("admin", "security_admin", "audit_admin"):
        assert_error(admin.post("/users", json={"username": accounts.uniq(), "role": role,
                                                "region_code": "22"}), 403, "forbidden")
    for other in (security_admin, audit_admin):
        assert_error(admin.post(f"/users/{other.user_id}/password-reset"), 403,
                     "forbidden")
        assert_error(admin.patch(f"/users/{other.user_id}", json={"disabled": True}),
                     403, "forbidden")
        assert_error(admin.post(f"/users/{other.user_id}/unlock"), 403, "forbidden")

    # security_admin grants the administrators, and only them
    new_admin, otp = accounts.create("admin", "22", creator=security_admin)
    assert_error(security_admin.post("/users", json={
        "username": accounts.uniq(), "role": "county", "region_code": COUNTY}),
        403, "forbidden")
    county = accounts.ready("county", COUNTY)
    assert_error(security_admin.post(f"/users/{county.user_id}/password-reset"), 403,
                 "forbidden")
    r = security_admin.post(f"/users/{new_admin['id']}/password-reset")
    assert_status(r, 200)
    n = Client(admin.base)
    n.login_ok(new_admin["username"], r.json()["one_time_password"])
    assert_status(n.change_password(strong_password()), 200)
    assert_error(n.get("/audit"), 403, "forbidden")
    # no child data and no settings for security_admin or audit_admin
    for c in (security_admin, audit_admin):
        for path in ("/children", "/dashboard", "/cases", "/staff", "/women/stats"):
            assert_error(c.get(path), 403, "forbidden")
        assert_error(c.post("/regions", json={"parent_code": "2206", "name": "越权区"}),
                     403, "forbidden")
        assert_error(c.put("/settings/label-words", json={"words": ["留守儿童", "困境儿童"]}),
                     403, "forbidden")

    # audit_admin reads the whole log, the other two's entries included,
    # and manages nobody
    for path in ("/users", f"/users/{county.user_id}"):
        assert_error(audit_admin.get(path), 403, "forbidden")
    assert_error(audit_admin.post("/users", json={"username": accounts.uniq(),
                                                  "role": "director",
                                                  "region_code": VILLAGE}),
                 403, "forbidden")
    seen = []
    for page in range(1, 6):
        r = audit_admin.get("/audit", params={"page": page, "page_size": 200})
        assert_status(r, 200)
        seen += r.json()["items"]
    assert any(e["action"] == "region_create" and e["actor"] == admin.username
               and e["region_code"] == region_code for e in seen)
    assert any(e["action"] == "user_create" and e["actor"] == security_admin.username
               and e["detail"].get("username") == new_admin["username"] for e in seen)
    assert any(e["action"] == "user_password_reset"
               and e["actor"] == security_admin.username for e in seen)
    # every region, not one scope: the new region (松原), the county
    # officer made in 长春 and the administrators at the province
    regions = {e["region_code"] for e in seen}
    assert {region_code, COUNTY, "22"} <= regions
    # and no one erases a trail: the log takes no writes through the API
    for method in ("DELETE", "PATCH", "PUT", "POST"):
        assert_error(audit_admin.request(method, "/audit", json={}), 405,
                     "method_not_allowed")


def test_the_session_lists_the_callers_actions(everyone):
    """The UI shows and hides by these; a few rows of the table, checked
    from outside (the whole matrix is tests/unit/test_perm.c's)."""
    expect = {
        # role: (has, has not)
        "admin": ({"user.manage", "region.write", "label_words.write"},
                  {"audit.read", "child.read", "stats.read"}),
        "security_admin": ({"user.manage"},
                           {"audit.read", "region.write", "child.read", "stats.read"}),
        "audit_admin": ({"audit.read", "audit.read_all"},
                        {"user.manage", "child.read", "stats.read"}),
        "county": ({"child.read", "child.write", "identity.read", "audit.read",
                    "quarter.approve", "user.manage"}, {"audit.read_all"}),
        "supervisor": ({"child.write", "user.manage"},
                       {"audit.read", "quarter.approve"}),
        "director": ({"child.write", "stats.read"}, {"user.manage", "child.confirm"}),
        "auditor": ({"stats.read", "quality.read", "audit.read"},
                    {"child.read", "identity.read", "staff.read", "user.manage"}),
        "province": ({"child.read", "training.write"}, {"identity.read", "child.write"}),
    }
    for role, (has, hasnot) in expect.items():
        body = everyone[role].get("/session").json()
        acts = set(body["actions"])
        assert "session" in acts and "public" not in acts
        assert has <= acts, f"{role} lacks {has - acts}"
        assert not (hasnot & acts), f"{role} has {hasnot & acts}"


# --------------------------------------------------------------------------
# issue #19: what the auditor exports

MH_COUNTY = "220581"  # 梅河口市: no other test puts records there


def sheets(data):
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
            for ws in wb.worksheets}


def xlsx(c, path, **params):
    r = c.get(path, params=params)
    assert_status(r, 200)
    assert r.content[:2] == b"PK"
    return sheets(r.content)


@pytest.fixture(scope="module")
def mh(accounts, admin):
    """A county with a child in one village, its officer and an auditor."""
    towns = admin.get("/regions", params={"parent": MH_COUNTY}).json()["items"]
    villages = admin.get("/regions", params={"parent": towns[0]["code"]}).json()["items"]
    v = villages[-1]["code"]
    d = accounts.ready("director", v)
    create(d, child_body(v, living_support="dibao"))
    return {"county": accounts.ready("county", MH_COUNTY),
            "auditor": accounts.ready("auditor", MH_COUNTY)}


FIGURES = ["/dashboard/export", "/reports/children", "/reports/cases",
           "/staff/coverage/export"]
IDENTITIES = ["/reports/workforce", "/reports/training", "/reports/platforms",
              "/children/export", "/women/export", "/platforms/compliance/export"]


def test_the_auditor_exports_figures_and_no_identities(mh, audit_admin):
    aud = mh["auditor"]
    before = audit_admin.get("/audit", params={"action": "report_export",
                                               "page_size": 1}).json()["total"]
    for path in FIGURES:
        xlsx(aud, path)
    for path in IDENTITIES:
        assert_error(aud.get(path), 403, "forbidden")
    # the figure reports are audited like everyone's
    after = audit_admin.get("/audit", params={"action": "report_export",
                                              "page_size": 1}).json()["total"]
    assert after == before + 2


def test_the_auditors_figures_agree_everywhere(mh):
    """The same per-region table from /reports/children and the dashboard
    workbook, for the auditor as for the county officer."""
    aud, county = mh["auditor"], mh["county"]
    rep_a = xlsx(aud, "/reports/children")
    rep_c = xlsx(county, "/reports/children")
    dash_a = xlsx(aud, "/dashboard/export")
    (rows_a,), (rows_c,) = rep_a.values(), rep_c.values()
    rows_a, rows_c = unmarked(rows_a), unmarked(rows_c)
    assert rows_a[3:] == rows_c[3:]          # column names and figures
    assert rows_a[3:] == unmarked(dash_a["分区域儿童"])[3:]
    total = next(r for r in rows_a[4:] if r[1] == "合计")
    assert total[2] >= 1
    assert total[2] == aud.get("/dashboard").json()["children"]["active"]
    cases_a, cases_c = xlsx(aud, "/reports/cases"), xlsx(county, "/reports/cases")
    assert (unmarked(list(cases_a.values())[0])[3:] ==
            unmarked(list(cases_c.values())[0])[3:])


def unmarked(rows):
    """A sheet's rows without the watermark line (who, when, purpose),
    which differs by who exported it."""
    return [r for r in rows
            if not (r and isinstance(r[0], str) and r[0].startswith("导出人："))]


def test_admin_exports_nothing(admin):
    for path in FIGURES + IDENTITIES:
        assert_error(admin.get(path), 403, "forbidden")


def test_a_director_cannot_reach_another_village_through_grants(accounts):
    """Scope still holds under the grant table: a county officer grants a
    director only inside its county."""
    c = accounts.ready("county", COUNTY)
    name = accounts.uniq()
    assert_error(c.post("/users", json={"username": name, "role": "director",
                                        "region_code": VILLAGE_B}),
                 404, "region_not_found")
    assert not accounts.exists(name)
    assert_error(c.post("/users", json={"username": name, "role": "county",
                                        "region_code": COUNTY_B}), 403, "forbidden")
