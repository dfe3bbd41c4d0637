"""Rural left-behind women (SPEC §8): the registry with every field, edits,
duplicate ID numbers, the four services with their rules, counts, the xlsx
export, masking for province and city, list filters and paging, and the
audit of every change."""

import re

import pytest

from conftest import assert_error, assert_status
from helpers import (MASKED_ID, MASKED_MOBILE, XLSX_TYPE, days_ago, iso, today_cn,
                     xlsx_rows)
from women_util import (CITY, COUNTY, EMPLOYMENTS, GHOST, KINDS, OTHER_COUNTY, TOWN,
                        add_service, audits_of, get_woman, listing, per_kind, register,
                        stats, total, woman_body, woman_id)


class World:
    """Two fresh villages of 烟筒山镇 (磐石市) and one of 桦甸市, with the
    people who work on them."""

    def __init__(self, staff, pool):
        self.A, self.A_name = pool.take(TOWN)
        self.B, self.B_name = pool.take(TOWN)
        hd_town = pool.townships(OTHER_COUNTY)[0]
        self.H, self.H_name = pool.take(hd_town)
        self.dA = staff.user("director", self.A)
        self.dB = staff.user("director", self.B)
        self.sup = staff.user("supervisor", TOWN)
        self.county = staff.user("county", COUNTY)
        self.county_hd = staff.user("county", OTHER_COUNTY)
        self.city = staff.user("city", CITY)
        self.province = staff.user("province", "22")
        self.auditor = staff.user("auditor", COUNTY)


@pytest.fixture(scope="module")
def w(staff, village_pool):
    return World(staff, village_pool)


# --------------------------------------------------------------------------
# the registry


def test_register_with_every_field(w):
    body = woman_body(w.A, id_number=woman_id(w.A, "1984-02-29"),
                      phone="0432-65221234", employment="self_employed")
    r = w.dA.post("/women", json=body)
    assert_status(r, 201)
    got = r.json()
    for k in ("region_code", "name", "id_number", "phone", "husband_work_place",
              "employment", "skills"):
        assert got[k] == body[k], k
    assert got["birth_date"] == "1984-02-29"  # from the ID number
    assert got["region_name"] == w.A_name
    assert got["employment_label"] == "个体经营"
    assert got["status"] == "active" and got["version"] == 1
    assert got["services"] == []
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", got["created_at"])
    # What was stored is what comes back, for every reader with the right.
    for c in (w.dA, w.sup, w.county):
        assert get_woman(c, got["id"]) == got


def test_id_number_is_normalised(w):
    """A lower-case x check character is the same number."""
    # One number in eleven ends in X; a birth date per try (see
    # test_children.test_duplicate_in_lower_case_x).
    for k in range(400):
        idn = woman_id(w.A, f"1979-{1 + k % 12:02d}-{1 + k // 12 % 28:02d}")
        if idn.endswith("X"):
            break
    else:
        pytest.fail("no number with check character X came up in 400 tries")
    got = register(w.dA, woman_body(w.A, id_number=idn[:-1] + "x"))
    assert got["id_number"] == idn


@pytest.mark.parametrize("emp", sorted(EMPLOYMENTS))
def test_every_employment(w, emp):
    got = register(w.dB, woman_body(w.B, employment=emp, phone=None,
                                    husband_work_place=None, skills=None))
    assert got["employment"] == emp and got["employment_label"] == EMPLOYMENTS[emp]
    # Optional fields left out are empty, not missing.
    assert got["phone"] == got["husband_work_place"] == got["skills"] == ""


def test_patch_every_field(w):
    wm = register(w.dA, woman_body(w.A))
    change = {"phone": "13912340000", "husband_work_place": "韩国首尔",
              "employment": "local_work", "skills": "家政服务", "status": "exited"}
    r = w.dA.patch(f"/women/{wm['id']}", json=change)
    assert_status(r, 200)
    got = r.json()
    for k, v in change.items():
        assert got[k] == v, k
    assert got["employment_label"] == "就地就近务工"
    assert got["version"] == 2
    # Identity stays.
    for k in ("name", "id_number", "birth_date", "region_code", "created_at"):
        assert got[k] == wm[k], k
    assert get_woman(w.sup, wm["id"]) == got
    # Clearing optional text.
    got = w.dA.patch(f"/women/{wm['id']}", json={"phone": "", "skills": ""}).json()
    assert got["phone"] == "" and got["skills"] == "" and got["version"] == 3
    back = w.dA.patch(f"/women/{wm['id']}", json={"status": "active"}).json()
    assert back["status"] == "active" and back["version"] == 4


