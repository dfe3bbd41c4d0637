"""The dashboard (SPEC §9, docs/API.md "Dashboard"): every figure agrees
with the lists and reports it summarises, follows each write at once,
moves with time (ages, quarters), drills down from county to village, and
stays inside the caller's scope.

The dashboard reads per-village figures the server keeps current lazily
(a write marks its village stale; a reader recomputes what is stale), so
each test here writes and reads back immediately: a stale figure would
fail them.  The county 前郭县 (220721) is used by no other test module, so
its totals are exactly what these tests create.
"""

import datetime as dt
import uuid

import pytest

from children_util import birth_for_age, child_body, create, listing, patch, unique_name
from conftest import Client, assert_error, assert_status
from helpers import id_number, today_cn
from quality_util import (LEFT_BEHIND, current_quarter, default_due, exit_child, guardian,
                          previous_quarter, report, verify)

COUNTY = "220721"  # 前郭尔罗斯蒙古族自治县 (松原市)
CITY = "2207"
CATEGORIES = ("left_behind", "orphan", "de_facto_unsupported",
              "difficult_poverty", "difficult_disability",
              "difficult_guardianship")
FLAGS = ("unsupervised", "poor_guardianship", "dropout", "no_hukou", "ill",
         "disabled")
TOP_KEYS = {"region_code", "region_name", "level", "as_of", "children",
            "drilldown", "trend", "workforce", "platforms", "cases",
            "quality", "women", "campaigns", "verification"}


def dashboard(c, region=None, status=200):
    r = c.get("/dashboard", params={"region": region} if region else None)
    assert_status(r, status)
    return r.json()


def total(c, **params):
    return listing(c, page_size=1, **params)["total"]


@pytest.fixture(scope="module")
def place(admin, village_pool, staff):
    """Two townships of the county, a village in each with its director."""
    r = admin.get("/regions", params={"parent": COUNTY})
    assert_status(r, 200)
    towns = [t["code"] for t in r.json()["items"]][:2]
    out = {"county": staff.user("county", COUNTY), "towns": towns,
           "villages": [], "directors": []}
    for t in towns:
        code, _ = village_pool.take(t)
        out["villages"].append(code)
        out["directors"].append(staff.user("director", code))
    return out


def kids(place):
    """A mix over both villages: left-behind, on 低保, an orphan."""
    d0, d1 = place["directors"]
    v0, v1 = place["villages"]
    made = [
        create(d0, child_body(v0, guardian=guardian(), **LEFT_BEHIND)),
        create(d0, child_body(v0, living_support="dibao")),
        create(d1, child_body(v1, father="deceased", mother="deceased",
                              guardian=guardian())),
        create(d1, child_body(v1, age=17, **LEFT_BEHIND)),
    ]
    return made


def test_shape_and_agreement_with_lists_and_quality(place):
    kids(place)
    county = place["county"]
    body = dashboard(county, COUNTY)
    assert TOP_KEYS <= set(body), TOP_KEYS - set(body)
    assert body["region_code"] == COUNTY and body["level"] == "county"
    assert body["as_of"] == today_cn().isoformat()
    ch = body["children"]
    assert ch["active"] == total(county, region=COUNTY) > 0
    for cat in CATEGORIES:
        assert ch["categories"][cat] == total(county, region=COUNTY,
                                              category=cat), cat
    for f in FLAGS:
        assert ch["flags"][f] == total(county, region=COUNTY, flag=f), f
    # the quality section is the quality report's counts for the quarter
    q = report(county, region=COUNTY)
    assert body["quality"]["quarter"] == q["quarter"] == current_quarter()
    assert body["quality"]["counts"] == q["counts"]
    unverified = q["counts"]["Q11"]
    assert body["quality"]["verified_pct"] == pytest.approx(
        100.0 * (q["active"] - unverified) / q["active"])


