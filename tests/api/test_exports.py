"""Exports (issue #17, 9; docs/API.md "Exports"): every xlsx and PDF carries
a watermark — who, when (China time), why — in view on every sheet and page
and in the file's properties; an export of more rows with whole identities
than the threshold needs a stated purpose and an approval one level up:
request → pending → approved | rejected → downloaded once, within the
window, by the requester; every step audited; approvers see only what lies
in their scope.  Masked exports need no approval."""

import datetime as dt
import io
import re
import subprocess
import threading
import uuid

import openpyxl
import pytest

from children_util import child_body, create
from conftest import Client, assert_error, assert_status
from helpers import CN
from masking_util import mask
from women_util import woman_body
from workforce_util import (CITY, attend, director_body, new_training, past_year,
                            training_body)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARK_TIME = re.compile(r"导出时间：(\d{4}-\d{2}-\d{2} \d{2}:\d{2})（北京时间）")
THRESHOLD = 3


def now_cn():
    return dt.datetime.now(CN).replace(tzinfo=None)


def check_mark_text(text, c, purpose):
    """`text` holds the mark of `c` with `purpose`, made a moment ago."""
    assert f"导出人：{c.username}" in text, text[:400]
    assert f"用途：{purpose}" in text, text[:400]
    m = MARK_TIME.search(text)
    assert m, text[:400]
    at = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M")
    assert abs((at - now_cn()).total_seconds()) < 300, (at, now_cn())


def xlsx_marks(data, c, purpose):
    """Every sheet has the mark in view and in its page header; the
    workbook has it in its properties."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    props = wb.properties
    check_mark_text(props.subject or "", c, purpose)
    for ws in wb.worksheets:
        cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v]
        shown = [v for v in cells if v.startswith("导出人：")]
        assert shown, f"sheet {ws.title} has no mark in view"
        check_mark_text(shown[0], c, purpose)
        check_mark_text(ws.oddHeader.left.text or "", c, purpose)
    return wb


def pdf_marks(data, c, purpose, tmp_path):
    p = tmp_path / f"m-{uuid.uuid4().hex[:6]}.pdf"
    p.write_bytes(data)
    r = subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    pages = [pg for pg in r.stdout.split("\f") if pg.strip()]
    assert pages
    for pg in pages:
        # the line may be wrapped by the layout; compare without spaces
        flat = re.sub(r"\s+", "", pg)
        assert f"导出人：{c.username}" in flat, pg[-600:]
        assert f"用途：{re.sub(chr(32), '', purpose)}" in flat, pg[-600:]
    info = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True, timeout=60)
    subject = next((ln for ln in info.stdout.splitlines() if ln.startswith("Subject:")), "")
    check_mark_text(subject, c, purpose)
    return pages


# --------------------------------------------------------------------------
# the watermark on every file


class County:
    """A county of 长春市 of this module's own, and two of its townships."""

    def __init__(self, region_pool):
        self.code = region_pool.take_county(CITY)["code"]
        towns = [t["code"] for t in region_pool.townships(self.code)
                 if len(region_pool.villages(t["code"])) >= 2]
        self.town, self.town_2 = towns[0], towns[1]


@pytest.fixture(scope="module")
def cty(region_pool):
    return County(region_pool)


@pytest.fixture(scope="module")
def marked(staff, village_pool, region_pool, cty):
    """A village with children, a woman, a director in post with a
    certificate, a campaign and a case; the people who export them."""
    v, _ = village_pool.take(cty.town)
    d = staff.user("director", v)
    county = staff.user("county", cty.code)
    kids = [create(d, child_body(v)) for _ in range(2)]
    assert_status(d.post("/women", json=woman_body(v)), 201)
    sv = region_pool.take_village(cty.code)["code"]
    person = county.post("/staff", json=director_body(sv)).json()
    tr = new_training(county, training_body(cty.code, f"{past_year()}-06-01"))
    attend(county, tr["id"], person["id"], passed=True, score=90)
    certs = county.get("/certificates", params={"region": sv}).json()["items"]
    camp = county.post("/campaigns", json={"name": "定岗定人" + uuid.uuid4().hex[:6],
                                           "measure": "staff_registered",
                                           "region_code": cty.code,
                                           "due_on": "2018-08-30"})
    assert_status(camp, 201)
    case = d.post("/cases", json={"child_id": kids[0]["id"], "reporter_type": "public",
                                  "situation": "begging", "description": "集市乞讨需核实"})
    assert_status(case, 201)
    return {"v": v, "d": d, "county": county, "kid": kids[0], "cert": certs[0],
            "campaign": camp.json(), "case": case.json()}


