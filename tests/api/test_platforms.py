"""Service platforms (服务阵地, SPEC §5, docs/API.md "Service platforms"):
the registry of village 儿童之家 and township 儿童活动中心 / 未成年人保护工作站,
the naming rule and the labelling words, the 五有 checklist and its
compliance report and export, and activities under the six functions.

Every test works in townships of 梨树县 it takes from the platform_pool (see
platform_util), so the numbers it checks are its own.
"""

import pytest

from conftest import assert_error, assert_status
from helpers import (XLSX_TYPE, audit_entries, check_char, days_ago, id_number,
                     quarter_of, today_cn, xlsx_rows)
from platform_util import (EQUIPMENT, EQUIPMENT_LABELS, FIVE_LABELS, FUNCTION_LABELS,
                           HOST_LABELS, LS_COUNTY, NOTICE_WORDS, activities,
                           activity_stats, all_platforms, center_body, check_detail,
                           compliance, create, failing_items, five_of, full_standard, get,
                           home_body, label_words, last_year, leave, listing,
                           log_activity, patch, register_director, register_supervisor,
                           stats_map)


def test_id_number_helper_is_gb11643():
    assert check_char("11010519491231002") == "X"  # the standard's own example
    m = id_number(LS_COUNTY, "1990-02-03", "male")
    f = id_number(LS_COUNTY, "1990-02-03", "female")
    assert m[:6] == LS_COUNTY and m[6:14] == "19900203"
    assert int(m[16]) % 2 == 1 and int(f[16]) % 2 == 0 and m != f
    assert m[17] == check_char(m[:17])


# --------------------------------------------------------------------------
# the registry


def test_village_home_with_every_field(officer, platform_pool):
    v = platform_pool.village()
    t = {"code": v["township"], "name": v["township_name"]}
    d = register_director(officer, v["code"])
    prop = officer.get("/platforms/name-proposal",
                       params={"region": v["code"], "kind": "children_home"})
    assert_status(prop, 200)
    assert prop.json()["region_code"] == v["code"] and prop.json()["kind"] == "children_home"
    body = home_body(v["code"], host="village_school", address="村小学东侧教室两间",
                     opened_on="2019-06-01", manager_staff_id=d["id"],
                     standard=full_standard())
    p = create(officer, body)
    assert p["kind"] == "children_home" and p["kind_label"] == "儿童之家"
    assert p["region_code"] == v["code"] and p["region_name"] == v["name"]
    assert p["region_path"] == f"吉林省 / 四平市 / 梨树县 / {t['name']} / {v['name']}"
    assert p["name"] == prop.json()["name"] == p["proposed_name"], "default: the proposal"
    assert p["regional"] is False
    assert p["host"] == "village_school" and p["host_label"] == "村小"
    assert p["address"] == "村小学东侧教室两间" and p["opened_on"] == "2019-06-01"
    assert p["manager_staff_id"] == d["id"] and p["manager_name"] == d["name"]
    assert p["status"] == "active"
    assert p["compliant"] is True and p["failing"] == [], p["five"]
    assert all(f["ok"] for f in p["five"])
    assert p["standard"] == full_standard()
    assert p["serves"] == [{"code": v["code"], "name": v["name"]}]

    again = get(officer, p["id"])
    assert again == p
    got = listing(officer, region=v["code"])
    assert got["total"] == 1 and [i["id"] for i in got["items"]] == [p["id"]]
    item = got["items"][0]
    for k in item:
        if k in p:
            assert item[k] == p[k], k
    assert p["id"] in [i["id"] for i in all_platforms(officer, region=t["code"],
                                                      kind="children_home")]
    assert p["id"] not in [i["id"] for i in all_platforms(officer, region=t["code"],
                                                          kind="activity_center")]
    assert p["id"] in [i["id"] for i in all_platforms(officer, region=t["code"],
                                                      compliant="true")]
    assert p["id"] not in [i["id"] for i in all_platforms(officer, region=t["code"],
                                                          compliant="false")]
    assert any(e["target"] == f"platform:{p['id']}"
               for e in audit_entries(officer, "platform_create"))