def test_drilldown_adds_up_and_each_row_is_its_own_dashboard(place):
    kids(place)
    county = place["county"]
    body = dashboard(county, COUNTY)
    rows = body["drilldown"]
    r = county.get("/regions", params={"parent": COUNTY})
    assert [x["code"] for x in rows] == [t["code"] for t in r.json()["items"]]
    assert sum(x["active"] for x in rows) == body["children"]["active"]
    for cat in CATEGORIES:
        assert sum(x["categories"][cat] for x in rows) == \
            body["children"]["categories"][cat]
    for town in place["towns"]:
        row = next(x for x in rows if x["code"] == town)
        sub = dashboard(county, town)
        assert sub["level"] == "township"
        assert sub["children"]["active"] == row["active"]
        assert sub["children"]["categories"] == row["categories"]
        assert sub["children"]["flags"] == row["flags"]
    # down to a village: one row, the village itself
    v = place["villages"][0]
    leaf = dashboard(county, v)
    assert leaf["level"] == "village"
    assert [x["code"] for x in leaf["drilldown"]] == [v]
    assert leaf["drilldown"][0]["active"] == leaf["children"]["active"] == \
        total(county, region=v)


def test_every_write_shows_at_once(place):
    d0 = place["directors"][0]
    v0 = place["villages"][0]
    county = place["county"]
    before = dashboard(county, COUNTY)
    kid = create(d0, child_body(v0, guardian=guardian(), **LEFT_BEHIND))
    after = dashboard(county, COUNTY)
    assert after["children"]["active"] == before["children"]["active"] + 1
    assert after["children"]["categories"]["left_behind"] == \
        before["children"]["categories"]["left_behind"] + 1
    # a changed fact moves the child between categories
    patch(d0, kid["id"], {"mother": {"status": "at_home"}, "living_support": "dibao"})
    moved = dashboard(county, COUNTY)
    assert moved["children"]["categories"]["left_behind"] == \
        before["children"]["categories"]["left_behind"]
    assert moved["children"]["categories"]["difficult_poverty"] == \
        before["children"]["categories"]["difficult_poverty"] + 1
    # verifying it takes one off Q11
    verify(d0, kid["id"])
    ver = dashboard(county, COUNTY)
    assert ver["quality"]["counts"]["Q11"] == moved["quality"]["counts"]["Q11"] - 1
    # an exit takes it out of the active count
    exit_child(d0, kid["id"])
    gone = dashboard(county, COUNTY)
    assert gone["children"]["active"] == before["children"]["active"] == \
        total(county, region=COUNTY)


def test_county_list_totals_follow_each_write(place):
    """Lists take their total from the kept figures, and a worker may
    reuse the last one it read while nothing was written: read and write
    in turns, as the county and as the village's director, more times
    than the server has workers and connections, so that every reused
    total would be caught stale."""
    d0, v0 = place["directors"][0], place["villages"][0]
    county = place["county"]
    kids = [create(d0, child_body(v0, guardian=guardian(),
                                  **LEFT_BEHIND))["id"]]
    for i in range(12):
        before = total(county, region=COUNTY)
        before_lb = total(county, region=COUNTY, category="left_behind")
        before_v = total(d0)
        assert total(county, region=COUNTY) == before  # read twice: reused
        assert total(d0) == before_v
        kids.append(create(d0, child_body(v0, guardian=guardian(),
                                          **LEFT_BEHIND))["id"])
        assert total(county, region=COUNTY) == before + 1, i
        assert total(county, region=COUNTY,
                     category="left_behind") == before_lb + 1, i
        assert total(d0) == before_v + 1, i
    for i, kid in enumerate(kids):
        before, before_v = total(county, region=COUNTY), total(d0)
        exit_child(d0, kid)
        assert total(county, region=COUNTY) == before - 1, i
        assert total(d0) == before_v - 1, i


