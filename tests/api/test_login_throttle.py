"""Issue #17 items 4, 6 and 7: failed logins slow the guesser down and lock
nobody out; known and unknown names answer alike; the per-address budget
answers 429; sessions end after at most --session-max; cookies are Secure
behind https; a failed login's audit entry never holds what was typed.

Per-address limits are tested from addresses of their own, forwarded by
"a proxy on loopback" (X-Forwarded-For), which the server believes by
default and not with --trusted-proxy none."""

import re
import statistics
import time
import uuid

import pytest

from conftest import (COUNTY, SESSION_MAX, Client, assert_error, assert_status,
                      fresh_address)


@pytest.fixture(scope="module")
def default_server(servers):
    """A server with the production failed-login budget (30 per address)."""
    return servers.start(budget=None)


def audit_items(reader, action):
    r = reader.get("/audit", params={"action": action, "page_size": 200})
    assert_status(r, 200)
    return r.json()["items"]


def same_but_seconds(x, y):
    def norm(body):
        e = dict(body["error"])
        e["message"] = re.sub(r"\d+", "N", e["message"])
        return e
    return norm(x) == norm(y) and (x == y or "N" in norm(x)["message"])


def test_known_and_unknown_names_answer_alike(accounts, server):
    """Same status, code, message and headers, attempt after attempt, for
    an account and for a name that is none, and in similar time."""
    c = accounts.ready("county", COUNTY)
    known = Client(server.url, address=fresh_address())
    unknown = Client(server.url, address=fresh_address())
    ghost = c.username + "x" + uuid.uuid4().hex[:4]
    times = {"known": [], "unknown": []}
    for i in range(7):
        t0 = time.monotonic()
        a = known.login(c.username, "Wrong-pass-1")
        t1 = time.monotonic()
        b = unknown.login(ghost, "Wrong-pass-1")
        t2 = time.monotonic()
        if a.status_code == 401:
            times["known"].append(t1 - t0)
            times["unknown"].append(t2 - t1)
        assert a.status_code == b.status_code, (i, a.text, b.text)
        # the same body; a wait may read one second apart, the two holds
        # having started on either side of a second
        assert same_but_seconds(a.json(), b.json()), (i, a.text, b.text)
        assert ("Retry-After" in a.headers) == ("Retry-After" in b.headers)
        assert a.headers.get("Retry-After") == b.headers.get("Retry-After") or (
            abs(int(a.headers["Retry-After"]) - int(b.headers["Retry-After"])) <= 1)
        assert a.status_code == (401 if i < 5 else 429), (i, a.text)
    # an unknown name costs a password hash too: it is not answered at once
    assert statistics.median(times["unknown"]) > 0.4 * statistics.median(times["known"]), times


def test_per_address_budget_answers_429(accounts, default_server):
    """Issue #17 item 4: 60 logins from one address at 14.8/s, no 429.
    Past 30 failures in its window an address waits, whatever name it
    tries (known, unknown, right password or not); other addresses do not."""
    c = accounts.ready("county", COUNTY)
    spray = Client(default_server.url, address=fresh_address())
    statuses = []
    for i in range(40):
        r = spray.login(f"spray{uuid.uuid4().hex[:6]}{i}", "Wrong-pass-1")
        statuses.append(r.status_code)
    assert statuses[:30] == [401] * 30, statuses
    assert statuses[30:] == [429] * 10, statuses
    r = spray.login(c.username, c.password)
    err = assert_error(r, 429, "too_many_attempts")
    assert "分钟" in err["message"], err
    assert 0 < int(r.headers["Retry-After"]) <= 900
    # a held-back address is answered without hashing: fast
    t0 = time.monotonic()
    for _ in range(10):
        assert spray.login(c.username, c.password).status_code == 429
    assert time.monotonic() - t0 < 5
    assert_status(Client(default_server.url, address=fresh_address()).login(
        c.username, c.password), 200)


def test_many_addresses_slow_the_account_down_but_never_lock_it(accounts, admin, server):
    """Past 20 failures on one name from anywhere, each address that fails
    on it waits from its first failure on; one that has not failed still
    logs in at once."""
    c = accounts.ready("county", COUNTY)
    for _ in range(20):
        assert_error(Client(server.url, address=fresh_address()).login(
            c.username, "Wrong-pass-1"), 401, "invalid_credentials")
    late = Client(server.url, address=fresh_address())
    assert_error(late.login(c.username, "Wrong-pass-1"), 401, "invalid_credentials")
    assert_error(late.login(c.username, c.password), 429, "too_many_attempts")
    home = Client(server.url, address=fresh_address())
    assert_status(home.login(c.username, c.password), 200)
    assert admin.get(f"/users/{c.user_id}").json()["locked"] is True
    # an unlock forgets the failures of every address
    assert_status(admin.post(f"/users/{c.user_id}/unlock"), 200)
    assert admin.get(f"/users/{c.user_id}").json()["locked"] is False
    assert_status(late.login(c.username, c.password), 200)