def test_township_center_and_station(officer, platform_pool):
    t = platform_pool.post()
    s = register_supervisor(officer, t["code"])
    names = {}
    for kind in ("activity_center", "protection_station"):
        r = officer.get("/platforms/name-proposal", params={"region": t["code"], "kind": kind})
        assert_status(r, 200)
        names[kind] = r.json()["name"]
    assert names == {"activity_center": t["name"] + "儿童活动中心",
                     "protection_station": t["name"] + "未成年人保护工作站"}
    c = create(officer, center_body(t["code"], manager_staff_id=s["id"],
                                    standard=full_standard(), host="youth_palace"))
    assert c["kind_label"] == "儿童活动中心" and c["name"] == names["activity_center"]
    assert c["region_code"] == t["code"] and c["region_name"] == t["name"]
    assert c["host"] == "youth_palace" and c["host_label"] == "少年宫"
    assert c["manager_staff_id"] == s["id"] and c["manager_name"] == s["name"]
    assert c["compliant"] is True and c["serves"] == []
    st = create(officer, center_body(t["code"], kind="protection_station", host="other",
                                     host_other="镇综合文化站", opened_on="2020-03-15"))
    assert st["name"] == names["protection_station"]
    assert st["host"] == "other"
    assert "镇综合文化站" in st["host_label"] + str(st.get("host_other", ""))
    assert st["opened_on"] == "2020-03-15"
    assert st["manager_staff_id"] is None and st["manager_name"] is None
    assert failing_items(st) == {2, 3, 4, 5}
    ids = {i["id"] for i in all_platforms(officer, region=t["code"])}
    assert {c["id"], st["id"]} <= ids
    stations = {i["id"] for i in all_platforms(officer, region=t["code"],
                                               kind="protection_station")}
    assert st["id"] in stations and c["id"] not in stations


def test_station_kind_label(officer, platform_pool):
    t = platform_pool.post()
    st = create(officer, center_body(t["code"], kind="protection_station"))
    assert st["kind_label"] == "未成年人保护工作站", st
    listed = [i for i in all_platforms(officer, region=t["code"]) if i["id"] == st["id"]]
    assert listed[0]["kind_label"] == "未成年人保护工作站"
    r = officer.get("/platforms/compliance/export", params={"region": t["code"]})
    assert_status(r, 200)
    assert any("未成年人保护工作站" in [str(c) for c in row] for row in xlsx_rows(r.content))


@pytest.mark.parametrize("host", sorted(HOST_LABELS))
def test_every_host_code(officer, platform_pool, host):
    v = platform_pool.village()
    extra = {"host_other": "村党群服务中心"} if host == "other" else {}
    p = create(officer, home_body(v["code"], host=host, **extra))
    assert p["host"] == host
    if host == "other":  # the label, or a field of its own, says what it is
        assert "村党群服务中心" in (p["host_label"] + str(p.get("host_other", "")))
    else:
        assert p["host_label"] == HOST_LABELS[host]


def test_regional_home_serves_villages_of_its_township(officer, platform_pool):
    vs = platform_pool.villages(5)
    v = [x["code"] for x in vs]
    names = {x["code"]: x["name"] for x in vs}
    p = create(officer, home_body(v[0], regional=True, serves=[v[2], v[1], v[2]]))
    assert p["regional"] is True
    assert p["serves"] == [{"code": c, "name": names[c]} for c in sorted(v[:3])]
    p = patch(officer, p["id"], {"serves": [v[3]]})
    assert [s["code"] for s in p["serves"]] == sorted([v[0], v[3]])
    p = patch(officer, p["id"], {"regional": False})
    assert p["regional"] is False and [s["code"] for s in p["serves"]] == [v[0]]
    # a regional home names the villages it serves
    r = officer.patch(f"/platforms/{p['id']}", json={"regional": True})
    assert_error(r, 400, "missing_field", field="serves")
    r = officer.post("/platforms", json=home_body(v[4], regional=True))
    assert_error(r, 400, "missing_field", field="serves")
    assert listing(officer, region=v[4])["total"] == 0
    assert get(officer, p["id"])["regional"] is False


# --------------------------------------------------------------------------
# the naming rule


@pytest.mark.parametrize("code,kind,region_name,want", [
    ("220122100207", "children_home", "十里堡村委会", "十里堡村儿童之家"),
    ("220122100208", "children_home", "两家子村委会", "两家子村儿童之家"),
    ("220781111001", "children_home", "临江社区居委会", "临江社区儿童之家"),
    ("220322101001", "children_home", "站北社区", "站北社区儿童之家"),
    ("220322100201", "children_home", "南杏山村", "南杏山村儿童之家"),
    ("220122100", "activity_center", "农安镇", "农安镇儿童活动中心"),
    ("220122100", "protection_station", "农安镇", "农安镇未成年人保护工作站"),
    ("220322001", "activity_center", "富强街道", "富强街道儿童活动中心"),
])
def test_name_proposal(province, code, kind, region_name, want):
    reg = province.get(f"/regions/{code}")
    assert_status(reg, 200)
    assert reg.json()["name"] == region_name, "the region data changed"
    r = province.get("/platforms/name-proposal", params={"region": code, "kind": kind})
    assert_status(r, 200)
    assert r.json() == {"region_code": code, "kind": kind, "name": want}


