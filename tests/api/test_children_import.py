"""Import of children from the published template (xlsx and csv) and the
xlsx export (SPEC §9): counts, per-row reasons, re-import, bad files,
filters, header lines, masking, scope."""

import base64
import csv
import io
import json
import os
import random
import re
import sqlite3
import uuid

import pytest

from children_util import (NA_COUNTY, NA_TOWN, NA_TOWN_2, VIL_A, all_items, birth_for_age,
                           child_body, create, get_child, header_index, history, listing,
                           total, unique_name)
from conftest import CJK, assert_error, assert_status, psql
from helpers import (MASKED_ID, XLSX_TYPE, audit_entries, bad_check, iso, today_cn,
                     xlsx_rows)

openpyxl = pytest.importorskip("openpyxl")

STATUS_LABEL = {"at_home": "在家", "migrant_in_province": "省内务工",
                "migrant_out_province": "省外务工", "deceased": "死亡",
                "missing": "失踪", "imprisoned": "服刑在押"}


@pytest.fixture(scope="module")
def template(staff):
    d = staff.user("director", VIL_A)
    r = d.get("/children/import-template")
    assert_status(r, 200)
    return r


def test_template_is_xlsx_with_the_header_row(template):
    assert template.headers["Content-Type"].split(";")[0] == XLSX_TYPE
    assert "attachment" in template.headers.get("Content-Disposition", "")
    rows = xlsx_rows(template.content)
    h = header_index(rows)
    header = [str(v) for v in rows[h]]
    assert header[0] == "姓名*"
    for title in ("性别*", "出生日期*", "身份证号", "民族*", "居住地区划代码*", "父亲状况",
                  "母亲状况", "家庭监护情况", "学习教育", "失辍学情况说明"):
        assert title in header, title


@pytest.mark.parametrize("role,region", [("province", "22"), ("county", NA_COUNTY)])
def test_template_for_readers(staff, role, region):
    u = staff.user(role, region)
    r = u.get("/children/import-template")
    assert_status(r, 200)
    assert header_index(xlsx_rows(r.content)) >= 0


# --------------------------------------------------------------------------
# building files


def row_of(body, **over):
    """A template row (title → text) for an API body."""
    f, m = body.get("father") or {}, body.get("mother") or {}
    row = {
        "姓名*": body["name"],
        "性别*": {"male": "男", "female": "女"}[body["sex"]],
        "出生日期*": body["birth_date"],
        "身份证号": body.get("id_number", ""),
        "民族*": body["ethnicity"],
        "居住地区划代码*": body["region_code"],
        "户籍状态": "有户籍" if body.get("hukou_status", "registered") == "registered" else "无户籍",
        "农村户籍": "是" if body.get("hukou_rural", True) else "否",
        "联系电话": body.get("contact_phone", ""),
        "父亲姓名": f.get("name", ""),
        "父亲状况": STATUS_LABEL.get(f.get("status"), ""),
        "母亲姓名": m.get("name", ""),
        "母亲状况": STATUS_LABEL.get(m.get("status"), ""),
        "家庭监护情况": "一般",
        "学习教育": "在校",
        "健康状况": "健康",
    }
    row.update(over)
    return row


def filled_template(template_bytes, rows):
    """The template with its sample row replaced by `rows`; returns
    (bytes, sheet row number of the first data row)."""
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes))
    ws = wb.worksheets[0]
    hdr = None
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row and row[0] == "姓名*":
            hdr = i
            break
    assert hdr, "no header row in the template"
    titles = [c.value for c in ws[hdr]]
    if ws.max_row > hdr:
        ws.delete_rows(hdr + 1, ws.max_row - hdr)
    for r in rows:
        unknown = set(r) - set(titles)
        assert not unknown, unknown
        ws.append([r.get(t, "") for t in titles])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), hdr + 1


