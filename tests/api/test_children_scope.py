"""The security boundary for children's records: every endpoint, list,
count, search and export keeps to the caller's scope, and a record outside
it is indistinguishable from an absent one. Transfers between villages,
and the audit of reads and changes."""

import re

import pytest

from children_util import (NA_COUNTY, NA_TOWN, NA_TOWN_2, NG_COUNTY, NG_TOWN,
                           TRANSFER_KEYS, all_items, birth_for_age, child_body, create,
                           full_body, get_child, history, ids_of, listing, text, total,
                           transfers, unique_name)
from conftest import assert_error, assert_status
from helpers import iso, today_cn

GHOST = 987654321  # no record has this id


class World:
    """Four fresh villages: A and B in 农安镇, C in 伏龙泉镇 (same county),
    N in 南关区 (another county); a director for each, the supervisors
    and the counties; a full record in each village."""

    def __init__(self, staff, pool):
        self.A, self.A_name = pool.take(NA_TOWN)
        self.B, self.B_name = pool.take(NA_TOWN)
        self.C, self.C_name = pool.take(NA_TOWN_2)
        self.N, self.N_name = pool.take(NG_TOWN)
        self.dA = staff.user("director", self.A)
        self.dB = staff.user("director", self.B)
        self.dC = staff.user("director", self.C)
        self.dN = staff.user("director", self.N)
        self.sup = staff.user("supervisor", NA_TOWN)
        self.sup2 = staff.user("supervisor", NA_TOWN_2)
        self.county = staff.user("county", NA_COUNTY)
        self.county_ng = staff.user("county", NG_COUNTY)
        self.kA = create(self.dA, full_body(self.A))
        self.kB = create(self.dB, full_body(self.B))
        self.kC = create(self.dC, full_body(self.C))
        self.kN = create(self.dN, full_body(self.N))


@pytest.fixture(scope="module")
def w(staff, village_pool):
    return World(staff, village_pool)


def same_404(r, ghost_r):
    """r is a 404 not_found and says exactly what the absent record says."""
    assert_error(r, 404, "not_found")
    assert_error(ghost_r, 404, "not_found")
    assert r.json() == ghost_r.json(), (
        f"out-of-scope and absent differ: {r.text} vs {ghost_r.text}")
    assert r.headers.get("Content-Length") == ghost_r.headers.get("Content-Length")


def visit_body():
    return {"visit_date": iso(today_cn()), "visitor": "某主任", "met": "本人",
            "findings": {"living": "良好", "guardianship": "一般",
                         "mental_health": "正常", "education": "在校"},
            "risk_level": "low", "follow_up": "无"}


def exit_body():
    return {"reason": "moved_away", "date": iso(today_cn()), "note": "迁出本村"}


def probes(target_village):
    """(method, path template, body) of every endpoint on one record."""
    return [
        ("GET", "/children/{id}", None),
        ("GET", "/children/{id}/history", None),
        ("GET", "/children/{id}/visits", None),
        ("GET", "/children/{id}/record.pdf", None),
        ("PATCH", "/children/{id}", {"school": "越权小学"}),
        ("POST", "/children/{id}/visits", visit_body()),
        ("POST", "/children/{id}/exit", exit_body()),
        ("POST", "/children/{id}/transfers", {"to_region": target_village,
                                              "reason": "越权迁移"}),
    ]


def assert_untouched(owner, kid):
    k = get_child(owner, kid["id"])
    assert k["version"] == kid["version"] and k["status"] == "active"
    assert k["school"] == kid["school"] and k["region_code"] == kid["region_code"]
    assert owner.get(f"/children/{kid['id']}/visits").json()["items"] == []
    assert len(history(owner, kid["id"])) == 1
    assert not [t for t in transfers(owner, state="pending") if t["child_id"] == kid["id"]]


