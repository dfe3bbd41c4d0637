"""What the phone that works offline asks of the server (issue #23;
docs/API.md "Offline", docs/OFFLINE.md): the device key, released to the
user's own sessions only, and the copy of the director's village, every
active record as the record's own answer gives it, with the last visits
and the name the visit form starts with; one audit entry per copy."""

import base64
from concurrent.futures import ThreadPoolExecutor

import pytest

from children_util import child_body, create, get_child
from conftest import Client, assert_error, assert_status
from helpers import audit_entries, iso, today_cn
from workforce_util import director_body

# 大兴镇 (长岭县), a township no other test uses: children made in 农安县
# push its exports past the approval threshold test_children_scope.py
# exports under.
DX_TOWN = "220722107"


def device_key(c):
    r = c.get("/session/device-key")
    assert_status(r, 200)
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert set(body) == {"key", "user_id"}
    raw = base64.b64decode(body["key"], validate=True)
    assert len(raw) == 32
    return body["key"]


def test_the_device_key_is_the_users_own(staff, accounts):
    a = staff.user("director", "220122100207")
    b = staff.user("director", "220122100207")
    ka = device_key(a)
    # the same key for every session of the user, and again later
    again = Client(a.base)
    again.login_ok(a.username, a.password)
    assert device_key(again) == ka == device_key(a)
    assert device_key(b) != ka
    # none without a session, none before the one-time password is changed
    assert_error(Client(a.base).get("/session/device-key"), 401, "unauthenticated")
    fresh = accounts.fresh("director", "220122100207")
    assert_error(fresh.get("/session/device-key"), 403, "password_change_required")
    # after logout the session gets nothing
    assert_status(again.delete("/session"), 204)
    assert_error(again.get("/session/device-key"), 401, "unauthenticated")


def test_concurrent_first_requests_get_one_key(staff):
    u = staff.user("supervisor", "220122100")
    sessions = []
    for _ in range(6):
        c = Client(u.base)
        c.login_ok(u.username, u.password)
        sessions.append(c)
    with ThreadPoolExecutor(6) as ex:
        keys = list(ex.map(lambda c: c.get("/session/device-key").json()["key"], sessions))
    assert len(set(keys)) == 1, keys


@pytest.fixture(scope="module")
def village(village_pool):
    code, name = village_pool.take(DX_TOWN)
    return code


def visit(c, cid, day, met, risk="low"):
    r = c.post(f"/children/{cid}/visits",
               json={"visit_date": day, "visitor": "走访人" + met, "met": met,
                     "findings": {"living": "正常"}, "risk_level": risk, "follow_up": ""})
    assert_status(r, 201)


def test_the_copy_of_the_village(staff, village, village_pool, audit_admin):
    d = staff.user("director", village)
    kids = [create(d, child_body(village)) for _ in range(4)]
    gone = create(d, child_body(village))
    r = d.post(f"/children/{gone['id']}/exit",
               json={"reason": "moved_away", "date": iso(today_cn()), "note": ""})
    assert_status(r, 200)
    # a child of the next village is not in it
    other_code, _ = village_pool.take(DX_TOWN)
    other = create(staff.user("director", other_code), child_body(other_code))
    for day, met in (("2024-01-02", "祖母"), ("2024-03-04", "祖父"), ("2024-05-06", "母亲"),
                     ("2024-07-08", "父亲"), ("2024-09-10", "姑姑"), ("2024-11-12", "邻居")):
        visit(d, kids[0]["id"], day, met)
    visit(d, kids[1]["id"], "2025-01-15", "外婆", "high")
    before = len(audit_entries(audit_admin, "child_read"))
    r = d.get("/children/offline")
    assert_status(r, 200)
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert set(body) == {"as_of", "region_code", "visitor", "items", "visits"}
    assert body["region_code"] == village and body["as_of"] == iso(today_cn())
    ids = [i["id"] for i in body["items"]]
    assert sorted(ids) == sorted(k["id"] for k in kids)
    assert gone["id"] not in ids and other["id"] not in ids
    # each record exactly as its own answer gives it, whole numbers and all
    for item in body["items"]:
        assert item == get_child(d, item["id"])
    # the last five visits of each, newest first
    v0 = [v for v in body["visits"] if v["child_id"] == kids[0]["id"]]
    assert [v["met"] for v in v0] == ["邻居", "姑姑", "父亲", "母亲", "祖父"]
    assert set(v0[0]) == {"child_id", "visit_date", "visitor", "met", "risk_level"}
    v1 = [v for v in body["visits"] if v["child_id"] == kids[1]["id"]]
    assert v1 == [{"child_id": kids[1]["id"], "visit_date": "2025-01-15",
                   "visitor": "走访人外婆", "met": "外婆", "risk_level": "high"}]
    # audited once, with the count, not as one read per record
    syncs = [a for a in audit_entries(audit_admin, "child_offline_sync")
             if a["actor"] == d.username]
    assert len(syncs) == 1 and syncs[0]["target"] == village
    assert syncs[0]["detail"] == {"count": 4}
    # the records' own reads above are the only child_read entries added
    after = len(audit_entries(audit_admin, "child_read"))
    assert after - before == 4


def test_the_visit_form_starts_with_the_director_in_post(staff, village_pool, admin):
    code, _ = village_pool.take(DX_TOWN)
    d = staff.user("director", code)
    # no one in post: the account's display name
    assert d.get("/children/offline").json()["visitor"] == d.user["display_name"]
    county = staff.user("county", code[:6])
    body = director_body(code, name="李春花", user_id=d.user["id"])
    r = county.post("/staff", json=body)
    assert_status(r, 201)
    assert d.get("/children/offline").json()["visitor"] == "李春花"


@pytest.mark.parametrize("role,region", [("county", "220122"), ("supervisor", "220122100"),
                                         ("province", "22"), ("city", "2201"),
                                         ("auditor", "220122")])
def test_only_a_director_takes_a_copy(staff, role, region):
    u = staff.user(role, region)
    r = u.get("/children/offline")
    assert_error(r, 403, "forbidden")


def test_admin_gets_no_copy(admin):
    assert_error(admin.get("/children/offline"), 403, "forbidden")