def test_patch_that_changes_nothing_writes_nothing(w, audit_admin):
    wm = register(w.dA, woman_body(w.A))
    before = len(audits_of(audit_admin, "woman_update", wm["id"]))
    got = w.dA.patch(f"/women/{wm['id']}", json={"employment": wm["employment"],
                                                  "phone": wm["phone"]}).json()
    assert got["version"] == 1
    got = w.dA.patch(f"/women/{wm['id']}", json={}).json()
    assert got["version"] == 1
    assert len(audits_of(audit_admin, "woman_update", wm["id"])) == before


def test_if_match(w):
    wm = register(w.dA, woman_body(w.A))
    path = f"/women/{wm['id']}"
    r = w.dA.patch(path, json={"skills": "种植"}, headers={"If-Match": '"1"'})
    assert_status(r, 200)
    assert r.json()["version"] == 2
    # A second editor still holding version 1 is refused; nothing changes.
    r = w.sup.patch(path, json={"skills": "养殖"}, headers={"If-Match": "1"})
    assert_error(r, 409, "version_conflict")
    for bad in ("abc", '""', "-1", "99999999999"):
        r = w.sup.patch(path, json={"skills": "养殖"}, headers={"If-Match": bad})
        assert_error(r, 400, "invalid_header")
    got = get_woman(w.dA, wm["id"])
    assert got["skills"] == "种植" and got["version"] == 2


def test_duplicate_id_number_in_the_same_village(w):
    first = register(w.dA, woman_body(w.A))
    again = woman_body(w.A, id_number=first["id_number"])
    n = total(w.dA, region=w.A)
    err = assert_error(w.dA.post("/women", json=again), 409, "duplicate_id_number")
    assert err.get("field") == "id_number"
    assert total(w.dA, region=w.A) == n


def test_duplicate_across_counties_reveals_nothing(w):
    """The other county learns that the number is taken, not where, by
    whom, or under which name."""
    mine = register(w.dA, woman_body(w.A))
    r = w.county_hd.post("/women", json=woman_body(w.H, id_number=mine["id_number"]))
    err = assert_error(r, 409, "duplicate_id_number")
    for secret in (w.A, w.A_name, "烟筒山", "磐石", mine["name"], str(mine["id"])):
        assert secret not in r.text, secret
    # The same answer as a duplicate inside its own county.
    own = register(w.county_hd, woman_body(w.H))
    r2 = w.county_hd.post("/women", json=woman_body(w.H, id_number=own["id_number"]))
    assert r2.json() == r.json()
    assert err["message"]
    assert mine["id_number"] not in [x["id_number"] for x in
                                      listing(w.county_hd, page_size=200)["items"]]


def test_exited_number_may_be_registered_again(w):
    """A woman who left (husband came home) and whose husband leaves again
    is registered anew; the old record cannot come back beside it."""
    old = register(w.dA, woman_body(w.A))
    w.dA.patch(f"/women/{old['id']}", json={"status": "exited"})
    new = register(w.dB, woman_body(w.B, id_number=old["id_number"]))
    assert new["id"] != old["id"]
    r = w.dA.patch(f"/women/{old['id']}", json={"status": "active"})
    assert_error(r, 409, "duplicate_id_number")
    assert get_woman(w.dA, old["id"])["status"] == "exited"


# --------------------------------------------------------------------------
# services