@pytest.mark.parametrize("who,kid,owner", [
    ("dA", "kB", "dB"),   # another village of the same township
    ("dA", "kC", "dC"),   # another township
    ("dA", "kN", "dN"),   # another county
    ("dB", "kA", "dA"),
    ("sup", "kC", "dC"),  # a supervisor outside its township
    ("sup2", "kA", "dA"),
    ("county", "kN", "dN"),  # a county officer outside its county
    ("county_ng", "kA", "dA"),
])
def test_every_endpoint_answers_like_an_absent_record(w, who, kid, owner):
    u, k, o = getattr(w, who), getattr(w, kid), getattr(w, owner)
    mine = u.region if u.role == "director" else None
    for method, path, body in probes(mine or w.A):
        kw = {} if body is None else {"json": body}
        r = u.request(method, path.format(id=k["id"]), **kw)
        g = u.request(method, path.format(id=GHOST), **kw)
        assert r.status_code == 404, f"{method} {path}: {r.status_code} {r.text}"
        same_404(r, g)
        assert k["name"] not in r.text
    assert_untouched(o, k)


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1e3", "99999999999999999999", "%20"])
def test_malformed_ids_are_not_found(w, bad):
    assert_error(w.dA.get(f"/children/{bad}"), 404, "not_found")
    assert_error(w.dA.get(f"/children/{bad}/history"), 404, "not_found")
    assert_error(w.dA.patch(f"/children/{bad}", json={"school": "x"}), 404, "not_found")


def test_confirm_outside_scope(w):
    r = w.sup.post(f"/children/{w.kC['id']}/confirm")
    same_404(r, w.sup.post(f"/children/{GHOST}/confirm"))
    assert get_child(w.dC, w.kC["id"])["confirmed_categories"] is None


@pytest.mark.parametrize("who,hidden", [
    ("dA", ["kB", "kC", "kN"]),
    ("dB", ["kA", "kC", "kN"]),
    ("sup", ["kC", "kN"]),
    ("sup2", ["kA", "kB", "kN"]),
    ("county", ["kN"]),
    ("county_ng", ["kA", "kB", "kC"]),
])
def test_lists_counts_and_searches_exclude(w, who, hidden):
    u = getattr(w, who)
    items = all_items(u)
    assert total(u) == len(items)
    prefix = {"director": 12, "supervisor": 9, "county": 6}[u.role]
    assert all(i["region_code"][:prefix] == u.region for i in items), (
        "a listed record lies outside the scope")
    seen = set(ids_of(items))
    for key in hidden:
        k = getattr(w, key)
        assert k["id"] not in seen
        assert listing(u, q=k["name"])["total"] == 0, "name search crosses the scope"
        assert listing(u, q=k["name"][1:])["total"] == 0
        assert listing(u, q=k["id_number"])["total"] == 0, "ID search crosses the scope"
        assert listing(u, q=k["id_number"], status="exited")["total"] == 0
        assert listing(u, category="left_behind", q=k["name"])["total"] == 0
        for guardian in (k["guardian"]["name"],):
            assert listing(u, q=guardian)["total"] == 0
    visible = {"dA": ["kA"], "dB": ["kB"], "sup": ["kA", "kB"], "sup2": ["kC"],
               "county": ["kA", "kB", "kC"], "county_ng": ["kN"]}[who]
    for key in visible:
        assert getattr(w, key)["id"] in seen


@pytest.mark.parametrize("who,region", [
    ("dA", "B"), ("dA", "C"), ("dA", "N"), ("sup", "C"), ("county", "N"),
])
def test_region_filter_outside_scope(w, who, region):
    u = getattr(w, who)
    code = getattr(w, region)
    r = u.get("/children", params={"region": code})
    g = u.get("/children", params={"region": code[:9] + "999"})
    assert_error(r, 404, "region_not_found")
    assert_error(g, 404, "region_not_found")
    assert r.json() == g.json()
    for path in ("/children/export",):
        assert_error(u.get(path, params={"region": code}), 404, "region_not_found")
    # the township above a director's village is outside its scope too
    if u.role == "director":
        assert_error(u.get("/children", params={"region": NA_TOWN}), 404, "region_not_found")


