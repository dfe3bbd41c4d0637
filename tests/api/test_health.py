"""GET /api/v1/health: public, says whether the service and its database
answer and nothing else; 503 `db_unavailable` when the database does not
answer (issue #16 item 5, issue #17 item 9).  Each failure is a real one,
on a copy of the database with a server of its own: a SQLite file
truncated under the server, a PostgreSQL database that refuses
connections and drops the server's, and one that does not answer in
time."""

import os
import sqlite3
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import requests

from conftest import API, psql


def health(srv, timeout=10):
    t0 = time.time()
    r = requests.get(srv.url + API + "/health", timeout=timeout)
    return r, time.time() - t0


def assert_unavailable(r, took, limit=3.0):
    assert r.status_code == 503, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"error": {"code": "db_unavailable",
                                  "message": "数据库无响应"}}
    assert took < limit, took


def wait_for(pred, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return False


def test_the_public_answer_says_only_ok(server):
    r, _ = health(server)
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    low = r.text.lower()
    for word in ("sqlite", "postgres", "version", "0.1"):
        assert word not in low, r.text


@pytest.mark.skipif(os.environ.get("GUANAI_TEST_BACKEND", "sqlite") != "sqlite",
                    reason="SQLite file")
def test_503_when_the_sqlite_file_is_broken_and_200_once_repaired(servers, db):
    url = db.copy("health")
    srv = servers.start("--tick", "3600", db_url=url)
    r, _ = health(srv)
    assert r.status_code == 200
    # Everything into the database file first, the WAL emptied: what is
    # saved is then the whole database, whatever the server's wal-index
    # (its -shm, which no test can put back) says after the damage — it
    # was rebuilt from the emptied WAL now and then, and the restored WAL
    # was not read again: "malformed" for good.  The checkpoint also
    # makes the server's connections drop the pages they hold, so the
    # damage is read, not answered from memory.
    con = sqlite3.connect(url)
    try:
        busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        con.close()
    assert busy == 0
    wal = url + "-wal"
    saved = {p: open(p, "rb").read() for p in (url, wal) if os.path.exists(p)}
    # the same inode cut to nothing, as a failing disk or a careless
    # `> guanai.db` would leave it
    for p in saved:
        os.truncate(p, 0)
    for _ in range(3):
        r, took = health(srv)
        assert_unavailable(r, took)
    assert "malformed" not in r.text and "sqlite" not in r.text.lower()
    assert "the database does not answer" in srv.log_tail()
    for p, data in saved.items():
        with open(p, "r+b") as f:
            f.write(data)
    assert wait_for(lambda: health(srv)[0].status_code == 200)


@pytest.fixture
def pg_copy(servers, db):
    if db.kind != "pg":
        pytest.skip("PostgreSQL server")
    url = db.copy("health")
    name = urlsplit(url).path.lstrip("/")
    srv = servers.start("--tick", "3600", db_url=url)
    yield srv, url, name
    psql(db.pg_base, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true',
         check=False)


def test_503_when_postgresql_refuses_and_200_when_it_is_back(pg_copy, db):
    srv, url, name = pg_copy
    r, _ = health(srv)
    assert r.status_code == 200
    psql(db.pg_base, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    psql(db.pg_base, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     f"WHERE datname = '{name}'")
    for _ in range(3):
        r, took = health(srv)
        assert_unavailable(r, took)
    assert "postgres" not in r.text.lower() and name not in r.text
    psql(db.pg_base, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    assert wait_for(lambda: health(srv)[0].status_code == 200)


def test_503_in_time_when_postgresql_does_not_answer(pg_copy):
    """The check's own query waits behind a lock another session holds:
    the answer comes at the check's 2 s, not the lock timeout's 5 s (nor
    never, for a server that stopped answering)."""
    srv, url, name = pg_copy
    holder = subprocess.Popen(["psql", "-X", "-q", "-d", url],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        holder.stdin.write("BEGIN; LOCK TABLE schema_migrations IN ACCESS "
                           "EXCLUSIVE MODE;\n")
        holder.stdin.flush()
        assert wait_for(lambda: psql(url, (
            "SELECT count(*) FROM pg_locks l JOIN pg_class c "
            "ON c.oid = l.relation WHERE c.relname = 'schema_migrations' "
            "AND l.mode = 'AccessExclusiveLock' AND l.granted")).stdout.strip()
            == "1")
        r, took = health(srv)
        assert_unavailable(r, took, limit=3.5)
        assert took >= 1.5, took
        assert "db_timeout" in srv.log_tail()
    finally:
        holder.stdin.write("ROLLBACK;\n\\q\n")
        holder.stdin.close()
        holder.wait(10)
    # the connection that ran out of time is made anew
    assert wait_for(lambda: health(srv)[0].status_code == 200)