def test_failed_login_audit_keeps_no_typed_name(accounts, audit_admin, server):
    """Issue #17 item 7: a password typed into the username field landed
    in the log.  An unknown name is kept only as a keyed hash; a known
    one as the account's name."""
    c = accounts.ready("county", COUNTY)
    typed = "Tr0ub4dor&" + uuid.uuid4().hex[:8]
    anon = Client(server.url, address=fresh_address())
    assert_error(anon.login(typed, c.password), 401, "invalid_credentials")
    assert_error(anon.login(typed, c.password), 401, "invalid_credentials")
    assert_error(anon.login(c.username, typed), 401, "invalid_credentials")
    items = audit_items(audit_admin, "login_failed")
    everything = str(items)
    assert typed not in everything and typed.lower() not in everything.lower()
    mine = [e for e in items if e["ip"] == anon.address]
    assert len(mine) == 3, mine
    hashed = [e for e in mine if "username_hash" in e["detail"]]
    assert len(hashed) == 2, mine
    h = [e["detail"]["username_hash"] if isinstance(e["detail"], dict)
         else e["detail"].split('"username_hash":"')[1][:32] for e in hashed]
    assert h[0] == h[1] and len(h[0]) == 32, "the same name, the same hash"
    named = [e for e in mine if "username_hash" not in e["detail"]]
    assert len(named) == 1 and c.username in str(named[0]["detail"]), named


def test_forwarded_address_believed_only_from_a_trusted_proxy(accounts, audit_admin, servers, server):
    c = accounts.ready("county", COUNTY)
    addr = fresh_address()
    assert_status(Client(server.url, address=addr).login(c.username, c.password), 200)
    untrusting = servers.start("--trusted-proxy", "none")
    addr2 = fresh_address()
    assert_status(Client(untrusting.url, address=addr2).login(c.username, c.password), 200)
    logins = [e for e in audit_items(audit_admin, "login") if e["actor"] == c.username]
    ips = {e["ip"] for e in logins}
    assert addr in ips, logins
    assert addr2 not in ips and "127.0.0.1" in ips, logins
    # several proxies: the right-most address no trusted proxy vouches for
    chained = Client(server.url, address=f"10.9.9.9, {fresh_address()}, 127.0.0.1")
    assert_status(chained.login(c.username, c.password), 200)
    want = chained.address.split(", ")[1]
    assert any(e["ip"] == want for e in audit_items(audit_admin, "login")
               if e["actor"] == c.username)


def test_bad_trusted_proxy_refused(guanai, db):
    r = guanai.run("serve", "--db", db.url, "--listen", "127.0.0.1:1",
                   "--trusted-proxy", "10.0.0.1,nonsense", timeout=60)
    assert r.returncode == 2, r
    assert "--trusted-proxy" in r.stderr


# --------------------------------------------------------------------------
# sessions: an absolute end; the cookie behind https


def session_cookie(c):
    got = [h for h in c.set_cookie_headers if h.startswith("guanai_session=")]
    assert got, c.set_cookie_headers
    return [a.strip().lower() for a in got[-1].split(";")[1:]]


def test_session_used_all_along_still_ends_at_session_max(accounts, clock):
    """Issue #17 item 6: a token used every 28 minutes was valid after 72
    hours.  Here, on the production defaults (30 minutes idle, 12 hours at
    most) and a moved clock: used every 28 minutes, it ends at 12 hours."""
    c = accounts.ready("county", COUNTY)
    srv = clock.start(idle=None)
    s = Client(srv.url)
    s.login_ok(c.username, c.password)
    assert f"max-age={SESSION_MAX}" in session_cookie(s)
    t = 0
    while t + 28 * 60 < SESSION_MAX:
        t += 28 * 60
        clock.set(t)
        assert_status(s.get("/session"), 200)
    clock.set(SESSION_MAX)
    assert_error(s.get("/session"), 401, "unauthenticated")
    assert_error(s.get("/regions"), 401, "unauthenticated")
    assert_status(Client(srv.url).login(c.username, c.password), 200)


def test_session_max_is_at_most_12_hours(guanai, db):
    r = guanai.run("serve", "--db", db.url, "--listen", "127.0.0.1:1",
                   "--session-max", "43201", timeout=60)
    assert r.returncode == 2, r
    assert "--session-max" in r.stderr


def test_default_session_lasts_at_most_12_hours(accounts, server):
    c = Client(server.url)
    u = accounts.ready("county", COUNTY)
    c.login_ok(u.username, u.password)
    age = [a for a in session_cookie(c) if a.startswith("max-age=")]
    assert age and int(age[0].split("=")[1]) <= 12 * 3600, age


def test_cookie_secure_and_hsts_behind_https(accounts, servers, server):
    """Issue #17 item 6: no Secure flag even behind https."""
    u = accounts.ready("county", COUNTY)
    # plain http, nothing says https: no Secure (the browser would drop it)
    plain = Client(server.url)
    r = plain.login(u.username, u.password)
    assert_status(r, 200)
    assert "secure" not in session_cookie(plain)
    assert "Strict-Transport-Security" not in r.headers
    # a trusted proxy says the client came over https
    proxied = Client(server.url)
    r = proxied.request("POST", "/session", json={"username": u.username,
                                                  "password": u.password},
                        headers={"X-Forwarded-Proto": "https"})
    assert_status(r, 200)
    assert "secure" in session_cookie(proxied)
    # the public address is https: Secure, and HSTS on every answer
    https = servers.start("--public-url", "https://guanai.example.org")
    c = Client(https.url)
    r = c.login(u.username, u.password)
    assert_status(r, 200)
    assert "secure" in session_cookie(c)
    assert "httponly" in session_cookie(c) and "samesite=strict" in session_cookie(c)
    assert r.headers.get("Strict-Transport-Security", "").startswith("max-age="), r.headers
    assert "Strict-Transport-Security" in c.get("/health").headers
    assert "Strict-Transport-Security" in c.get("/nowhere").headers
    # an untrusted peer cannot claim https
    untrusting = servers.start("--trusted-proxy", "none")
    d = Client(untrusting.url)
    r = d.request("POST", "/session", json={"username": u.username, "password": u.password},
                  headers={"X-Forwarded-Proto": "https"})
    assert_status(r, 200)
    assert "secure" not in session_cookie(d)