def xlsx_routes(m):
    return [
        (m["d"], "/children/export", {"region": m["v"]}),
        (m["d"], "/children/import-template", {}),
        (m["d"], "/women/export", {"region": m["v"]}),
        (m["county"], "/dashboard/export", {}),
        (m["county"], "/reports/children", {}),
        (m["county"], "/reports/workforce", {"region": m["v"]}),
        (m["county"], "/reports/training", {}),
        (m["county"], "/reports/platforms", {}),
        (m["county"], "/reports/cases", {}),
        (m["county"], f"/campaigns/{m['campaign']['id']}/export", {}),
        (m["county"], "/platforms/compliance/export", {}),
        (m["county"], "/staff/coverage/export", {}),
    ]


def pdf_routes(m):
    return [
        (m["d"], f"/children/{m['kid']['id']}/record.pdf", {}),
        (m["d"], f"/cases/{m['case']['id']}/timeline.pdf", {}),
        (m["county"], f"/certificates/{m['cert']['id']}/pdf", {"layout": "a4"}),
        (m["county"], f"/certificates/{m['cert']['id']}/pdf", {"layout": "card"}),
    ]


@pytest.mark.parametrize("purpose", [None, "第三季度数据核查"])
def test_every_xlsx_is_marked(marked, purpose):
    for c, path, params in xlsx_routes(marked):
        if purpose:
            params = {**params, "purpose": purpose}
        r = c.get(path, params=params)
        assert_status(r, 200)
        assert r.headers["Content-Type"].startswith(XLSX), path
        xlsx_marks(r.content, c, purpose or "日常工作")


@pytest.mark.parametrize("purpose", [None, "个案移交 公安"])
def test_every_pdf_is_marked_on_every_page(marked, purpose, tmp_path):
    for c, path, params in pdf_routes(marked):
        if purpose:
            params = {**params, "purpose": purpose}
        r = c.get(path, params=params)
        assert_status(r, 200)
        assert r.headers["Content-Type"].startswith("application/pdf"), path
        pdf_marks(r.content, c, purpose or "日常工作", tmp_path)


def test_the_import_report_is_marked(marked):
    from test_children_import import csv_bytes, row_of
    d = marked["d"]
    tpl = d.get("/children/import-template")
    bad = child_body(marked["v"])
    bad["birth_date"] = "2030-01-01"
    r = d.post("/children/import", data=csv_bytes(tpl.content, [row_of(bad)]),
               headers={"Content-Type": "text/csv"})
    assert_status(r, 200)
    import base64
    report = base64.b64decode(r.json()["report_xlsx_base64"])
    xlsx_marks(report, d, "导入未成功行报告")


@pytest.mark.parametrize("purpose", ["x", "用途\u202e途用", "a" * 61, "  "])
def test_a_bad_purpose_is_refused(marked, purpose):
    for c, path, params in xlsx_routes(marked)[:3] + pdf_routes(marked)[:1]:
        r = c.get(path, params={**params, "purpose": purpose})
        assert_error(r, 400, "invalid_query", field="purpose")


def test_the_mark_names_the_user_and_the_name(staff, accounts, marked):
    u, otp = accounts.create("director", marked["v"], display_name="王小红")
    c = Client(marked["d"].base)
    c.login_ok(u["username"], otp)
    c.change_password("Pw-" + uuid.uuid4().hex[:10] + "Z9")
    r = c.get("/children/export", params={"region": marked["v"]})
    assert_status(r, 200)
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert f"导出人：{u['username']}（王小红）" in wb.properties.subject


# --------------------------------------------------------------------------
# approval of large exports


