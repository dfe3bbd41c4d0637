"""The audit log is readable (issue #19 item 10): Chinese action names,
region names and the person; filters by date, user, action and region;
the filtered log exported (marked and audited); the scheduler's work names
the scheduler and the rule."""

import datetime as dt
import io

import openpyxl

from case_util import get_case, report, report_body
from conftest import ClockServer, assert_error, assert_status, wait_until

TOWN = "220182106"  # 新立镇 (榆树市): no other test uses it
CN = dt.timezone(dt.timedelta(hours=8))


def entries(c, **params):
    r = c.get("/audit", params={"page_size": 200, **params})
    assert_status(r, 200)
    return r.json()


def test_entries_name_the_action_the_person_and_the_region(staff, village_pool,
                                                           audit_admin, servers, workdir):
    v, vname = village_pool.take(TOWN)
    d = staff.user("director", v)
    cid = report(d, report_body(v))["id"]
    mine = [e for e in entries(audit_admin, actor=d.username)["items"]]
    rep = next(e for e in mine if e["action"] == "case_report")
    assert rep["action_label"] == "强制报告"
    assert rep["region_code"] == v and rep["region_name"] == vname
    assert d.username in rep["actor_name"]
    # every action has a Chinese name, from one table
    acts = audit_admin.get("/audit/actions")
    assert_status(acts, 200)
    table = {a["code"]: a["label"] for a in acts.json()["items"]}
    assert table["case_escalate"] and table["audit_export"] and table["login"] == "登录"
    for e in entries(audit_admin)["items"]:
        assert e["action_label"] == table.get(e["action"], e["action"])

    # the scheduler's work: named as the scheduler, with the rule
    clock = ClockServer(servers, workdir, tick=1, offset=30 * 3600)
    try:
        clock.start()
        wait_until(lambda: get_case(d, cid)["escalations"] >= 1, what="an escalation")
    finally:
        clock.stop()
    esc = [e for e in entries(audit_admin, action="case_escalate", region=TOWN)["items"]
           if e["target"] == f"case:{cid}"]
    assert esc
    assert esc[-1]["actor_name"] == "系统定时任务（调度程序）"
    assert esc[-1]["action_label"] == "超时未受理，逐级上报"
    assert esc[-1]["detail"]["rule"] == "accept_hours" and esc[-1]["detail"]["missed"]


def test_filters_by_date_user_action_and_region(staff, village_pool, audit_admin, accounts):
    v, _ = village_pool.take(TOWN)
    d = staff.user("director", v)
    report(d, report_body(v))
    today = dt.datetime.now(CN).date()
    by_user = entries(audit_admin, actor=d.username)
    assert by_user["total"] >= 2  # its login and its report
    assert {e["actor"] for e in by_user["items"]} == {d.username}
    both = entries(audit_admin, actor=d.username, action="case_report")
    assert both["total"] == 1 and both["items"][0]["action"] == "case_report"
    day = entries(audit_admin, actor=d.username, **{"from": today.isoformat(),
                                                    "to": today.isoformat()})
    assert day["total"] == by_user["total"]
    assert entries(audit_admin, actor=d.username,
                   to=(today - dt.timedelta(days=1)).isoformat())["total"] == 0
    assert entries(audit_admin, actor=d.username,
                   **{"from": (today + dt.timedelta(days=1)).isoformat()})["total"] == 0
    in_region = entries(audit_admin, region=v)
    assert in_region["total"] >= 1
    assert all(e["region_code"].startswith(v) for e in in_region["items"])

    # a county officer reads its scope only: another county is absent
    county = accounts.ready("county", "220182")
    assert entries(county, actor=d.username, action="case_report")["total"] == 1
    assert_error(county.get("/audit", params={"region": "220183"}), 404, "region_not_found")

    for bad in ({"from": "2026-02-30"}, {"to": "yesterday"}, {"action": ""},
                {"from": "2026-03-02", "to": "2026-03-01"}, {"actor": "x" * 40}):
        assert_error(audit_admin.get("/audit", params=bad), 400, "invalid_query")
    assert_error(audit_admin.get("/audit", params={"region": "99"}), 404,
                 "region_not_found")


def test_the_filtered_log_is_exported_marked_and_audited(staff, village_pool, audit_admin):
    v, vname = village_pool.take(TOWN)
    d = staff.user("director", v)
    report(d, report_body(v))
    want = entries(audit_admin, actor=d.username)
    r = audit_admin.get("/audit/export", params={"actor": d.username, "purpose": "检查"})
    assert_status(r, 200)
    assert r.content[:2] == b"PK"
    ws = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    rows = [list(x) for x in ws.iter_rows(values_only=True)]
    assert any(isinstance(c, str) and c.startswith("导出人：") for row in rows for c in row if c)
    head = next(i for i, row in enumerate(rows) if row and row[0] == "序号")
    body = [row for row in rows[head + 1:] if row and row[0] is not None]
    assert len(body) == want["total"]
    assert {row[3] for row in body} >= {"强制报告", "登录"}
    assert all(d.username in row[2] for row in body)
    assert any(vname in (row[5] or "") for row in body)
    log = entries(audit_admin, action="audit_export")["items"]
    assert log[0]["detail"]["actor"] == d.username
    assert log[0]["detail"]["rows"] == want["total"]
    # the auditor's export is its scope's
    assert_error(audit_admin.get("/audit/export", params={"from": "bad"}), 400,
                 "invalid_query")
