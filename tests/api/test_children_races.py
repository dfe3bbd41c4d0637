"""Children's records under concurrent requests: one active record per ID
number whoever races, and no write undone by another (docs/API.md
"Children", SPEC §4.1, §4.5). A failure here is always a real defect,
though whether a given run hits the window depends on timing."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from children_util import (NA_TOWN_2, child_body, create, get_child, history, listing,
                           unique_name)
from conftest import Client, assert_status
from helpers import iso, today_cn

ROUNDS = 40


@pytest.fixture(scope="module")
def racers(staff, village_pool):
    """Six directors of six villages, each with its own session."""
    out = []
    for _ in range(6):
        code, _ = village_pool.take(NA_TOWN_2)
        out.append((staff.user("director", code), code))
    return out


def test_one_registration_wins_and_the_others_hear_registered_elsewhere(racers, staff):
    county = staff.user("county", racers[0][0].region[:6])
    seen = []
    for _ in range(ROUNDS):
        base = child_body(racers[0][1])

        def go(dc):
            d, code = dc
            return d.post("/children", json=dict(base, region_code=code, name=unique_name()))

        with ThreadPoolExecutor(len(racers)) as ex:
            rs = list(ex.map(go, racers))
        codes = sorted((r.status_code, r.json().get("error", {}).get("code")) for r in rs)
        seen.append(codes)
        assert [c for c in codes if c[0] == 201] == [(201, None)], codes
        assert listing(county, q=base["id_number"])["total"] == 1
        # every loser is outside the winner's village: "registered elsewhere",
        # never the in-scope duplicate_id_number (which names a record)
        assert all(c == (409, "registered_elsewhere") for c in codes if c[0] != 201), codes


def test_a_visit_is_not_undone_by_a_concurrent_edit(staff, village_pool):
    code, _ = village_pool.take(NA_TOWN_2)
    d = staff.user("director", code)
    sessions = []
    for _ in range(6):
        c = Client(d.base)
        c.login_ok(d.username, d.password)
        sessions.append(c)
    today = iso(today_cn())
    lost = []
    for rnd in range(ROUNDS):
        kid = create(d, child_body(code))

        def visit(c):
            return c.post(f"/children/{kid['id']}/visits", json={
                "visit_date": today, "visitor": "走访人", "met": "祖母",
                "findings": {"living": "良好"}, "risk_level": "low"})

        def edit(ci):
            c, i = ci
            return c.patch(f"/children/{kid['id']}", json={"school": f"第{i}小学"})

        with ThreadPoolExecutor(6) as ex:
            fv = ex.submit(visit, sessions[0])
            fe = [ex.submit(edit, (sessions[i], i)) for i in range(1, 6)]
            assert_status(fv.result(), 201)
            [f.result() for f in fe]
        k = get_child(d, kid["id"])
        if k["last_visit_date"] != today:
            lost.append((rnd, k["last_visit_date"]))
    assert not lost, (f"{len(lost)} of {ROUNDS} visits lost from last_visit_date by a "
                      f"concurrent PATCH: {lost[:5]}")


def test_if_match_lets_exactly_one_writer_through(staff, village_pool):
    code, _ = village_pool.take(NA_TOWN_2)
    d = staff.user("director", code)
    sessions = []
    for _ in range(5):
        c = Client(d.base)
        c.login_ok(d.username, d.password)
        sessions.append(c)
    for _ in range(10):
        kid = create(d, child_body(code))

        def edit(ci):
            c, i = ci
            return c.patch(f"/children/{kid['id']}", json={"school": f"第{i}中学"},
                           headers={"If-Match": str(kid["version"])})

        with ThreadPoolExecutor(5) as ex:
            rs = list(ex.map(edit, [(c, i) for i, c in enumerate(sessions)]))
        st = sorted(r.status_code for r in rs)
        assert st == [200, 409, 409, 409, 409], [r.text for r in rs]
        for r in rs:
            if r.status_code == 409:
                assert r.json()["error"]["code"] == "version_conflict"
        winner = next(r.json() for r in rs if r.status_code == 200)
        k = get_child(d, kid["id"])
        assert k["school"] == winner["school"] and k["version"] == kid["version"] + 1
        assert [e["action"] for e in history(d, kid["id"])] == ["create", "update"]
