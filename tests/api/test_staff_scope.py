"""The scope boundary for the workforce: a county officer of another county,
a supervisor of another township and a director of another village cannot
read, list, count, edit, record leaving for, train, certify, revoke or see the
coverage of records outside their scope — a record outside answers exactly
like an absent one, and totals exclude it. A director reads but does not
register; admin gets 403 everywhere, the auditor everywhere but the counts
(coverage, campaign progress)."""

import pytest

from conftest import assert_error, assert_status
from helpers import days_ago, same_404, unique_phone
from workforce_util import (CITY_JL, DH_COUNTY, GHOST, NA_COUNTY, all_staff, attend,
                            certificates_of, coverage, director_body, get_staff,
                            new_training, past_year, register, staff_list,
                            supervisor_body, training_body)


class World:
    """Two townships of 农安县 (A with villages a1, a2; B with b1) and one of
    德惠市 (D with d1); a supervisor and directors in each; a passed initial
    training and a certificate in each county; the users of every level."""

    def __init__(self, region_pool, staff, na, dh):
        A, B = region_pool.take_township(), region_pool.take_township()
        D = region_pool.take_township(DH_COUNTY)
        self.A, self.B, self.D = A["code"], B["code"], D["code"]
        self.a1, self.a2 = A["villages"][0]["code"], A["villages"][1]["code"]
        self.a_free = A["villages"][2]["code"]  # nobody registers here
        self.b1 = B["villages"][0]["code"]
        self.d1 = D["villages"][0]["code"]
        self.na, self.dh = na, dh
        self.s = {
            "supA": register(na, supervisor_body(self.A)),
            "dirA1": register(na, director_body(self.a1)),
            "dirA2": register(na, director_body(self.a2)),
            "supB": register(na, supervisor_body(self.B)),
            "dirB1": register(na, director_body(self.b1)),
            "supD": register(dh, supervisor_body(self.D)),
            "dirD1": register(dh, director_body(self.d1)),
        }
        y = past_year()
        self.tNA = new_training(na, training_body(NA_COUNTY, f"{y}-04-10"))
        self.tDH = new_training(dh, training_body(DH_COUNTY, f"{y}-04-11",
                                                  organiser="德惠市民政局"))
        for key in ("dirA1", "dirB1", "supA"):
            attend(na, self.tNA["id"], self.s[key]["id"], passed=True, score=88)
        attend(dh, self.tDH["id"], self.s["dirD1"]["id"], passed=True, score=77)
        self.cert = {}
        for key, c, region in (("dirA1", na, self.A), ("dirB1", na, self.B),
                               ("supA", na, self.A), ("dirD1", dh, self.D)):
            got = [x for x in certificates_of(c, region) if x["staff_id"] == self.s[key]["id"]]
            assert len(got) == 1, key
            self.cert[key] = got[0]
        self.u = {
            "na": na, "dh": dh,
            "supA": staff.user("supervisor", self.A),
            "supB": staff.user("supervisor", self.B),
            "dirA1": staff.user("director", self.a1),
            "dirB1": staff.user("director", self.b1),
            "cityJL": staff.user("city", CITY_JL),
        }


@pytest.fixture(scope="module")
def w(region_pool, staff, na_county, dh_county):
    return World(region_pool, staff, na_county, dh_county)


def record_probes(c):
    return [
        ("GET", "/staff/{id}", None),
        ("PATCH", "/staff/{id}", {"phone": unique_phone()}),
        ("POST", "/staff/{id}/leave", {"left_on": days_ago(0), "reason": "越权离任"}),
    ]


def untouched(w, key):
    """The record is as registered: same version, still in post."""
    owner = w.dh if key.endswith("D1") or key == "supD" else w.na
    s = get_staff(owner, w.s[key]["id"])
    assert s["version"] == w.s[key]["version"] and s["status"] == "active", key
    assert s["phone"] == w.s[key]["phone"]


