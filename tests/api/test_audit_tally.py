"""Denied requests, list searches and reads of history and visits leave a
trace in the audit log, counted (domain/core/audit_tally.h): a flood of them
adds a bounded number of entries, written each scheduler tick and when the
server stops.

Each test runs its own server on the session's database, so that what it
counted is written when the test stops that server; sessions are in the
database, so a user logged in through the main server is the same user on
it."""

import http.client
import threading
import time
from urllib.parse import urlsplit

import pytest

from children_util import child_body, create, error_body
from conftest import API, COOKIE, Client, assert_error, assert_status
from helpers import audit_entries
from test_audit import SY_TOWN_B

# domain/core/audit_tally.h: AUDIT_TALLY_FINE + COARSE + OVER + 1
TALLY_FINE = 256
TALLY_MAX = 256 + 64 + 32 + 1


def through(srv, c):
    """The client's session, through another server."""
    o = Client(srv.url)
    o.cookie, o.csrf, o.user, o.username = c.cookie, c.csrf, c.user, c.username
    return o


def flood(srv, c, paths, threads=4):
    """GETs of every path in `paths` on keep-alive connections; the
    statuses answered."""
    port = urlsplit(srv.url).port
    statuses = [[] for _ in range(threads)]

    def work(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for p in paths[i::threads]:
            conn.request("GET", API + p, headers={"Cookie": f"{COOKIE}={c.cookie}"})
            r = conn.getresponse()
            r.read()
            statuses[i].append(r.status)
        conn.close()

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(600)
    assert not any(t.is_alive() for t in ts)
    return [s for part in statuses for s in part]


def stop(servers, srv):
    """Stops the server: what it counted is written as it stops."""
    servers._stop(srv)
    assert srv.proc.returncode == 0, srv.log_tail()


def entries_of(audit_admin, action, actor):
    return [e for e in audit_entries(audit_admin, action) if e["actor"] == actor]


def audit_total(audit_admin):
    r = audit_admin.get("/audit", params={"page_size": 1})
    assert_status(r, 200)
    return r.json()["total"]


def test_a_flood_of_denials_is_one_entry(servers, staff, audit_admin, village_pool):
    srv = servers.start("--tick", "3600")
    v, _ = village_pool.take(SY_TOWN_B)
    d = staff.user("director", v)
    before = audit_total(audit_admin)
    statuses = flood(srv, d, ["/audit"] * 10000)
    assert statuses == [403] * 10000
    stop(servers, srv)
    added = audit_total(audit_admin) - before
    assert added == 1, f"10,000 denied requests added {added} entries"
    [e] = entries_of(audit_admin, "access_denied", d.username)
    assert e["detail"]["count"] == 10000
    assert e["detail"]["reason"] == "forbidden"
    assert e["detail"]["status"] == 403
    assert e["detail"]["route"] == "GET /api/v1/audit"
    assert e["detail"]["first"] <= e["detail"]["last"]
    assert e["target"] == "/api/v1/audit"
    assert e["ip"] == "127.0.0.1"
    assert e["region_code"] == v


def test_a_varied_flood_stays_bounded(servers, staff, audit_admin, village_pool):
    """Every request on another path: past the first keys, the rest count
    under coarser ones; nothing is lost from the total."""
    srv = servers.start("--tick", "3600")
    v, _ = village_pool.take(SY_TOWN_B)
    d = staff.user("director", v)
    n = 2000
    statuses = flood(srv, d, [f"/users/{i}" for i in range(1, n + 1)])
    assert statuses == [403] * n
    stop(servers, srv)
    mine = entries_of(audit_admin, "access_denied", d.username)
    assert TALLY_FINE < len(mine) <= TALLY_MAX, len(mine)
    assert sum(e["detail"]["count"] for e in mine) == n
    coarse = [e for e in mine if e["target"] == "*"]
    assert len(coarse) == 1 and coarse[0]["ip"] == "*"
    assert coarse[0]["detail"]["count"] == n - TALLY_FINE


def test_a_scope_miss_is_recorded_and_answers_like_an_absent_record(
        servers, staff, audit_admin, village_pool):
    srv = servers.start("--tick", "3600")
    va, _ = village_pool.take(SY_TOWN_B)
    vb, _ = village_pool.take(SY_TOWN_B)
    da = staff.user("director", va)
    db_ = through(srv, staff.user("director", vb))
    kid = create(da, child_body(va))
    absent = kid["id"] + 10_000_000
    miss = db_.get(f"/children/{kid['id']}")
    none = db_.get(f"/children/{absent}")
    assert_error(miss, 404, "not_found")
    assert miss.content == none.content
    assert error_body(miss) == error_body(none)
    stop(servers, srv)
    mine = entries_of(audit_admin, "access_denied", db_.username)
    assert [(e["target"], e["detail"]["reason"], e["detail"]["status"]) for e in mine] == [
        (f"/api/v1/children/{kid['id']}", "out_of_scope", 404)]
    assert mine[0]["detail"]["route"] == "GET /api/v1/children/{id}"
    # filed under the township holding both villages: whoever reads it
    # may know of the caller and of the record (not the caller's village)
    assert mine[0]["region_code"] == SY_TOWN_B


def test_csrf_failures_and_role_refusals_are_recorded(servers, staff, audit_admin,
                                                       village_pool):
    srv = servers.start("--tick", "3600")
    v, _ = village_pool.take(SY_TOWN_B)
    d = through(srv, staff.user("director", v))
    for _ in range(3):
        assert_error(d.post("/children", json=child_body(v), csrf=False), 403,
                     "csrf_failed")
    assert_error(d.get("/users"), 403, "forbidden")
    stop(servers, srv)
    got = {(e["detail"]["reason"], e["detail"]["route"]): e["detail"]["count"]
           for e in entries_of(audit_admin, "access_denied", d.username)}
    assert got == {("csrf_failed", "POST /api/v1/children"): 3,
                   ("forbidden", "GET /api/v1/users"): 1}


def test_searches_and_reads_of_history_and_visits_are_recorded(
        servers, staff, audit_admin, village_pool):
    srv = servers.start("--tick", "3600")
    v, _ = village_pool.take(SY_TOWN_B)
    d = through(srv, staff.user("director", v))
    kid = create(d, child_body(v))
    for q in ("张", "李", kid["name"]):
        assert_status(d.get("/children", params={"q": q}), 200)
    for _ in range(2):
        assert_status(d.get(f"/children/{kid['id']}/history"), 200)
    assert_status(d.get(f"/children/{kid['id']}/visits"), 200)
    stop(servers, srv)
    [search] = entries_of(audit_admin, "child_search", d.username)
    assert search["detail"]["count"] == 3
    assert search["detail"]["route"] == "GET /api/v1/children"
    assert kid["name"] not in str(search), "a searched name in the audit log"
    [hist] = entries_of(audit_admin, "child_history_read", d.username)
    assert hist["target"] == f"child:{kid['id']}" and hist["detail"]["count"] == 2
    [vis] = entries_of(audit_admin, "visit_read", d.username)
    assert vis["target"] == f"child:{kid['id']}" and vis["detail"]["count"] == 1


def test_counts_are_written_each_tick(servers, staff, audit_admin, village_pool):
    """Without stopping the server: the scheduler writes them."""
    srv = servers.start("--tick", "1")
    v, _ = village_pool.take(SY_TOWN_B)
    d = through(srv, staff.user("director", v))
    assert_error(d.get("/audit"), 403, "forbidden")
    deadline = time.time() + 20
    while time.time() < deadline:
        if entries_of(audit_admin, "access_denied", d.username):
            break
        time.sleep(0.3)
    [e] = entries_of(audit_admin, "access_denied", d.username)
    assert e["detail"]["count"] == 1
    assert_error(d.get("/audit"), 403, "forbidden")
    stop(servers, srv)
    counts = [e["detail"]["count"] for e in entries_of(audit_admin, "access_denied", d.username)]
    assert sum(counts) == 2 and len(counts) == 2


def test_the_log_still_verifies(guanai, db, servers):
    r = guanai.run("audit", "verify", "--db", db.url, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