def test_name_proposal_for_a_village_named_cun_cunweihui(province):
    code = "222403100219"
    assert province.get(f"/regions/{code}").json()["name"] == "民强村村委会"
    r = province.get("/platforms/name-proposal",
                     params={"region": code, "kind": "children_home"})
    assert_status(r, 200)
    assert r.json()["name"] == "民强村儿童之家"


def test_name_proposal_bad_queries(province, yt_officer):
    r = province.get("/platforms/name-proposal", params={"kind": "children_home"})
    assert_error(r, 400, "invalid_query", field="region")
    r = province.get("/platforms/name-proposal", params={"region": "220322100201"})
    assert_error(r, 400, "invalid_query", field="kind")
    r = province.get("/platforms/name-proposal",
                     params={"region": "220322100201", "kind": "library"})
    assert_error(r, 400, "invalid_query", field="kind")
    r = province.get("/platforms/name-proposal",
                     params={"region": "2203221", "kind": "children_home"})
    assert_error(r, 400, "invalid_region")
    ghost = province.get("/platforms/name-proposal",
                         params={"region": "220322100999", "kind": "children_home"})
    assert_error(ghost, 404, "region_not_found")
    # outside the caller's scope: as absent
    out = yt_officer.get("/platforms/name-proposal",
                         params={"region": "220322100201", "kind": "children_home"})
    assert_error(out, 404, "region_not_found")
    assert out.json() == ghost.json()


def test_names_that_break_the_rule_are_refused(officer, platform_pool):
    v, other = platform_pool.villages(2)
    t = {"code": v["township"], "name": v["township_name"]}
    want = officer.get("/platforms/name-proposal",
                       params={"region": v["code"], "kind": "children_home"}).json()["name"]
    assert want.endswith("儿童之家"), want
    stem = want[:-len("儿童之家")]
    assert stem.rstrip("村社区") != stem, stem
    bad = {
        stem.rstrip("村社区") + "儿童之家": "pattern",          # without 村/社区
        stem + "儿童活动室": "pattern",
        stem + "儿童服务站": "pattern",
        other["name"] + "儿童之家": "pattern",                 # another village's name
        t["name"] + "儿童之家": "pattern",                     # the township's name
        stem + "留守儿童之家": "留守儿童",
        stem + "困境儿童之家": "困境儿童",
        want + "（留守儿童）": "留守儿童",
        "困境儿童" + want: "困境儿童",
    }
    for name, why in bad.items():
        r = officer.post("/platforms", json=home_body(v["code"], name=name))
        err = assert_error(r, 400, "bad_name", field="name")
        if why == "pattern":
            assert want in err["message"], f"{name}: the reason should name {want}: {err}"
        else:
            assert why in err["message"], f"{name}: the reason should name {why}: {err}"
    assert listing(officer, region=v["code"])["total"] == 0, "a refused name wrote a record"

    p = create(officer, home_body(v["code"], name=want))
    assert p["name"] == want and five_of(p)[1]["ok"] is True
    for name in (stem + "留守儿童之家", other["name"] + "儿童之家"):
        r = officer.patch(f"/platforms/{p['id']}", json={"name": name})
        assert_error(r, 400, "bad_name", field="name")
    assert get(officer, p["id"]) == p, "a refused rename changed the record"

    # a township's centre
    cw = t["name"] + "儿童活动中心"
    centres = listing(officer, region=t["code"], kind="activity_center")["total"]
    for name, why in ((t["name"] + "儿童中心", cw), (t["name"] + "留守儿童活动中心", "留守儿童"),
                      (v["name"] + "儿童活动中心", cw)):
        r = officer.post("/platforms", json=center_body(t["code"], name=name))
        err = assert_error(r, 400, "bad_name", field="name")
        assert why in err["message"], err
    assert listing(officer, region=t["code"], kind="activity_center")["total"] == centres
    # a shared township may have its centre already: one more needs the
    # county's reason (issue #19)
    more = {"second_reason": "辖区面积大，另设一处方便儿童就近活动"} if centres else {}
    c = create(officer, center_body(t["code"], name=cw, **more))
    assert c["name"] == cw