def test_the_four_services(w):
    wm = register(w.dA, woman_body(w.A))
    wid = wm["id"]
    add_service(w.dA, wid, {"kind": "employment_guidance", "served_on": days_ago(40),
                            "detail": "县人社局岗位推介会"})
    add_service(w.dA, wid, {"kind": "entrepreneurship", "served_on": days_ago(30)})
    add_service(w.sup, wid, {"kind": "cancer_screening", "served_on": days_ago(20),
                             "result": "normal"})
    add_service(w.dA, wid, {"kind": "cancer_screening", "served_on": days_ago(10),
                            "result": "abnormal", "follow_up": "转县妇幼保健院复查"})
    got = add_service(w.county, wid, {"kind": "rights", "served_on": iso(today_cn()),
                                      "detail": "赡养纠纷，经村调委会调解达成协议"})
    sv = got["services"]
    # Newest first, each as entered, with its label and author.
    assert [s["kind"] for s in sv] == ["rights", "cancer_screening", "cancer_screening",
                                       "entrepreneurship", "employment_guidance"]
    assert [s["served_on"] for s in sv] == sorted((s["served_on"] for s in sv), reverse=True)
    assert sv[0]["detail"] == "赡养纠纷，经村调委会调解达成协议"
    assert sv[0]["created_by"] == w.county.username
    assert sv[1]["result"] == "abnormal" and sv[1]["follow_up"] == "转县妇幼保健院复查"
    assert sv[2]["result"] == "normal" and sv[2]["follow_up"] == ""
    assert sv[2]["created_by"] == w.sup.username
    assert sv[3]["result"] == "" and sv[3]["detail"] == ""
    assert sv[4]["detail"] == "县人社局岗位推介会"
    assert {s["kind_label"] for s in sv} == set(KINDS.values())
    assert get_woman(w.dA, wid) == got
    assert len({s["id"] for s in sv}) == 5


@pytest.mark.parametrize("body,field", [
    ({"kind": "cancer_screening"}, "result"),
    ({"kind": "cancer_screening", "result": ""}, "result"),
    ({"kind": "cancer_screening", "result": "positive"}, "result"),
    ({"kind": "cancer_screening", "result": "abnormal"}, "follow_up"),
    ({"kind": "cancer_screening", "result": "diagnosed"}, "follow_up"),
    ({"kind": "cancer_screening", "result": "abnormal", "follow_up": " "}, "follow_up"),
    ({"kind": "rights"}, "detail"),
    ({"kind": "rights", "detail": ""}, "detail"),
    ({"kind": "employment_guidance", "result": "normal"}, "result"),
])
def test_service_rules(w, body, field):
    wm = register(w.dA, woman_body(w.A))
    r = w.dA.post(f"/women/{wm['id']}/services",
                  json={"served_on": days_ago(3), **body})
    code = "invalid_field" if body.get("result") and field == "result" else "missing_field"
    assert_error(r, 400, code, field)
    assert get_woman(w.dA, wm["id"]) == wm


def test_no_services_for_a_woman_who_left(w):
    wm = register(w.dA, woman_body(w.A))
    left = w.dA.patch(f"/women/{wm['id']}", json={"status": "exited"}).json()
    r = w.dA.post(f"/women/{wm['id']}/services",
                  json={"kind": "entrepreneurship", "served_on": days_ago(1)})
    assert_error(r, 409, "record_exited")
    assert get_woman(w.dA, wm["id"]) == left


# --------------------------------------------------------------------------
# counts


def test_stats_count_women_and_services(w, staff, village_pool):
    v, _ = village_pool.take(TOWN)
    d = staff.user("director", v)
    empty = stats(d)
    assert empty["region_code"] == v and empty["registered"] == 0
    assert all(s["services"] == s["women"] == 0 for s in empty["services"])
    town_before = stats(w.sup)
    a = register(d, woman_body(v))
    b = register(d, woman_body(v))
    c = register(d, woman_body(v))
    for day in (5, 50):  # two screenings of one woman: 2 services, 1 woman
        add_service(d, a["id"], {"kind": "cancer_screening", "served_on": days_ago(day),
                                 "result": "normal"})
    add_service(d, b["id"], {"kind": "cancer_screening", "served_on": days_ago(5),
                             "result": "diagnosed", "follow_up": "已住院治疗"})
    add_service(d, b["id"], {"kind": "rights", "served_on": days_ago(2),
                             "detail": "土地承包纠纷，已转司法所"})
    w_exit = d.patch(f"/women/{c['id']}", json={"status": "exited"})
    assert_status(w_exit, 200)
    st = stats(d)
    assert st["registered"] == 2  # active records only
    assert per_kind(st) == {"employment_guidance": (0, 0), "entrepreneurship": (0, 0),
                            "cancer_screening": (3, 2), "rights": (1, 1)}
    # Every reader above sees the same numbers for the village …
    for reader in (w.sup, w.county, w.city, w.province, w.auditor):
        assert stats(reader, region=v) == st
    # … and the township's total grew by exactly this much.
    town = stats(w.sup)
    assert town["region_code"] == TOWN
    assert town["registered"] - town_before["registered"] == 2
    before, after = per_kind(town_before), per_kind(town)
    assert after["cancer_screening"][0] - before["cancer_screening"][0] == 3
    assert after["rights"][1] - before["rights"][1] == 1