def test_a_duplicate_in_another_village_moves_both_villages(place, rows):
    """Q09 ties two villages: a legacy duplicate written in one and exited
    through the API shows at once in the other village's figures too."""
    d0, d1 = place["directors"]
    v0, v1 = place["villages"]
    county = place["county"]
    a = create(d0, child_body(v0, age=7, guardian=guardian()))
    b = create(d1, child_body(v1, birth=a["birth_date"], guardian=guardian()))
    assert dashboard(county, v0)["quality"]["counts"]["Q09"] == 0
    row_b = rows.get(b["id"])
    rows.set(b["id"], data=dict(row_b["data"], id_number=a["id_number"]),
             id_number=a["id_number"], active_id=None)
    for v in (v0, v1):
        assert dashboard(county, v)["quality"]["counts"]["Q09"] == 1
        assert dashboard(county, v)["quality"]["counts"] == report(county, region=v)["counts"]
    assert dashboard(county, COUNTY)["quality"]["counts"]["Q09"] == 2
    exit_child(d1, b["id"])
    for v in (v0, v1):
        assert dashboard(county, v)["quality"]["counts"]["Q09"] == 0
    assert dashboard(county, COUNTY)["quality"]["counts"] == report(county, region=COUNTY)["counts"]


def test_ages_move_with_the_clock(place, clock):
    """A left-behind child two days before the 16th birthday counts today
    and not three days later — on the same stored figures."""
    d1 = place["directors"][1]
    v1 = place["villages"][1]
    birth = birth_for_age(16, days_after_birthday=-2)
    create(d1, child_body(v1, birth=birth, guardian=guardian(), **LEFT_BEHIND))
    county = place["county"]
    now = dashboard(county, v1)["children"]["categories"]["left_behind"]
    clock.start()
    clock.set(3 * 86400)
    later = Client(clock.url)
    later.login_ok(county.username, county.password)
    body = dashboard(later, v1)
    assert body["as_of"] == (today_cn() + dt.timedelta(days=3)).isoformat()
    assert body["children"]["categories"]["left_behind"] == now - 1
    # the main server, still today, is not confused by the other day's figures
    assert dashboard(county, v1)["children"]["categories"]["left_behind"] == now


def test_sections_women_campaigns_and_verification(place):
    county = place["county"]
    d0 = place["directors"][0]
    v0 = place["villages"][0]
    before = dashboard(county, COUNTY)
    birth = dt.date(1990, 5, 6)
    r = d0.post("/women", json={"region_code": v0, "name": unique_name(),
                                "id_number": id_number(COUNTY, birth, "female"),
                                "employment": "farming"})
    assert_status(r, 201)
    wid = r.json()["id"]
    r = d0.post(f"/women/{wid}/services", json={
        "kind": "cancer_screening", "served_on": today_cn().isoformat(),
        "result": "normal"})
    assert_status(r, 201)
    after = dashboard(county, COUNTY)
    assert after["women"]["registered"] == before["women"]["registered"] + 1
    screening = {s["kind"]: s for s in after["women"]["services"]}["cancer_screening"]
    was = {s["kind"]: s for s in before["women"]["services"]}["cancer_screening"]
    assert screening["services"] == was["services"] + 1
    assert screening["label"] == "两癌筛查"

    # a campaign of the county, already past its due date, shows as late
    name = "任务" + uuid.uuid4().hex[:6]
    r = county.post("/campaigns", json={"name": name, "measure": "staff_registered",
                                        "region_code": COUNTY, "due_on": "2018-08-30"})
    assert_status(r, 201)
    camp = {c["name"]: c for c in dashboard(county, COUNTY)["campaigns"]}[name]
    assert camp["due_on"] == "2018-08-30"
    assert camp["late"] is (camp["done"] < camp["target"])
    assert camp["region_code"] == COUNTY

    # verification: the last quarter that ended, its due date, who is late
    v = after["verification"]
    assert v["quarter"] == previous_quarter()
    assert v["due_on"] == default_due(previous_quarter()).isoformat()
    overdue = today_cn().isoformat() > v["due_on"]
    assert v["overdue"] is overdue
    if overdue:
        # no township of the county has submitted: all of them are late
        r = county.get("/regions", params={"parent": COUNTY})
        assert v["late_count"] == v["pending"] == len(r.json()["items"])
        for item in v["late"]:
            assert item["level"] == "township"
            assert item["state_label"] in ("未提交", "已退回")