def test_labelling_words(officer, platform_pool, admin, staff, audit_admin):
    words = label_words(officer)
    assert set(NOTICE_WORDS) <= set(words)
    v, w, v2 = platform_pool.villages(3)
    for role, region in (("director", v["code"]), ("auditor", "22"),
                         ("supervisor", v["township"])):
        assert label_words(staff.user(role, region)) == words, "any role reads the words"
    assert label_words(admin) == words
    want = officer.get("/platforms/name-proposal",
                       params={"region": v["code"], "kind": "children_home"}).json()["name"]
    word = _word_of(v["name"], avoid=(w["name"], v2["name"], v["township_name"], want[-4:]))

    # who may not
    auditor = staff.user("auditor", "22")
    for c in (officer, auditor):
        r = c.put("/settings/label-words", json={"words": words + [word]})
        assert_error(r, 403, "forbidden")
    assert label_words(officer) == words
    # the notice's two words stay
    for gone in NOTICE_WORDS:
        r = admin.put("/settings/label-words",
                      json={"words": [x for x in words if x != gone] + [word]})
        err = assert_error(r, 400, "invalid_field", field="words")
        assert gone in err["message"] or "不能删除" in err["message"], err
    for body in ({"words": "单亲"}, {"words": words + [5]}, {"words": words + ["单"]},
                 {"words": words, "extra": 1}, {}):
        r = admin.put("/settings/label-words", json=body)
        assert r.status_code == 400, (body, r.text)
        assert_error(r, 400, r.json()["error"]["code"])
    assert label_words(officer) == words

    try:
        r = admin.put("/settings/label-words", json={"words": words + [word]})
        assert_status(r, 200)
        assert r.json()["words"] == words + [word]
        assert label_words(officer) == words + [word]
        # the unified name, now carrying the word, is refused with the reason
        r = officer.post("/platforms", json=home_body(v["code"], name=want))
        err = assert_error(r, 400, "bad_name", field="name")
        assert word in err["message"], err
        assert listing(officer, region=v["code"])["total"] == 0
        # without a name (the proposal): refused, or recorded with item 1 failing
        r = officer.post("/platforms", json=home_body(v["code"]))
        if r.status_code == 201:
            p = check_detail(r.json())
            assert five_of(p)[1]["ok"] is False and word in five_of(p)[1]["why"], p["five"]
        else:
            assert_error(r, 400, "bad_name", field="name")
        # a name without the word is untouched by it
        other = create(officer, home_body(w["code"]))
        assert word not in other["name"] and five_of(other)[1]["ok"] is True
        assert any(e["action"] == "label_words_set" for e in audit_entries(audit_admin,
                                                                           "label_words_set"))
    finally:
        r = admin.put("/settings/label-words", json={"words": words})
        assert_status(r, 200)
    assert label_words(officer) == words
    want2 = officer.get("/platforms/name-proposal",
                        params={"region": v2["code"], "kind": "children_home"}).json()["name"]
    assert create(officer, home_body(v2["code"], name=want2))["name"] == want2


def _word_of(name, avoid):
    """Two characters of a village's own name that no other name here has."""
    for i in range(len(name) - 1):
        word = name[i:i + 2]
        if "村" in word or "社区" in word or any(word in a for a in avoid):
            continue
        return word
    raise AssertionError(f"no word of {name} is free of {avoid}")


def test_empty_name_means_the_proposal(officer, platform_pool):
    v = platform_pool.village()
    r = officer.post("/platforms", json=home_body(v["code"], name=""))
    assert_status(r, 201)
    assert r.json()["name"] == r.json()["proposed_name"]


# --------------------------------------------------------------------------
# the 五有 checklist


