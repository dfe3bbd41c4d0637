"""Users: scope, rank, role/region levels, listing, one-time passwords,
reset, unlock, disable."""

import pytest

from conftest import (CITY, COUNTY, COUNTY_B, TOWNSHIP, TOWNSHIP_2, TOWNSHIP_B,
                      VILLAGE, VILLAGE_B, VILLAGE_T2, Client, assert_error,
                      assert_status, check_user, fresh_address, last_line,
                      strong_password)


def all_users(client, **params):
    """Every page of GET /users; returns (items, total)."""
    items, page, total = [], 1, None
    while True:
        r = client.get("/users", params={**params, "page": page, "page_size": 200})
        assert_status(r, 200)
        body = r.json()
        if total is None:
            total = body["total"]
        assert body["total"] == total
        items += body["items"]
        if len(body["items"]) < 200:
            break
        page += 1
    return items, total


def test_user_object(accounts, admin):
    user, otp = accounts.create("director", VILLAGE, display_name="华阳社区儿童主任")
    assert user["role"] == "director"
    assert user["region_code"] == VILLAGE
    assert user["region_name"] == "华阳社区"
    assert user["region_path"] == "吉林省 / 长春市 / 南关区 / 南岭街道 / 华阳社区"
    assert user["display_name"] == "华阳社区儿童主任"
    assert user["must_change_password"] is True
    assert user["locked"] is False and user["disabled"] is False
    assert otp not in str(user)
    r = admin.get(f"/users/{user['id']}")
    assert_status(r, 200)
    assert check_user(r.json()) == user


def test_padded_region_code_stored_natural(accounts):
    user, _ = accounts.create("county", COUNTY + "000000")
    assert user["region_code"] == COUNTY


@pytest.mark.parametrize("role,region", [
    ("supervisor", TOWNSHIP), ("supervisor", TOWNSHIP_2),
    ("director", VILLAGE), ("director", VILLAGE_T2),
])
def test_county_creates_inside_its_county(accounts, role, region):
    c = accounts.ready("county", COUNTY)
    user, otp = accounts.create(role, region, creator=c)
    assert (user["role"], user["region_code"]) == (role, region)
    # the one-time password works and forces a change
    n = Client(c.base)
    assert n.login_ok(user["username"], otp)["user"]["must_change_password"] is True


@pytest.mark.parametrize("role,region", [
    ("supervisor", TOWNSHIP_B), ("director", VILLAGE_B),
    ("supervisor", "220102999"), ("director", "220102001999"),
])
def test_county_cannot_create_outside_its_county(accounts, role, region):
    c = accounts.ready("county", COUNTY)
    name = accounts.uniq()
    r = c.post("/users", json={"username": name, "role": role, "region_code": region})
    assert_error(r, 404, "region_not_found")
    assert not accounts.exists(name)


@pytest.mark.parametrize("role,region", [
    ("city", CITY), ("province", "22"), ("admin", COUNTY), ("admin", "22"),
    # strictly below: not its own role; the auditor only from admin; the
    # administrators only from security_admin
    ("county", COUNTY), ("county", COUNTY_B), ("auditor", COUNTY),
    ("auditor", TOWNSHIP), ("security_admin", COUNTY), ("audit_admin", COUNTY),
])
def test_county_cannot_grant_higher_roles(accounts, role, region):
    c = accounts.ready("county", COUNTY)
    name = accounts.uniq()
    r = c.post("/users", json={"username": name, "role": role, "region_code": region})
    assert_error(r, 403, "forbidden")
    assert not accounts.exists(name)


@pytest.mark.parametrize("role,region", [
    ("supervisor", COUNTY), ("supervisor", VILLAGE), ("director", TOWNSHIP),
    ("director", COUNTY), ("county", TOWNSHIP), ("county", VILLAGE),
])
def test_role_region_level_mismatch(accounts, role, region):
    c = accounts.ready("county", COUNTY)
    # the county officer grants supervisors and directors only
    for creator in ((c, accounts.admin) if role != "county" else (accounts.admin,)):
        name = accounts.uniq()
        r = creator.post("/users", json={"username": name, "role": role,
                                         "region_code": region})
        assert_error(r, 400, "invalid_field")
        assert r.json()["error"]["field"] in ("role", "region_code")
        assert not accounts.exists(name)