def test_scope(place, staff, admin):
    d0 = place["directors"][0]
    v0, v1 = place["villages"]
    own = dashboard(d0)
    assert own["region_code"] == v0
    assert own["children"]["active"] == total(d0)
    # another village, the county, another county: as absent as a code
    # that does not exist
    absent = d0.get("/dashboard", params={"region": "220721999999"})
    for code in (v1, COUNTY, "220122"):
        r = d0.get("/dashboard", params={"region": code})
        assert_error(r, 404, "region_not_found")
        assert r.json() == absent.json()
    # the county officer cannot look at another county
    assert_error(place["county"].get("/dashboard", params={"region": "220122"}),
                 404, "region_not_found")
    # the administrator holds no child data; an auditor sees the counts
    assert_error(admin.get("/dashboard"), 403, "forbidden")
    aud = staff.user("auditor", COUNTY)
    assert dashboard(aud, COUNTY)["children"]["active"] == \
        dashboard(place["county"], COUNTY)["children"]["active"]
    # the city sees the county inside its figures
    city = staff.user("city", CITY)
    body = dashboard(city, CITY)
    row = next(x for x in body["drilldown"] if x["code"] == COUNTY)
    assert row["active"] == dashboard(place["county"], COUNTY)["children"]["active"]


def test_bad_region(place):
    for bad in ("abc", "22-01", "2" * 40, ""):
        r = place["county"].get("/dashboard", params={"region": bad})
        assert r.status_code in (400, 404), (bad, r.status_code)
        assert "error" in r.json()


# --------------------------------------------------------------------------
# exports and the standard reports: the same figures as the dashboard

def sheets(data):
    import io

    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
            for ws in wb.worksheets}


def table(rows):
    """(header lines, column names, data rows) of a sheet with the three
    header lines every export starts with, and the watermark line every
    sheet carries above its column row (issue #17, test_exports.py)."""
    assert str(rows[3][0]).startswith("导出人："), rows[3]
    return [r[0] for r in rows[:3]], rows[4], rows[5:]


def download(c, path, **params):
    r = c.get(path, params=params)
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert r.content[:2] == b"PK"
    return sheets(r.content)


@pytest.fixture(scope="module")
def furnished(place):
    """The county with a supervisor, a director, a training with results,
    two platforms and a protection case, besides its children."""
    import case_util
    import platform_util
    import workforce_util
    county = place["county"]
    town, v0 = place["towns"][0], place["villages"][0]
    sup = workforce_util.register(county, workforce_util.supervisor_body(town))
    dire = workforce_util.register(county, workforce_util.director_body(v0))
    t = workforce_util.new_training(county, workforce_util.training_body(
        COUNTY, today_cn().replace(day=1) if today_cn().day > 1 else today_cn()))
    workforce_util.attend(county, t["id"], sup["id"], passed=True, score=88)
    workforce_util.attend(county, t["id"], dire["id"], passed=False, score=41)
    platform_util.create(county, platform_util.home_body(v0))
    platform_util.create(county, platform_util.center_body(town))
    kid = create(place["directors"][0], child_body(v0, guardian=guardian()))
    case_util.report(place["directors"][0], case_util.report_body(
        region=v0, child_id=kid["id"]))
    return {"supervisor": sup, "director": dire, "training": t}


