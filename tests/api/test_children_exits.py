"""Exits follow the rules (issue #19 item 5): "aged_out" only for a child
who is due by age (18, or 16 with no category left), and the exit
proposals list every child due, paged, with a total."""

from children_util import child_body, create, get_child, history
from conftest import assert_error, assert_status
from helpers import iso, today_cn

# 新安镇 (长岭县), a township no other test uses: the 205 children made
# here would push 农安镇 past the export approval threshold that
# test_children_scope.py exports under.
XA_TOWN = "220722105"


def test_aged_out_is_refused_for_a_child_not_due(staff, village_pool):
    code, _ = village_pool.take(XA_TOWN)
    d = staff.user("director", code)
    young = create(d, child_body(code, age=12))
    poor16 = create(d, child_body(code, age=16, living_support="dibao"))
    assert poor16["categories"] == ["difficult_poverty"]
    lb16 = create(d, child_body(code, age=16))
    assert lb16["categories"] == []
    day = iso(today_cn())
    for c in (young, poor16):
        before = history(d, c["id"])
        err = assert_error(d.post(f"/children/{c['id']}/exit",
                                  json={"reason": "aged_out", "date": day}),
                           409, "not_aged_out", field="reason")
        assert "18" in err["message"]
        # nothing written: still active, no new version
        assert get_child(d, c["id"])["status"] == "active"
        assert history(d, c["id"]) == before
    # the reasons that are facts of life stay open at any age
    assert_status(d.post(f"/children/{young['id']}/exit",
                         json={"reason": "moved_away", "date": day}), 200)
    # a left-behind child of 16 has no category left: due
    r = d.post(f"/children/{lb16['id']}/exit",
               json={"reason": "aged_out", "date": day})
    assert_status(r, 200)
    assert r.json()["status"] == "exited"


def test_every_due_child_is_proposed_paged_with_a_total(staff, village_pool):
    """More children due than one page of the old cap (200): all of them
    are counted and each comes once across the pages, oldest first."""
    code, _ = village_pool.take(XA_TOWN)
    d = staff.user("director", code)
    due = set()
    for i in range(205):
        due.add(create(d, child_body(code, age=18 + i % 3))["id"])
    due.add(create(d, child_body(code, age=16))["id"])  # left-behind only
    not_due = {create(d, child_body(code, age=16, living_support="dibao"))["id"],
               create(d, child_body(code, age=17, guardianship="poor"))["id"],
               create(d, child_body(code, age=15))["id"]}

    r = d.get("/children/exit-proposals")
    assert_status(r, 200)
    body = r.json()
    assert body["total"] == len(due)
    assert len(body["items"]) == 50  # the default page

    seen = []
    for page in range(1, 4):
        r = d.get("/children/exit-proposals",
                  params={"page": page, "page_size": 100})
        assert_status(r, 200)
        assert r.json()["total"] == len(due)
        seen += r.json()["items"]
    ids = [i["id"] for i in seen]
    assert len(ids) == len(set(ids)) == len(due)
    assert set(ids) == due and not (set(ids) & not_due)
    births = [i["birth_date"] for i in seen]
    assert births == sorted(births)
    # each proposal is one a director may carry out
    last = seen[-1]
    assert last["age"] == 16
    assert_status(d.post(f"/children/{last['id']}/exit",
                         json={"reason": "aged_out", "date": iso(today_cn())}), 200)
    assert d.get("/children/exit-proposals").json()["total"] == len(due) - 1

    for bad in ({"page": 0}, {"page_size": 201}, {"page": "x"}):
        assert_error(d.get("/children/exit-proposals", params=bad),
                     400, "invalid_query")