class World:
    def __init__(self, staff, village_pool, admin, cty):
        self.admin = admin
        self.v, _ = village_pool.take(cty.town)
        self.small, _ = village_pool.take(cty.town_2)
        self.d = staff.user("director", self.v)
        self.d_other = staff.user("director", self.v)
        self.d_small = staff.user("director", self.small)
        self.sup = staff.user("supervisor", cty.town)
        self.sup2 = staff.user("supervisor", cty.town_2)
        self.county = staff.user("county", cty.code)
        self.county_b = staff.user("county", "220183")
        self.city = staff.user("city", "2201")
        self.city_b = staff.user("city", "2202")
        self.province = staff.user("province", "22")
        self.auditor = staff.user("auditor", "22")
        self.kids = [create(self.d, child_body(self.v)) for _ in range(THRESHOLD + 2)]
        create(self.d_small, child_body(self.small))
        self.women = [self.d.post("/women", json=woman_body(self.v)).json()
                      for _ in range(THRESHOLD + 1)]


@pytest.fixture(scope="module")
def w(staff, village_pool, admin, cty):
    before = admin.get("/settings/export-approval")
    assert_status(before, 200)
    assert before.json() == {"threshold": 1000, "valid_hours": 24}
    r = admin.put("/settings/export-approval", json={"threshold": THRESHOLD})
    assert_status(r, 200)
    yield World(staff, village_pool, admin, cty)
    assert_status(admin.put("/settings/export-approval", json=before.json()), 200)


def ask(c, kind="children", filters=None, purpose="季度核实数据比对", status=202):
    r = c.post("/exports", json={"kind": kind, "filters": filters or {}, "purpose": purpose})
    assert_status(r, status)
    return r.json()


def audit_of(c, action, target):
    out = []
    for page in range(1, 6):
        r = c.get("/audit", params={"action": action, "page": page, "page_size": 200})
        assert_status(r, 200)
        out += [a for a in r.json()["items"] if a["target"] == target]
        if len(r.json()["items"]) < 200:
            break
    return out


def test_a_large_export_with_identities_needs_approval(w):
    r = w.d.get("/children/export", params={"region": w.v})
    err = assert_error(r, 403, "export_approval_required")
    assert str(THRESHOLD + 2) in err["message"] and str(THRESHOLD) in err["message"]
    assert_error(w.d.get("/women/export", params={"region": w.v}), 403,
                 "export_approval_required")
    # at or under the threshold it goes through
    assert_status(w.d_small.get("/children/export", params={"region": w.small}), 200)
    # masked exports need none, whatever their size
    for c in (w.city, w.province):
        r = c.get("/children/export", params={"region": w.v})
        assert_status(r, 200)
        cells = {str(v) for row in openpyxl.load_workbook(io.BytesIO(r.content))
                 .worksheets[0].iter_rows(values_only=True) for v in row}
        assert mask(w.kids[0]["id_number"]) in cells
        assert w.kids[0]["id_number"] not in cells


def test_asking_when_no_approval_is_needed(w):
    for c in (w.city, w.province):
        r = c.post("/exports", json={"kind": "children", "filters": {"region": w.v},
                                     "purpose": "统计核对"})
        assert_error(r, 409, "approval_not_needed")
    r = w.d_small.post("/exports", json={"kind": "children", "filters": {"region": w.small},
                                         "purpose": "统计核对"})
    assert_error(r, 409, "approval_not_needed")
    for c in (w.auditor, w.admin):
        assert_error(c.post("/exports", json={"kind": "children", "purpose": "统计核对"}),
                     403, "forbidden")


@pytest.mark.parametrize("body,code,field", [
    ({"kind": "children", "filters": {"region": "X"}}, "missing_field", "purpose"),
    ({"kind": "children", "purpose": "x"}, "invalid_field", "purpose"),
    ({"kind": "children", "purpose": "核\u200b实"}, "invalid_field", "purpose"),
    ({"kind": "pets", "purpose": "季度核实"}, "invalid_field", "kind"),
    ({"kind": "children", "purpose": "季度核实", "filters": {"name": "x"}},
     "unknown_field", "filters.name"),
    ({"kind": "children", "purpose": "季度核实", "filters": {"region": 5}},
     "invalid_field", "filters.region"),
    ({"kind": "children", "purpose": "季度核实", "filters": []}, "invalid_field", "filters"),
    ({"kind": "children", "purpose": "季度核实", "filters": {"category": "x"}},
     "invalid_query", "category"),
    ({"kind": "women", "purpose": "季度核实", "filters": {"q": "x"}},
     "unknown_field", "filters.q"),
    ({"kind": "children", "purpose": "季度核实", "extra": 1}, "unknown_field", "extra"),
])
def test_bad_requests_write_nothing(w, body, code, field):
    before = len(w.d.get("/exports").json()["mine"])
    assert_error(w.d.post("/exports", json=body), 400, code, field=field)
    assert len(w.d.get("/exports").json()["mine"]) == before


