"""Masking that holds (issue #17, 3; docs/API.md "Masking").

For each role that sees numbers masked (province, city) and each answer that
carries a masked ID number — the children's list, search, detail (with the
parents', guardian's and disability certificate numbers), history,
transfers, watch list, export and printed record; the women's list, detail
and export; the staff list, detail and roster; a case's detail — the answer
must not let a masked number be rebuilt from its other fields: not the
number, not the birth date in any spelling, not its year and month, and at
least 29 candidates left from the age it shows (masking_util).  The phones
it masks are not in it either.  The roles that see numbers whole still do;
the masked roles may neither search by number nor sort by birth date."""

import datetime as dt

import pytest

from children_util import birth_for_age, child_body, create, full_body, patch, unique_name
from conftest import assert_error, assert_status
from helpers import audit_entries, id_number, pdf_text, today_cn, xlsx_rows
from masking_util import (assert_not_rebuildable, json_ages, mask, sheet_text)
from women_util import woman_body
from workforce_util import CITY, director_body

MASKED_ROLES = [("province", "22"), ("city", "2201")]


def whole_years(birth):
    b, t = dt.date.fromisoformat(birth), today_cn()
    return t.year - b.year - ((t.month, t.day) < (b.month, b.day))


class World:
    """A county of its own (长春市), with in one village a child (every
    number filled in, then corrected: a new birth date and ID number), a
    child being transferred, a woman, a director in post and a case with a
    reporter's phone."""

    def __init__(self, staff, village_pool, region_pool):
        self.code = region_pool.take_county(CITY)["code"]
        town = next(t["code"] for t in region_pool.townships(self.code)
                    if len(region_pool.villages(t["code"])) >= 2)
        self.vil, self.vil_name = village_pool.take(town)
        self.vil2, _ = village_pool.take(town)
        self.d = staff.user("director", self.vil)
        self.county = staff.user("county", self.code)
        self.sup = staff.user("supervisor", town)
        body = full_body(self.vil)
        body["disability"]["certificate_no"] = body["id_number"] + "42"
        k = create(self.d, body)
        self.first_id = k["id_number"]
        # the record corrected: another birth date, so another number
        b = birth_for_age(10, days_after_birthday=200)
        new_id = id_number(self.code, b, "female")
        k = patch(self.d, k["id"], {"birth_date": b.isoformat(), "id_number": new_id,
                                    "contact_phone": "13712340000",
                                    "disability": {"type": "肢体残疾", "grade": "二级",
                                                   "certificate_no": new_id + "42"}})
        self.k = k
        self.moving = create(self.d, child_body(self.vil, age=7))
        r = self.d.post(f"/children/{self.moving['id']}/transfers",
                        json={"to_region": self.vil2, "reason": "随祖父母迁居"})
        assert_status(r, 201)
        self.woman = self.d.post("/women", json=woman_body(self.vil, phone="13698765432")).json()
        assert "id" in self.woman, self.woman
        self.staff_member = self.county.post(
            "/staff", json=director_body(region_pool.take_village(self.code)["code"],
                                         phone="13511112222")).json()
        assert "id" in self.staff_member, self.staff_member
        r = self.d.post("/cases", json={"child_id": k["id"], "reporter_type": "public",
                                        "reporter_name": "热心群众", "reporter_phone": "13344445555",
                                        "situation": "begging",
                                        "description": "在集市上乞讨，需要核实"})
        assert_status(r, 201)
        self.case = r.json()
        self.truths = [self.first_id, k["id_number"], k["father"]["id_number"],
                       k["mother"]["id_number"], k["guardian"]["id_number"],
                       self.moving["id_number"], self.woman["id_number"],
                       self.staff_member["id_number"]]
        self.phones = [k["contact_phone"], body["contact_phone"], k["father"]["phone"],
                       k["mother"]["phone"], k["guardian"]["phone"], "13698765432",
                       "13511112222", "13344445555"]
        self.woman.setdefault("age", whole_years(self.woman["birth_date"]))
        self.ages = {k["id_number"]: k["age"], self.moving["id_number"]: self.moving["age"],
                     self.woman["id_number"]: self.woman["age"]}
        self.viewers = {role: staff.user(role, region) for role, region in MASKED_ROLES}


@pytest.fixture(scope="module")
def w(staff, village_pool, region_pool):
    return World(staff, village_pool, region_pool)


def no_phones(text, phones):
    for p in phones:
        assert p not in text, f"phone {p} is in the answer"