def test_supervisor_and_county_totals(w, staff):
    # fresh villages: the exact counts are known
    assert total(w.sup, region=w.A) == total(w.dA) == total(w.county, region=w.A)
    assert total(w.sup, region=w.B) == total(w.dB)
    assert total(w.sup2, region=w.C) == total(w.dC)
    assert total(w.county_ng, region=w.N) == total(w.dN)
    assert total(w.county, region=NA_TOWN) == total(w.sup)
    assert total(w.county, region=NA_TOWN_2) == total(w.sup2)
    province = staff.user("province", "22")
    city = staff.user("city", "2201")
    other_city = staff.user("city", "2202")
    both = total(w.county) + total(w.county_ng)
    assert total(city, region=NA_COUNTY) == total(w.county)
    assert total(province, region=NG_COUNTY) == total(w.county_ng)
    assert total(city) >= both
    assert listing(other_city, q=w.kA["name"])["total"] == 0
    r = other_city.get(f"/children/{w.kA['id']}")
    same_404(r, other_city.get(f"/children/{GHOST}"))
    assert_error(other_city.get("/children", params={"region": NA_COUNTY}), 404,
                 "region_not_found")


def export_data(c, **params):
    """The data rows of an export (below the column row 序号…)."""
    from children_util import header_index
    from helpers import xlsx_rows
    r = c.get("/children/export", params=params)
    assert_status(r, 200)
    rows = xlsx_rows(r.content)
    return rows[header_index(rows, "序号") + 1:]


def test_export_keeps_to_the_scope(w):
    blob = text(export_data(w.dA))
    assert w.kA["name"] in blob
    for key in ("kB", "kC", "kN"):
        k = getattr(w, key)
        assert k["name"] not in blob and k["id_number"] not in blob
    assert export_data(w.sup, q=w.kC["name"]) == []
    assert export_data(w.dA, q=w.kB["id_number"]) == []
    assert w.kC["name"] not in text(export_data(w.sup))


def exit_proposals(u):
    """Every page of `u`'s exit proposals: (ids, the answers' text)."""
    ids, texts, page = set(), [], 1
    while True:
        r = u.get("/children/exit-proposals", params={"page": page, "page_size": 100})
        assert_status(r, 200)
        body = r.json()
        ids |= {i["id"] for i in body["items"]}
        texts.append(r.text)
        if not body["items"] or len(ids) >= body["total"]:
            return ids, "".join(texts)
        page += 1


def test_exit_proposals_keep_to_the_scope(w, staff):
    b18 = birth_for_age(19)
    adult = create(w.dB, child_body(w.B, birth=b18))
    assert adult["id"] in exit_proposals(w.dB)[0]
    for u in (w.dA, w.dC, w.sup2, w.county_ng):
        ids, text = exit_proposals(u)
        assert adult["id"] not in ids
        assert adult["name"] not in text
    assert adult["id"] in exit_proposals(w.sup)[0]
    assert adult["id"] in exit_proposals(w.county)[0]


# --------------------------------------------------------------------------
# transfers


def check_transfer(t, kid, frm, to, state):
    assert TRANSFER_KEYS <= set(t), sorted(TRANSFER_KEYS - set(t))
    assert t["child_id"] == kid["id"]
    assert t["from_region"] == frm and t["to_region"] == to
    assert t["state"] == state
    assert t["child_name"] == kid["name"]
    assert t["child_birth_date"] == kid["birth_date"]
    assert t["child_sex"] == kid["sex"]