def test_five_items_from_partial_facts_to_compliant(officer, platform_pool):
    v = platform_pool.village()
    partial = {
        "place": {"floor_area": 45, "ventilation": True, "lighting": False},
        "equipment": {"desks_chairs": 20, "bookshelves": 2, "toys": 0},
        "rules": {"management_rules": "2019-05-20"},
    }
    p = create(officer, home_body(v["code"], standard=partial))
    assert p["standard"] == partial
    assert p["compliant"] is False
    assert failing_items(p) == {2, 3, 4, 5}
    assert p["failing"] == [FIVE_LABELS[i] for i in (2, 3, 4, 5)]
    f = five_of(p)
    assert f[1]["ok"] is True
    # item 2: lighting no, fire safety / hazards / inspection not recorded
    for word in ("采光", "消防", "检查"):
        assert word in f[2]["why"], f[2]
    assert "通风" not in f[2]["why"] and "面积" not in f[2]["why"], f[2]
    # item 3: the kinds with none (toys: 0 counts as none)
    for k in EQUIPMENT:
        have = k in ("desks_chairs", "bookshelves")
        assert (EQUIPMENT_LABELS[k] in f[3]["why"]) is not have, (k, f[3])
    # item 4: nobody named
    assert f[4]["why"]
    # item 5: two of three rules missing
    assert "活动计划" in f[5]["why"] and "应急预案" in f[5]["why"], f[5]
    assert "管理制度" not in f[5]["why"], f[5]

    # patches merge into the recorded facts
    p = patch(officer, p["id"], {"standard": {"place": {
        "lighting": True, "fire_safety": True, "no_hazards": True,
        "inspected_on": "2024-04-10"}}})
    assert p["standard"]["place"] == {"floor_area": 45, "ventilation": True, "lighting": True,
                                      "fire_safety": True, "no_hazards": True,
                                      "inspected_on": "2024-04-10"}
    assert p["standard"]["equipment"] == partial["equipment"], "equipment was kept"
    assert failing_items(p) == {3, 4, 5}
    p = patch(officer, p["id"], {"standard": {"equipment": {k: 1 for k in EQUIPMENT
                                                            if k != "computers"}}})
    assert p["standard"]["equipment"]["desks_chairs"] == 1
    assert failing_items(p) == {3, 4, 5} and "电脑" in five_of(p)[3]["why"]
    assert "玩具" not in five_of(p)[3]["why"]
    p = patch(officer, p["id"], {"standard": {"equipment": {"computers": 3},
                                              "rules": {"activity_plan": "2020-01-01",
                                                        "emergency_plan": "2020-02-01"}}})
    assert failing_items(p) == {4}
    d = register_director(officer, v["code"])
    p = patch(officer, p["id"], {"manager_staff_id": d["id"]})
    assert p["compliant"] is True and p["failing"] == [] and failing_items(p) == set()
    assert p["manager_name"] == d["name"]
    assert p["standard"]["rules"] == {"management_rules": "2019-05-20",
                                      "activity_plan": "2020-01-01",
                                      "emergency_plan": "2020-02-01"}
    assert get(officer, p["id"]) == p

    # taking a fact away makes its item fail again
    p = patch(officer, p["id"], {"standard": {"rules": {"emergency_plan": None}}})
    assert failing_items(p) == {5} and "应急预案" in five_of(p)[5]["why"]
    p = patch(officer, p["id"], {"standard": {"place": {"floor_area": 0},
                                              "rules": {"emergency_plan": "2020-02-01"}}})
    assert failing_items(p) == {2} and "面积" in five_of(p)[2]["why"]
    p = patch(officer, p["id"], {"standard": {"place": {"floor_area": 45}},
                                 "manager_staff_id": None})
    assert failing_items(p) == {4} and p["manager_staff_id"] is None
    p = patch(officer, p["id"], {"manager_staff_id": d["id"]})
    assert p["compliant"] is True


def test_manager_who_leaves_fails_item_4_on_the_next_write(officer, platform_pool):
    v = platform_pool.village()
    d = register_director(officer, v["code"])
    p = create(officer, home_body(v["code"], manager_staff_id=d["id"],
                                  standard=full_standard()))
    assert p["compliant"] is True
    leave(officer, d["id"])
    p = patch(officer, p["id"], {"address": "村委会院内西侧新址"})
    assert p["compliant"] is False and failing_items(p) == {4}
    assert p["failing"] == ["有专人管理"] and five_of(p)[4]["why"]
    assert p["manager_staff_id"] == d["id"], "the record keeps who it was"
    assert get(officer, p["id"]) == p
    rep = compliance(officer, region=v["code"])
    assert (rep["total"], rep["compliant"]) == (1, 0)
    assert {i["item"]: i["failing"] for i in rep["items"]}[4] == 1
    assert [x["id"] for x in rep["failing"]] == [p["id"]]
    # someone who left cannot be named again
    r = officer.patch(f"/platforms/{p['id']}", json={"manager_staff_id": d["id"]})
    assert_error(r, 400, "invalid_field", field="manager_staff_id")
    # the successor
    d2 = register_director(officer, v["code"], appointed_on=days_ago(0))
    p = patch(officer, p["id"], {"manager_staff_id": d2["id"]})
    assert p["compliant"] is True and p["manager_name"] == d2["name"]


def test_manager_who_leaves_fails_item_4_at_once(officer, platform_pool):
    v = platform_pool.village()
    d = register_director(officer, v["code"])
    p = create(officer, home_body(v["code"], manager_staff_id=d["id"],
                                  standard=full_standard()))
    assert p["compliant"] is True
    leave(officer, d["id"])
    r = officer.get(f"/platforms/{p['id']}")
    assert_status(r, 200)
    got = r.json()
    f4 = five_of(got)[4]
    assert f4["ok"] is False, f4
    assert got["compliant"] is False and got["failing"] == ["有专人管理"], got
    rep = compliance(officer, region=v["code"])
    assert (rep["total"], rep["compliant"]) == (1, 0), rep
    assert [x["id"] for x in rep["failing"]] == [p["id"]]
    assert rep["failing"][0]["failing"] == ["有专人管理"]
    # the list and its filter say the same, without a write in between
    item = listing(officer, region=v["code"])["items"][0]
    assert item["compliant"] is False and item["failing"] == ["有专人管理"], item
    assert [x["id"] for x in all_platforms(officer, region=v["code"], compliant="false")] == [p["id"]]
    assert all_platforms(officer, region=v["code"], compliant="true") == []


