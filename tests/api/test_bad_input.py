"""Bad input: every refusal has the documented status and error shape, and
nothing changes behind it (user count unchanged, audit chain intact)."""

import json
import time

import pytest
import requests

from conftest import (COUNTY, DEFAULT_IDLE, VILLAGE, Client, assert_error,
                      assert_status, strong_password)

MIB = 1024 * 1024


class Unchanged:
    """Records the user count; check() proves nothing was written."""

    def __init__(self, accounts, guanai, db):
        self.accounts = accounts
        self.guanai = guanai
        self.db = db
        self.total = accounts.user_total()

    def check(self):
        assert self.accounts.user_total() == self.total, "a refused request wrote a user"
        r = self.guanai.run("audit", "verify", "--db", self.db.url, timeout=300)
        assert r.returncode == 0, f"audit verify failed: {r.stdout}{r.stderr}"
        h = requests.get(self.accounts.server.url + "/api/v1/health", timeout=5)
        assert h.status_code == 200, "server unhealthy after bad input"


@pytest.fixture
def unchanged(accounts, guanai, db):
    u = Unchanged(accounts, guanai, db)
    yield u
    u.check()


def raw(client, method, path, body, ctype="application/json", **kw):
    headers = {"Content-Type": ctype} if ctype is not None else {}
    return client.request(method, path, data=body, headers=headers, **kw)


MALFORMED = [
    b"{", b'{"username": "x",}', b'{"username":', b"nope", b"",
    b"{'username':'x'}", b'{"username" "x"}', b"\xff\xfe{}",
    b'{"username":"\xff\xfe"}', b'{"username":"x"} trailing', b"{}{}",
    b'{"username":"x\x01"}',
]


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_json(admin, unchanged, body):
    assert_error(raw(admin, "POST", "/users", body), 400, "invalid_json")


@pytest.mark.parametrize("body", [b"[]", b'"str"', b"42", b"null", b"true",
                                  b'[{"username":"x","role":"director"}]'])
def test_json_not_an_object(admin, unchanged, body):
    assert_error(raw(admin, "POST", "/users", body), 400, "invalid_json")


def test_malformed_json_elsewhere(accounts, admin, unchanged):
    c = accounts.ready("county", COUNTY)
    unchanged.total += 1
    for method, path in [("POST", "/session"), ("PUT", "/session/password"),
                         ("PATCH", f"/users/{c.user_id}")]:
        for body in (b"{", b"[1]"):
            assert_error(raw(c, method, path, body), 400, "invalid_json")
    for body in (b"{", b"[1]"):
        assert_error(raw(admin, "POST", "/regions", body), 400, "invalid_json")
    assert_status(Client(c.base).login(c.username, c.password), 200)


USER = {"username": "typecheck", "role": "director", "region_code": VILLAGE}


@pytest.mark.parametrize("field,value", [
    ("username", 123), ("username", ["a"]), ("username", True), ("role", 1),
    ("role", ["county"]), ("role", {"name": "county"}), ("region_code", 220102001001),
    ("region_code", ["220102001001"]), ("display_name", 5), ("display_name", {}),
    ("display_name", False),
])
def test_wrong_types_create_user(admin, unchanged, field, value):
    body = dict(USER, username=USER["username"] + field[:3])
    body[field] = value
    assert_error(admin.post("/users", json=body), 400, "invalid_field", field=field)