# who, whose record: outside the caller's scope
OUTSIDE = [
    ("dh", "dirA1"), ("dh", "supA"), ("na", "dirD1"), ("na", "supD"),
    ("supA", "dirB1"), ("supA", "supB"), ("supB", "dirA1"), ("supA", "dirD1"),
    ("dirA1", "dirA2"), ("dirA1", "supA"), ("dirA1", "dirB1"), ("dirA1", "supB"),
    ("dirB1", "dirA1"),
    ("dirA1", "dirD1"), ("cityJL", "dirA1"), ("cityJL", "supA"),
]


@pytest.mark.parametrize("who,key", OUTSIDE, ids=[f"{a}-{b}" for a, b in OUTSIDE])
def test_record_outside_scope_reads_as_absent(w, who, key):
    u = w.u[who]
    rec = w.s[key]
    for method, path, body in record_probes(u):
        kw = {} if body is None else {"json": body}
        r = u.request(method, path.format(id=rec["id"]), **kw)
        g = u.request(method, path.format(id=GHOST), **kw)
        if u.role == "director" and method != "GET":
            # a director may not edit anyone (docs: register, edit and record
            # leaving are for province, city, county and supervisors): the
            # same 403 for any id, which tells nothing either
            assert_error(r, 403, "forbidden")
            assert r.json() == g.json() and g.status_code == 403
        else:
            assert r.status_code == 404, (
                f"{who} {method} {path} of {key}: {r.status_code} {r.text}")
            same_404(r, g)
        assert r.headers.get("Content-Length") == g.headers.get("Content-Length")
        assert rec["name"] not in r.text
    untouched(w, key)


def test_a_supervisor_reads_its_own_directors(w):
    u = w.u["supA"]
    for key in ("supA", "dirA1", "dirA2"):
        assert get_staff(u, w.s[key]["id"])["name"] == w.s[key]["name"]


@pytest.mark.parametrize("who,hidden,visible", [
    ("dh", ["supA", "dirA1", "dirA2", "supB", "dirB1"], ["supD", "dirD1"]),
    ("na", ["supD", "dirD1"], ["supA", "dirA1", "dirA2", "supB", "dirB1"]),
    ("supA", ["supB", "dirB1", "supD", "dirD1"], ["supA", "dirA1", "dirA2"]),
    ("supB", ["supA", "dirA1", "dirA2", "supD", "dirD1"], ["supB", "dirB1"]),
    ("dirA1", ["supA", "dirA2", "supB", "dirB1", "supD", "dirD1"], ["dirA1"]),
    ("dirB1", ["supA", "dirA1", "dirA2", "supB", "supD", "dirD1"], ["dirB1"]),
    ("cityJL", ["supA", "dirA1", "dirA2", "supB", "dirB1", "supD", "dirD1"], []),
])
def test_lists_counts_and_searches_exclude(w, who, hidden, visible):
    u = w.u[who]
    items = all_staff(u)
    assert staff_list(u, page_size=1)["total"] == len(items)
    scope = u.region
    assert all(i["region_code"].startswith(scope) for i in items), "listed outside the scope"
    ids = {i["id"] for i in items}
    for key in hidden:
        rec = w.s[key]
        assert rec["id"] not in ids, key
        assert staff_list(u, q=rec["name"])["total"] == 0, "name search crosses the scope"
        assert staff_list(u, q=rec["name"], status="active")["total"] == 0
    for key in visible:
        assert w.s[key]["id"] in ids, key
        assert staff_list(u, q=w.s[key]["name"])["total"] == 1
    # the untrained list keeps to the scope too
    y = past_year()
    untrained = {i["id"] for i in all_staff(u, untrained_year=str(y))}
    assert not untrained & {w.s[k]["id"] for k in hidden}
    # certificates: only those of the scope
    certs = {x["id"] for x in certificates_of(u)}
    for key, c in w.cert.items():
        assert (c["id"] in certs) == (key in visible), key