def test_request_approve_download_once(w):
    x = ask(w.d, filters={"region": w.v})
    assert x["state"] == "pending" and x["rows"] == THRESHOLD + 2
    assert x["requester"] == w.d.username and x["approver_role"] == "supervisor"
    assert x["can_download"] is False and x["can_decide"] is False
    assert x["region_code"] == w.v and x["filters"] == {"region": w.v}
    mine = w.d.get("/exports").json()
    assert x["id"] in [i["id"] for i in mine["mine"]] and mine["to_decide"] == []
    # the supervisor of the township decides; others do not
    todo = w.sup.get("/exports").json()["to_decide"]
    got = next(i for i in todo if i["id"] == x["id"])
    assert got["can_decide"] is True
    assert x["id"] not in [i["id"] for i in w.sup2.get("/exports").json()["to_decide"]]
    assert_error(w.sup2.get(f"/exports/{x['id']}"), 404, "not_found")
    assert_error(w.sup2.post(f"/exports/{x['id']}/approve"), 404, "not_found")
    assert_error(w.county_b.get(f"/exports/{x['id']}"), 404, "not_found")
    # two levels up sees it but may not decide it
    assert w.county.get(f"/exports/{x['id']}").json()["can_decide"] is False
    assert_error(w.county.post(f"/exports/{x['id']}/approve"), 403, "forbidden")
    # a peer of the requester neither sees nor downloads it
    assert_error(w.d_other.get(f"/exports/{x['id']}"), 404, "not_found")
    assert_error(w.d.post(f"/exports/{x['id']}/approve"), 403, "forbidden")
    assert_error(w.d.get(f"/exports/{x['id']}/file"), 409, "export_pending")
    ok = w.sup.post(f"/exports/{x['id']}/approve", json={"reason": "用于季度核实"})
    assert_status(ok, 200)
    a = ok.json()
    assert a["state"] == "approved" and a["decided_by"] == w.sup.username
    assert a["expires_at"] and a["decided_at"]
    assert_error(w.sup.post(f"/exports/{x['id']}/approve"), 409, "export_decided")
    assert_error(w.sup.post(f"/exports/{x['id']}/reject", json={"reason": "改主意了"}), 409,
                 "export_decided")
    assert w.d.get(f"/exports/{x['id']}").json()["can_download"] is True
    assert_error(w.d_other.get(f"/exports/{x['id']}/file"), 404, "not_found")
    r = w.d.get(f"/exports/{x['id']}/file")
    assert_status(r, 200)
    wb = xlsx_marks(r.content, w.d, "季度核实数据比对")
    assert f"第{x['id']}号申请" in wb.properties.subject
    assert w.sup.username in wb.properties.subject
    cells = {str(v) for row in wb.worksheets[0].iter_rows(values_only=True) for v in row}
    for k in w.kids:
        assert k["id_number"] in cells, "the approved file has the whole numbers"
    assert_error(w.d.get(f"/exports/{x['id']}/file"), 409, "export_downloaded")
    assert w.d.get(f"/exports/{x['id']}").json()["state"] == "downloaded"
    target = f"export:{x['id']}"
    for action in ("export_request", "export_approve", "export_download"):
        entries = audit_of(w.county, action, target)
        assert len(entries) == 1, (action, entries)
        assert entries[0]["region_code"] == w.v
    assert audit_of(w.county, "export_request", target)[0]["actor"] == w.d.username
    assert audit_of(w.county, "export_approve", target)[0]["actor"] == w.sup.username


def test_reject_needs_a_reason_and_blocks_the_file(w):
    x = ask(w.d, filters={"region": w.v, "sort": "name"})
    assert_error(w.sup.post(f"/exports/{x['id']}/reject"), 400, "missing_field", field="reason")
    assert_error(w.sup.post(f"/exports/{x['id']}/reject", json={"reason": "不"}), 400,
                 "invalid_field", field="reason")
    assert w.d.get(f"/exports/{x['id']}").json()["state"] == "pending"
    r = w.sup.post(f"/exports/{x['id']}/reject", json={"reason": "用途不明确，请补充"})
    assert_status(r, 200)
    assert r.json()["state"] == "rejected" and r.json()["reason"] == "用途不明确，请补充"
    err = assert_error(w.d.get(f"/exports/{x['id']}/file"), 409, "export_rejected")
    assert "用途不明确" in err["message"]
    assert len(audit_of(w.county, "export_reject", f"export:{x['id']}")) == 1