@pytest.mark.parametrize("role,region", [
    ("city", COUNTY), ("city", "22"), ("province", CITY), ("province", COUNTY),
])
def test_admin_level_mismatch(accounts, role, region):
    name = accounts.uniq()
    r = accounts.admin.post("/users", json={"username": name, "role": role,
                                            "region_code": region})
    assert_error(r, 400, "invalid_field")
    assert not accounts.exists(name)


def test_supervisor_manages_its_township(accounts):
    s = accounts.ready("supervisor", TOWNSHIP)
    accounts.create("director", VILLAGE, creator=s)
    for role, region, status, code in [
        ("director", VILLAGE_T2, 404, "region_not_found"),
        # strictly below its own role: no second supervisor, no auditor
        ("supervisor", TOWNSHIP, 403, "forbidden"),
        ("supervisor", TOWNSHIP_2, 403, "forbidden"),
        ("auditor", TOWNSHIP, 403, "forbidden"),
        ("county", COUNTY, 403, "forbidden"),
        ("admin", TOWNSHIP, 403, "forbidden"),
    ]:
        name = accounts.uniq()
        r = s.post("/users", json={"username": name, "role": role, "region_code": region})
        assert_error(r, status, code)
        assert not accounts.exists(name)
    items, total = all_users(s)
    assert total == len(items) and items
    assert all(u["region_code"].startswith(TOWNSHIP) for u in items)


def test_province_and_admin_grants(accounts, security_admin):
    p = accounts.ready("province", "22")
    accounts.create("city", CITY, creator=p)
    for role in ("province", "admin", "auditor", "audit_admin"):
        name = accounts.uniq()
        assert_error(p.post("/users", json={"username": name, "role": role,
                                            "region_code": "22"}), 403, "forbidden")
        assert not accounts.exists(name)
    # admin grants the roles below it, the auditor included, but no
    # administrator: those come from security_admin (or the console)
    user, _ = accounts.create("auditor", "22")
    assert user["role"] == "auditor"
    for role in ("admin", "security_admin", "audit_admin"):
        name = accounts.uniq()
        assert_error(accounts.admin.post("/users", json={
            "username": name, "role": role, "region_code": "22"}), 403, "forbidden")
        assert not accounts.exists(name)
    user, _ = accounts.create("admin", "22", creator=security_admin)
    assert user["role"] == "admin"
    city = accounts.ready("city", CITY)
    accounts.create("county", COUNTY, creator=city)
    assert_error(city.post("/users", json={"username": accounts.uniq(),
                                           "role": "county", "region_code": "220201"}),
                 404, "region_not_found")


@pytest.mark.parametrize("role,region", [("director", VILLAGE), ("auditor", COUNTY)])
def test_director_and_auditor_cannot_manage_users(accounts, admin, role, region):
    d = accounts.ready(role, region)
    assert_error(d.get("/users"), 403, "forbidden")
    assert_error(d.get(f"/users/{d.user_id}"), 403, "forbidden")
    name = accounts.uniq()
    assert_error(d.post("/users", json={"username": name, "role": "director",
                                        "region_code": VILLAGE}), 403, "forbidden")
    assert not accounts.exists(name)
    assert_error(d.post(f"/users/{d.user_id}/password-reset"), 403, "forbidden")


