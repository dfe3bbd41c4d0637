"""Not every statistical unit is a village (issue #19 item 7): a county
officer or above marks a village-level unit as needing no 儿童主任 and no
儿童之家, with a reason, audited; the units that look like one are
proposed; coverage, campaign targets, the dashboard and the 100-children
rule leave marked units out and say how many.

Works in 大安市 (220882), which no other test module uses: its 250
village-level units hold 10 虚拟社区/虚拟生活区, every one coded 4xx/5xx.
Each test unmarks what it marked, so the figures other modules on the same
database read are unchanged."""

import io

import openpyxl

from conftest import assert_error, assert_status

COUNTY = "220882"  # 大安市 (白城市)
CITY = "2208"
OTHER_COUNTY = "220881"  # 洮南市: "another county"
UNIT = "220882401598"  # 新荒渔场虚拟生活区
UNIT2 = "220882402598"  # 东方红农场虚拟生活区
TOWN = "220882401"  # 新荒渔场, the unit's township
VILLAGE = "220882100001"  # a real village: proposed by no rule
VIRTUAL = {"220882400498", "220882401598", "220882402598", "220882404598",
           "220882406598", "220882407498", "220882408598", "220882409598",
           "220882410598", "220882411598"}


def ok(r, status=200):
    assert_status(r, status)
    return r.json()


def mark(c, code, reason="统计用虚拟单位，无常住儿童", exempt=True):
    return c.post(f"/regions/{code}/exempt", json={"exempt": exempt, "reason": reason})


def coverage(c, region=COUNTY):
    return ok(c.get("/staff/coverage", params={"region": region}))


def rule100(c, region=COUNTY):
    return ok(c.get("/platforms/rule100", params={"region": region}))


def codes_of(items):
    return {i["code"] for i in items}


def audit(audit_admin, action, **params):
    r = audit_admin.get("/audit", params={"action": action, "region": COUNTY,
                                          "page_size": 200, **params})
    return ok(r)["items"]


