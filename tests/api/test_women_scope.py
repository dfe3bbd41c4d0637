"""The security boundary for the women's registry: a director of another
village, a supervisor of another township or an officer of another county
cannot read, list, count, export, change or learn of a woman outside the
scope; every such request answers exactly like an absent record."""

import pytest

from conftest import assert_error
from helpers import days_ago, xlsx_rows
from women_util import (COUNTY, GHOST, OTHER_COUNTY, TOWN, TOWN_2, add_service, audits_of,
                        get_woman, listing, per_kind, register, snapshot, stats,
                        woman_body)


class World:
    """Villages A and B of 烟筒山镇, C of 红旗岭镇 (same county), H of 桦甸市;
    one woman with a service in each; a director each, the two
    supervisors and the two counties."""

    def __init__(self, staff, pool):
        self.A, _ = pool.take(TOWN)
        self.B, _ = pool.take(TOWN)
        self.C, _ = pool.take(TOWN_2)
        self.H, _ = pool.take(pool.townships(OTHER_COUNTY)[0])
        self.dA = staff.user("director", self.A)
        self.dB = staff.user("director", self.B)
        self.dC = staff.user("director", self.C)
        self.dH = staff.user("director", self.H)
        self.sup = staff.user("supervisor", TOWN)
        self.sup2 = staff.user("supervisor", TOWN_2)
        self.county = staff.user("county", COUNTY)
        self.county_hd = staff.user("county", OTHER_COUNTY)
        for key, d, v in (("wA", self.dA, self.A), ("wB", self.dB, self.B),
                          ("wC", self.dC, self.C), ("wH", self.dH, self.H)):
            wm = register(d, woman_body(v))
            wm = add_service(d, wm["id"], {"kind": "cancer_screening",
                                           "served_on": days_ago(3),
                                           "result": "abnormal",
                                           "follow_up": "转县医院复查"})
            setattr(self, key, wm)


@pytest.fixture(scope="module")
def w(staff, village_pool):
    return World(staff, village_pool)


def same_404(r, ghost, code="not_found"):
    assert_error(r, 404, code)
    assert_error(ghost, 404, code)
    assert r.json() == ghost.json(), f"outside and absent differ: {r.text} vs {ghost.text}"
    assert r.headers.get("Content-Length") == ghost.headers.get("Content-Length")


def probes():
    return [
        ("GET", "/women/{id}", None),
        ("PATCH", "/women/{id}", {"skills": "越权修改"}),
        ("PATCH", "/women/{id}", {"status": "exited"}),
        ("POST", "/women/{id}/services", {"kind": "rights", "served_on": days_ago(1),
                                          "detail": "越权记录的服务"}),
    ]


CASES = [
    ("dA", "wB", "dB"),  # another village of the same township
    ("dA", "wC", "dC"),  # another township
    ("dA", "wH", "dH"),  # another county
    ("dB", "wA", "dA"),
    ("sup", "wC", "dC"),  # a supervisor outside its township
    ("sup2", "wA", "dA"),
    ("county", "wH", "dH"),  # a county officer outside its county
    ("county_hd", "wA", "dA"),
]


@pytest.mark.parametrize("who,wm,owner", CASES)
def test_every_endpoint_answers_like_an_absent_record(w, who, wm, owner):
    u, k, o = getattr(w, who), getattr(w, wm), getattr(w, owner)
    for method, path, body in probes():
        kw = {} if body is None else {"json": body}
        r = u.request(method, path.format(id=k["id"]), **kw)
        g = u.request(method, path.format(id=GHOST), **kw)
        assert r.status_code == 404, f"{method} {path}: {r.status_code} {r.text}"
        same_404(r, g)
        assert k["name"] not in r.text
    assert get_woman(o, k["id"]) == k