def test_stats_region_name(w):
    st = stats(w.county)
    assert st["region_code"] == COUNTY and st["region_name"] == "磐石市"


# --------------------------------------------------------------------------
# list filters and paging


def test_list_filters_and_paging(w, staff, village_pool):
    v, _ = village_pool.take(TOWN)
    d = staff.user("director", v)
    made = [register(d, woman_body(v)) for _ in range(7)]
    add_service(d, made[1]["id"], {"kind": "entrepreneurship", "served_on": days_ago(9)})
    add_service(d, made[4]["id"], {"kind": "entrepreneurship", "served_on": days_ago(8)})
    add_service(d, made[4]["id"], {"kind": "entrepreneurship", "served_on": days_ago(7)})
    add_service(d, made[5]["id"], {"kind": "rights", "served_on": days_ago(7),
                                   "detail": "家暴求助，已发告诫书"})
    everyone = listing(d, page_size=200)
    assert everyone["total"] == 7
    assert [x["id"] for x in everyone["items"]] == [m["id"] for m in made]
    # The supervisor narrows to the village.
    assert [x["id"] for x in listing(w.sup, region=v, page_size=200)["items"]] == \
        [m["id"] for m in made]
    # One woman with two such services is listed once.
    ent = listing(d, service="entrepreneurship")
    assert ent["total"] == 2
    assert [x["id"] for x in ent["items"]] == [made[1]["id"], made[4]["id"]]
    assert [x["id"] for x in listing(d, service="rights")["items"]] == [made[5]["id"]]
    assert listing(d, service="cancer_screening") == {"items": [], "total": 0}
    # Pages of three: 3 + 3 + 1, each total 7, no overlap.
    seen = []
    for page in (1, 2, 3):
        p = listing(d, page=page, page_size=3)
        assert p["total"] == 7
        seen += [x["id"] for x in p["items"]]
    assert seen == [m["id"] for m in made]
    assert listing(d, page=4, page_size=3)["items"] == []
    # List items are the record without services, its ID number masked
    # and no birth date beside it (issue #23, rule 5).
    rec = get_woman(d, made[0]["id"])
    assert everyone["items"][0] == dict(
        {k: v for k, v in rec.items() if k != "services"},
        id_number=rec["id_number"][:6] + "********" + rec["id_number"][-4:],
        birth_date=None)


@pytest.mark.parametrize("params,code,field", [
    ({"service": "massage"}, "invalid_query", "service"),
    ({"service": ""}, "invalid_query", "service"),
    ({"page": "0"}, "invalid_query", "page"),
    ({"page": "x"}, "invalid_query", "page"),
    ({"page_size": "100000"}, "invalid_query", "page_size"),
    ({"page_size": "-1"}, "invalid_query", "page_size"),
    ({"region": "22x"}, "invalid_region", None),
])
def test_bad_list_queries(w, params, code, field):
    assert_error(w.dA.get("/women", params=params), 400, code, field)


# --------------------------------------------------------------------------
# masking


