"""Concurrent writers on the workforce: one person per post, one valid
certificate per person, unique certificate numbers, no lost edits."""

import os
import threading

import pytest

from conftest import Client, assert_error, assert_status
from helpers import error_of, person_name, unique_phone
from workforce_util import (CERT_NUMBER, NA_COUNTY, all_staff, attend, certificates_of,
                            director_body, get_staff, new_training, past_year, register,
                            supervisor_body, training_body)

N = 8
ROUNDS = 4
PG = os.environ.get("GUANAI_TEST_BACKEND") == "pg"

def clone(c):
    """Another connection of the same session (requests' Session is not
    shared between threads)."""
    k = Client(c.base)
    k.cookie, k.csrf, k.user, k.username = c.cookie, c.csrf, c.user, c.username
    return k


def together(c, calls):
    """Runs calls (method, path, body) at once, each on its own connection;
    returns the responses in order."""
    out = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i, method, path, body):
        k = clone(c)
        start.wait()
        out[i] = k.request(method, path, json=body)

    ts = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert all(r is not None for r in out), "a request did not finish"
    return out


@pytest.mark.parametrize("post", ["director", "supervisor"])
def test_one_person_per_post(na_county, region_pool, post):
    if post == "director":
        code = region_pool.take_village()["code"]
        bodies = [director_body(code) for _ in range(N)]
    else:
        code = region_pool.take_post()["code"]
        bodies = [supervisor_body(code) for _ in range(N)]
    rs = together(na_county, [("POST", "/staff", b) for b in bodies])
    ok = [r for r in rs if r.status_code == 201]
    assert len(ok) == 1, [(r.status_code, r.text[:100]) for r in rs]
    for r in rs:
        if r.status_code != 201:
            assert_error(r, 409, "post_taken")
    got = all_staff(na_county, region=code, post=post)
    assert [s["id"] for s in got] == [ok[0].json()["id"]]
    assert got[0]["status"] == "active"


def test_simultaneous_passes_get_unique_certificates(na_county, region_pool):
    people = [register(na_county, director_body(region_pool.take_village()["code"]))
              for _ in range(N)]
    tr = new_training(na_county, training_body(NA_COUNTY, f"{past_year()}-10-10"))
    rs = together(na_county, [
        ("POST", f"/trainings/{tr['id']}/attendance",
         {"staff_id": p["id"], "result": "assessed", "score": 80 + i, "passed": True})
        for i, p in enumerate(people)])
    for r in rs:
        assert_status(r, 200)
    t_now = na_county.get(f"/trainings/{tr['id']}").json()
    assert sorted(a["staff_id"] for a in t_now["attendance"]) == sorted(p["id"] for p in people), (
        "a recorded pass is missing from the training")
    ids = {p["id"] for p in people}
    certs = [x for x in certificates_of(na_county, NA_COUNTY) if x["staff_id"] in ids]
    by_person = {}
    for c in certs:
        by_person.setdefault(c["staff_id"], []).append(c)
    missing = [p["name"] for p in people if len(by_person.get(p["id"], [])) != 1]
    assert not missing, f"passed the initial training but have no certificate: {missing}"
    numbers = [c["number"] for c in certs]
    assert len(set(numbers)) == len(numbers)
    assert all(CERT_NUMBER.match(n) for n in numbers)


def test_one_valid_certificate_per_person(na_county, region_pool):
    """The same request, several times at once, in a few rounds: one
    certificate each round, the others 409 certificate_exists."""
    t = region_pool.take_post()
    p = register(na_county, supervisor_body(t["code"]))
    tr = new_training(na_county, training_body(NA_COUNTY, f"{past_year()}-10-11"))
    attend(na_county, tr["id"], p["id"], passed=True, score=90)
    for rnd in range(ROUNDS):
        mine = [c for c in certificates_of(na_county, t["code"]) if c["staff_id"] == p["id"]]
        valid = [c for c in mine if c["status"] == "valid"]
        assert len(valid) == 1, mine
        assert_status(na_county.post(f"/certificates/{valid[0]['id']}/revoke",
                                     json={"reason": "证书信息有误"}), 200)
        rs = together(na_county, [("POST", "/certificates",
                                   {"staff_id": p["id"], "training_id": tr["id"]})] * N)
        ok = [r for r in rs if r.status_code == 201]
        assert len(ok) == 1, [(r.status_code, r.text[:120]) for r in rs]
        for r in rs:
            if r.status_code != 201:
                assert_error(r, 409, "certificate_exists")
    mine = [c for c in certificates_of(na_county, t["code"]) if c["staff_id"] == p["id"]]
    assert sorted(c["status"] for c in mine) == ["revoked"] * ROUNDS + ["valid"]


def test_simultaneous_edits_lose_nothing(na_county, region_pool):
    t = region_pool.take_post()
    s = register(na_county, supervisor_body(t["code"]))
    patches = [{"phone": unique_phone()}, {"employment": "full_time"},
               {"name": person_name()}, {"source": "dedicated"}]
    rs = together(na_county, [("PATCH", f"/staff/{s['id']}", p) for p in patches])
    final = get_staff(na_county, s["id"])
    applied = 0
    for r, p in zip(rs, patches):
        if r.status_code == 200:
            applied += 1
            for k, v in p.items():
                assert final[k] == v, f"an edit answered 200 but was lost: {p}"
        else:
            error_of(r, 409)
    assert applied >= 1
    assert final["version"] == s["version"] + applied
    assert len(final["history"]) == 1 + applied


def test_simultaneous_requests_for_different_people(na_county, region_pool):
    """Several people passed, their certificates were revoked; new ones are
    requested at the same moment: each gets one, under its own number."""
    people = [register(na_county, director_body(region_pool.take_village()["code"]))
              for _ in range(N)]
    tr = new_training(na_county, training_body(NA_COUNTY, f"{past_year()}-10-12"))
    ids = {p["id"] for p in people}
    for p in people:
        attend(na_county, tr["id"], p["id"], passed=True, score=88)
    for rnd in range(ROUNDS):
        for c in certificates_of(na_county, NA_COUNTY):
            if c["staff_id"] in ids and c["status"] == "valid":
                assert_status(na_county.post(f"/certificates/{c['id']}/revoke",
                                             json={"reason": "批量重新制证"}), 200)
        rs = together(na_county, [("POST", "/certificates",
                                   {"staff_id": p["id"], "training_id": tr["id"]})
                                  for p in people])
        assert [r.status_code for r in rs] == [201] * N, [
            (r.status_code, r.text[:150]) for r in rs]
        valid = [c for c in certificates_of(na_county, NA_COUNTY)
                 if c["staff_id"] in ids and c["status"] == "valid"]
        assert sorted(c["staff_id"] for c in valid) == sorted(ids)
    numbers = [c["number"] for c in certificates_of(na_county, NA_COUNTY)]
    assert len(set(numbers)) == len(numbers)