def test_marked_units_leave_coverage_the_rule_and_the_dashboard(staff, audit_admin):
    county = staff.user("county", COUNTY)
    cov0, rule0 = coverage(county), rule100(county)
    dash0 = ok(county.get("/dashboard", params={"region": COUNTY}))
    assert cov0["total"]["villages_exempt"] == 0 and rule0["exempt_total"] == 0
    assert UNIT in codes_of(cov0["uncovered"]) or cov0["uncovered_truncated"]
    assert UNIT in codes_of(rule0["uncovered"])

    # proposed: every virtual unit of the county, with the rule it matched,
    # and no ordinary village
    prop = ok(county.get("/regions/exempt-proposals", params={"region": COUNTY}))
    assert prop["total"] == len(prop["items"]) == len(VIRTUAL)
    assert codes_of(prop["items"]) == VIRTUAL and VILLAGE not in codes_of(prop["items"])
    one = next(i for i in prop["items"] if i["code"] == UNIT)
    assert one["name"] == "新荒渔场虚拟生活区" and one["township"] == "新荒渔场"
    assert "名称含“虚拟”" in one["why"] and "名称含“生活区”" in one["why"]
    assert "统计代码为类似村委会（500–599）" in one["why"]
    # paged, with the total
    page = ok(county.get("/regions/exempt-proposals",
                         params={"region": COUNTY, "page": 2, "page_size": 4}))
    assert page["total"] == len(VIRTUAL) and len(page["items"]) == 4
    assert [i["code"] for i in page["items"]] == sorted(VIRTUAL)[4:8]

    seq0 = max([e["seq"] for e in audit(audit_admin, "region_exempt")] or [0])
    try:
        r = ok(mark(county, UNIT))
        assert r["code"] == UNIT and r["exempt"] is True
        assert r["exempt_reason"] == "统计用虚拟单位，无常住儿童"
        assert ok(county.get(f"/regions/{UNIT}"))["exempt"] is True
        kids = ok(county.get("/regions", params={"parent": TOWN}))["items"]
        assert next(k for k in kids if k["code"] == UNIT)["exempt"] is True

        # coverage: one village fewer, counted apart, never uncovered
        cov1 = coverage(county)
        t0, t1 = cov0["total"], cov1["total"]
        assert t1["villages"] == t0["villages"] - 1
        assert t1["villages_covered"] == t0["villages_covered"]
        assert t1["villages_exempt"] == 1
        assert UNIT not in codes_of(cov1["uncovered"])
        row = next(i for i in cov1["items"] if i["code"] == TOWN)
        assert row["villages_exempt"] == 1 and row["villages"] == 0
        town = coverage(county, TOWN)
        assert town["total"]["villages"] == 0 and town["total"]["villages_exempt"] == 1
        assert town["total"]["village_pct"] == 100.0
        # above the county, the same
        city = staff.user("city", CITY)
        assert coverage(city, CITY)["total"]["villages_exempt"] == 1

        # the export says how many were left out
        x = county.get("/staff/coverage/export", params={"region": COUNTY})
        assert_status(x, 200)
        wb = openpyxl.load_workbook(io.BytesIO(x.content), read_only=True)
        cells = [str(v) for row in wb.worksheets[0].iter_rows(values_only=True)
                 for v in row if v is not None]
        wb.close()
        assert "另有1个统计单位已标记为无需配备儿童主任，未计入村（社区）数" in cells

        # the 100-children rule: not in either list, counted apart
        rule1 = rule100(county)
        assert rule1["uncovered_total"] == rule0["uncovered_total"] - 1
        assert rule1["exempt_total"] == 1
        assert UNIT not in codes_of(rule1["uncovered"]) | codes_of(rule1["missing"])

        # the dashboard
        dash1 = ok(county.get("/dashboard", params={"region": COUNTY}))
        wc0, wc1 = dash0["workforce"]["coverage"], dash1["workforce"]["coverage"]
        assert wc1["villages"] == wc0["villages"] - 1 and wc1["villages_exempt"] == 1
        p0, p1 = dash0["platforms"], dash1["platforms"]
        assert p1["villages_uncovered"] == p0["villages_uncovered"] - 1
        assert p0["villages_exempt"] == 0 and p1["villages_exempt"] == 1

        # the campaign's staffing target
        camp = ok(county.post("/campaigns", json={
            "name": "大安市定岗定人", "measure": "staff_registered",
            "region_code": COUNTY, "due_on": "2030-12-31"}), 201)
        got = ok(county.get(f"/campaigns/{camp['id']}"))
        assert got["target"] == t1["townships"] + t1["villages"]
        assert got["exempt"] == 1

        # no longer proposed; listed as marked, with who and why
        prop1 = ok(county.get("/regions/exempt-proposals", params={"region": COUNTY}))
        assert prop1["total"] == len(VIRTUAL) - 1 and UNIT not in codes_of(prop1["items"])
        lst = ok(county.get("/regions/exempt", params={"region": COUNTY}))
        assert lst["total"] == 1
        assert lst["items"][0]["code"] == UNIT
        assert lst["items"][0]["reason"] == "统计用虚拟单位，无常住儿童"
        assert lst["items"][0]["by"] == county.user["username"]

        # audited, once; the same mark again writes nothing
        ent = [e for e in audit(audit_admin, "region_exempt") if e["seq"] > seq0]
        assert len(ent) == 1
        assert ent[0]["target"] == f"region:{UNIT}"
        assert ent[0]["detail"]["reason"] == "统计用虚拟单位，无常住儿童"
        assert ent[0]["action_label"] == "标记无需配备儿童主任和儿童之家"
        ok(mark(county, UNIT))
        assert len([e for e in audit(audit_admin, "region_exempt")
                    if e["seq"] > seq0]) == 1
        # a new reason: written, the old one kept in the entry
        ok(mark(county, UNIT, "渔场职工生活区，儿童随父母在镇上居住"))
        ent = [e for e in audit(audit_admin, "region_exempt") if e["seq"] > seq0]
        assert len(ent) == 2
        assert ent[0]["detail"]["before"] == "统计用虚拟单位，无常住儿童"
    finally:
        un = mark(county, UNIT, "核实后仍需配备", exempt=False)
    r = ok(un)
    assert r["exempt"] is False and "exempt_reason" not in r
    assert coverage(county)["total"] == cov0["total"]
    assert rule100(county)["exempt_total"] == 0
    back = audit(audit_admin, "region_unexempt")
    assert back and back[0]["target"] == f"region:{UNIT}"
    assert back[0]["detail"]["reason"] == "核实后仍需配备"
    # unmarking what is not marked: refused
    assert_error(mark(county, UNIT, "再次取消", exempt=False), 409, "region_not_exempt")