def check_json(w, r, expect):
    assert_status(r, 200)
    body = r.json()
    # The ages the answer shows beside our records (checked where each
    # test reads its record); another person's number may share a mask.
    ages = {t: a for t, a in w.ages.items() if mask(t) in json_ages(body)}
    got = assert_not_rebuildable(r.text, w.truths, ages=ages, as_of=today_cn(), expect=expect)
    no_phones(r.text, w.phones)
    return body, got


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_children_list_and_search(w, role):
    c = w.viewers[role]
    for params in ({"region": w.vil}, {"q": w.k["name"]}, {"region": w.vil, "sort": "name"},
                   {"region": w.vil, "category": "difficult_poverty"}):
        body, got = check_json(w, c.get("/children", params=params), [w.k["id_number"]])
        item = next(i for i in body["items"] if i["id"] == w.k["id"])
        assert item["birth_date"] is None and item["age"] == w.k["age"]
        assert len(got[w.k["id_number"]]) >= 29


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_child_detail(w, role):
    c = w.viewers[role]
    k = w.k
    body, _ = check_json(w, c.get(f"/children/{k['id']}"),
                         [k["id_number"], k["father"]["id_number"], k["mother"]["id_number"],
                          k["guardian"]["id_number"]])
    assert body["birth_date"] is None and body["age"] == k["age"]
    # the disability certificate is the number and two digits
    cert = body["disability"]["certificate_no"]
    assert cert != k["disability"]["certificate_no"] and "*" in cert
    assert k["id_number"][6:14] not in cert


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_child_history(w, role):
    c = w.viewers[role]
    r = c.get(f"/children/{w.k['id']}/history")
    check_json(w, r, [])
    changes = {ch["field"]: ch for h in r.json()["items"] for ch in h["changes"]}
    for f in ("birth_date", "id_number", "contact_phone", "disability.certificate_no"):
        assert f in changes, sorted(changes)
        assert changes[f]["before"] == "***" and changes[f]["after"] == "***", changes[f]


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_transfers_and_watchlist(w, role):
    c = w.viewers[role]
    r = c.get("/transfers")
    assert_status(r, 200)
    mine = [t for t in r.json()["items"] if t["child_id"] == w.moving["id"]]
    assert mine and mine[0]["child_birth_date"] is None
    assert w.moving["birth_date"] not in r.text
    check_json(w, c.get("/watchlist"), [])


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_children_export(w, role):
    c = w.viewers[role]
    r = c.get("/children/export", params={"region": w.vil})
    assert_status(r, 200)
    rows = xlsx_rows(r.content)
    hdr = next(i for i, row in enumerate(rows) if row and row[0] == "序号")
    assert "出生日期" not in rows[hdr] and "年龄" in rows[hdr]
    text = sheet_text(rows)
    ages = {}
    age_col, id_col = rows[hdr].index("年龄"), rows[hdr].index("身份证号")
    for row in rows[hdr + 1:]:
        for t in w.ages:
            if row[id_col] == mask(t):
                ages[t] = int(row[age_col])
    assert ages.get(w.k["id_number"]) == w.k["age"]
    assert_not_rebuildable(text, w.truths, ages=ages, as_of=today_cn(),
                           expect=[w.k["id_number"], w.moving["id_number"]])
    no_phones(text, w.phones)


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_child_record_pdf(w, role, tmp_path):
    c = w.viewers[role]
    r = c.get(f"/children/{w.k['id']}/record.pdf")
    assert_status(r, 200)
    text = pdf_text(r.content, tmp_path)
    assert f"{w.k['age']}岁" in text and "按权限不显示" in text
    assert_not_rebuildable(text, w.truths, ages={w.k["id_number"]: w.k["age"]},
                           as_of=today_cn(), expect=[w.k["id_number"]])
    no_phones(text, w.phones)


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_women(w, role):
    c = w.viewers[role]
    wid = w.woman["id"]
    body, _ = check_json(w, c.get(f"/women/{wid}"), [w.woman["id_number"]])
    assert body["birth_date"] is None and body["age"] == w.woman["age"]
    body, _ = check_json(w, c.get("/women", params={"region": w.vil}), [w.woman["id_number"]])
    r = c.get("/women/export", params={"region": w.vil})
    assert_status(r, 200)
    rows = xlsx_rows(r.content)
    hdr = next(i for i, row in enumerate(rows) if row and row[0] == "姓名")
    assert "出生日期" not in rows[hdr] and "年龄" in rows[hdr]
    text = sheet_text(rows)
    assert_not_rebuildable(text, w.truths, ages={w.woman["id_number"]: w.woman["age"]},
                           as_of=today_cn(), expect=[w.woman["id_number"]])
    no_phones(text, w.phones)


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_staff(w, role):
    c = w.viewers[role]
    sid = w.staff_member["id"]
    body, _ = check_json(w, c.get(f"/staff/{sid}"), [w.staff_member["id_number"]])
    assert body["phone"] == "135****2222"
    body, _ = check_json(w, c.get("/staff", params={"region": w.staff_member["region_code"]}),
                         [w.staff_member["id_number"]])
    assert [s["phone"] for s in body["items"] if s["id"] == sid] == ["135****2222"]
    r = c.get("/reports/workforce", params={"region": w.staff_member["region_code"]})
    assert_status(r, 200)
    text = sheet_text(xlsx_rows(r.content))
    assert_not_rebuildable(text, w.truths, as_of=today_cn(),
                           expect=[w.staff_member["id_number"]])
    no_phones(text, w.phones)