def test_dashboard_export_has_every_section(place, furnished):
    county = place["county"]
    d = dashboard(county, COUNTY)
    book = download(county, "/dashboard/export", region=COUNTY)
    assert list(book) == ["统计概览", "分区域儿童", "季度趋势", "工作任务", "季度核实"]
    head, cols, rows = table(book["统计概览"])
    assert "前郭尔罗斯蒙古族自治县" in head[1] and d["as_of"] in head[1]
    assert d["as_of"] in head[2]
    fig = {(r[0], r[1]): r[2] for r in rows}
    assert fig[("儿童", "在册儿童")] == d["children"]["active"]
    assert fig[("儿童", "农村留守儿童")] == d["children"]["categories"]["left_behind"]
    assert fig[("工作队伍", "在岗人员")] == d["workforce"]["training"]["staff"]
    assert fig[("服务阵地", "服务阵地总数")] == d["platforms"]["total"]
    assert fig[("救助保护", "在办个案")] == d["cases"]["open"]
    assert fig[("留守妇女", "登记在册")] == d["women"]["registered"]
    _, cols, rows = table(book["分区域儿童"])
    assert cols[:3] == ["区划代码", "区划名称", "在册儿童"]
    assert [r[0] for r in rows[:-1]] == [x["code"] for x in d["drilldown"]]
    assert rows[-1][1] == "合计" and rows[-1][2] == d["children"]["active"]
    _, _, late = table(book["季度核实"])
    assert len(late) == min(d["verification"]["late_count"], 50)


def test_reports_agree_with_the_dashboard(place, furnished):
    county = place["county"]
    d = dashboard(county, COUNTY)
    today = today_cn().isoformat()

    book = download(county, "/reports/children", region=COUNTY)
    (head, cols, rows), = [table(v) for v in book.values()]
    assert head[0] == "分乡镇儿童分类统计表"
    assert "吉林省 / 松原市 / 前郭尔罗斯蒙古族自治县" in head[1] and today in head[1]
    by_code = {r[0]: r for r in rows}
    for x in d["drilldown"]:
        r = by_code[x["code"]]
        assert r[2] == x["active"]
        assert r[3] == x["categories"]["left_behind"]
        assert r[3 + len(CATEGORIES)] == x["flags"]["unsupervised"]
    assert rows[-1][1] == "合计" and rows[-1][2] == d["children"]["active"]

    book = download(county, "/reports/workforce", region=COUNTY)
    (head, cols, rows), = [table(v) for v in book.values()]
    assert len(rows) == d["workforce"]["training"]["staff"] == 2
    assert {r[0] for r in rows} == {"儿童督导员", "儿童主任"}
    assert furnished["director"]["name"] in {r[2] for r in rows}

    book = download(county, "/reports/training", region=COUNTY)
    (head, cols, rows), = [table(v) for v in book.values()]
    mine = [r for r in rows if r[1] == furnished["training"]["title"]]
    assert {(r[6], r[11]) for r in mine} == {
        (furnished["supervisor"]["name"], "合格"),
        (furnished["director"]["name"], "不合格")}

    book = download(county, "/reports/platforms", region=COUNTY)
    (head, cols, rows), = [table(v) for v in book.values()]
    assert len([r for r in rows if r[7] == "运行"]) == d["platforms"]["total"] == 2
    compliant = len([r for r in rows if r[8] == "达标"])
    assert compliant == d["platforms"]["compliant"]

    book = download(county, "/reports/cases", region=COUNTY)
    (head, cols, rows), = [table(v) for v in book.values()]
    total_row = rows[-1]
    assert total_row[1] == "合计"
    assert total_row[3] == d["cases"]["open"] >= 1
    assert total_row[4] == d["cases"]["overdue"]