def csv_bytes(template_bytes, rows, encoding="utf-8", bom=False):
    trows = xlsx_rows(template_bytes)
    titles = [str(v) for v in trows[header_index(trows)]]
    s = io.StringIO()
    w = csv.writer(s, lineterminator="\r\n")
    w.writerow(titles)
    for r in rows:
        w.writerow([r.get(t, "") for t in titles])
    data = s.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def upload(c, data, csrf=True, content_type="application/octet-stream"):
    return c.post("/children/import", data=data, csrf=csrf,
                  headers={"Content-Type": content_type})


def imported(r):
    assert_status(r, 200)
    body = r.json()
    for k in ("rows", "imported", "skipped", "failed", "errors"):
        assert k in body, body
    return body


def report_rows(body):
    """The data rows of the report and the index of its reason column."""
    assert body.get("report_xlsx_base64"), body
    data = base64.b64decode(body["report_xlsx_base64"])
    rows = xlsx_rows(data)
    h = header_index(rows)
    header = [str(v) for v in rows[h]]
    assert header[-1] == "未导入原因", header
    return rows[h + 1:], len(header) - 1


class Batch:
    """A fresh village, its director, an existing child, and a file with
    two good rows, a bad ID, a village outside the scope and a duplicate."""

    def __init__(self, staff, pool, template):
        self.code, self.name = pool.take(NA_TOWN)
        self.d = staff.user("director", self.code)
        self.county = staff.user("county", NA_COUNTY)
        self.existing = create(self.d, child_body(self.code))
        self.good1 = child_body(self.code, father="migrant_out_province",
                                mother="migrant_in_province")
        self.good2 = child_body(self.code, with_id=False, father="at_home",
                                mother="at_home", sex="female")
        bad = child_body(self.code)
        bad["id_number"] = bad_check(bad["id_number"])
        self.bad = bad
        self.outside = child_body("220122100207")
        self.dup = dict(child_body(self.code), **{k: self.existing[k] for k in (
            "sex", "birth_date", "id_number")}, name=unique_name())
        self.rows = [row_of(b) for b in (self.good1, self.good2, self.bad, self.outside,
                                         self.dup)]
        self.xlsx, self.first = filled_template(template.content, self.rows)


@pytest.fixture(scope="module")
def batch(staff, village_pool, template):
    return Batch(staff, village_pool, template)


def test_import_counts_and_report(batch, admin, audit_admin):
    d = batch.d
    assert total(d) == 1
    before_audit = len(audit_entries(audit_admin, "child_import"))
    r = upload(d, batch.xlsx)
    body = imported(r)
    assert body["rows"] == 5, body
    assert body["imported"] == 2, body
    assert body["skipped"] == 1, body
    assert body["failed"] == 2, body

    # per-row errors name the sheet rows
    errs = {e["row"]: e for e in body["errors"]}
    f = batch.first
    assert set(errs) == {f + 2, f + 3, f + 4}, body["errors"]
    for e in errs.values():
        assert isinstance(e["reason"], str) and CJK.search(e["reason"]), e
    assert errs[f + 4]["skipped"] is True
    assert errs[f + 2]["skipped"] is False and errs[f + 3]["skipped"] is False
    assert "身份证" in errs[f + 2]["reason"]

    # the report: the refused rows, each with its reason
    rows, why = report_rows(body)
    assert [r[0] for r in rows] == [batch.bad["name"], batch.outside["name"], batch.dup["name"]]
    for r in rows:
        assert CJK.search(str(r[why])), r
    assert "身份证" in str(rows[0][why])

    # the good rows are in, with their categories and history
    items = all_items(d)
    assert total(d) == 3
    names = {i["name"]: i for i in items}
    assert batch.good1["name"] in names and batch.good2["name"] in names
    assert batch.bad["name"] not in names and batch.dup["name"] not in names
    g1 = names[batch.good1["name"]]
    assert g1["categories"] == ["left_behind"]
    # the list masks the number for every role (issue #23); the record has it whole
    assert g1["id_number"] == batch.good1["id_number"][:6] + "********" + batch.good1["id_number"][-4:]
    assert get_child(d, g1["id"])["id_number"] == batch.good1["id_number"]
    assert names[batch.good2["name"]]["flags"] == ["no_hukou"]
    h = history(d, g1["id"])
    assert [e["action"] for e in h] == ["create"] and h[0]["actor"] == d.username
    full = get_child(d, g1["id"])
    assert full["father"]["status"] == "migrant_out_province"
    assert full["mother"]["status"] == "migrant_in_province"
    assert full["created_by"] == d.username
    # nothing in the village the row named outside the scope
    assert listing(batch.county, q=batch.outside["name"])["total"] == 0
    assert listing(batch.county, q=batch.bad["name"])["total"] == 0
    assert len(audit_entries(audit_admin, "child_import")) == before_audit + 1

    # the same file again: nothing new
    again = imported(upload(d, batch.xlsx))
    assert again["rows"] == 5 and again["imported"] == 0, again
    assert again["skipped"] == 3 and again["failed"] == 2, again
    assert total(d) == 3