def test_staff_phone_changes_are_starred_for_masked_roles(w):
    sid = w.staff_member["id"]
    assert_status(w.county.patch(f"/staff/{sid}", json={"phone": "13522223333"}), 200)
    for c in w.viewers.values():
        r = c.get(f"/staff/{sid}")
        assert "13522223333" not in r.text and "13511112222" not in r.text
        ch = [x for h in r.json()["history"] for x in h["changes"] if x["field"] == "phone"]
        assert ch and ch[-1]["before"] == "***" and ch[-1]["after"] == "***"
    got = w.county.get(f"/staff/{sid}").json()
    assert got["phone"] == "13522223333"
    w.phones.append("13522223333")


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_case_reporter_phone(w, role):
    c = w.viewers[role]
    r = c.get(f"/cases/{w.case['id']}")
    assert_status(r, 200)
    assert r.json()["reporter_phone"] == "133****5555"
    no_phones(r.text, ["13344445555"])
    assert_status(c.get(f"/cases/{w.case['id']}/timeline.pdf"), 200)


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_no_search_by_number_and_no_sort_by_birth_date(w, role):
    c = w.viewers[role]
    for q in (w.k["id_number"], w.k["id_number"][:8], w.k["id_number"][:14],
              w.k["id_number"][:17] + "x"):
        assert_error(c.get("/children", params={"q": q}), 403, "forbidden", field="q")
        assert_error(c.get("/children/export", params={"q": q}), 403, "forbidden", field="q")
    for order in ("asc", "desc"):
        r = c.get("/children", params={"region": w.vil, "sort": "birth_date", "order": order})
        assert_error(r, 403, "forbidden", field="sort")
    assert_error(c.get("/children/export", params={"sort": "birth_date"}), 403, "forbidden",
                 field="sort")


@pytest.mark.parametrize("who", ["d", "sup", "county"])
def test_the_roles_that_work_with_them_see_everything(w, who):
    """On the record, its history, the women's and staff records and a
    case: whole.  In lists (issue #23, rule 5) the ID number is masked for
    them too, and the list carries no birth date: see the test below."""
    c = getattr(w, who)
    k = c.get(f"/children/{w.k['id']}").json()
    assert k["id_number"] == w.k["id_number"] and k["birth_date"] == w.k["birth_date"]
    assert k["disability"]["certificate_no"] == w.k["id_number"] + "42"
    items = c.get("/children", params={"q": w.k["id_number"][:14]}).json()["items"]
    assert w.k["id"] in [i["id"] for i in items]
    r = c.get("/children", params={"region": w.vil, "sort": "birth_date"})
    assert_status(r, 200)
    wm = c.get(f"/women/{w.woman['id']}").json()
    assert wm["birth_date"] == w.woman["birth_date"] and wm["phone"] == "13698765432"
    # the director in post is in another village of the county
    s = w.county.get(f"/staff/{w.staff_member['id']}").json()
    assert s["id_number"] == w.staff_member["id_number"] and "*" not in s["phone"]
    h = c.get(f"/children/{w.k['id']}/history").json()["items"]
    ch = {x["field"]: x for e in h for x in e["changes"]}
    assert ch["birth_date"]["after"] == w.k["birth_date"]
    assert c.get(f"/cases/{w.case['id']}").json()["reporter_phone"] == "13344445555"


