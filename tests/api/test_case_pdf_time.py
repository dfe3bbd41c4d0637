"""The case timeline PDF prints an escalation's missed deadline in China
time (UTC+8) like every other time on it, never as the raw UTC instant the
API carries (`missed`: "…T…Z"), and names the scheduler as the audit log
does, not `system`."""

import datetime as dt
import re
import subprocess

from case_util import get_case, parse_utc, report, report_body
from conftest import ClockServer, assert_status, wait_until

TOWN = "220182108"  # 于家镇 (榆树市): no other test reports cases there
CN = dt.timezone(dt.timedelta(hours=8))


def pdf_text(data, tmp_path):
    p = tmp_path / "t.pdf"
    p.write_bytes(data)
    r = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(p), "-"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_the_missed_deadline_is_printed_in_china_time(staff, village_pool, servers,
                                                       workdir, tmp_path):
    v, _ = village_pool.take(TOWN)
    d = staff.user("director", v)
    sup = staff.user("supervisor", TOWN)
    cid = report(d, report_body(v))["id"]
    clock = ClockServer(servers, workdir, tick=1, offset=30 * 3600)
    try:
        clock.start()
        wait_until(lambda: get_case(sup, cid)["escalations"] >= 1, what="an escalation")
    finally:
        clock.stop()
    k = get_case(sup, cid)
    esc = next(e for e in k["timeline"] if e["step"] == "escalate")
    missed = parse_utc(esc["detail"]["missed"])
    r = sup.get(f"/cases/{cid}/timeline.pdf")
    assert_status(r, 200)
    flat = pdf_text(r.content, tmp_path).replace("\n", "")
    want = missed.astimezone(CN).strftime("%Y-%m-%d %H:%M")
    assert f"错过的期限：{want}" in flat, flat
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", flat), flat
    # the step is the scheduler's, named as in the audit log
    assert "系统定时任务（调度程序）" in flat and "system" not in flat, flat