def test_province_and_city_see_masked_numbers(w):
    wm = register(w.dA, woman_body(w.A, phone="13804321234"))
    for c in (w.city, w.province):
        got = get_woman(c, wm["id"])
        assert MASKED_ID.match(got["id_number"]), got["id_number"]
        assert got["id_number"][:6] == wm["id_number"][:6]
        assert got["id_number"][-4:] == wm["id_number"][-4:]
        assert got["phone"] == "138****1234"
        assert MASKED_MOBILE.match(got["phone"])
        assert wm["id_number"] not in c.get(f"/women/{wm['id']}").text
        items = [x for x in listing(c, region=w.A, page_size=200)["items"]
                 if x["id"] == wm["id"]]
        assert items and items[0]["id_number"] == got["id_number"]
        assert items[0]["phone"] == "138****1234"
        # The unmasked rest is all there; the birth date is the hidden part
        # of the number, so the age stands for it (issue #17: this used to
        # assert the birth date beside the masked number).
        assert got["name"] == wm["name"] and got["birth_date"] is None
        assert items[0]["birth_date"] is None
        assert got["age"] == wm["age"] and isinstance(got["age"], int)
    for c in (w.county, w.sup, w.dA):
        got = get_woman(c, wm["id"])
        assert got["id_number"] == wm["id_number"] and got["phone"] == "13804321234"


def test_province_and_city_cannot_write(w):
    wm = register(w.dA, woman_body(w.A))
    for c in (w.city, w.province):
        n = total(c, region=w.A)
        assert_error(c.post("/women", json=woman_body(w.A)), 403, "forbidden")
        assert_error(c.patch(f"/women/{wm['id']}", json={"skills": "x"}), 403, "forbidden")
        assert_error(c.post(f"/women/{wm['id']}/services",
                            json={"kind": "entrepreneurship", "served_on": days_ago(1)}),
                     403, "forbidden")
        assert total(c, region=w.A) == n
    assert get_woman(w.dA, wm["id"]) == wm


def test_admin_and_auditor_read_no_women(w, admin):
    wm = register(w.dA, woman_body(w.A))
    for c in (admin, w.auditor):
        assert_error(c.get("/women"), 403, "forbidden")
        assert_error(c.get(f"/women/{wm['id']}"), 403, "forbidden")
        assert_error(c.get("/women/export"), 403, "forbidden")
    # Counts are not identities: the auditor reads them, admin does not.
    assert_error(admin.get("/women/stats"), 403, "forbidden")
    assert stats(w.auditor)["region_code"] == COUNTY


# --------------------------------------------------------------------------
# export


def test_export(w, staff, village_pool):
    v, v_name = village_pool.take(TOWN)
    d = staff.user("director", v)
    a = register(d, woman_body(v, phone="13912345678", employment="unemployed",
                                skills="缝纫"))
    b = register(d, woman_body(v, phone=""))
    d.patch(f"/women/{b['id']}", json={"status": "exited"})
    r = d.get("/women/export")
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith(XLSX_TYPE)
    assert "attachment" in r.headers.get("Content-Disposition", "")
    rows = xlsx_rows(r.content)
    head = " ".join(str(c) for row in rows[:3] for c in row)
    assert "农村留守妇女" in head
    assert f"吉林省 / 吉林市 / 磐石市 / 烟筒山镇 / {v_name}" in head
    assert iso(today_cn()) in head
    hdr = next(i for i, row in enumerate(rows) if row and row[0] == "姓名")
    cols = rows[hdr]
    data = [dict(zip(cols, row)) for row in rows[hdr + 1:] if any(row)]
    assert len(data) == 2
    ra = next(x for x in data if x["姓名"] == a["name"])
    assert ra["身份证号"] == a["id_number"]
    assert ra["联系电话"] == "13912345678"
    assert ra["就业状况"] == "无业" and ra["技能特长"] == "缝纫"
    assert ra["丈夫务工地"] == a["husband_work_place"]
    assert ra["状态"] == "在册"
    rb = next(x for x in data if x["姓名"] == b["name"])
    assert rb["状态"] == "已退出"


def test_export_for_the_city_is_masked(w):
    wm = register(w.dA, woman_body(w.A, phone="13700001111"))
    r = w.city.get("/women/export", params={"region": w.A})
    assert_status(r, 200)
    rows = xlsx_rows(r.content)
    head = " ".join(str(c) for row in rows[:3] for c in row)
    assert w.A_name in head and iso(today_cn()) in head
    mine = [row for row in rows if wm["name"] in row]
    assert len(mine) == 1
    cells = [str(c) for c in mine[0]]
    assert wm["id_number"] not in cells and "13700001111" not in cells
    assert any(MASKED_ID.match(c) for c in cells)
    assert "137****1111" in cells


# --------------------------------------------------------------------------
# audit