def test_reports_scope_and_bad_input(place, furnished, admin, staff):
    d0 = place["directors"][0]
    # a director's reports hold the village only
    book = download(d0, "/reports/workforce")
    (_, _, rows), = [table(v) for v in book.values()]
    assert [r[2] for r in rows] == [furnished["director"]["name"]]
    book = download(d0, "/reports/children")
    (_, _, rows), = [table(v) for v in book.values()]
    assert rows[-1][2] == dashboard(d0)["children"]["active"]
    # outside the scope: the same answer as a region that does not exist
    absent = d0.get("/reports/workforce", params={"region": "220721999999"})
    assert_error(absent, 404, "region_not_found")
    for kind in ("children", "workforce", "training", "platforms", "cases"):
        r = d0.get(f"/reports/{kind}", params={"region": COUNTY})
        assert_error(r, 404, "region_not_found")
        assert r.json() == absent.json()
    r = d0.get("/dashboard/export", params={"region": COUNTY})
    assert_error(r, 404, "region_not_found")
    # unknown report, bad year, roles
    assert_error(place["county"].get("/reports/everything"), 404, "not_found")
    for y in ("20x6", "1999", str(today_cn().year + 1), "2026-01"):
        assert_error(place["county"].get("/reports/training", params={"year": y}),
                     400, "invalid_query", "year")
    assert_error(admin.get("/reports/children"), 403, "forbidden")
    aud = staff.user("auditor", COUNTY)
    assert_error(aud.get("/reports/workforce"), 403, "forbidden")
    assert download(aud, "/dashboard/export")  # counts only: allowed


def test_campaign_export_is_its_progress(place, furnished, staff):
    county = place["county"]
    name = "导出" + uuid.uuid4().hex[:6]
    r = county.post("/campaigns", json={"name": name, "measure": "staff_registered",
                                        "region_code": COUNTY, "due_on": "2018-08-30"})
    assert_status(r, 201)
    cid = r.json()["id"]
    prog = county.get(f"/campaigns/{cid}").json()
    book = download(county, f"/campaigns/{cid}/export")
    (head, cols, rows), = [table(v) for v in book.values()]
    assert name in head[0] and "2018-08-30" in head[1]
    assert [r[0] for r in rows[:-1]] == [i["code"] for i in prog["items"]]
    for row, item in zip(rows, prog["items"]):
        assert (row[2], row[3]) == (item["target"], item["done"])
        assert row[5] == ("逾期" if item["late"] else "否")
    assert rows[-1][1] == "合计" and (rows[-1][2], rows[-1][3]) == (prog["target"], prog["done"])
    # the supervisor of a township sees its own part; another county nothing
    sup = staff.user("supervisor", place["towns"][0])
    book = download(sup, f"/campaigns/{cid}/export")
    (head, _, rows), = [table(v) for v in book.values()]
    assert rows[-1][0] == place["towns"][0]
    other = staff.user("county", "220122")
    ghost = other.get("/campaigns/99999999/export")
    assert_error(ghost, 404, "not_found")
    r = other.get(f"/campaigns/{cid}/export")
    assert_error(r, 404, "not_found")
    assert r.json() == ghost.json()


def test_every_export_is_audited(place, furnished):
    """SPEC §10: the dashboard workbook, each standard report, a campaign's
    progress, the coverage and the 五有 exports each leave an entry naming
    the exporter and the region — and the entry is in the exporter's scope."""
    county = place["county"]

    def newest(action):
        r = county.get("/audit", params={"action": action, "page_size": 1})
        assert_status(r, 200)
        items = r.json()["items"]
        return items[0]["seq"] if items else 0

    r = county.post("/campaigns", json={"name": "审计" + uuid.uuid4().hex[:6],
                                        "measure": "staff_trained",
                                        "region_code": COUNTY, "due_on": "2018-09-30"})
    assert_status(r, 201)
    cid = r.json()["id"]
    cases = [("dashboard_export", "/dashboard/export", {"region": COUNTY}),
             ("report_export", "/reports/children", {"region": COUNTY}),
             ("report_export", "/reports/workforce", {}),
             ("campaign_export", f"/campaigns/{cid}/export", {}),
             ("coverage_export", "/staff/coverage/export", {"region": COUNTY}),
             ("compliance_export", "/platforms/compliance/export", {"region": COUNTY})]
    for action, path, params in cases:
        before = newest(action)
        download(county, path, **params)
        r = county.get("/audit", params={"action": action, "page_size": 1})
        entry = r.json()["items"][0]
        assert entry["seq"] > before, (action, path)
        assert entry["actor"] == county.username
        assert entry["region_code"] == COUNTY, entry