def test_import_of_a_child_registered_elsewhere_says_nothing(staff, village_pool, template):
    A, _ = village_pool.take(NA_TOWN)
    B, _ = village_pool.take(NA_TOWN)
    dA = staff.user("director", A)
    dB = staff.user("director", B)
    held = create(dA, child_body(A, guardian={"name": unique_name(), "relationship": "祖母"}))
    body = dict(child_body(B), sex=held["sex"], birth_date=held["birth_date"],
                id_number=held["id_number"], name=unique_name())
    data, first = filled_template(template.content, [row_of(body)])
    res = imported(upload(dB, data))
    assert res["imported"] == 0 and res["rows"] == 1
    assert res["skipped"] + res["failed"] == 1
    rows, why = report_rows(res)
    reasons = [e["reason"] for e in res["errors"]] + [str(rows[0][why])]
    for text_ in reasons:
        for secret in (held["name"], A, held["guardian"]["name"], "#"):
            assert secret not in text_, f"the import report discloses {secret!r}: {text_}"
        assert not re.search(rf"(?<!\d){held['id']}(?!\d)", text_), text_
    assert total(dB) == 0


def test_duplicate_rows_in_one_file(staff, village_pool, template):
    V, _ = village_pool.take(NA_TOWN)
    d = staff.user("director", V)
    b = child_body(V)
    twin = dict(b, name=unique_name())
    data, first = filled_template(template.content, [row_of(b), row_of(twin)])
    res = imported(upload(d, data))
    assert res["imported"] == 1 and res["rows"] == 2
    assert [e["row"] for e in res["errors"]] == [first + 1]
    assert total(d) == 1 and listing(d, q=b["name"])["total"] == 1


def test_codes_and_date_spellings(staff, village_pool, template):
    V, _ = village_pool.take(NA_TOWN)
    d = staff.user("director", V)
    b = child_body(V, father="deceased", mother="deceased")
    y, m, dd = b["birth_date"].split("-")
    row = row_of(b, **{"出生日期*": f"{int(y)}/{int(m)}/{int(dd)}", "父亲状况": "deceased",
                       "母亲状况": "死亡", "学习教育": "dropped_out",
                       "失辍学情况说明": "家庭变故辍学，已联系学校"})
    data, _ = filled_template(template.content, [row])
    res = imported(upload(d, data))
    assert res["imported"] == 1, res
    k = all_items(d)[0]
    assert get_child(d, k["id"])["birth_date"] == b["birth_date"]
    assert k["categories"] == ["orphan"] and k["flags"] == ["dropout"]