@pytest.mark.parametrize("who,region", [
    ("dh", "A"), ("dh", "a1"), ("na", "D"), ("na", "d1"), ("supA", "B"), ("supA", "b1"),
    ("dirA1", "a2"), ("dirA1", "A"), ("dirB1", "a1"),
])
def test_region_filters_outside_scope(w, who, region):
    u = w.u[who]
    code = getattr(w, region)
    ghost = code[:-3] + "999"
    for path in ("/staff", "/staff/coverage", "/staff/coverage/export", "/certificates"):
        r = u.get(path, params={"region": code})
        g = u.get(path, params={"region": ghost})
        same_404(r, g, "region_not_found")


def test_coverage_counts_keep_to_the_scope(w):
    # 德惠市's officer: its county's coverage knows nothing of 农安县
    c = coverage(w.dh)
    assert c["region_code"] == DH_COUNTY
    assert all(i["code"].startswith(DH_COUNTY) for i in c["items"])
    assert all(u["code"].startswith(DH_COUNTY) for u in c["uncovered"])
    # a director's coverage is its village
    c = coverage(w.u["dirA1"])
    assert [i["code"] for i in c["items"]] == [w.a1]
    assert c["total"]["villages"] == 1 and c["total"]["villages_covered"] == 1


@pytest.mark.parametrize("who,key", [("dh", "dirA1"), ("supA", "dirB1"), ("dirA1", "dirB1"),
                                     ("na", "dirD1"), ("cityJL", "dirA1")])
def test_registering_outside_scope(w, who, key):
    u = w.u[who]
    code = w.s[key]["region_code"]
    before = staff_list(w.dh if key.endswith("D1") else w.na, region=code)["total"]
    body = director_body(code)
    r = u.post("/staff", json=body)
    if u.role == "director":
        assert_error(r, 403, "forbidden")
    else:
        g = u.post("/staff", json=director_body(code[:-3] + "999"))
        same_404(r, g, "region_not_found")
    assert staff_list(w.dh if key.endswith("D1") else w.na, region=code)["total"] == before


# --------------------------------------------------------------------------
# training, certifying, revoking across counties


def test_training_of_another_county_reads_as_absent(w):
    for u, t in ((w.na, w.tDH), (w.dh, w.tNA)):
        same_404(u.get(f"/trainings/{t['id']}"), u.get(f"/trainings/{GHOST}"))
        body = {"staff_id": GHOST, "result": "attended", "passed": False}
        same_404(u.post(f"/trainings/{t['id']}/attendance", json=body),
                 u.post(f"/trainings/{GHOST}/attendance", json=body))
        ids = [i["id"] for i in u.get("/trainings").json()["items"]]
        assert t["id"] not in ids
    for u in (w.u["supB"], w.u["dirB1"]):
        # a supervisor or director of 农安县 does not see 德惠市's sessions
        same_404(u.get(f"/trainings/{w.tDH['id']}"), u.get(f"/trainings/{GHOST}"))


def test_recording_results_for_staff_outside_scope(w):
    t_own = new_training(w.dh, training_body(DH_COUNTY, days_ago(20), organiser="德惠市民政局"))
    for key in ("dirA1", "supB"):
        body = {"staff_id": w.s[key]["id"], "result": "assessed", "score": 95, "passed": True}
        ghost = dict(body, staff_id=GHOST)
        same_404(w.dh.post(f"/trainings/{t_own['id']}/attendance", json=body),
                 w.dh.post(f"/trainings/{t_own['id']}/attendance", json=ghost))
    assert w.dh.get(f"/trainings/{t_own['id']}").json()["attendance"] == []
    for key in ("dirA1", "supB"):
        assert t_own["id"] not in [x["id"] for x in get_staff(w.na, w.s[key]["id"])["trainings"]]