def test_who_may_mark_and_bad_input_changes_nothing(staff, audit_admin):
    county = staff.user("county", COUNTY)
    seq0 = max([e["seq"] for e in audit(audit_admin, "region_exempt")] or [0])
    # below the county, and the roles that hold no records: refused
    for role, region in (("supervisor", TOWN), ("director", UNIT),
                         ("auditor", COUNTY)):
        c = staff.user(role, region)
        assert_error(mark(c, UNIT), 403, "forbidden")
        assert_error(c.get("/regions/exempt-proposals"), 403, "forbidden")
        assert_error(c.get("/regions/exempt"), 403, "forbidden")
        assert "region.exempt" not in ok(c.get("/session"))["actions"]
    # another county: answered as an absent unit
    other = staff.user("county", OTHER_COUNTY)
    a = mark(other, UNIT)
    b = mark(other, COUNTY + "401999")
    assert_error(a, 404, "region_not_found")
    assert a.json() == b.json()
    assert_error(other.get("/regions/exempt-proposals", params={"region": COUNTY}),
                 404, "region_not_found")
    # not a village-level unit
    assert_error(mark(county, TOWN), 400, "not_a_village")
    assert_error(mark(county, COUNTY), 400, "not_a_village")
    # bad bodies and queries
    for body, field in (({"exempt": True}, "reason"),
                        ({"exempt": True, "reason": ""}, "reason"),
                        ({"exempt": True, "reason": "x"}, "reason"),
                        ({"exempt": True, "reason": "理" * 101}, "reason"),
                        ({"exempt": True, "reason": 5}, "reason"),
                        ({"exempt": True, "reason": "虚拟\u202e单位"}, "reason"),
                        ({"reason": "统计用虚拟单位"}, "exempt"),
                        ({"exempt": "yes", "reason": "统计用虚拟单位"}, "exempt"),
                        ({"exempt": True, "reason": "统计用虚拟单位", "by": "x"}, None)):
        r = county.post(f"/regions/{UNIT}/exempt", json=body)
        assert r.status_code == 400, (body, r.text)
        if field:
            assert r.json()["error"]["field"] == field, (body, r.text)
    for bad in ({"page": "0"}, {"page_size": "201"}, {"page": "x"},
                {"region": "abc"}):
        r = county.get("/regions/exempt-proposals", params=bad)
        assert r.status_code in (400, 404), (bad, r.text)
    # nothing written
    assert ok(county.get(f"/regions/{UNIT}"))["exempt"] is False
    assert coverage(county)["total"]["villages_exempt"] == 0
    assert not [e for e in audit(audit_admin, "region_exempt") if e["seq"] > seq0]


def test_city_and_province_may_mark_and_the_session_says_so(staff):
    prov = staff.user("province", "22")
    city = staff.user("city", CITY)
    s = ok(city.get("/session"))
    assert "region.exempt" in s["actions"]
    try:
        assert ok(mark(city, UNIT2))["exempt"] is True
        lst = ok(prov.get("/regions/exempt", params={"region": CITY}))
        assert UNIT2 in codes_of(lst["items"])
        assert ok(prov.get("/regions/exempt-proposals", params={"region": CITY}))["total"] >= 1
    finally:
        ok(mark(prov, UNIT2, "核实后仍需配备", exempt=False))