def test_duplicate_resolved_by_transfer(w, staff, village_pool):
    A, _ = village_pool.take(NA_TOWN)
    B, B_name = village_pool.take(NA_TOWN)
    dA = staff.user("director", A)
    dB = staff.user("director", B)
    k = create(dA, full_body(A))
    v = dA.post(f"/children/{k['id']}/visits", json=visit_body())
    assert_status(v, 201)
    patched = dA.patch(f"/children/{k['id']}", json={"school": "原校"})
    assert_status(patched, 200)

    # B meets the child and tries to register it
    body = child_body(B, sex=k["sex"], birth=k["birth_date"])
    body["id_number"] = k["id_number"]
    assert_error(dB.post("/children", json=body), 409, "registered_elsewhere")
    assert total(dB) == 0

    # A hands it over
    r = dA.post(f"/children/{k['id']}/transfers", json={"to_region": B,
                                                        "reason": "随祖父母迁居"})
    assert_status(r, 201)
    t = r.json()
    check_transfer(t, k, A, B, "pending")
    assert t["reason"] == "随祖父母迁居" and t["requested_by"] == dA.username
    assert t["decided_by"] is None and t["decided_at"] is None

    inc = [x for x in transfers(dB, state="pending") if x["id"] == t["id"]]
    assert len(inc) == 1 and inc[0]["direction"] == "incoming"
    check_transfer(inc[0], k, A, B, "pending")
    out = [x for x in transfers(dA, state="pending") if x["id"] == t["id"]]
    assert len(out) == 1 and out[0]["direction"] == "outgoing"
    assert not [x for x in transfers(dB, state="accepted") if x["id"] == t["id"]]
    # pending: the record still belongs to A only
    same_404(dB.get(f"/children/{k['id']}"), dB.get(f"/children/{GHOST}"))
    assert total(dB) == 0
    # a second transfer while one is pending, and an exit, are refused
    assert dA.post(f"/children/{k['id']}/transfers",
                   json={"to_region": w.C}).status_code == 409
    assert dA.post(f"/children/{k['id']}/exit", json=exit_body()).status_code == 409
    # the sender cannot accept its own request
    r = dA.post(f"/transfers/{t['id']}/accept")
    assert 400 <= r.status_code < 500 and r.status_code != 404, r.text
    assert "error" in r.json()
    assert get_child(dA, k["id"])["region_code"] == A

    # B accepts
    r = dB.post(f"/transfers/{t['id']}/accept")
    assert_status(r, 200)
    acc = r.json()
    check_transfer(acc, k, A, B, "accepted")
    assert acc["decided_by"] == dB.username and acc["decided_at"] is not None

    moved = get_child(dB, k["id"])
    assert moved["region_code"] == B and moved["region_name"] == B_name
    assert moved["region_path"].endswith(" / " + B_name)
    assert moved["id_number"] == k["id_number"] and moved["name"] == k["name"]
    assert ids_of(all_items(dB)) == [k["id"]]
    h = history(dB, k["id"])
    actions = [e["action"] for e in h]
    assert actions[0] == "create" and actions[-1] == "transfer", actions
    assert "update" in actions
    assert h[0]["actor"] == dA.username
    tr = h[-1]
    assert tr["actor"] == dB.username
    assert {"field": "region_code", "before": A, "after": B} in tr["changes"], tr
    # the visits follow the record
    vis = dB.get(f"/children/{k['id']}/visits")
    assert_status(vis, 200)
    assert len(vis.json()["items"]) == 1
    assert moved["last_visit_date"] == iso(today_cn())

    # gone from A
    same_404(dA.get(f"/children/{k['id']}"), dA.get(f"/children/{GHOST}"))
    assert total(dA) == 0
    assert listing(dA, q=k["id_number"])["total"] == 0
    # A may now not register it either: it is held by B
    body_a = dict(body, region_code=A, name=unique_name())
    r = dA.post("/children", json=body_a)
    assert_error(r, 409, "registered_elsewhere")
    assert B not in r.text and B_name not in r.text
    # accepting again does nothing
    r = dB.post(f"/transfers/{t['id']}/accept")
    assert 400 <= r.status_code < 500, r.text
    assert len(history(dB, k["id"])) == len(h)
    # both sides see the decided transfer in their lists
    assert [x["state"] for x in transfers(dA, state="accepted") if x["id"] == t["id"]] == ["accepted"]
    assert [x["direction"] for x in transfers(dB, state="accepted") if x["id"] == t["id"]] == ["incoming"]


def test_transfer_to_another_county(w, staff, village_pool):
    A, _ = village_pool.take(NA_TOWN)
    N, N_name = village_pool.take(NG_TOWN)
    dA = staff.user("director", A)
    dN = staff.user("director", N)
    k = create(dA, child_body(A))
    r = dA.post(f"/children/{k['id']}/transfers", json={"to_region": N, "reason": "迁往长春市区"})
    assert_status(r, 201)
    tid = r.json()["id"]
    assert [x["direction"] for x in transfers(dN, state="pending") if x["id"] == tid] == ["incoming"]
    # a third party of either county sees nothing of it and cannot decide
    for u in (w.dC, w.dB):
        assert tid not in [x["id"] for x in transfers(u)]
        same_404(u.post(f"/transfers/{tid}/accept"), u.post(f"/transfers/{GHOST}/accept"))
        same_404(u.post(f"/transfers/{tid}/reject"), u.post(f"/transfers/{GHOST}/reject"))
    assert_status(dN.post(f"/transfers/{tid}/accept"), 200)
    assert get_child(dN, k["id"])["region_code"] == N
    assert listing(w.county_ng, q=k["id_number"])["total"] == 1
    assert listing(w.county, q=k["id_number"])["total"] == 0
    same_404(w.county.get(f"/children/{k['id']}"), w.county.get(f"/children/{GHOST}"))