def test_list_filtered_by_scope(accounts, admin):
    base = accounts.uniq()
    inside, _ = accounts.create("director", VILLAGE, username=base + "a")
    out1, _ = accounts.create("county", COUNTY_B, username=base + "b")
    out2, _ = accounts.create("director", VILLAGE_B, username=base + "c")
    c = accounts.ready("county", COUNTY)

    r = c.get("/users", params={"q": base})
    assert_status(r, 200)
    assert [u["username"] for u in r.json()["items"]] == [inside["username"]]
    assert r.json()["total"] == 1

    items, total = all_users(c)
    assert total == len(items), "total counts users the caller cannot see"
    bad = [u["username"] for u in items if not u["region_code"].startswith(COUNTY)]
    assert not bad, f"county officer sees users outside its county: {bad}"
    for u in items:
        check_user(u)
    _, admin_total = all_users(admin, region=COUNTY)
    assert total == admin_total

    # the admin sees all three
    r = admin.get("/users", params={"q": base})
    assert_status(r, 200)
    assert r.json()["total"] == 3
    assert {u["username"] for u in r.json()["items"]} == {base + "a", base + "b", base + "c"}

    # a filter inside the scope narrows; outside it is not found
    items, total = all_users(c, region=TOWNSHIP)
    assert all(u["region_code"].startswith(TOWNSHIP) for u in items)
    assert inside["username"] in [u["username"] for u in items]
    assert_error(c.get("/users", params={"region": COUNTY_B}), 404, "region_not_found")
    assert_error(c.get("/users", params={"region": "22"}), 404, "region_not_found")


def test_pagination(accounts, admin):
    base = accounts.uniq()
    for s in "abc":
        accounts.create("director", VILLAGE, username=base + s)
    seen = []
    for page in (1, 2, 3):
        r = admin.get("/users", params={"q": base, "page": page, "page_size": 1})
        assert_status(r, 200)
        assert r.json()["total"] == 3
        assert len(r.json()["items"]) == 1
        seen.append(r.json()["items"][0]["username"])
    assert sorted(seen) == [base + "a", base + "b", base + "c"]
    r = admin.get("/users", params={"q": base, "page": 4, "page_size": 1})
    assert_status(r, 200)
    assert r.json() == {"items": [], "total": 3} or (
        r.json()["items"] == [] and r.json()["total"] == 3)


def test_out_of_scope_user_is_not_found(accounts, admin):
    outside, _ = accounts.create("director", VILLAGE_B)
    above = admin.user["id"]
    c = accounts.ready("county", COUNTY)
    for uid in (outside["id"], above, 999999999):
        assert_error(c.get(f"/users/{uid}"), 404, "not_found")
        assert_error(c.patch(f"/users/{uid}", json={"display_name": "越权"}), 404,
                     "not_found")
        assert_error(c.post(f"/users/{uid}/password-reset"), 404, "not_found")
        assert_error(c.post(f"/users/{uid}/unlock"), 404, "not_found")
    after = admin.get(f"/users/{outside['id']}").json()
    assert after["display_name"] != "越权"


def test_username_taken(accounts, admin):
    user, _ = accounts.create("director", VILLAGE)
    before = accounts.user_total()
    for uname in (user["username"], "admin"):
        r = admin.post("/users", json={"username": uname, "role": "director",
                                       "region_code": VILLAGE})
        assert_error(r, 409, "username_taken")
    c = accounts.ready("county", COUNTY)
    assert_error(c.post("/users", json={"username": user["username"], "role": "director",
                                        "region_code": VILLAGE}), 409, "username_taken")
    assert accounts.user_total() == before + 1  # + the county officer


@pytest.mark.parametrize("uname", ["ab", "x" * 33, "bad name", "名字abc", "a/b", "a'b",
                                   "a@b.c", "", "tab\tname"])
def test_username_rules(accounts, uname):
    before = accounts.user_total()
    r = accounts.admin.post("/users", json={"username": uname, "role": "director",
                                            "region_code": VILLAGE})
    assert_error(r, 400, "invalid_field", field="username")
    assert accounts.user_total() == before


def test_username_limits_accepted(accounts):
    import uuid
    h = uuid.uuid4().hex
    stem = accounts.uniq()
    for uname in (h[0] + "." + h[1], (stem + "A-_.z" + h)[:32]):
        user, _ = accounts.create("director", VILLAGE, username=uname)
        assert user["username"] == uname
    assert len(uname) == 32