def test_wrong_types_elsewhere(accounts, unchanged):
    c = accounts.ready("county", COUNTY)
    d, _ = accounts.create("director", VILLAGE, creator=c)
    unchanged.total += 2
    for field, value in [("disabled", "yes"), ("disabled", 1), ("disabled", None),
                         ("display_name", 7), ("role", 3), ("region_code", 22)]:
        assert_error(c.patch(f"/users/{d['id']}", json={field: value}), 400,
                     "invalid_field", field=field)
    after = c.get(f"/users/{d['id']}").json()
    assert after["disabled"] is False and after["role"] == "director"
    assert after["region_code"] == VILLAGE
    for body, field in [({"username": 5, "password": "x"}, "username"),
                        ({"username": c.username, "password": 12345678}, "password")]:
        assert_error(Client(c.base).post("/session", json=body), 400, "invalid_field",
                     field=field)
    for body, field in [({"old_password": c.password, "new_password": 12345678},
                         "new_password"),
                        ({"old_password": ["x"], "new_password": strong_password()},
                         "old_password")]:
        assert_error(c.put("/session/password", json=body), 400, "invalid_field",
                     field=field)
    assert_status(Client(c.base).login(c.username, c.password), 200)


@pytest.mark.parametrize("missing", ["username", "role", "region_code"])
def test_missing_fields_create_user(admin, unchanged, missing):
    body = dict(USER, username="missing" + missing[:4])
    del body[missing]
    assert_error(admin.post("/users", json=body), 400, "missing_field", field=missing)


def test_missing_fields_elsewhere(accounts, unchanged):
    c = accounts.ready("county", COUNTY)
    unchanged.total += 1
    anon = Client(c.base)
    assert_error(anon.post("/session", json={"username": c.username}), 400,
                 "missing_field", field="password")
    assert_error(anon.post("/session", json={"password": c.password}), 400,
                 "missing_field", field="username")
    assert_error(c.put("/session/password", json={"old_password": c.password}), 400,
                 "missing_field", field="new_password")
    assert_error(c.put("/session/password", json={"new_password": strong_password()}),
                 400, "missing_field", field="old_password")
    assert_status(Client(c.base).login(c.username, c.password), 200)


@pytest.mark.parametrize("extra", ["password", "is_admin", "id", "locked", "Username"])
def test_unknown_fields_create_user(admin, unchanged, extra):
    body = dict(USER, username="unknown" + extra[:4].lower())
    body[extra] = True
    assert_error(admin.post("/users", json=body), 400, "unknown_field", field=extra)


def test_unknown_fields_elsewhere(accounts, unchanged):
    c = accounts.ready("county", COUNTY)
    d, _ = accounts.create("director", VILLAGE, creator=c)
    unchanged.total += 2
    for field, value in [("username", "renamed"), ("locked", False),
                         ("must_change_password", False), ("password", "Xx1!xxxxxx"),
                         ("id", 1)]:
        assert_error(c.patch(f"/users/{d['id']}", json={field: value}), 400,
                     "unknown_field", field=field)
    assert c.get(f"/users/{d['id']}").json()["username"] == d["username"]
    assert_error(Client(c.base).post("/session", json={
        "username": c.username, "password": c.password, "remember": True}),
        400, "unknown_field", field="remember")
    new = strong_password()
    assert_error(c.put("/session/password", json={
        "old_password": c.password, "new_password": new, "username": "admin"}),
        400, "unknown_field", field="username")
    assert_status(Client(c.base).login(c.username, c.password), 200)


def _padded(body, size):
    data = json.dumps(body).encode()
    assert len(data) <= size
    return data + b" " * (size - len(data))


def test_oversized_body(admin, unchanged, accounts):
    name = accounts.uniq()
    body = {"username": name, "role": "director", "region_code": VILLAGE}
    try:
        r = raw(admin, "POST", "/users", _padded(body, MIB + 1))
    except requests.ConnectionError as e:
        pytest.fail(f"server dropped the connection instead of answering 413: {e}")
    assert_error(r, 413, "payload_too_large")
    try:
        r = raw(admin, "POST", "/users", _padded(body, 3 * MIB))
    except requests.ConnectionError as e:
        pytest.fail(f"server dropped the connection instead of answering 413: {e}")
    assert_error(r, 413, "payload_too_large")
    assert not accounts.exists(name)