@pytest.mark.parametrize("bom", [False, True])
def test_csv_import(staff, village_pool, template, bom):
    V, _ = village_pool.take(NA_TOWN)
    d = staff.user("director", V)
    good = [child_body(V, father="migrant_out_province", mother="deceased"),
            child_body(V, sex="female")]
    bad = child_body(V, education="dropped_out")
    rows = [row_of(b) for b in good] + [row_of(bad, **{"学习教育": "辍学"})]
    res = imported(upload(d, csv_bytes(template.content, rows, bom=bom),
                          content_type="text/csv"))
    assert (res["rows"], res["imported"], res["skipped"], res["failed"]) == (3, 2, 0, 1), res
    assert [e["row"] for e in res["errors"]] == [4]
    rrows, why = report_rows(res)
    assert rrows[0][0] == bad["name"] and "说明" in str(rrows[0][why])
    assert {i["name"] for i in all_items(d)} == {b["name"] for b in good}
    lb = next(i for i in all_items(d) if i["name"] == good[0]["name"])
    assert lb["categories"] == ["left_behind"]


def test_csv_in_gb18030(staff, village_pool, template):
    V, _ = village_pool.take(NA_TOWN)
    d = staff.user("director", V)
    b = child_body(V)
    res = imported(upload(d, csv_bytes(template.content, [row_of(b)], encoding="gb18030"),
                          content_type="text/csv"))
    assert res["imported"] == 1


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_csv_larger_than_a_read_chunk(staff, village_pool, template, encoding):
    """A file is checked and converted in chunks of 64 KiB: Chinese text
    astride a chunk's end must come through whole, in either encoding."""
    V, _ = village_pool.take(NA_TOWN)
    d = staff.user("director", V)
    # birth dates all different: ID numbers of one date share 1,000 sequences
    bodies = [child_body(V, birth=birth_for_age(2 + i % 14, days_after_birthday=1 + i % 360))
              for i in range(400)]
    rows = [row_of(b, **{"家庭住址": "吉林省长春市农安县农安镇十里堡村" + "东" * (i % 7)
                         + "组，" * 20})
            for i, b in enumerate(bodies)]
    data = csv_bytes(template.content, rows, encoding=encoding)
    assert len(data) > 65536  # at least one chunk boundary inside
    res = imported(upload(d, data, content_type="text/csv"))
    assert (res["rows"], res["imported"], res["failed"]) == (400, 400, 0), res
    got = {i["name"] for i in all_items(d)}
    assert got == {b["name"] for b in bodies}