def test_invalid_role(accounts):
    name = accounts.uniq()
    for role in ("superuser", "", "Admin", "COUNTY"):
        r = accounts.admin.post("/users", json={"username": name, "role": role,
                                                "region_code": COUNTY})
        assert_error(r, 400, "invalid_field", field="role")
    assert not accounts.exists(name)


def test_one_time_password_forces_change(accounts):
    c = accounts.ready("county", COUNTY)
    user, otp = accounts.create("supervisor", TOWNSHIP, creator=c)
    n = Client(c.base)
    body = n.login_ok(user["username"], otp)
    assert body["user"]["must_change_password"] is True
    assert_error(n.get("/users"), 403, "password_change_required")
    new = strong_password()
    assert_status(n.change_password(new), 200)
    assert_status(n.get("/users"), 200)
    assert_error(Client(c.base).login(user["username"], otp), 401, "invalid_credentials")
    assert c.get(f"/users/{user['id']}").json()["must_change_password"] is False


def test_password_reset(accounts):
    c = accounts.ready("county", COUNTY)
    d = accounts.ready("director", VILLAGE, creator=c)
    old = d.password
    r = c.post(f"/users/{d.user_id}/password-reset")
    assert_status(r, 200)
    otp = r.json()["one_time_password"]
    assert isinstance(otp, str) and otp and otp != old
    assert_error(Client(c.base).login(d.username, old), 401, "invalid_credentials")
    n = Client(c.base)
    assert n.login_ok(d.username, otp)["user"]["must_change_password"] is True
    assert_error(n.get("/regions"), 403, "password_change_required")
    assert c.get(f"/users/{d.user_id}").json()["must_change_password"] is True
    assert_status(n.change_password(strong_password()), 200)
    assert_status(n.get("/regions"), 200)


def test_unlock(accounts):
    """Failed logins hold back the address that made them (429), never
    the account; an unlock forgets them, so that address gets in again."""
    c = accounts.ready("county", COUNTY)
    d = accounts.ready("director", VILLAGE, creator=c)
    anon = Client(c.base, address=fresh_address())
    for _ in range(5):
        anon.login(d.username, "Wrong-pass-9")
    assert_error(anon.login(d.username, d.password), 429, "too_many_attempts")
    assert c.get(f"/users/{d.user_id}").json()["locked"] is True
    r = c.post(f"/users/{d.user_id}/unlock")
    assert_status(r, 200)
    assert check_user(r.json())["locked"] is False
    assert r.json()["id"] == d.user_id
    assert_status(anon.login(d.username, d.password), 200)
    assert c.get(f"/users/{d.user_id}").json()["locked"] is False


def test_patch_user(accounts):
    c = accounts.ready("county", COUNTY)
    d = accounts.ready("director", VILLAGE, creator=c)
    r = c.patch(f"/users/{d.user_id}", json={"display_name": "张三"})
    assert_status(r, 200)
    assert check_user(r.json())["display_name"] == "张三"
    assert c.get(f"/users/{d.user_id}").json()["display_name"] == "张三"

    # role and region move together
    assert_error(c.patch(f"/users/{d.user_id}", json={"role": "supervisor"}), 400,
                 "invalid_field")
    r = c.patch(f"/users/{d.user_id}", json={"role": "supervisor", "region_code": TOWNSHIP})
    assert_status(r, 200)
    assert (r.json()["role"], r.json()["region_code"]) == ("supervisor", TOWNSHIP)
    # not out of the scope, not upwards
    assert_error(c.patch(f"/users/{d.user_id}", json={"region_code": TOWNSHIP_B}), 404,
                 "region_not_found")
    assert_error(c.patch(f"/users/{d.user_id}", json={"role": "city",
                                                      "region_code": CITY}), 403,
                 "forbidden")
    assert_error(c.patch(f"/users/{d.user_id}", json={"role": "admin"}), 403, "forbidden")
    after = c.get(f"/users/{d.user_id}").json()
    assert (after["role"], after["region_code"]) == ("supervisor", TOWNSHIP)


