"""Writes sent with an Idempotency-Key (issue #23; docs/API.md
"Idempotency"): a phone that queued a write offline sends it until it hears
an answer, so the same request may arrive twice, or twice at once.  It must
be done once and answered as the first time; the same key with another
request is refused; the key is the user's own; a refused write is not kept;
a key is forgotten after a day.  Run on both backends."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from children_util import (child_body, create, get_child, history,
                           listing)
from conftest import (Client, ClockServer, assert_error, assert_status,
                      shifted_client)
from helpers import audit_entries, iso, today_cn

# 流水镇, 前七号镇 and 太平川镇 (长岭县), townships no other test uses (a
# village each test): children made in 农安县 push its exports past the
# approval threshold test_children_scope.py exports under.
IDEM_TOWNS = ("220722109", "220722104", "220722101")

ROUNDS = 15


def key():
    return str(uuid.uuid4())


def visit_body(**kw):
    body = {"visit_date": iso(today_cn()), "visitor": "王主任", "met": "祖母",
            "findings": {"living": "正常"}, "risk_level": "low", "follow_up": ""}
    body.update(kw)
    return body


def visits(c, cid):
    r = c.get(f"/children/{cid}/visits")
    assert_status(r, 200)
    return r.json()["items"]


@pytest.fixture
def village(village_pool):
    for town in IDEM_TOWNS:
        try:
            return village_pool.take(town)[0]
        except AssertionError:  # that township's villages are all taken
            continue
    raise AssertionError(f"village pools of {IDEM_TOWNS} exhausted")


@pytest.fixture
def director(staff, village):
    return staff.user("director", village)


def test_a_create_sent_twice_is_done_once_and_answered_alike(director, village, audit_admin):
    body = child_body(village)
    k = key()
    first = director.post("/children", json=body, headers={"Idempotency-Key": k})
    assert_status(first, 201)
    assert "Idempotent-Replayed" not in first.headers
    again = director.post("/children", json=body, headers={"Idempotency-Key": k})
    assert_status(again, 201)
    assert again.headers.get("Idempotent-Replayed") == "true"
    # byte for byte the first answer, not a fresh rendering of the record
    assert again.content == first.content
    assert listing(director, region=village)["total"] == 1
    cid = first.json()["id"]
    made = [a for a in audit_entries(audit_admin, "child_create")
            if a["target"] == f"child:{cid}"]
    assert len(made) == 1, made


def test_the_same_key_with_another_request_is_refused(director, village):
    k = key()
    body = child_body(village)
    assert_status(director.post("/children", json=body, headers={"Idempotency-Key": k}), 201)
    other = dict(body, name=body["name"] + "乙")
    r = director.post("/children", json=other, headers={"Idempotency-Key": k})
    assert_error(r, 409, "idempotency_key_reused", "Idempotency-Key")
    # another path with the key is another request too
    cid = listing(director, region=village)["items"][0]["id"]
    r = director.post(f"/children/{cid}/visits", json=visit_body(), headers={"Idempotency-Key": k})
    assert_error(r, 409, "idempotency_key_reused", "Idempotency-Key")
    assert listing(director, region=village)["total"] == 1
    assert visits(director, cid) == []


def test_a_key_is_the_users_own(staff, village, director):
    other = staff.user("director", village)
    k = key()
    a = child_body(village)
    b = child_body(village)
    assert_status(director.post("/children", json=a, headers={"Idempotency-Key": k}), 201)
    # the other user's key of the same text: another key, its own write
    r = other.post("/children", json=b, headers={"Idempotency-Key": k})
    assert_status(r, 201)
    assert "Idempotent-Replayed" not in r.headers
    assert listing(director, region=village)["total"] == 2
    # and the same user in a second session shares it
    second = Client(director.base)
    second.login_ok(director.username, director.password)
    r = second.post("/children", json=a, headers={"Idempotency-Key": k})
    assert_status(r, 201)
    assert r.headers.get("Idempotent-Replayed") == "true"
    assert listing(director, region=village)["total"] == 2


def test_a_patch_replayed_after_its_version_moved_is_not_a_conflict(director, village):
    kid = create(director, child_body(village))
    k = key()
    h = {"Idempotency-Key": k, "If-Match": str(kid["version"])}
    first = director.patch(f"/children/{kid['id']}", json={"school": "十里堡小学"}, headers=h)
    assert_status(first, 200)
    assert first.json()["version"] == kid["version"] + 1
    again = director.patch(f"/children/{kid['id']}", json={"school": "十里堡小学"}, headers=h)
    assert_status(again, 200)
    assert again.content == first.content
    assert [e["action"] for e in history(director, kid["id"])].count("update") == 1
    # the same key with another If-Match is another request
    h2 = {"Idempotency-Key": k, "If-Match": str(kid["version"] + 1)}
    r = director.patch(f"/children/{kid['id']}", json={"school": "十里堡小学"}, headers=h2)
    assert_error(r, 409, "idempotency_key_reused")
    # without a key, the stale version is still a conflict
    r = director.patch(f"/children/{kid['id']}", json={"school": "二中"},
                       headers={"If-Match": str(kid["version"])})
    assert_error(r, 409, "version_conflict")


def test_a_refused_write_is_not_kept(director, village):
    kid = create(director, child_body(village))
    k = key()
    bad = visit_body(risk_level="extreme")
    r = director.post(f"/children/{kid['id']}/visits", json=bad, headers={"Idempotency-Key": k})
    assert_error(r, 400, "invalid_field", "risk_level")
    assert visits(director, kid["id"]) == []
    # nothing was stored under the key: the corrected request goes through
    r = director.post(f"/children/{kid['id']}/visits", json=visit_body(),
                      headers={"Idempotency-Key": k})
    assert_status(r, 201)
    assert "Idempotent-Replayed" not in r.headers
    assert len(visits(director, kid["id"])) == 1
    # a conflict refused (version) is not kept either
    k2 = key()
    h = {"Idempotency-Key": k2, "If-Match": "999"}
    r = director.patch(f"/children/{kid['id']}", json={"school": "一中"}, headers=h)
    assert_error(r, 409, "version_conflict")
    assert get_child(director, kid["id"])["school"] != "一中"


@pytest.mark.parametrize("bad", ["short", "x" * 65, "has space key", "caf\u00e9caf\u00e9caf", "a/b/c/d/e/f"])
def test_a_malformed_key_is_refused_and_nothing_written(director, village, bad):
    r = director.post("/children", json=child_body(village), headers={"Idempotency-Key": bad})
    assert_error(r, 400, "invalid_header", "Idempotency-Key")
    assert listing(director, region=village)["total"] == 0


def test_a_route_without_it_refuses_the_header(director, village):
    kid = create(director, child_body(village))
    r = director.post(f"/children/{kid['id']}/exit",
                      json={"reason": "moved_away", "date": iso(today_cn()), "note": ""},
                      headers={"Idempotency-Key": key()})
    assert_error(r, 400, "idempotency_unsupported", "Idempotency-Key")
    assert get_child(director, kid["id"])["status"] == "active"
    # a read ignores it
    r = director.get(f"/children/{kid['id']}", headers={"Idempotency-Key": key()})
    assert_status(r, 200)


def test_a_key_needs_the_session_and_csrf_like_any_write(director, village):
    anon = Client(director.base)
    r = anon.post("/children", json=child_body(village), headers={"Idempotency-Key": key()})
    assert_error(r, 401, "unauthenticated")
    r = director.post("/children", json=child_body(village), csrf=False,
                      headers={"Idempotency-Key": key()})
    assert_error(r, 403, "csrf_failed")
    assert listing(director, region=village)["total"] == 0


def _race(n, fn):
    with ThreadPoolExecutor(n) as ex:
        return list(ex.map(lambda _: fn(), range(n)))


def test_concurrent_replays_write_once(staff, village):
    """The same request from several connections at once: one write, and
    every answer that of the one write."""
    d = staff.user("director", village)
    sessions = []
    for _ in range(6):
        c = Client(d.base)
        c.login_ok(d.username, d.password)
        sessions.append(c)
    turn = iter(range(10 ** 6))
    for rnd in range(ROUNDS):
        body = child_body(village)
        k = key()

        def go():
            c = sessions[next(turn) % len(sessions)]
            return c.post("/children", json=body, headers={"Idempotency-Key": k})

        rs = _race(len(sessions), go)
        assert [r.status_code for r in rs] == [201] * len(rs), [r.text[:200] for r in rs]
        assert len({r.content for r in rs}) == 1, "answers differ"
        assert sum(1 for r in rs if "Idempotent-Replayed" not in r.headers) == 1
        assert listing(d, region=village)["total"] == rnd + 1
    kid = rs[0].json()
    for _ in range(ROUNDS):
        vb = visit_body(follow_up=key())
        k = key()

        def go_visit():
            c = sessions[next(turn) % len(sessions)]
            return c.post(f"/children/{kid['id']}/visits", json=vb, headers={"Idempotency-Key": k})

        rs = _race(len(sessions), go_visit)
        assert [r.status_code for r in rs] == [201] * len(rs), [r.text[:200] for r in rs]
        assert len({r.content for r in rs}) == 1
    assert len(visits(d, kid["id"])) == ROUNDS


def test_a_key_is_forgotten_after_a_day(servers, workdir, staff, village):
    d = staff.user("director", village)
    clock = ClockServer(servers, workdir, offset=0)
    srv = clock.start()
    try:
        c = shifted_client(srv, d)
        body = child_body(village)
        k = key()
        assert_status(c.post("/children", json=body, headers={"Idempotency-Key": k}), 201)
        clock.set(23 * 3600)
        c = shifted_client(srv, d)
        # within the day: the same answer, no second record
        r = c.post("/children", json=body, headers={"Idempotency-Key": k})
        assert_status(r, 201)
        assert r.headers.get("Idempotent-Replayed") == "true"
        clock.set(25 * 3600)
        c = shifted_client(srv, d)
        # a day later the key is free: the request is a new one (and the
        # record it would make is a duplicate now)
        r = c.post("/children", json=body, headers={"Idempotency-Key": k})
        assert_error(r, 409, "duplicate_id_number")
        assert "Idempotent-Replayed" not in r.headers
        r = c.post("/children", json=child_body(village), headers={"Idempotency-Key": k})
        assert_status(r, 201)
        assert "Idempotent-Replayed" not in r.headers
    finally:
        clock.stop()
    assert listing(d, region=village)["total"] == 2


def test_openapi_documents_the_header():
    from conftest import REPO
    text = (REPO / "docs" / "openapi.yaml").read_text()
    assert "Idempotency-Key" in text and "idempotency_key_reused" in text