def test_changes_are_audited(w, audit_admin):
    wm = register(w.dA, woman_body(w.A))
    wid = wm["id"]
    w.dA.patch(f"/women/{wid}", json={"skills": "电商", "employment": "other"})
    add_service(w.dA, wid, {"kind": "rights", "served_on": days_ago(1),
                            "detail": "婚姻家庭纠纷调解"})
    created = audits_of(audit_admin, "woman_create", wid)
    updated = audits_of(audit_admin, "woman_update", wid)
    served = audits_of(audit_admin, "woman_service", wid)
    assert len(created) == len(updated) == len(served) == 1
    for a in created + updated + served:
        assert a["actor"] == w.dA.username and a["region_code"] == w.A
    assert sorted(updated[0]["detail"]["fields"]) == ["employment", "skills"]
    assert served[0]["detail"] == {"kind": "rights"}
    # The log names the record, never the woman or her numbers.
    text = str(created + updated + served)
    for secret in (wm["name"], wm["id_number"], wm["phone"], "婚姻家庭纠纷调解"):
        assert secret not in text
    # The county officer reads them in its scope.
    assert audits_of(w.county, "woman_update", wid) == updated


def test_export_is_audited(w, audit_admin):
    before = len([a for a in _exports(audit_admin) if a["actor"] == w.sup.username])
    assert_status(w.sup.get("/women/export"), 200)
    mine = [a for a in _exports(audit_admin) if a["actor"] == w.sup.username]
    assert len(mine) == before + 1
    assert mine[0]["region_code"] == TOWN and mine[0]["detail"]["region"] == TOWN


def _exports(audit_admin):
    from helpers import audit_entries
    return audit_entries(audit_admin, "woman_export")


def test_refusals_are_not_audited(w, audit_admin):
    wm = register(w.dA, woman_body(w.A))
    r = w.dA.post(f"/women/{wm['id']}/services",
                  json={"kind": "rights", "served_on": days_ago(1)})
    assert_error(r, 400, "missing_field", "detail")
    assert audits_of(audit_admin, "woman_service", wm["id"]) == []
    assert_error(w.dB.patch(f"/women/{wm['id']}", json={"skills": "x"}), 404, "not_found")
    assert audits_of(audit_admin, "woman_update", wm["id"]) == []


def test_absent_woman(w):
    for path in (f"/women/{GHOST}", f"/women/{GHOST}/services"):
        r = (w.county.get(path) if path.endswith(str(GHOST)) else
             w.county.post(path, json={"kind": "entrepreneurship",
                                       "served_on": days_ago(1)}))
        assert_error(r, 404, "not_found")


# --------------------------------------------------------------------------
# docs/openapi.yaml describes what the server answers


def test_answers_fit_openapi(w):
    import yaml
    from test_openapi import OPENAPI, check, response_schema
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    wm = register(w.dA, woman_body(w.A))
    got = add_service(w.dA, wm["id"], {"kind": "cancer_screening", "served_on": days_ago(2),
                                       "result": "abnormal", "follow_up": "复查"})
    check(spec, response_schema(spec, "/women/{id}/services", "post", 201), got)
    check(spec, response_schema(spec, "/women", "post", 201), wm)
    for c in (w.dA, w.province):
        check(spec, response_schema(spec, "/women/{id}", "get", 200),
              c.get(f"/women/{wm['id']}").json())
        check(spec, response_schema(spec, "/women", "get", 200),
              c.get("/women", params={"page_size": 50}).json())
        check(spec, response_schema(spec, "/women/stats", "get", 200),
              c.get("/women/stats").json())
    check(spec, response_schema(spec, "/women/{id}", "patch", 200),
          w.dA.patch(f"/women/{wm['id']}", json={"skills": "种植"}).json())
    for status, r in ((400, w.dA.post("/women", json={})),
                      (409, w.dA.post("/women", json=woman_body(w.A, id_number=wm["id_number"]))),
                      (404, w.dA.get(f"/women/{GHOST}"))):
        assert r.status_code == status
        check(spec, {"$ref": "#/components/schemas/Error"}, r.json())
        assert r.json()["error"]["code"] in \
            spec["components"]["schemas"]["ErrorCode"]["enum"]
