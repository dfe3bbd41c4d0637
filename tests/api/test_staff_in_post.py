"""One person holds one post (issue #17, 9): `POST /staff` with the ID
number of someone already in post anywhere answers 409 — naming the record
inside the caller's scope (`duplicate_id_number`), saying only "elsewhere"
outside it (`registered_elsewhere`, like a child registered elsewhere) —
and writes nothing; concurrent registrations of one person let exactly
one through; leaving frees the number."""

import threading

import pytest

from conftest import Client, assert_error, assert_status
from helpers import days_ago, id_number
from workforce_util import (CITY, all_staff, director_body, get_staff, leave, register,
                            staff_list, supervisor_body)

N = 12


class Two:
    """Two counties of their own (the races take many villages): A, whose
    officer registers most, and B, "another county"."""

    def __init__(self, region_pool, staff):
        self.region_pool = region_pool
        self.a = region_pool.take_county(CITY)["code"]
        self.b = region_pool.take_county(CITY)["code"]
        self.ca = staff.user("county", self.a)
        self.cb = staff.user("county", self.b)

    def village(self, county=None):
        return self.region_pool.take_village(county or self.a)

    def free_posts(self, n):
        """n villages of A with nobody in post: the races lose all but one
        registration, so the others' villages serve the next race."""
        if not hasattr(self, "_free"):
            self._free = []
        while len(self._free) < n:
            self._free.append(self.village()["code"])
        return list(self._free[:n])

    def held(self, code):
        self._free.remove(code)

    def post(self):
        return self.region_pool.take_post(self.a)


@pytest.fixture(scope="module")
def two(region_pool, staff):
    return Two(region_pool, staff)


def person(county="220122"):
    """A fresh ID number (a woman born 1986-11-02, as director_body's)."""
    return id_number(county, "1986-11-02", "female")


def test_the_same_person_in_a_second_village(two):
    a, b = two.village(), two.village()
    idn = person()
    first = register(two.ca, director_body(a["code"], id_number=idn))
    r = two.ca.post("/staff", json=director_body(b["code"], id_number=idn))
    err = assert_error(r, 409, "duplicate_id_number", field="id_number")
    assert f"#{first['id']}" in err["message"], err
    assert staff_list(two.ca, region=b["code"])["total"] == 0
    # a township post too
    t = two.post()
    r = two.ca.post("/staff", json=supervisor_body(t["code"], id_number=idn,
                                                     sex="female"))
    assert_error(r, 409, "duplicate_id_number", field="id_number")
    assert staff_list(two.ca, region=t["code"], post="supervisor")["total"] == 0


def test_outside_the_scope_nothing_is_said(two):
    a = two.village()
    other = two.village(two.b)
    idn = person()
    first = register(two.ca, director_body(a["code"], id_number=idn))
    r = two.cb.post("/staff", json=director_body(other["code"], id_number=idn))
    err = assert_error(r, 409, "registered_elsewhere", field="id_number")
    for secret in (a["code"], a["name"], a["township_name"], str(first["id"]),
                   first["name"]):
        assert secret not in r.text, (secret, err)
    assert staff_list(two.cb, region=other["code"])["total"] == 0


def test_leaving_frees_the_number(two):
    a, b = two.village(), two.village()
    idn = person()
    first = register(two.ca, director_body(a["code"], id_number=idn))
    leave(two.ca, first["id"], days_ago(0), reason="调往其他村任职")
    second = register(two.ca, director_body(b["code"], id_number=idn,
                                               appointed_on=days_ago(0)))
    assert second["status"] == "active" and second["id"] != first["id"]
    assert get_staff(two.ca, first["id"])["status"] == "left"
    # and the first village's post is free for someone else
    register(two.ca, director_body(a["code"], appointed_on=days_ago(0)))


def test_a_taken_post_answers_post_taken_whoever_is_proposed(two):
    a, b = two.village(), two.village()
    idn = person()
    register(two.ca, director_body(a["code"], id_number=idn))
    register(two.ca, director_body(b["code"]))
    r = two.ca.post("/staff", json=director_body(b["code"], id_number=idn))
    assert_error(r, 409, "post_taken")


def clone(c):
    k = Client(c.base)
    k.cookie, k.csrf, k.user, k.username = c.cookie, c.csrf, c.user, c.username
    return k


def together(calls):
    out = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i, c, body):
        k = clone(c)
        start.wait()
        out[i] = k.post("/staff", json=body)

    ts = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert all(r is not None for r in out), "a request did not finish"
    return out


@pytest.mark.parametrize("round_", range(6))
def test_concurrent_registrations_of_one_person(two, round_):
    idn = person()
    villages = two.free_posts(N)
    rs = together([(two.ca, director_body(v, id_number=idn)) for v in villages])
    ok = [r for r in rs if r.status_code == 201]
    assert len(ok) == 1, [(r.status_code, r.text[:120]) for r in rs]
    two.held(ok[0].json()["region_code"])
    for r in rs:
        if r.status_code != 201:
            assert_error(r, 409, "duplicate_id_number", field="id_number")
    held = [s for v in villages for s in all_staff(two.ca, region=v)]
    assert [s["id"] for s in held] == [ok[0].json()["id"]]


def test_concurrent_registrations_across_counties(two):
    idn = person()
    calls = []
    mine = iter(two.free_posts(N // 2))
    for i in range(N):
        if i % 2:
            calls.append((two.cb, director_body(two.village(two.b)["code"],
                                                    id_number=idn)))
        else:
            calls.append((two.ca, director_body(next(mine), id_number=idn)))
    rs = together(calls)
    ok = [i for i, r in enumerate(rs) if r.status_code == 201]
    assert len(ok) == 1, [(r.status_code, r.text[:120]) for r in rs]
    if ok[0] % 2 == 0:
        two.held(rs[ok[0]].json()["region_code"])
    winner_na = ok[0] % 2 == 0
    for i, r in enumerate(rs):
        if i == ok[0]:
            continue
        same_side = (i % 2 == 0) == winner_na
        assert_error(r, 409, "duplicate_id_number" if same_side else "registered_elsewhere",
                     field="id_number")
