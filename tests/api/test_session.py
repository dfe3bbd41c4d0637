"""Session: login, lockout, first-login gate, passwords, CSRF, logout, expiry."""

import time

import pytest

from conftest import (COUNTY, TOWNSHIP, Client, assert_error, assert_status,
                      check_user, strong_password)


def test_health_needs_no_login(server):
    r = Client(server.url).get("/health")
    assert_status(r, 200)
    # nothing but the verdict: version and engine are /metrics' to tell
    assert r.json() == {"status": "ok"}


def test_login_ok_sets_cookie_flags(accounts):
    c = accounts.ready("county", COUNTY)
    fresh = Client(c.base)
    r = fresh.login(c.username, c.password)
    assert_status(r, 200)
    body = r.json()
    check_user(body["user"])
    assert body["user"]["username"] == c.username
    assert body["user"]["role"] == "county"
    assert body["user"]["region_code"] == COUNTY
    assert body["user"]["region_name"] == "南关区"
    assert body["user"]["region_path"] == "吉林省 / 长春市 / 南关区"
    assert body["user"]["must_change_password"] is False
    assert isinstance(body["csrf_token"], str) and len(body["csrf_token"]) >= 16

    cookies = [h for h in fresh.set_cookie_headers if h.startswith("guanai_session=")]
    assert cookies, f"no guanai_session cookie in {fresh.set_cookie_headers}"
    attrs = [a.strip().lower() for a in cookies[-1].split(";")[1:]]
    assert "httponly" in attrs, cookies[-1]
    assert "samesite=strict" in attrs, cookies[-1]
    assert "path=/" in attrs, cookies[-1]
    assert len(fresh.cookie) >= 16, "session id too short to be unguessable"

    # the cookie is the session: GET /session answers the same user and token
    s = fresh.get("/session")
    assert_status(s, 200)
    assert s.json()["user"]["username"] == c.username
    assert s.json()["csrf_token"] == body["csrf_token"]
    # two logins are two sessions
    assert fresh.cookie != c.cookie


def test_login_needs_no_csrf_token(accounts):
    c = accounts.ready("county", COUNTY)
    fresh = Client(c.base)
    assert fresh.csrf is None
    r = fresh.post("/session", json={"username": c.username, "password": c.password})
    assert_status(r, 200)


def test_wrong_password_and_unknown_user(accounts):
    c = accounts.ready("county", COUNTY)
    anon = Client(c.base)
    assert_error(anon.login(c.username, c.password + "x"), 401, "invalid_credentials")
    assert anon.cookie is None, "a failed login must not set a session cookie"
    assert_error(anon.login(c.username + "nobody", c.password), 401,
                 "invalid_credentials")
    assert_error(anon.login(c.username, ""), 401, "invalid_credentials")
    assert_error(anon.get("/session"), 401, "unauthenticated")


def test_four_failures_do_not_lock(accounts):
    c = accounts.ready("county", COUNTY)
    anon = Client(c.base)
    for _ in range(4):
        assert_error(anon.login(c.username, "Wrong-pass-1"), 401, "invalid_credentials")
    assert_status(anon.login(c.username, c.password), 200)


def test_five_failures_lock_even_with_right_password(accounts, admin):
    c = accounts.ready("county", COUNTY)
    anon = Client(c.base)
    for _ in range(4):
        assert_error(anon.login(c.username, "Wrong-pass-1"), 401, "invalid_credentials")
    fifth = anon.login(c.username, "Wrong-pass-1")
    assert fifth.status_code in (401, 423), fifth.text
    assert_error(fifth, fifth.status_code,
                 "invalid_credentials" if fifth.status_code == 401 else "account_locked")
    assert_error(anon.login(c.username, c.password), 423, "account_locked")
    assert anon.cookie is None
    assert_error(anon.login(c.username, "Wrong-pass-1"), 423, "account_locked")
    u = admin.get(f"/users/{c.user_id}")
    assert_status(u, 200)
    assert u.json()["locked"] is True


def test_lock_ends_after_lockout_seconds(accounts, lockout_server):
    c = accounts.ready("county", COUNTY)
    anon = Client(lockout_server.url)
    for _ in range(5):
        r = anon.login(c.username, "Wrong-pass-1")
        assert r.status_code in (401, 423), r.text
    assert_error(anon.login(c.username, c.password), 423, "account_locked")
    time.sleep(3.2)
    r = anon.login(c.username, c.password)
    assert_status(r, 200)
    assert r.json()["user"]["locked"] is False