def garbage_files(template_bytes):
    rnd = random.Random(20180830).randbytes(4096)
    import zipfile
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    return {
        "random": rnd,
        "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + rnd[:200],
        "fake_zip": b"PK\x03\x04" + rnd,
        "other_zip": z.getvalue(),
        "truncated_xlsx": template_bytes[: len(template_bytes) // 2],
        "json": b'{"name":"\xe5\xbc\xa0\xe4\xb8\x89"}',
    }


@pytest.mark.parametrize("kind", ["random", "pdf", "fake_zip", "other_zip",
                                  "truncated_xlsx", "json"])
def test_garbage_file_is_refused_and_writes_nothing(staff, village_pool, template, admin, kind, audit_admin):
    V, _ = village_pool.take(NA_TOWN)
    d = staff.user("director", V)
    create(d, child_body(V))
    before = len(audit_entries(audit_admin, "child_import"))
    data = garbage_files(template.content)[kind]
    r = upload(d, data)
    assert r.status_code == 400, f"{kind}: {r.status_code} {r.text[:300]}"
    err = r.json()["error"]
    assert CJK.search(err["message"]), err
    assert "/tmp" not in err["message"], "the error shows a server path"
    assert total(d) == 1
    assert len(audit_entries(audit_admin, "child_import")) == before


@pytest.mark.parametrize("town,rows,tail,code,line", [
    (NA_TOWN, 40000, '张"三,男,2012-05-01\r\n'.encode(), "csv_malformed", None),
    (NA_TOWN_2, 12000, "张三,男,2012-05-01\r\n".encode().replace("三".encode(), b"\xc8\xfd"),
     "file_unreadable", "12002"),
], ids=["stray quote", "not utf-8"])
def test_a_file_broken_at_its_end_writes_nothing(staff, village_pool, template, admin,
                                                 town, rows, tail, code, line, audit_admin):
    """Rows are written while the file is still being read, in batches
    of at least 10,000 rows and two seconds: a file that breaks on its
    last line must leave nothing imported, not the batches before the
    break.  (Forty thousand rows take the test server — an ASan build —
    well past one batch.)  The break: a stray quote, or a byte that is
    not UTF-8 after the first MiB, on which the encoding was chosen (the
    whole-file read checks the rest and names the line)."""
    V, _ = village_pool.take(town)
    d = staff.user("director", V)
    before = len(audit_entries(audit_admin, "child_import"))
    bodies = [child_body(V, birth=birth_for_age(2 + i % 14, days_after_birthday=1 + i % 360))
              for i in range(rows)]
    data = csv_bytes(template.content, [row_of(b) for b in bodies])
    assert len(data) > 1 << 20
    r = upload(d, data + tail, content_type="text/csv")
    assert_error(r, 400, code)
    if line:
        assert line in r.json()["error"]["message"]
    assert total(d) == 0
    assert len(audit_entries(audit_admin, "child_import")) == before


def test_wrong_header_is_bad_template(staff, village_pool, template):
    V, _ = village_pool.take(NA_TOWN)
    d = staff.user("director", V)
    b = child_body(V)
    data, _ = filled_template(template.content, [row_of(b)])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        if row[0].value == "姓名*":
            row[1].value, row[2].value = row[2].value, row[1].value  # swap two columns
            break
    out = io.BytesIO()
    wb.save(out)
    # columns are taken by their titles (issue #20): the swapped titles
    # are read where they are, and the cells under them refused by name
    r = upload(d, out.getvalue())
    assert_status(r, 200)
    assert r.json()["failed"] == 1 and "性别（C" in r.json()["errors"][0]["reason"], r.json()
    # a sheet without the header row at all
    wb = openpyxl.Workbook()
    wb.active.append(["名字", "性别", "生日"])
    wb.active.append([b["name"], "男", b["birth_date"]])
    out = io.BytesIO()
    wb.save(out)
    assert_error(upload(d, out.getvalue()), 400, "bad_template")
    # a csv with another header
    assert_error(upload(d, "名字,性别\r\n张三,男\r\n".encode(), content_type="text/csv"),
                 400, "bad_template")
    assert total(d) == 0


def test_import_needs_csrf_a_writer_and_a_file(staff, batch):
    r = upload(batch.d, batch.xlsx, csrf=False)
    assert_error(r, 403, "csrf_failed")
    for role, region in (("province", "22"), ("city", "2201"), ("auditor", NA_COUNTY)):
        u = staff.user(role, region)
        assert_error(upload(u, batch.xlsx), 403, "forbidden")
    r = batch.d.post("/children/import", data=b"", headers={"Content-Type": "text/csv"})
    assert r.status_code == 400, r.text
    assert "error" in r.json()


# --------------------------------------------------------------------------
# export


class Roll:
    """A fresh village with a few children, one exited."""

    def __init__(self, staff, pool):
        self.code, self.name = pool.take(NA_TOWN)
        self.d = staff.user("director", self.code)
        self.kids = [
            create(self.d, child_body(self.code, father="migrant_out_province",
                                      mother="migrant_out_province", contact_phone="13812340001")),
            create(self.d, child_body(self.code, father="migrant_in_province",
                                      mother="deceased", age=14)),
            create(self.d, child_body(self.code, father="at_home", mother="at_home",
                                      guardianship="poor")),
            create(self.d, child_body(self.code, with_id=False, father="at_home",
                                      mother="at_home", age=4, education="preschool")),
        ]
        gone = create(self.d, child_body(self.code))
        assert_status(self.d.post(f"/children/{gone['id']}/exit",
                                  json={"reason": "moved_away", "date": iso(today_cn()),
                                        "note": "迁出"}), 200)
        self.gone = gone


@pytest.fixture(scope="module")
def roll(staff, village_pool):
    return Roll(staff, village_pool)


def export(c, **params):
    r = c.get("/children/export", params=params)
    assert_status(r, 200)
    assert r.headers["Content-Type"].split(";")[0] == XLSX_TYPE
    assert "attachment" in r.headers.get("Content-Disposition", "")
    rows = xlsx_rows(r.content)
    h = header_index(rows, "序号")
    return rows[:h], [str(v) for v in rows[h]], rows[h + 1:]


@pytest.mark.parametrize("params", [
    {}, {"category": "left_behind"}, {"flag": "poor_guardianship"}, {"status": "exited"},
    {"age_max": 10}, {"age_min": 12, "category": "left_behind"}, {"q": "不存在的人"},
    {"flag": "no_hukou"}, {"sort": "birth_date", "order": "desc"},
])
def test_export_rows_match_the_list(roll, params):
    head, cols, rows = export(roll.d, **params)
    items = all_items(roll.d, **params)
    assert len(rows) == len(items), (params, len(rows), len(items))
    ni = cols.index("姓名")
    assert [r[ni] for r in rows] == [i["name"] for i in items]
    # the file carries the whole numbers the list masks (issue #23: a list
    # masks ID numbers for every role; an export follows the role)
    ii = cols.index("身份证号")
    whole = {k["id"]: k["id_number"] for k in roll.kids + [roll.gone]}
    assert [r[ii] or None for r in rows] == [whole[i["id"]] for i in items]


def test_export_header_lines(roll):
    head, cols, rows = export(roll.d)
    lines = " ".join(str(v) for row in head for v in row if v)
    path = "吉林省 / 长春市 / 农安县 / 农安镇 / " + roll.name
    assert path in lines, lines
    assert iso(today_cn()) in lines, lines
    # a region filter names that region in the header
    county = roll.d  # the director's own village given explicitly
    head, _, _ = export(county, region=roll.code)
    assert path in " ".join(str(v) for row in head for v in row if v)


def test_export_header_of_a_county(staff, roll):
    c = staff.user("county", NA_COUNTY)
    head, cols, rows = export(c, region=NA_TOWN, q=roll.kids[0]["name"])
    lines = " ".join(str(v) for row in head for v in row if v)
    assert "吉林省 / 长春市 / 农安县 / 农安镇" in lines, lines
    assert "农安镇 / " not in lines, lines
    assert iso(today_cn()) in lines
    assert len(rows) == 1


def test_export_header_describes_the_status_filter(roll):
    head, _, rows = export(roll.d, status="exited")
    assert len(rows) == 1
    lines = " ".join(str(v) for row in head for v in row if v)
    assert "全部在册" not in lines


@pytest.mark.parametrize("role,region", [("city", "2201"), ("province", "22")])
def test_export_is_masked_for_city_and_province(staff, roll, role, region):
    u = staff.user(role, region)
    head, cols, rows = export(u, region=roll.code)
    ii, pi = cols.index("身份证号"), cols.index("联系电话")
    assert len(rows) == 4
    for r in rows:
        if r[ii]:
            assert MASKED_ID.match(str(r[ii])), r
    blob = str(rows)
    for k in roll.kids:
        if k["id_number"]:
            assert k["id_number"] not in blob
    assert "13812340001" not in blob
    assert "138****0001" in [str(r[pi]) for r in rows]


def test_export_invalid_query_and_roles(staff, roll, admin):
    assert_error(roll.d.get("/children/export", params={"category": "x"}), 400, "invalid_query")
    assert_error(roll.d.get("/children/export", params={"age_min": "x"}), 400, "invalid_query")
    for u in (admin, staff.user("auditor", "22")):
        assert_error(u.get("/children/export"), 403, "forbidden")


def test_an_import_shows_on_the_dashboard_at_once(staff, village_pool,
                                                  template):
    """New records have no stats trigger (migration 12): the import marks
    the figures of each village it wrote stale itself.  Dashboards read
    just before the import count its rows just after, village and county."""
    county = staff.user("county", NA_COUNTY)
    villages = [village_pool.take(NA_TOWN_2)[0], village_pool.take(NA_TOWN_2)[0]]

    def active(region):
        r = county.get("/dashboard", params={"region": region})
        assert_status(r, 200)
        return r.json()["children"]["active"]

    before = {v: active(v) for v in villages + [NA_COUNTY]}
    rows = [row_of(child_body(v)) for v in villages for _ in range(2)]
    rows.append(row_of(child_body(villages[1], with_id=False)))
    body = imported(upload(county, csv_bytes(template.content, rows)))
    assert (body["imported"], body["failed"]) == (5, 0), body
    assert active(villages[0]) == before[villages[0]] + 2
    assert active(villages[1]) == before[villages[1]] + 3
    assert active(NA_COUNTY) == before[NA_COUNTY] + 5


def test_a_row_after_a_refused_twin_is_imported(staff, village_pool, template):
    """Only rows that passed every check are "earlier rows" of the file: a
    row whose village was refused does not make the next row with its ID
    number a duplicate (the reader counts the numbers, the writer takes
    the refused ones off); a third row with it is one."""
    V, _ = village_pool.take(NA_TOWN_2)
    assert V != VIL_A
    d = staff.user("director", V)
    b = child_body(V)
    outside = dict(b, region_code=VIL_A, name=unique_name())
    twin = dict(b, name=unique_name())
    data, first = filled_template(template.content,
                                  [row_of(outside), row_of(b), row_of(twin)])
    res = imported(upload(d, data))
    assert (res["rows"], res["imported"], res["skipped"], res["failed"]) == (3, 1, 1, 1), res
    assert [(e["row"], e["skipped"]) for e in res["errors"]] == [(first, False), (first + 2, True)]
    assert "前面的行重复" in res["errors"][1]["reason"]
    assert [i["name"] for i in all_items(d)] == [b["name"]]


# --------------------------------------------------------------------------
# the command line: `guanai import children`, beside a server or alone


ALONE = "导入时没有其他程序打开数据库：整个文件在一个事务中写入"


def cli_import(guanai, url, region, path):
    """Imports `path` with the command line as a new officer of `region`'s
    county."""
    name = "imp_" + uuid.uuid4().hex[:8]
    r = guanai.run("user", "add", "--db", url, "--username", name, "--role", "county",
                   "--region", region[:6])
    assert r.returncode == 0, r.stderr
    return name, guanai.run("import", "children", "--db", url, "--as", name, str(path))


def on_copy(db, url, sql):
    """The rows of a query on a copy of the database, as tuples of text."""
    if db.kind == "sqlite":
        con = sqlite3.connect(url)
        try:
            return [tuple(str(v) for v in r) for r in con.execute(sql)]
        finally:
            con.close()
    return [tuple(ln.split("|")) for ln in psql(url, sql).stdout.splitlines()]


def names_on(db, url, bodies):
    names = ",".join(f"'{b['name']}'" for b in bodies)
    return {r[0] for r in on_copy(db, url, f"SELECT name FROM children WHERE name IN ({names})")}


def test_cli_import_alone(guanai, db, template, tmp_path):
    """With nobody else on the database, the command line's import has it
    to itself (on SQLite it leaves WAL while it runs and writes the file in
    one transaction).  It stores what the server's import stores, writes
    the report beside the file and the audit entry, and leaves the
    database as it found it: in WAL, with no journal behind."""
    url = db.copy("cli-import")
    good = [child_body(VIL_A) for _ in range(3)]
    bad = child_body(VIL_A)
    bad["id_number"] = bad_check(bad["id_number"])
    data, _ = filled_template(template.content, [row_of(b) for b in good + [bad]])
    f = tmp_path / "children.xlsx"
    f.write_bytes(data)
    who, r = cli_import(guanai, url, VIL_A, f)
    assert r.returncode == 0, r.stderr
    assert "读取 4 行：导入 3，跳过 0（已登记或重复），失败 1" in r.stdout, r.stdout
    assert (ALONE in r.stdout) == (db.kind == "sqlite"), r.stdout
    assert (tmp_path / "children.xlsx.errors.xlsx").is_file()
    assert names_on(db, url, good + [bad]) == {b["name"] for b in good}
    entries = on_copy(db, url, "SELECT detail FROM audit_log WHERE action = 'child_import'"
                      f" AND actor = '{who}'")
    assert [json.loads(e[0]) for e in entries] == [
        {"rows": 4, "imported": 3, "skipped": 0, "failed": 1}]
    if db.kind == "sqlite":
        assert on_copy(db, url, "PRAGMA journal_mode") == [("wal",)]
        assert not os.path.exists(url + "-journal")
    # the same file again: nothing new
    _, r = cli_import(guanai, url, VIL_A, f)
    assert r.returncode == 0, r.stderr
    assert "导入 0，跳过 3" in r.stdout, r.stdout


@pytest.mark.parametrize("tail,line", [
    ('张"三,男,2012-05-01\r\n'.encode(), None),
    ("张三,男,2012-05-01\r\n".encode().replace("三".encode(), b"\xc8\xfd"), "12002"),
], ids=["stray quote", "not utf-8"])
def test_cli_import_of_a_file_broken_at_its_end_writes_nothing(guanai, db, template,
                                                               tmp_path, tail, line):
    """Alone, the whole file is one transaction, checked by the import's
    own read: a stray quote, or a byte that is not UTF-8 past the first
    MiB, on its last line leaves none of the 12,000 rows before it."""
    url = db.copy("cli-broken")
    bodies = [child_body(VIL_A, birth=birth_for_age(2 + i % 14, days_after_birthday=1 + i % 360))
              for i in range(12000)]
    f = tmp_path / "broken.csv"
    data = csv_bytes(template.content, [row_of(b) for b in bodies])
    assert len(data) > 1 << 20
    f.write_bytes(data + tail)
    who, r = cli_import(guanai, url, VIL_A, f)
    assert r.returncode != 0
    assert CJK.search(r.stderr), r.stderr
    if line:
        assert f"第{line}行的文字编码" in r.stderr, r.stderr
    assert names_on(db, url, bodies[:50] + bodies[-50:]) == set()
    assert on_copy(db, url, "SELECT count(*) FROM audit_log WHERE action = 'child_import'"
                   f" AND actor = '{who}'") == [("0",)]
    if db.kind == "sqlite":
        assert on_copy(db, url, "PRAGMA journal_mode") == [("wal",)]


def test_cli_import_beside_the_running_server(guanai, db, server, staff, village_pool,
                                              template, tmp_path):
    """With a server on the database the command line's import cannot
    have it alone: it writes in batches beside the server, which shows
    the rows at once and goes on serving."""
    V, _ = village_pool.take(NA_TOWN_2)
    d = staff.user("director", V)
    bodies = [child_body(V) for _ in range(2)]
    data, _ = filled_template(template.content, [row_of(b) for b in bodies])
    f = tmp_path / "children.xlsx"
    f.write_bytes(data)
    _, r = cli_import(guanai, db.url, V, f)
    assert r.returncode == 0, r.stderr
    assert "导入 2" in r.stdout, r.stdout
    assert ALONE not in r.stdout, r.stdout
    assert {i["name"] for i in all_items(d)} == {b["name"] for b in bodies}
    create(d, child_body(V))
    assert total(d) == 3
    if db.kind == "sqlite":
        assert on_copy(db, db.url, "PRAGMA journal_mode") == [("wal",)]