def test_oversized_chunked_body(admin, unchanged, accounts):
    name = accounts.uniq()
    head = json.dumps({"username": name, "role": "director",
                       "region_code": VILLAGE}).encode()

    def chunks():
        yield head
        for _ in range(40):
            yield b" " * 65536

    try:
        r = raw(admin, "POST", "/users", chunks())
    except requests.ConnectionError as e:
        pytest.fail(f"server dropped the connection instead of answering 413: {e}")
    assert_error(r, 413, "payload_too_large")
    assert not accounts.exists(name)


def test_body_of_exactly_one_mib_is_accepted(admin, accounts):
    name = accounts.uniq()
    body = {"username": name, "role": "director", "region_code": VILLAGE}
    r = raw(admin, "POST", "/users", _padded(body, MIB))
    assert_status(r, 201)
    assert accounts.exists(name)


@pytest.mark.parametrize("ctype", ["text/plain", None, "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", "application/xml",
                                   "text/json", "application/jsonx"])
def test_wrong_content_type(admin, unchanged, accounts, ctype):
    name = accounts.uniq()
    body = json.dumps({"username": name, "role": "director",
                       "region_code": VILLAGE}).encode()
    assert_error(raw(admin, "POST", "/users", body, ctype=ctype), 415,
                 "unsupported_media_type")
    assert not accounts.exists(name)


def test_wrong_content_type_at_login(accounts, unchanged):
    c = accounts.ready("county", COUNTY)
    unchanged.total += 1
    anon = Client(c.base)
    r = raw(anon, "POST", "/session",
            f"username={c.username}&password={c.password}".encode(),
            ctype="application/x-www-form-urlencoded")
    assert_error(r, 415, "unsupported_media_type")
    assert anon.cookie is None


def test_json_with_charset_is_fine(admin, accounts):
    name = accounts.uniq()
    body = json.dumps({"username": name, "role": "director",
                       "region_code": VILLAGE}).encode()
    assert_status(raw(admin, "POST", "/users", body,
                      ctype="application/json; charset=utf-8"), 201)


@pytest.mark.parametrize("code", ["22a", "", "2201020010011", "220102001001001", "2",
                                  "22' OR '1'='1", " 220102001001", "22010200100１"])
def test_bad_region_code_in_body(admin, unchanged, code):
    body = dict(USER, username="badregion")
    body["region_code"] = code
    assert_error(admin.post("/users", json=body), 400, "invalid_region")


def test_bad_region_code_in_patch_and_query(accounts, admin, unchanged):
    c = accounts.ready("county", COUNTY)
    d, _ = accounts.create("director", VILLAGE, creator=c)
    unchanged.total += 2
    assert_error(c.patch(f"/users/{d['id']}", json={"region_code": "x"}), 400,
                 "invalid_region")
    assert c.get(f"/users/{d['id']}").json()["region_code"] == VILLAGE
    for code in ("abc", "", "2201020", "22;--"):
        assert_error(c.get("/users", params={"region": code}), 400, "invalid_region")
    assert_error(admin.post("/regions", json={"parent_code": "zz", "name": "坏区"}), 400,
                 "invalid_region")


@pytest.mark.parametrize("path", ["/users", "/audit"])
@pytest.mark.parametrize("params", [
    {"page": "0"}, {"page": "-1"}, {"page": "abc"}, {"page": "1.5"}, {"page": ""},
    {"page_size": "0"}, {"page_size": "201"}, {"page_size": "-5"},
    {"page_size": "x"}, {"page_size": "99999999999999999999"},
])
def test_bad_query(admin, audit_admin, unchanged, path, params):
    c = audit_admin if path == "/audit" else admin
    assert_error(c.get(path, params=params), 400, "invalid_query")


def test_page_size_bounds_accepted(admin):
    for ps in ("1", "200"):
        r = admin.get("/users", params={"page_size": ps})
        assert_status(r, 200)
        assert len(r.json()["items"]) <= int(ps)