def test_certifying_outside_scope(w):
    # 德惠市 asks for a certificate for 农安县's director on 农安县's training
    body = {"staff_id": w.s["dirA2"]["id"], "training_id": w.tNA["id"]}
    same_404(w.dh.post("/certificates", json=body),
             w.dh.post("/certificates", json={"staff_id": GHOST, "training_id": w.tNA["id"]}))
    # its own training, the other county's person
    body = {"staff_id": w.s["dirA2"]["id"], "training_id": w.tDH["id"]}
    same_404(w.dh.post("/certificates", json=body),
             w.dh.post("/certificates", json={"staff_id": GHOST, "training_id": w.tDH["id"]}))
    # its own person, the other county's training
    body = {"staff_id": w.s["dirD1"]["id"], "training_id": w.tNA["id"]}
    same_404(w.dh.post("/certificates", json=body),
             w.dh.post("/certificates", json={"staff_id": w.s["dirD1"]["id"],
                                               "training_id": GHOST}))
    assert get_staff(w.na, w.s["dirA2"]["id"])["certificates"] == []


@pytest.mark.parametrize("who,key", [("dh", "dirA1"), ("na", "dirD1"), ("supB", "dirA1"),
                                     ("dirA1", "dirB1"), ("dirB1", "supA"),
                                     ("cityJL", "dirA1")])
def test_certificate_pdf_outside_scope(w, who, key):
    u = w.u[who]
    same_404(u.get(f"/certificates/{w.cert[key]['id']}/pdf"),
             u.get(f"/certificates/{GHOST}/pdf"))


@pytest.mark.parametrize("who,key", [("dh", "dirA1"), ("na", "dirD1"), ("cityJL", "supA")])
def test_revoking_outside_scope(w, who, key):
    u = w.u[who]
    c = w.cert[key]
    same_404(u.post(f"/certificates/{c['id']}/revoke", json={"reason": "越权撤销"}),
             u.post(f"/certificates/{GHOST}/revoke", json={"reason": "越权撤销"}))
    owner = w.dh if key == "dirD1" else w.na
    got = [x for x in certificates_of(owner) if x["id"] == c["id"]]
    assert got[0]["status"] == "valid"


@pytest.mark.parametrize("who", ["supA", "supB", "dirA1", "dirB1"])
def test_supervisors_and_directors_do_not_train_certify_or_revoke(w, who):
    u = w.u[who]
    t = w.tNA
    before = w.na.get(f"/trainings/{t['id']}").json()["attendance"]
    assert_error(u.post("/trainings", json=training_body(NA_COUNTY, days_ago(3))), 403,
                 "forbidden")
    assert_error(u.post(f"/trainings/{t['id']}/attendance",
                        json={"staff_id": w.s["dirA2"]["id"], "result": "assessed",
                              "score": 99, "passed": True}), 403, "forbidden")
    assert_error(u.post("/certificates", json={"staff_id": w.s["dirA2"]["id"],
                                               "training_id": t["id"]}), 403, "forbidden")
    assert_error(u.post(f"/certificates/{w.cert['dirA1']['id']}/revoke",
                        json={"reason": "越权撤销"}), 403, "forbidden")
    assert w.na.get(f"/trainings/{t['id']}").json()["attendance"] == before
    assert get_staff(w.na, w.s["dirA2"]["id"])["certificates"] == []


def test_province_training_shows_each_county_its_own_attendees(w, staff):
    prov = staff.user("province", "22")
    t = new_training(prov, training_body("22", days_ago(15), initial=False,
                                         organiser="吉林省民政厅"))
    attend(prov, t["id"], w.s["dirA2"]["id"], result="attended", passed=False, score=None)
    attend(prov, t["id"], w.s["supD"]["id"], result="attended", passed=False, score=None)
    for u, mine, other in ((w.na, "dirA2", "supD"), (w.dh, "supD", "dirA2")):
        got = u.get(f"/trainings/{t['id']}").json()
        assert [a["staff_id"] for a in got["attendance"]] == [w.s[mine]["id"]]
        assert w.s[other]["name"] not in str(got)