def test_nothing_is_written_or_audited(w, admin, audit_admin):
    before = {key: snapshot(getattr(w, d), getattr(w, v)) for key, d, v in
              (("A", "dA", "A"), ("B", "dB", "B"))}
    for method, path, body in probes():
        kw = {} if body is None else {"json": body}
        assert w.dB.request(method, path.format(id=w.wA["id"]), **kw).status_code == 404
        assert w.dA.request(method, path.format(id=w.wB["id"]), **kw).status_code == 404
    assert snapshot(w.dA, w.A) == before["A"] and snapshot(w.dB, w.B) == before["B"]
    for action in ("woman_update", "woman_service"):
        assert len(audits_of(audit_admin, action, w.wA["id"])) == (action == "woman_service")


VISIBLE = {"dA": ["wA"], "dB": ["wB"], "sup": ["wA", "wB"], "sup2": ["wC"],
           "county": ["wA", "wB", "wC"], "county_hd": ["wH"]}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_lists_keep_to_the_scope(w, who):
    u = getattr(w, who)
    items = listing(u, page_size=200)
    prefix = {"director": 12, "supervisor": 9, "county": 6}[u.role]
    assert all(i["region_code"][:prefix] == u.region for i in items["items"])
    seen = {i["id"] for i in items["items"]}
    for key in ("wA", "wB", "wC", "wH"):
        assert (getattr(w, key)["id"] in seen) == (key in VISIBLE[who]), key
    for kind in ("cancer_screening", None):
        params = {"service": kind} if kind else {}
        got = {i["id"] for i in listing(u, page_size=200, **params)["items"]}
        assert not got - seen


@pytest.mark.parametrize("who,region", [
    ("dA", "B"), ("dA", "C"), ("dA", "H"), ("sup", "C"), ("sup2", "A"),
    ("county", "H"), ("county_hd", "A"),
])
def test_region_parameter_outside_the_scope(w, who, region):
    """List, count and export of a region outside: like an absent region."""
    u = getattr(w, who)
    code = getattr(w, region)
    ghost = code[:9] + "999"
    for path in ("/women", "/women/stats", "/women/export"):
        r = u.get(path, params={"region": code})
        g = u.get(path, params={"region": ghost})
        same_404(r, g, "region_not_found")
    if u.role == "director":  # the township above the village is outside too
        assert_error(u.get("/women/stats", params={"region": TOWN}), 404,
                     "region_not_found")


def test_counts_keep_to_the_scope(w):
    """A new woman with a service in B changes B's director's and the
    township's counts, never A's director's or the other township's."""
    watchers = {k: stats(getattr(w, k)) for k in ("dA", "dB", "sup", "sup2", "county_hd")}
    wm = register(w.dB, woman_body(w.B))
    add_service(w.dB, wm["id"], {"kind": "entrepreneurship", "served_on": days_ago(2)})
    for k, before in watchers.items():
        after = stats(getattr(w, k))
        grew = k in ("dB", "sup")
        assert after["registered"] - before["registered"] == grew, k
        assert per_kind(after)["entrepreneurship"][0] - \
            per_kind(before)["entrepreneurship"][0] == grew, k


def test_export_keeps_to_the_scope(w):
    for who, mine in (("dA", ["wA"]), ("sup", ["wA", "wB"]), ("county_hd", ["wH"])):
        u = getattr(w, who)
        r = u.get("/women/export")
        assert r.status_code == 200, r.text
        text = " ".join(str(c) for row in xlsx_rows(r.content) for c in row)
        for key in ("wA", "wB", "wC", "wH"):
            k = getattr(w, key)
            assert (k["name"] in text) == (key in mine), (who, key)
            assert (k["id_number"] in text) == (key in mine), (who, key)


def test_duplicate_in_another_scope_names_nothing(w):
    """The other county's director learns only that the number is taken."""
    r = w.dH.post("/women", json=woman_body(w.H, id_number=w.wA["id_number"]))
    assert_error(r, 409, "duplicate_id_number")
    for secret in (w.A, w.wA["name"], str(w.wA["id"]), "磐石", "烟筒山"):
        assert secret not in r.text