def test_missing_csrf(accounts, admin, unchanged):
    c = accounts.ready("county", COUNTY)
    d, _ = accounts.create("director", VILLAGE, creator=c)
    unchanged.total += 2
    calls = [
        ("POST", "/users", {"username": "nocsrf", "role": "director",
                            "region_code": VILLAGE}),
        ("PATCH", f"/users/{d['id']}", {"display_name": "无令牌"}),
        ("POST", f"/users/{d['id']}/password-reset", None),
        ("POST", f"/users/{d['id']}/unlock", None),
        ("PUT", "/session/password", {"old_password": c.password,
                                      "new_password": strong_password()}),
        ("DELETE", "/session", None),
    ]
    for method, path, body in calls:
        kw = {"csrf": False}
        if body is not None:
            kw["json"] = body
        assert_error(c.request(method, path, **kw), 403, "csrf_failed")
    assert c.get(f"/users/{d['id']}").json()["display_name"] != "无令牌"
    assert_status(c.get("/session"), 200)
    assert_error(admin.post("/regions", json={"parent_code": "2202", "name": "无令牌区"},
                            csrf=False), 403, "csrf_failed")
    r = admin.get("/regions", params={"parent": "2202"})
    assert "无令牌区" not in [it["name"] for it in r.json()["items"]]


def test_expired_session(accounts, clock, unchanged):
    c = accounts.ready("county", COUNTY)
    unchanged.total += 1
    s = Client(clock.start(idle=None).url)
    s.login_ok(c.username, c.password)
    clock.set(DEFAULT_IDLE + 1)  # the production default, 30 minutes, has passed
    assert_error(s.get("/users"), 401, "unauthenticated")
    r = s.post("/users", json={"username": "expired", "role": "director",
                               "region_code": VILLAGE})
    assert_error(r, 401, "unauthenticated")
    assert not accounts.exists("expired")


def test_no_session(server, unchanged):
    anon = Client(server.url)
    for path in ("/session", "/users", "/audit", "/regions", f"/regions/{COUNTY}"):
        assert_error(anon.get(path), 401, "unauthenticated")
    r = anon.post("/users", json={"username": "anon", "role": "director",
                                  "region_code": VILLAGE})
    assert r.status_code in (401, 403), r.text
    assert_error(r, r.status_code,
                 "unauthenticated" if r.status_code == 401 else "csrf_failed")


def test_unknown_endpoint_and_method(admin, unchanged):
    for path in ("/nope", "/users/1/nope", "/regions/22/x/y", "/v2/users"):
        assert_error(admin.get(path), 404, "not_found")
    for uid in ("0", "abc", "99999999999999999999999"):
        assert_error(admin.get(f"/users/{uid}"), 404, "not_found")
    for method, path in [("PUT", "/regions"), ("DELETE", "/users"),
                         ("PATCH", "/session"), ("DELETE", "/audit"),
                         ("POST", "/health"), ("PUT", f"/users/{admin.user['id']}")]:
        r = admin.request(method, path, json={})
        assert_error(r, 405, "method_not_allowed")


def test_pathological_json(admin, unchanged):
    t0 = time.time()
    assert_error(raw(admin, "POST", "/users", b"[" * 500000), 400, "invalid_json")
    r = raw(admin, "POST", "/users", b'{"a":' * 100000 + b"1" + b"}" * 100000)
    assert r.status_code == 400, r.text
    # too deep for the parser, or parsed and refused for its unknown field
    assert r.json()["error"]["code"] in ("invalid_json", "unknown_field"), r.text
    assert_error(r, 400, r.json()["error"]["code"])
    many = "{" + ",".join(f'"k{i}":{i}' for i in range(60000)) + "}"
    assert_error(raw(admin, "POST", "/users", many.encode()), 400, "unknown_field")
    big = dict(USER, username="x" * (900 * 1024))
    assert_error(admin.post("/users", json=big), 400, "invalid_field", field="username")
    assert time.time() - t0 < 20, "pathological JSON took too long"