def test_disable_user(accounts):
    c = accounts.ready("county", COUNTY)
    d = accounts.ready("director", VILLAGE, creator=c)
    r = c.patch(f"/users/{d.user_id}", json={"disabled": True})
    assert_status(r, 200)
    assert r.json()["disabled"] is True
    n = Client(c.base)
    r = n.login(d.username, d.password)
    assert 400 <= r.status_code < 500, f"a disabled user logged in: {r.status_code}"
    assert_error(r, r.status_code, r.json()["error"]["code"])
    assert n.cookie is None
    # the session it already had ends too
    assert d.get("/regions").status_code in (401, 403)
    r = c.patch(f"/users/{d.user_id}", json={"disabled": False})
    assert_status(r, 200)
    assert r.json()["disabled"] is False
    assert_status(Client(c.base).login(d.username, d.password), 200)


def test_no_self_promotion(accounts):
    c = accounts.ready("county", COUNTY)
    me = c.user_id
    for body in ({"role": "city", "region_code": CITY},
                 {"role": "province", "region_code": "22"},
                 {"role": "admin"}, {"role": "admin", "region_code": "22"}):
        r = c.patch(f"/users/{me}", json=body)
        assert_error(r, 403, "forbidden")
    # nobody manages its own account here (its role is not one it grants)
    assert_error(c.patch(f"/users/{me}", json={"region_code": COUNTY_B}), 403,
                 "forbidden")
    assert_error(c.patch(f"/users/{me}", json={"display_name": "自己"}), 403,
                 "forbidden")
    now = accounts.admin.get(f"/users/{me}").json()
    assert (now["role"], now["region_code"]) == ("county", COUNTY)
    # and the session still has only the county's reach
    assert_error(c.get("/regions", params={"parent": "22"}), 404, "region_not_found")


def test_manager_cannot_take_over_a_higher_rank_in_scope(accounts, admin,
                                                        security_admin):
    """An admin whose region lies in a county must not be resettable by that
    county's officer: that would grant admin through the back door."""
    boss = accounts.ready("admin", COUNTY, creator=security_admin)
    c = accounts.ready("county", COUNTY)
    assert_error(c.post(f"/users/{boss.user_id}/password-reset"), 403, "forbidden")
    assert_error(c.patch(f"/users/{boss.user_id}", json={"disabled": True}), 403,
                 "forbidden")
    assert_error(c.patch(f"/users/{boss.user_id}", json={"display_name": "x"}), 403,
                 "forbidden")
    assert_status(Client(c.base).login(boss.username, boss.password), 200)
    assert admin.get(f"/users/{boss.user_id}").json()["disabled"] is False
    # nor by another admin: an administrator's account is security_admin's
    assert_error(admin.post(f"/users/{boss.user_id}/password-reset"), 403, "forbidden")
    assert_error(admin.patch(f"/users/{boss.user_id}", json={"disabled": True}), 403,
                 "forbidden")


def test_cli_user_add(guanai, db, accounts, admin):
    name = accounts.uniq()
    r = guanai.run("user", "add", "--db", db.url, "--username", name,
                   "--role", "supervisor", "--region", TOWNSHIP, timeout=120)
    assert r.returncode == 0, r.stderr
    otp = last_line(r.stdout)
    c = Client(admin.base)
    body = c.login_ok(name, otp)
    assert body["user"]["must_change_password"] is True
    assert (body["user"]["role"], body["user"]["region_code"]) == ("supervisor", TOWNSHIP)
    # taken username, bad role, bad region: refused
    for args in (("--username", name, "--role", "supervisor", "--region", TOWNSHIP),
                 ("--username", name + "r", "--role", "boss", "--region", TOWNSHIP),
                 ("--username", name + "g", "--role", "supervisor", "--region", "22x")):
        r = guanai.run("user", "add", "--db", db.url, *args, timeout=120)
        assert r.returncode != 0, f"user add {args} succeeded"
    assert not accounts.exists(name + "r") and not accounts.exists(name + "g")


def test_users_need_login(server):
    assert_error(Client(server.url).get("/users"), 401, "unauthenticated")
    assert_error(Client(server.url).get("/users/1"), 401, "unauthenticated")
