"""Platforms (issue #19 item 6): the name proposal proposes only what may
be created, and a township has one 儿童活动中心 unless the county records
why it sets up another."""

import threading

from conftest import assert_error, assert_status
from platform_util import center_body, get, listing


def proposal(c, region, kind):
    return c.get("/platforms/name-proposal", params={"region": region, "kind": kind})


def test_no_proposal_for_what_cannot_be_created(officer, platform_pool):
    t = platform_pool.township(min_villages=2)
    v = t["villages"][0]
    # a village activity centre: refused by create, so not proposed either
    err = assert_error(proposal(officer, v["code"], "activity_center"), 400,
                       "invalid_query", field="region")
    assert "乡镇" in err["message"]
    assert_error(officer.post("/platforms", json=center_body(v["code"])), 400,
                 "invalid_field", field="region_code")
    # nor a children's home for a township
    assert_error(proposal(officer, t["code"], "children_home"), 400,
                 "invalid_query", field="region")
    # what may be created is proposed as before
    r = proposal(officer, t["code"], "activity_center")
    assert_status(r, 200)
    assert r.json() == {"region_code": t["code"], "kind": "activity_center",
                        "name": t["name"] + "儿童活动中心"}


def test_one_activity_centre_per_township_unless_the_county_says_why(
        officer, platform_pool, staff, audit_admin):
    t = platform_pool.township(min_villages=2)
    sup = staff.user("supervisor", t["code"])
    first = officer.post("/platforms", json=center_body(t["code"]))
    assert_status(first, 201)
    assert first.json()["second_reason"] is None

    # the proposal now says that a further one needs a reason
    r = proposal(officer, t["code"], "activity_center").json()
    assert r["needs_reason"] is True and t["name"] in r["note"]

    # a second without a reason: refused, naming the first; nothing written
    for c in (officer, sup):
        err = assert_error(c.post("/platforms", json=center_body(t["code"])), 409,
                           "activity_center_exists", field="second_reason")
        assert t["name"] + "儿童活动中心" in err["message"]
    # a reason from below the county: not its decision
    assert_error(sup.post("/platforms", json=center_body(
        t["code"], second_reason="乡镇自行决定另设")), 403, "forbidden")
    # bad reasons
    for bad in ("", "x", "理" * 201, 5):
        r = officer.post("/platforms", json=center_body(t["code"], second_reason=bad))
        assert r.status_code == 400, (bad, r.text)
    assert listing(officer, region=t["code"], kind="activity_center")["total"] == 1

    # the county records why: accepted, the reason kept and audited
    why = "辖区两片相距二十公里，另设一处方便儿童就近活动"
    r = officer.post("/platforms", json=center_body(t["code"], second_reason=why))
    assert_status(r, 201)
    second = r.json()
    assert get(officer, second["id"])["second_reason"] == why
    assert listing(officer, region=t["code"], kind="activity_center")["total"] == 2
    log = audit_admin.get("/audit", params={"action": "platform_create", "page_size": 200})
    assert_status(log, 200)
    entry = next(e for e in log.json()["items"] if e["target"] == f"platform:{second['id']}")
    assert why in str(entry["detail"])

    # a reason for a first centre means nothing: refused
    t2 = platform_pool.township(min_villages=2)
    assert_error(officer.post("/platforms", json=center_body(t2["code"], second_reason=why)),
                 400, "invalid_field", field="second_reason")


def test_two_first_centres_at_once_make_one(officer, platform_pool):
    t = platform_pool.township(min_villages=2)
    out = []

    def go():
        out.append(officer.post("/platforms", json=center_body(t["code"])).status_code)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(out) == [201, 409, 409, 409], out
    assert listing(officer, region=t["code"], kind="activity_center")["total"] == 1