def test_every_level_has_its_approver(w):
    """A supervisor's request goes to the county, a county officer's to
    the city whose scope holds it."""
    s = ask(w.sup, filters={"region": w.v})
    assert s["approver_role"] == "county"
    assert_error(w.city.post(f"/exports/{s['id']}/approve"), 403, "forbidden")
    assert_status(w.county.post(f"/exports/{s['id']}/approve"), 200)
    c = ask(w.county, kind="women", filters={"region": w.v})
    assert c["approver_role"] == "city"
    assert_error(w.city_b.get(f"/exports/{c['id']}"), 404, "not_found")
    assert c["id"] in [i["id"] for i in w.city.get("/exports").json()["to_decide"]]
    assert_status(w.city.post(f"/exports/{c['id']}/approve"), 200)
    r = w.county.get(f"/exports/{c['id']}/file")
    assert_status(r, 200)
    cells = {str(v) for row in openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
             .iter_rows(values_only=True) for v in row}
    assert all(wm["id_number"] in cells for wm in w.women)


def test_a_searched_number_is_masked_for_a_masked_approver(w):
    n = w.kids[0]["id_number"]
    # every child of the village shares the county prefix: a search by it
    # is large enough to need an approval, from the (masked) city
    x = ask(w.county, filters={"region": w.v, "q": n[:6]})
    assert x["filters"]["q"] == n[:6]
    shown = w.city.get(f"/exports/{x['id']}").json()["filters"]["q"]
    assert shown != n[:6] and "*" in shown
    assert n[:6] not in w.city.get("/exports").text.replace(w.v, "")


def test_two_downloads_at_once_give_one_file(w):
    x = ask(w.d, filters={"region": w.v})
    assert_status(w.sup.post(f"/exports/{x['id']}/approve"), 200)
    out = [None, None]
    start = threading.Barrier(2)

    def run(i):
        k = Client(w.d.base)
        k.cookie, k.csrf = w.d.cookie, w.d.csrf
        start.wait()
        out[i] = k.get(f"/exports/{x['id']}/file")

    ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    codes = sorted(r.status_code for r in out)
    assert codes == [200, 409], [(r.status_code, r.text[:100]) for r in out]
    assert len(audit_of(w.county, "export_download", f"export:{x['id']}")) == 1


def test_an_approval_expires(w, servers, workdir):
    from conftest import ClockServer, shifted_client
    x = ask(w.d, filters={"region": w.v})
    assert_status(w.sup.post(f"/exports/{x['id']}/approve"), 200)
    clock = ClockServer(servers, workdir, offset=25 * 3600)
    srv = clock.start()
    try:
        late = shifted_client(srv, w.d)
        assert late.get(f"/exports/{x['id']}").json()["state"] == "expired"
        assert_error(late.get(f"/exports/{x['id']}/file"), 409, "export_expired")
    finally:
        clock.stop()
    assert w.d.get(f"/exports/{x['id']}").json()["state"] == "approved"


def test_settings(w, staff, audit_admin):
    assert w.county.get("/settings/export-approval").json()["threshold"] == THRESHOLD
    assert_error(w.county.put("/settings/export-approval", json={"threshold": 5}), 403,
                 "forbidden")
    for body, field in (({"threshold": -1}, "threshold"), ({"threshold": "5"}, "threshold"),
                        ({"valid_hours": 0}, "valid_hours"), ({"x": 1}, "x")):
        r = w.admin.put("/settings/export-approval", json=body)
        assert r.status_code == 400 and r.json()["error"]["field"] == field, r.text
    assert w.admin.get("/settings/export-approval").json()["threshold"] == THRESHOLD
    r = w.province.put("/settings/export-approval", json={"threshold": THRESHOLD,
                                                          "valid_hours": 24})
    assert_status(r, 200)
    assert audit_of(audit_admin, "export_settings_set", "settings:export_approval")


def test_mask_helper():
    assert mask("220122201505014708") == "220122********4708"