def test_transfer_rejected_and_cancelled(w, staff, village_pool):
    A, _ = village_pool.take(NA_TOWN)
    B, _ = village_pool.take(NA_TOWN)
    dA = staff.user("director", A)
    dB = staff.user("director", B)
    k = create(dA, child_body(A))
    t = dA.post(f"/children/{k['id']}/transfers", json={"to_region": B}).json()
    r = dB.post(f"/transfers/{t['id']}/reject")
    assert_status(r, 200)
    assert r.json()["state"] == "rejected"
    assert get_child(dA, k["id"])["region_code"] == A
    assert [e["action"] for e in history(dA, k["id"])] == ["create"]
    assert [x["state"] for x in transfers(dA, state="rejected") if x["id"] == t["id"]] == ["rejected"]
    # a rejected transfer cannot be accepted afterwards
    r = dB.post(f"/transfers/{t['id']}/accept")
    assert 400 <= r.status_code < 500, r.text
    assert get_child(dA, k["id"])["region_code"] == A
    same_404(dB.get(f"/children/{k['id']}"), dB.get(f"/children/{GHOST}"))

    t2 = dA.post(f"/children/{k['id']}/transfers", json={"to_region": B}).json()
    assert t2["state"] == "pending"
    r = dA.post(f"/transfers/{t2['id']}/reject")
    assert_status(r, 200)
    assert r.json()["state"] == "cancelled"
    assert_status(dA.get("/transfers", params={"state": "cancelled"}), 200)
    assert t2["id"] in [x["id"] for x in transfers(dA, state="cancelled")]
    r = dB.post(f"/transfers/{t2['id']}/accept")
    assert 400 <= r.status_code < 500, r.text
    assert get_child(dA, k["id"])["region_code"] == A
    assert total(dB) == 0


@pytest.mark.parametrize("decision,state", [("accept", "accepted"), ("reject", "rejected")])
def test_decision_takes_a_note(staff, village_pool, decision, state):
    """API.md: accept / reject `{"note"?}` → Transfer."""
    A, _ = village_pool.take(NA_TOWN)
    B, _ = village_pool.take(NA_TOWN)
    dA = staff.user("director", A)
    dB = staff.user("director", B)
    k = create(dA, child_body(A))
    t = dA.post(f"/children/{k['id']}/transfers", json={"to_region": B}).json()
    r = dB.post(f"/transfers/{t['id']}/{decision}", json={"note": "已与原村核实"})
    assert_status(r, 200)
    assert r.json()["state"] == state and r.json()["note"] == "已与原村核实"


def test_cancel_takes_a_note(staff, village_pool):
    A, _ = village_pool.take(NA_TOWN)
    B, _ = village_pool.take(NA_TOWN)
    dA = staff.user("director", A)
    k = create(dA, child_body(A))
    t = dA.post(f"/children/{k['id']}/transfers", json={"to_region": B}).json()
    r = dA.post(f"/transfers/{t['id']}/reject", json={"note": "填错了迁入地"})
    assert_status(r, 200)
    assert r.json()["state"] == "cancelled" and r.json()["note"] == "填错了迁入地"


@pytest.mark.parametrize("body,status,code,field", [
    ({"to_region": NA_TOWN}, 400, "invalid_field", "to_region"),
    ({"to_region": "220122100999"}, 404, "region_not_found", None),
    ({"to_region": "22012210x"}, 400, "invalid_region", None),
    ({}, 400, "missing_field", "to_region"),
    ({"to_region": "SELF"}, 400, "invalid_field", "to_region"),
    ({"to_region": "OTHER", "via": "x"}, 400, "unknown_field", "via"),
])
def test_transfer_refused(w, body, status, code, field):
    k = create(w.dA, child_body(w.A))
    body = {key: {"SELF": w.A, "OTHER": w.B}.get(v, v) for key, v in body.items()}
    assert_error(w.dA.post(f"/children/{k['id']}/transfers", json=body), status, code, field)
    assert not [t for t in transfers(w.dA) if t["child_id"] == k["id"]]