def test_first_login_gate(accounts, admin):
    otp_client = accounts.fresh("county", COUNTY)
    assert otp_client.user["must_change_password"] is True
    me = otp_client.user_id
    gated = [
        ("GET", "/regions", None, None),
        ("GET", "/regions", {"parent": COUNTY}, None),
        ("GET", f"/regions/{COUNTY}", None, None),
        ("GET", "/users", None, None),
        ("GET", f"/users/{me}", None, None),
        ("PATCH", f"/users/{me}", None, {"display_name": "改名"}),
        ("POST", "/users", None,
         {"username": otp_client.username + "x", "role": "supervisor",
          "region_code": TOWNSHIP}),
        ("POST", f"/users/{me}/password-reset", None, None),
        ("GET", "/audit", None, None),
        ("POST", "/regions", None, {"parent_code": COUNTY, "name": "门禁测试街道"}),
    ]
    for method, path, params, body in gated:
        kw = {"params": params}
        if body is not None:
            kw["json"] = body
        assert_error(otp_client.request(method, path, **kw), 403,
                     "password_change_required")
    # nothing went through the gate
    assert not accounts.exists(otp_client.username + "x")
    u = admin.get(f"/users/{me}").json()
    assert u["display_name"] != "改名"
    assert u["must_change_password"] is True

    r = otp_client.change_password(strong_password())
    assert_status(r, 200)
    assert r.json()["user"]["must_change_password"] is False
    check_user(r.json()["user"])
    assert_status(otp_client.get("/regions"), 200)
    assert_status(otp_client.get("/users"), 200)
    assert_status(otp_client.get(f"/users/{me}"), 200)
    # a new login with the new password is not gated
    again = Client(otp_client.base)
    assert again.login_ok(otp_client.username, otp_client.password)["user"][
        "must_change_password"] is False
    assert_status(again.get("/regions"), 200)


WEAK = [
    ("too_short_all_classes", "Ab1!xyz"),
    ("empty", ""),
    ("lower_only", "abcdefghijkl"),
    ("upper_only", "ABCDEFGHIJKL"),
    ("digits_only", "123456789012"),
    ("symbols_only", "!@#$%^&*()-_"),
    ("lower_digit", "abcdefgh1234"),
    ("upper_lower", "Abcdefghijkl"),
    ("upper_digit", "ABCDEFGH1234"),
    ("lower_symbol", "abcdefgh!@#$"),
    ("upper_symbol", "ABCDEFGH!@#$"),
    ("digit_symbol", "12345678!@#$"),
]


def test_weak_passwords_refused(accounts):
    c = accounts.fresh("county", COUNTY)
    otp = c.password
    for label, weak in WEAK:
        r = c.put("/session/password", json={"old_password": otp, "new_password": weak})
        assert r.status_code == 400, f"{label}: {weak!r} accepted ({r.status_code})"
        assert_error(r, 400, "weak_password")
        # still gated: the weak password did not count as a change
        assert_error(c.get("/regions"), 403, "password_change_required")
    # none of them replaced the one-time password (a few samples only:
    # five failed logins would lock the account)
    for weak in ("Ab1!xyz", "abcdefgh1234", "Abcdefghijkl"):
        assert_error(Client(c.base).login(c.username, weak), 401, "invalid_credentials")
    # the boundary: 8 characters, 3 classes
    assert_status(c.change_password("kqzwmR7t", old_password=otp), 200)
    assert_status(Client(c.base).login(c.username, "kqzwmR7t"), 200)


def test_wrong_old_password(accounts):
    c = accounts.ready("county", COUNTY)
    r = c.put("/session/password",
              json={"old_password": c.password + "x", "new_password": strong_password()})
    assert_error(r, 403, "wrong_password")
    assert_status(Client(c.base).login(c.username, c.password), 200)