@pytest.mark.parametrize("who", ["d", "sup", "county"])
def test_lists_mask_id_numbers_for_every_role(w, who):
    """Issue #23, rule 5: a list row or card — children, women, staff —
    shows the ID number masked whatever the role, and no birth date beside
    it (the age instead); the phones stay whole for these roles, to be
    tapped."""
    c = getattr(w, who)
    for params in ({"region": w.vil}, {"q": w.k["name"]}, {"q": w.k["id_number"][:14]}):
        r = c.get("/children", params=params)
        assert_status(r, 200)
        got = assert_not_rebuildable(r.text, w.truths,
                                     ages={w.k["id_number"]: w.k["age"]},
                                     as_of=today_cn(), expect=[w.k["id_number"]])
        assert len(got[w.k["id_number"]]) >= 29
        item = next(i for i in r.json()["items"] if i["id"] == w.k["id"])
        assert item["birth_date"] is None and item["age"] == w.k["age"]
        assert item["contact_phone"] == w.k["contact_phone"]
    r = c.get("/women", params={"region": w.vil})
    assert_status(r, 200)
    assert_not_rebuildable(r.text, w.truths, ages={w.woman["id_number"]: w.woman["age"]},
                           as_of=today_cn(), expect=[w.woman["id_number"]])
    item = next(i for i in r.json()["items"] if i["id"] == w.woman["id"])
    assert item["birth_date"] is None and item["phone"] == "13698765432"
    r = w.county.get("/staff", params={"region": w.code, "post": "director"})
    assert_status(r, 200)
    mine = [i for i in r.json()["items"] if i["id"] == w.staff_member["id"]]
    assert mine and mine[0]["id_number"] == mask(w.staff_member["id_number"])
    # whole, whichever of its phones an earlier test left it with
    assert mine[0]["phone"] in w.phones and "*" not in mine[0]["phone"]
    assert w.staff_member["id_number"] not in r.text


@pytest.mark.parametrize("who", ["d", "sup", "county"])
def test_the_whole_number_on_the_record_is_revealed_audited(w, who, audit_admin):
    c = getattr(w, who)
    before = [a for a in audit_entries(audit_admin, "identity_reveal")
              if a["target"] == f"child:{w.k['id']}"]
    r = c.post(f"/children/{w.k['id']}/reveal")
    assert_status(r, 200)
    body = r.json()
    assert body["id_number"] == w.k["id_number"]
    for p in ("father", "mother", "guardian"):
        assert body[p]["id_number"] == w.k[p]["id_number"]
    assert body["disability"]["certificate_no"] == w.k["id_number"] + "42"
    after = [a for a in audit_entries(audit_admin, "identity_reveal")
             if a["target"] == f"child:{w.k['id']}"]
    assert len(after) == len(before) + 1
    assert after[0]["actor"] == c.username
    # the entry names the record, never the numbers
    assert w.k["id_number"] not in str(after[0])


@pytest.mark.parametrize("role", [r for r, _ in MASKED_ROLES])
def test_masked_roles_may_not_reveal(w, role, audit_admin):
    c = w.viewers[role]
    r = c.post(f"/children/{w.k['id']}/reveal")
    assert_error(r, 403, "forbidden")
    assert w.k["id_number"] not in r.text


def test_the_rebuild_finds_a_leak():
    """The helper is not a test that cannot fail: an answer with the birth
    date beside the mask, or its year and month, or nothing but a mask whose
    window is a month, is caught."""
    from masking_util import candidates, rebuild
    idn = id_number("220122", "2015-05-01", "female")
    m = mask(idn)
    for leaky in (f'{{"id_number":"{m}","birth_date":"2015-05-01"}}',
                  f"{m} 出生于2015年5月1日", f"{m} 2015-05 入学", f"{m} {idn}"):
        with pytest.raises(AssertionError):
            rebuild(leaky, [idn])
    month = candidates(m, dt.date(2015, 5, 1), dt.date(2015, 5, 31))
    assert dt.date(2015, 5, 1) in month and len(month) < 29
    # an age leaves a year: never fewer than the rule's 29
    got = assert_not_rebuildable(f'{{"id_number":"{m}","age":0}}', [idn], ages={idn: 0},
                                 as_of=dt.date(2015, 5, 10), expect=[idn])
    assert dt.date(2015, 5, 1) in got[idn] and len(got[idn]) >= 29
    # and an answer without the expected mask does not pass for one
    with pytest.raises(AssertionError):
        assert_not_rebuildable("{}", [idn], expect=[idn])