def test_transfers_list_keeps_to_the_scope(w):
    k = create(w.dB, child_body(w.B))
    t = w.dB.post(f"/children/{k['id']}/transfers", json={"to_region": w.C}).json()
    try:
        assert t["id"] not in [x["id"] for x in transfers(w.dA)]
        assert t["id"] not in [x["id"] for x in transfers(w.county_ng)]
        assert k["name"] not in w.dA.get("/transfers").text
        assert [x["direction"] for x in transfers(w.dC, state="pending") if x["id"] == t["id"]] == ["incoming"]
        assert t["id"] in [x["id"] for x in transfers(w.sup)]
        assert t["id"] in [x["id"] for x in transfers(w.sup2)]
        assert t["id"] in [x["id"] for x in transfers(w.county)]
        same_404(w.dA.post(f"/transfers/{t['id']}/accept"), w.dA.post(f"/transfers/{GHOST}/accept"))
    finally:
        assert_status(w.dB.post(f"/transfers/{t['id']}/reject"), 200)
    assert_error(w.dA.get("/transfers", params={"state": "open"}), 400, "invalid_query")


# --------------------------------------------------------------------------
# audit


def audit_of(c, action):
    from helpers import audit_entries
    return audit_entries(c, action)


def about(entries, kid_id):
    return [e for e in entries
            if re.search(rf"(?<!\d){kid_id}(?!\d)", str(e.get("target")))]


def test_reads_and_changes_are_audited(w, admin, audit_admin):
    k = create(w.dA, child_body(w.A))
    assert about(audit_of(audit_admin, "child_create"), k["id"]), "create not audited"
    before = len(about(audit_of(audit_admin, "child_read"), k["id"]))
    get_child(w.dA, k["id"])
    get_child(w.county, k["id"])
    reads = about(audit_of(audit_admin, "child_read"), k["id"])
    assert len(reads) == before + 2, reads
    actors = {e["actor"] for e in reads}
    assert {w.dA.username, w.county.username} <= actors
    for e in reads:
        assert e["region_code"] == w.A
        assert e["ip"] == "127.0.0.1"
    assert_status(w.dA.patch(f"/children/{k['id']}", json={"school": "审计小学"}), 200)
    upd = about(audit_of(audit_admin, "child_update"), k["id"])
    assert upd and upd[0]["actor"] == w.dA.username
    # the county officer sees the entries of its county, the other county does not
    assert about(audit_of(w.county, "child_read"), k["id"])
    assert not about(audit_of(w.county_ng, "child_read"), k["id"])
    # a refused read from outside is not a read of the record
    n = len(about(audit_of(audit_admin, "child_read"), k["id"]))
    w.dB.get(f"/children/{k['id']}")
    assert len(about(audit_of(audit_admin, "child_read"), k["id"])) == n


def test_export_is_audited(w, admin, audit_admin):
    before = len(audit_of(audit_admin, "child_export"))
    assert_status(w.dA.get("/children/export"), 200)
    after = audit_of(audit_admin, "child_export")
    assert len(after) == before + 1
    assert after[0]["actor"] == w.dA.username


def test_auditor_sees_no_child_identities_in_the_audit_log(w, staff):
    """SPEC §1: the auditor reads the audit log, "never raw identities"."""
    k = create(w.dA, full_body(w.A))
    assert_status(w.dA.patch(f"/children/{k['id']}", json={
        "contact_phone": "13511112222", "guardian": {"name": unique_name(), "relationship": "姑姑",
                                                     "phone": "13633334444"}}), 200)
    aud = staff.user("auditor", NA_COUNTY)
    blob = ""
    for action in ("child_create", "child_update", "child_read", "child_export",
                   "child_import", "transfer_create", "transfer_accept"):
        r = aud.get("/audit", params={"action": action, "page_size": 200})
        assert_status(r, 200)
        blob += r.text
    for secret in (k["name"], k["id_number"], k["father"]["name"], k["mother"]["name"],
                   "13511112222", "13633334444", k["contact_phone"]):
        assert secret not in blob, f"the audit log shows the auditor {secret!r}"


def test_audit_verify_still_passes(w, guanai, db):
    # plenty happened in this module: reads, writes, transfers, exports
    r = guanai.run("audit", "verify", "--db", db.url, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