def test_new_labelling_word_fails_names_already_recorded(officer, platform_pool, admin):
    v, w = platform_pool.villages(2)
    d = register_director(officer, v["code"])
    p = create(officer, home_body(v["code"], manager_staff_id=d["id"],
                                  standard=full_standard()))
    assert p["compliant"] is True
    words = label_words(officer)
    word = _word_of(v["name"], avoid=(w["name"], v["township_name"], p["name"][-4:]))
    try:
        r = admin.put("/settings/label-words", json={"words": words + [word]})
        assert_status(r, 200)
        got = get(officer, p["id"])
        assert got["compliant"] is False and got["failing"] == ["有统一名称"], got["five"]
        assert word in five_of(got)[1]["why"]
        item = listing(officer, region=v["code"])["items"][0]
        assert item["compliant"] is False and item["failing"] == ["有统一名称"], item
        rep = compliance(officer, region=v["code"])
        assert (rep["total"], rep["compliant"]) == (1, 0)
        assert {i["item"]: i["failing"] for i in rep["items"]}[1] == 1
    finally:
        r = admin.put("/settings/label-words", json={"words": words})
        assert_status(r, 200)
    got = get(officer, p["id"])
    assert got["compliant"] is True and got["failing"] == []
    assert compliance(officer, region=v["code"])["compliant"] == 1


def test_manager_must_be_in_post_in_the_platforms_region(officer, platform_pool, yt_officer):
    t = platform_pool.township()
    t2 = platform_pool.post()
    v, v2, v3 = (x["code"] for x in t["villages"][:3])
    here = register_director(officer, v)
    there = register_director(officer, v2)
    far = register_director(officer, platform_pool.village()["code"])
    sup = register_supervisor(officer, t["code"])
    sup2 = register_supervisor(officer, t2["code"])
    yt = register_director(yt_officer, yt_officer_village(yt_officer))
    gone = register_director(officer, v3)
    leave(officer, gone["id"])
    for bad in (there["id"], far["id"], sup2["id"], yt["id"], gone["id"], 987654321):
        r = officer.post("/platforms", json=home_body(v, manager_staff_id=bad))
        assert_error(r, 400, "invalid_field", field="manager_staff_id")
    for bad in (sup2["id"], far["id"], yt["id"]):
        r = officer.post("/platforms", json=center_body(t["code"], manager_staff_id=bad))
        assert_error(r, 400, "invalid_field", field="manager_staff_id")
    assert listing(officer, region=t["code"])["total"] == 0
    p = create(officer, home_body(v, manager_staff_id=here["id"]))
    assert p["manager_staff_id"] == here["id"]
    c = create(officer, center_body(t["code"], manager_staff_id=sup["id"]))
    assert c["manager_staff_id"] == sup["id"]
    for bad in (there["id"], yt["id"]):
        r = officer.patch(f"/platforms/{p['id']}", json={"manager_staff_id": bad})
        assert_error(r, 400, "invalid_field", field="manager_staff_id")
    assert get(officer, p["id"]) == p


_yt = {}


def yt_officer_village(yt_officer):
    """A village of 伊通 for one director (taken once per session)."""
    r = yt_officer.get("/regions", params={"parent": "220323101"})
    assert_status(r, 200)
    vs = [i["code"] for i in r.json()["items"] if i["level"] == "village"]
    n = _yt.get("n", 0)
    _yt["n"] = n + 1
    return vs[n]


# --------------------------------------------------------------------------
# compliance and its export


def _compliant_set(officer, t):
    """Three platforms in township t: two compliant, one failing item 5."""
    v1, v2 = t["villages"][0]["code"], t["villages"][1]["code"]
    d1 = register_director(officer, v1)
    sup = register_supervisor(officer, t["code"])
    good = create(officer, home_body(v1, manager_staff_id=d1["id"], standard=full_standard()))
    centre = create(officer, center_body(t["code"], manager_staff_id=sup["id"],
                                         standard=full_standard()))
    st = full_standard()
    del st["rules"]["emergency_plan"]
    d2 = register_director(officer, v2)
    bad = create(officer, home_body(v2, manager_staff_id=d2["id"], standard=st))
    assert good["compliant"] and centre["compliant"] and failing_items(bad) == {5}
    return good, centre, bad