def test_training_attendee_count_keeps_to_the_scope(w, staff):
    prov = staff.user("province", "22")
    t = new_training(prov, training_body("22", days_ago(16), initial=False,
                                         organiser="吉林省民政厅"))
    attend(prov, t["id"], w.s["dirB1"]["id"], result="attended", passed=False, score=None)
    attend(prov, t["id"], w.s["dirD1"]["id"], result="attended", passed=False, score=None)
    for u in (w.na, w.dh):
        got = u.get(f"/trainings/{t['id']}").json()
        assert got["attendees"] == len(got["attendance"]) == 1
        listed = [i for i in u.get("/trainings").json()["items"] if i["id"] == t["id"]]
        assert listed[0]["attendees"] == 1


# --------------------------------------------------------------------------
# admin and auditor: no workforce data


def endpoints(w):
    sid, cid, tid = w.s["dirA1"]["id"], w.cert["dirA1"]["id"], w.tNA["id"]
    return [
        ("GET", "/staff", None),
        ("GET", f"/staff?untrained_year={past_year()}", None),
        ("POST", "/staff", director_body(w.a_free)),
        ("GET", f"/staff/{sid}", None),
        ("PATCH", f"/staff/{sid}", {"phone": unique_phone()}),
        ("POST", f"/staff/{sid}/leave", {"left_on": days_ago(0), "reason": "越权离任"}),
        ("GET", "/staff/coverage", None),
        ("GET", f"/staff/coverage?region={NA_COUNTY}", None),
        ("GET", "/staff/coverage/export", None),
        ("GET", "/trainings", None),
        ("POST", "/trainings", training_body(NA_COUNTY, days_ago(2))),
        ("GET", f"/trainings/{tid}", None),
        ("POST", f"/trainings/{tid}/attendance", {"staff_id": w.s["dirA2"]["id"],
                                                  "result": "assessed", "score": 99,
                                                  "passed": True}),
        ("GET", "/certificates", None),
        ("POST", "/certificates", {"staff_id": w.s["dirA2"]["id"], "training_id": tid}),
        ("GET", f"/certificates/{cid}/pdf", None),
        ("POST", f"/certificates/{cid}/revoke", {"reason": "越权撤销"}),
        ("GET", "/campaigns", None),
        ("POST", "/campaigns", {"name": "越权任务", "measure": "staff_registered",
                                "region_code": NA_COUNTY, "due_on": "2018-08-30"}),
        ("GET", f"/campaigns/{GHOST}", None),
    ]


# Coverage and campaign progress are counts per region, naming nobody: the
# auditor reads them as it reads the dashboard (issue #19: one answer per
# permission); admin reads no statistics at all.
COUNTS_ONLY = {"/staff/coverage", f"/staff/coverage?region={NA_COUNTY}",
               "/staff/coverage/export", "/campaigns"}


@pytest.mark.parametrize("role,region", [("admin", None), ("auditor", NA_COUNTY),
                                         ("auditor", "22")])
def test_admin_and_auditor_get_403(w, staff, admin, role, region):
    u = admin if role == "admin" else staff.user(role, region)
    before = all_staff(w.na, region=w.A)
    for method, path, body in endpoints(w):
        kw = {} if body is None else {"json": body}
        r = u.request(method, path, **kw)
        if role == "auditor" and method == "GET" and path in COUNTS_ONLY:
            assert_status(r, 200)
        elif role == "auditor" and method == "GET" and path == f"/campaigns/{GHOST}":
            assert_error(r, 404, "not_found")
        else:
            assert_error(r, 403, "forbidden")
    assert all_staff(w.na, region=w.A) == before
    assert staff_list(w.na, region=w.a_free)["total"] == 0
    assert [x["status"] for x in certificates_of(w.na, w.A)
            if x["id"] == w.cert["dirA1"]["id"]] == ["valid"]