def test_csrf_missing_or_wrong(accounts, admin):
    c = accounts.ready("county", COUNTY)
    other = accounts.ready("county", COUNTY)
    target = accounts.uniq()
    body = {"username": target, "role": "supervisor", "region_code": TOWNSHIP}
    attempts = [
        {"csrf": False},
        {"csrf": False, "headers": {"X-CSRF-Token": ""}},
        {"csrf": False, "headers": {"X-CSRF-Token": "wrong"}},
        {"csrf": False, "headers": {"X-CSRF-Token": c.csrf[:-1]}},
        {"csrf": False, "headers": {"X-CSRF-Token": c.csrf + "0"}},
        # another session's token is not this session's token
        {"csrf": False, "headers": {"X-CSRF-Token": other.csrf}},
    ]
    assert other.csrf != c.csrf
    for kw in attempts:
        assert_error(c.post("/users", json=body, **kw), 403, "csrf_failed")
    assert not accounts.exists(target)

    # PATCH without the token changes nothing
    me = c.user_id
    before = admin.get(f"/users/{me}").json()["display_name"]
    assert_error(c.patch(f"/users/{me}", json={"display_name": "未授权改名"}, csrf=False),
                 403, "csrf_failed")
    assert admin.get(f"/users/{me}").json()["display_name"] == before

    # password change without the token changes nothing
    new = strong_password()
    assert_error(c.put("/session/password",
                       json={"old_password": c.password, "new_password": new},
                       csrf=False), 403, "csrf_failed")
    assert_status(Client(c.base).login(c.username, c.password), 200)
    assert_error(Client(c.base).login(c.username, new), 401, "invalid_credentials")

    # logout without the token does not log out
    assert_error(c.delete("/session", csrf=False), 403, "csrf_failed")
    assert_status(c.get("/session"), 200)

    # with the right token it all works
    assert_status(c.post("/users", json=body), 201)
    assert accounts.exists(target)


def test_logout_ends_the_session(accounts):
    c = accounts.ready("county", COUNTY)
    old_cookie, old_csrf = c.cookie, c.csrf
    r = c.delete("/session")
    assert_status(r, 204)
    assert not r.content
    assert_error(c.get("/session"), 401, "unauthenticated")
    # replaying the old cookie does not bring the session back
    replay = Client(c.base)
    replay.cookie, replay.csrf = old_cookie, old_csrf
    assert_error(replay.get("/session"), 401, "unauthenticated")
    assert_error(replay.get("/users"), 401, "unauthenticated")
    r = replay.post("/users", json={"username": c.username + "z", "role": "supervisor",
                                    "region_code": TOWNSHIP})
    assert r.status_code in (401, 403), r.text
    assert_error(r, r.status_code,
                 "unauthenticated" if r.status_code == 401 else "csrf_failed")
    assert not accounts.exists(c.username + "z")
    # logging in again works
    assert_status(Client(c.base).login(c.username, c.password), 200)


def test_idle_session_expires(accounts, idle_server):
    c = accounts.ready("county", COUNTY)
    s = Client(idle_server.url)
    s.login_ok(c.username, c.password)
    # activity keeps an idle timeout from firing
    for _ in range(7):
        assert_status(s.get("/session"), 200)
        time.sleep(0.5)
    time.sleep(3.5)
    assert_error(s.get("/session"), 401, "unauthenticated")
    assert_error(s.get("/regions"), 401, "unauthenticated")
    # a fresh login on the same server works
    assert_status(Client(idle_server.url).login(c.username, c.password), 200)


def test_password_change_ends_other_sessions(accounts):
    a = accounts.ready("county", COUNTY)
    b = Client(a.base)
    b.login_ok(a.username, a.password)
    b2 = Client(a.base)
    b2.login_ok(a.username, a.password)
    old = a.password
    new = strong_password()
    r = a.change_password(new)
    assert_status(r, 200)
    check_user(r.json()["user"])
    # the session that changed it goes on
    assert_status(a.get("/session"), 200)
    assert_status(a.get("/users"), 200)
    # the others end
    assert_error(b.get("/session"), 401, "unauthenticated")
    assert_error(b2.get("/users"), 401, "unauthenticated")
    r = b2.patch(f"/users/{a.user_id}", json={"display_name": "旧会话"})
    assert r.status_code in (401, 403), r.text
    assert accounts.admin.get(f"/users/{a.user_id}").json()["display_name"] != "旧会话"
    # the new password logs in; the old one does not
    assert_error(Client(a.base).login(a.username, old), 401, "invalid_credentials")
    assert_status(Client(a.base).login(a.username, new), 200)


@pytest.mark.parametrize("cookie", ["garbage", "", "0" * 64, "' OR '1'='1"])
def test_bogus_cookie_is_unauthenticated(server, cookie):
    c = Client(server.url)
    c.cookie = cookie
    assert_error(c.get("/session"), 401, "unauthenticated")
    assert_error(c.get("/users"), 401, "unauthenticated")