def test_compliance_rate_and_failing_platforms(officer, platform_pool, province):
    t = platform_pool.township()
    good, centre, bad = _compliant_set(officer, t)
    rep = compliance(officer, region=t["code"])
    assert (rep["total"], rep["compliant"]) == (3, 2)
    assert rep["pct"] == pytest.approx(200 / 3, abs=0.01)
    assert [(i["item"], i["label"]) for i in rep["items"]] == sorted(FIVE_LABELS.items())
    assert {i["item"]: i["failing"] for i in rep["items"]} == {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}
    assert [p["id"] for p in rep["failing"]] == [bad["id"]]
    assert rep["failing"][0]["failing"] == ["有基本制度"]
    # the compliant filter of the list agrees
    assert {p["id"] for p in all_platforms(officer, region=t["code"], compliant="true")} == {
        good["id"], centre["id"]}
    assert {p["id"] for p in all_platforms(officer, region=t["code"], compliant="false")} == {
        bad["id"]}
    # a village's own figure
    rv = compliance(officer, region=good["region_code"])
    assert (rv["total"], rv["compliant"], rv["failing"]) == (1, 1, [])
    assert rv["pct"] == pytest.approx(100.0)
    # fixing the failing one
    patch(officer, bad["id"], {"standard": {"rules": {"emergency_plan": "2021-01-01"}}})
    rep = compliance(officer, region=t["code"])
    assert (rep["total"], rep["compliant"], rep["failing"]) == (3, 3, [])
    assert rep["pct"] == pytest.approx(100.0)
    # a higher level sums its parts
    county = compliance(province, region=LS_COUNTY)
    assert county["total"] >= 3 and county["compliant"] >= 3
    assert compliance(officer)["total"] == county["total"], "default: the caller's scope"
    # no platforms at all
    empty = platform_pool.village()
    rep = compliance(officer, region=empty["code"])
    assert (rep["total"], rep["compliant"], rep["failing"]) == (0, 0, [])


def test_closed_platform_counted_consistently(officer, platform_pool):
    t = platform_pool.township()
    good, centre, bad = _compliant_set(officer, t)
    patch(officer, bad["id"], {"status": "closed"})
    rep = compliance(officer, region=t["code"])
    assert len(rep["failing"]) == rep["total"] - rep["compliant"], rep
    assert sum(1 for i in rep["items"] if i["failing"]) <= len(rep["failing"]), rep
    assert (rep["total"], rep["compliant"], rep["failing"]) == (2, 2, [])
    # the export holds the active ones only
    r = officer.get("/platforms/compliance/export", params={"region": t["code"]})
    assert_status(r, 200)
    text = [" ".join(str(c) for c in row) for row in xlsx_rows(r.content)]
    assert not any(bad["name"] in line for line in text), text
    assert any(good["name"] in line for line in text)
    # the registry still holds it; the compliant filter means active ones
    ids = {p["id"] for p in all_platforms(officer, region=t["code"])}
    assert ids == {good["id"], centre["id"], bad["id"]}
    assert all_platforms(officer, region=t["code"], compliant="false") == []
    assert [p["id"] for p in all_platforms(officer, region=t["code"], status="closed")] == [bad["id"]]
    assert [p["id"] for p in all_platforms(officer, region=t["code"], status="closed",
                                           compliant="false")] == [bad["id"]]
    assert {p["id"] for p in all_platforms(officer, region=t["code"], status="active")} == {
        good["id"], centre["id"]}
    r = officer.get("/platforms", params={"region": t["code"], "status": "open"})
    assert_error(r, 400, "invalid_query", field="status")


def test_compliance_export_is_xlsx_with_region_path_and_date(officer, platform_pool):
    t = platform_pool.township()
    good, centre, bad = _compliant_set(officer, t)
    r = officer.get("/platforms/compliance/export", params={"region": t["code"]})
    assert_status(r, 200)
    assert r.headers.get("Content-Type", "").split(";")[0].strip() == XLSX_TYPE
    assert r.content[:2] == b"PK"
    assert ".xlsx" in r.headers.get("Content-Disposition", "")
    rows = xlsx_rows(r.content)
    path = f"吉林省 / 四平市 / 梨树县 / {t['name']}"
    today = today_cn().isoformat()
    head = [" ".join(str(c) for c in row if c != "") for row in rows[:4]]
    assert any(path in h for h in head), f"no region path in the header: {head}"
    assert any(today in h for h in head), f"no date in the header: {head}"
    hi = next(i for i, row in enumerate(rows) if "名称" in [str(c) for c in row])
    header = [str(c) for c in rows[hi]]
    body = [row for row in rows[hi + 1:] if any(c != "" for c in row)]
    assert len(body) == 3, body
    by_name = {}
    for row in body:
        cells = dict(zip(header, row))
        by_name.setdefault(cells["名称"], []).append(" ".join(str(c) for c in row))
    assert set(by_name) == {good["name"], centre["name"], bad["name"]}
    assert "有基本制度" in by_name[bad["name"]][0]
    assert "有基本制度" not in by_name[good["name"]][0]
    for p in (good, centre, bad):
        assert p["region_path"] in by_name[p["name"]][0]
    assert any(good["manager_name"] in line for line in by_name[good["name"]])
    # outside the scope: as absent
    ghost = officer.get("/platforms/compliance/export", params={"region": "220322999"})
    out = officer.get("/platforms/compliance/export", params={"region": "220323"})
    assert_error(ghost, 404, "region_not_found")
    assert_error(out, 404, "region_not_found")
    assert out.json() == ghost.json()


# --------------------------------------------------------------------------
# activities and their statistics


def test_activities_under_the_six_functions(officer, platform_pool):
    t = platform_pool.township()
    v = t["villages"][0]
    home = create(officer, home_body(v["code"]))
    centre = create(officer, center_body(t["code"]))
    y = last_year()
    plan = [  # platform, date, function, children, parents
        (home, f"{y}-01-15", 1, 12, 3),
        (home, f"{y}-03-31", 1, 8, 0),
        (centre, f"{y}-02-10", 1, 30, 10),
        (home, f"{y}-04-01", 2, 1, 1),
        (home, f"{y}-06-30", 3, 25, 20),
        (centre, f"{y}-07-01", 4, 40, 5),
        (home, f"{y}-09-30", 5, 3, 3),
        (centre, f"{y}-10-01", 6, 60, 0),
        (home, f"{y}-12-31", 6, 15, 2),
        (home, f"{y - 1}-11-11", 6, 9, 9),
    ]
    for p, d, fn, ch, pa in plan:
        out = log_activity(officer, p["id"], d, fn, ch, pa, notes="会后整理了照片和签到表")
        assert "items" in out
    got = activities(officer, home["id"])
    mine = [x for x in plan if x[0] is home]
    assert len(got) == len(mine)
    assert sorted((a["held_on"], a["function"], a["children"], a["parents"]) for a in got) == \
        sorted((d, fn, ch, pa) for _, d, fn, ch, pa in mine)
    for a in got:
        assert a["function_label"] == FUNCTION_LABELS[a["function"]]
        assert a["title"] and a["notes"] == "会后整理了照片和签到表"
    assert len(activities(officer, centre["id"])) == 3
    assert [a["held_on"] for a in got] == sorted((a["held_on"] for a in got), reverse=True) \
        or [a["held_on"] for a in got] == sorted(a["held_on"] for a in got), \
        "activities come in date order"

    def expect(rows):
        out = {}
        for p, d, fn, ch, pa in rows:
            k = (fn, quarter_of(d))
            a, c, q = out.get(k, (0, 0, 0))
            out[k] = (a + 1, c + ch, q + pa)
        return out

    this_year = [x for x in plan if x[1].startswith(str(y))]
    assert stats_map(activity_stats(officer, region=t["code"], year=str(y))) == expect(this_year)
    assert stats_map(activity_stats(officer, region=t["code"])) == expect(plan)
    assert stats_map(activity_stats(officer, region=v["code"], year=str(y))) == expect(
        [x for x in this_year if x[0] is home])
    assert stats_map(activity_stats(officer, region=t["code"], year=str(y - 1))) == expect(
        [x for x in plan if x[1].startswith(str(y - 1))])
    assert activity_stats(officer, region=t["code"], year="2001") == []
    # every function is counted in its own row, per quarter
    q1 = expect(this_year)[(1, f"{y}Q1")]
    assert q1 == (3, 50, 13)
    # the county's figure holds the township's
    county = stats_map(activity_stats(officer, region=LS_COUNTY, year=str(y)))
    for k, (a, c, q) in expect(this_year).items():
        assert county[k][0] >= a and county[k][1] >= c and county[k][2] >= q
    for bad in ("24", "20x4", "abcd"):
        r = officer.get("/platforms/activity-stats", params={"region": t["code"], "year": bad})
        assert_error(r, 400, "invalid_query", field="year")
    assert any(e["target"] == f"platform:{home['id']}"
               for e in audit_entries(officer, "activity_create"))
