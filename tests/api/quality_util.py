"""Helpers for the quarterly-verification tests (test_quality*.py):
quarters in China's time, the report / progress / sign-off / figures
wrappers with their documented shapes, and legacy rows written straight
into the session database (the classes behind the `rows`, `officers` and
`vil` fixtures of conftest.py; the clock server is conftest's too).

docs/API.md "Quarterly verification (季度核实更新)", SPEC §7 and the Q01–Q11
rules of §11.

Regions.  Sign-off and snapshots are per county and per quarter, so those
tests use whole counties nobody else in the suite touches (checked against
every constant in tests/api when this was written):
  SIGN_COUNTY   220271 吉林经济开发区 — the sign-off flow (two townships)
  FROZEN_COUNTY 220273 吉林中国新加坡食品区 — approval freezes the figures
  OTHER_COUNTY  220272 吉林高新技术产业开发区 — a county that is not frozen;
                due dates and lateness of a past quarter
Rule, verification and scope tests take fresh villages of RULE_TOWNS
(敦化市, 安图县, 磐石市, 汪清县) from the session's village pool.
"""

import datetime as dt
import json
import sqlite3
import time

from children_util import unique_name
from conftest import CJK, assert_status, psql
from helpers import quarter_of, today_cn

RULES = tuple(f"Q{i:02d}" for i in range(1, 12))
SEVERITIES = {"error", "warning", "info"}
SIGNOFF_STATES = {"open", "submitted", "changed", "returned", "approved"}

REPORT_KEYS = {"region_code", "region_name", "quarter", "as_of", "active",
               "counts", "rules", "items"}
ITEM_KEYS = {"rule", "child_id", "name", "region_code", "region_name",
             "message", "severity"}
SIGNOFF_KEYS = {"signoff", "signoff_by", "signoff_at", "signoff_comment"}
PROGRESS_KEYS = {"region_code", "region_name", "quarter", "due_on",
                 "items"} | SIGNOFF_KEYS
PROGRESS_ITEM_KEYS = {"code", "name", "level", "active", "verified", "pct",
                      "open_failures", "late"} | SIGNOFF_KEYS
FIGURES_KEYS = {"region_code", "region_name", "quarter", "frozen", "figures"}
FIGURES_INNER = {"active", "verified", "categories", "flags", "quality"}
CATEGORIES = {"left_behind", "orphan", "de_facto_unsupported",
              "difficult_poverty", "difficult_disability",
              "difficult_guardianship"}
FLAGS = {"unsupervised", "poor_guardianship", "dropout", "no_hukou", "ill",
         "disabled"}

SIGN_COUNTY = "220271"  # 吉林经济开发区
FROZEN_COUNTY = "220273"  # 吉林中国新加坡食品区
OTHER_COUNTY = "220272"  # 吉林高新技术产业开发区
# towns (镇) whose villages the rule, verification and scope tests take
RULE_TOWNS = ("222403110",  # 江南镇 (敦化市), 53 villages
              "222426100",  # 明月镇 (安图县), 45
              "220284100",  # 烟筒山镇 (磐石市), 49
              "222424101")  # 大兴沟镇 (汪清县), 37


# --------------------------------------------------------------------------
# quarters (the server's "today" is the date in China, UTC+8)


def quarter_bounds(q):
    """(first day, last day) of quarter `q` ("2026Q4")."""
    y, n = int(q[:4]), int(q[5])
    start = dt.date(y, 3 * n - 2, 1)
    nxt = dt.date(y + 1, 1, 1) if n == 4 else dt.date(y, 3 * n + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def shift_quarter(q, k):
    y, n = int(q[:4]), int(q[5]) - 1
    n += k
    y += n // 4
    return f"{y}Q{n % 4 + 1}"


def current_quarter():
    return quarter_of(today_cn())


def previous_quarter():
    return shift_quarter(current_quarter(), -1)


def registered_in(rows, cid, q):
    """Dates record `cid` as registered ten days before quarter `q` ended
    (a past quarter counts the records registered by its end, issue #19
    item 2); before anything read that quarter's figures."""
    end = quarter_bounds(q)[1] - dt.timedelta(days=10)
    t = dt.datetime(end.year, end.month, end.day, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows.set(cid, created_at=int(t.timestamp()))


def default_due(q):
    """The documented default: 15 days after the quarter ends."""
    return quarter_bounds(q)[1] + dt.timedelta(days=15)


# --------------------------------------------------------------------------
# the documented answers


def check_report(body):
    """A GET /quality answer as docs/API.md and SPEC §12 describe it."""
    assert set(body) == REPORT_KEYS, f"report keys {sorted(body)}"
    counts = body["counts"]
    assert set(counts) == set(RULES), f"counts keys {sorted(counts)}"
    for k, v in counts.items():
        assert isinstance(v, int) and not isinstance(v, bool) and v >= 0, (k, v)
    rules = body["rules"]
    assert [r["code"] for r in rules] == list(RULES), rules
    by_code = {}
    for r in rules:
        assert set(r) == {"code", "severity", "message", "count"}, r
        assert r["severity"] in SEVERITIES, r
        assert isinstance(r["message"], str) and CJK.search(r["message"]), r
        assert r["count"] == counts[r["code"]], (r, counts)
        by_code[r["code"]] = r
    assert isinstance(body["active"], int) and body["active"] >= 0
    for it in body["items"]:
        assert set(it) == ITEM_KEYS, f"item keys {sorted(it)}"
        rule = by_code[it["rule"]]
        assert it["message"] == rule["message"], (it, rule)
        assert it["severity"] == rule["severity"], (it, rule)
        assert isinstance(it["child_id"], int) and it["child_id"] > 0
        assert isinstance(it["name"], str) and it["name"]
        assert it["region_code"].startswith(body["region_code"]), (
            f"item outside the report's region: {it}")
    return body


def report(c, region=None, quarter=None, rule=None, **params):
    p = dict(params)
    if region is not None:
        p["region"] = region
    if quarter is not None:
        p["quarter"] = quarter
    if rule is not None:
        p["rule"] = rule
    r = c.get("/quality", params=p)
    assert_status(r, 200)
    return check_report(r.json())


def counts(c, region=None, quarter=None):
    return report(c, region, quarter)["counts"]


def failing(c, rule, region=None, quarter=None):
    """The ids of every record failing `rule` (all pages of `rule=`)."""
    out, page = [], 1
    while True:
        body = report(c, region, quarter, rule=rule, page=page, page_size=200)
        assert {i["rule"] for i in body["items"]} <= {rule}, body["items"]
        out += [i["child_id"] for i in body["items"]]
        if len(body["items"]) < 200:
            break
        page += 1
    assert len(out) == len(set(out)), f"{rule}: a record listed twice: {out}"
    assert len(out) == body["counts"][rule], (
        f"{rule}: count {body['counts'][rule]} but {len(out)} records listed")
    return set(out)


def fails(c, rule, cid, region=None, quarter=None):
    return cid in failing(c, rule, region, quarter)


def verify(c, cid, outcome="unchanged", quarter=None, status=200):
    body = {"outcome": outcome}
    if quarter is not None:
        body["quarter"] = quarter
    r = c.post(f"/children/{cid}/verify", json=body)
    assert_status(r, status)
    return r.json()


def check_signoff(x):
    """A sign-off as progress shows it: a state, and who set it, when and
    with what comment (all null while nobody has)."""
    assert x["signoff"] in SIGNOFF_STATES, x
    if x["signoff_by"] is None:
        assert x["signoff_at"] is None and x["signoff_comment"] is None, x
    else:
        assert isinstance(x["signoff_by"], str) and x["signoff_at"], x
    assert x["signoff_comment"] is None or x["signoff_comment"].strip(), x


def check_progress(body):
    assert set(body) == PROGRESS_KEYS, f"progress keys {sorted(body)}"
    dt.date.fromisoformat(body["due_on"])
    check_signoff(body)
    for it in body["items"]:
        assert set(it) == PROGRESS_ITEM_KEYS, f"progress item keys {sorted(it)}"
        check_signoff(it)
        assert isinstance(it["late"], bool), it
        assert isinstance(it["pct"], (int, float)) and 0 <= it["pct"] <= 100, it
        assert 0 <= it["verified"] <= it["active"], it
        assert isinstance(it["open_failures"], int) and it["open_failures"] >= 0
    return body


def progress(c, q, region=None):
    r = c.get(f"/quarters/{q}/progress",
              params={"region": region} if region else None)
    assert_status(r, 200)
    return check_progress(r.json())


def item_of(prog, code):
    found = [i for i in prog["items"] if i["code"] == code]
    assert len(found) == 1, f"{code} not once in progress items: {prog['items']}"
    return found[0]


def signoff(c, q, region, action, comment=None, status=200):
    body = {"region_code": region, "action": action}
    if comment is not None:
        body["comment"] = comment
    r = c.post(f"/quarters/{q}/signoffs", json=body)
    assert_status(r, status)
    return check_progress(r.json()) if status == 200 else r


def figures(c, q, region):
    r = c.get(f"/quarters/{q}/figures", params={"region": region})
    assert_status(r, 200)
    body = r.json()
    assert set(body) == FIGURES_KEYS, f"figures keys {sorted(body)}"
    f = body["figures"]
    assert set(f) == FIGURES_INNER, f"figures.figures keys {sorted(f)}"
    assert set(f["categories"]) == CATEGORIES, f["categories"]
    assert set(f["flags"]) == FLAGS, f["flags"]
    assert set(f["quality"]) == set(RULES), f["quality"]
    assert isinstance(body["frozen"], bool)
    return body


def set_due(c, q, due, status=200):
    r = c.put(f"/quarters/{q}", json={"due_on": due})
    assert_status(r, status)
    return r.json()


def visit(c, cid, date=None):
    body = {"visit_date": (date or today_cn()).isoformat(), "visitor": "走访员",
            "met": "祖母", "findings": {"living": "一般", "guardianship": "良好",
                                      "mental_health": "正常", "education": "在校"},
            "risk_level": "low", "follow_up": ""}
    r = c.post(f"/children/{cid}/visits", json=body)
    assert_status(r, 201)
    return r.json()


def confirm(c, cid):
    r = c.post(f"/children/{cid}/confirm")
    assert_status(r, 200)
    return r.json()


def exit_child(c, cid, reason="moved_away"):
    r = c.post(f"/children/{cid}/exit",
               json={"reason": reason, "date": today_cn().isoformat(),
                     "note": "迁往外省"})
    assert_status(r, 200)
    return r.json()


def townships(admin, county):
    r = admin.get("/regions", params={"parent": county})
    assert_status(r, 200)
    return [i for i in r.json()["items"] if i["level"] == "township"]


def villages(admin, township):
    r = admin.get("/regions", params={"parent": township})
    assert_status(r, 200)
    return [i for i in r.json()["items"] if i["level"] == "village"]


# --------------------------------------------------------------------------
# the rules a record fails by its own facts, from the record's JSON
#
# The server stores these in the `qflags` column on every create and edit
# (bit n-1 for rule Qn: Q01's guardian part, Q02, Q03, Q04, Q07, Q10; see
# the schema comment of migration 6 and src/domain/quarterly/quality.h) and the
# report reads that column.  This is the same derivation written from the
# documented rules; test_quality.py checks it against what the server
# stored for records it wrote itself before relying on it for legacy rows.

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
BIT = {"Q01": 1, "Q02": 2, "Q03": 4, "Q04": 8, "Q07": 64, "Q10": 512}


def _blank(v):
    return v is None or (isinstance(v, str) and not v.strip())


def phone_ok(p):
    """docs/API.md: an 11-digit mobile or a landline (0, area code,
    optional hyphen, number)."""
    if len(p) == 11 and p.isdigit() and p[0] == "1" and p[1] in "3456789":
        return True
    if not (10 <= len(p) <= 13) or p[0] != "0":
        return False
    if p.count("-") > 1 or p.startswith("-") or p.endswith("-"):
        return False
    digits = p.replace("-", "")
    return digits.isdigit() and 10 <= len(digits) <= 12


def derived_qflags(data):
    q = 0
    g = data.get("guardian")
    if not g or _blank(g.get("name")) or _blank(g.get("relationship")) or \
            _blank(g.get("phone")):
        q |= BIT["Q01"]
    if data.get("education") in ("out_of_school", "dropped_out") and \
            _blank(data.get("dropout_explanation")):
        q |= BIT["Q02"]
    idn = data.get("id_number")
    if idn:
        ok17 = len(idn) == 18 and idn[:17].isdigit()
        if not ok17 or _CHECK[sum(int(ch) * w for ch, w in zip(idn[:17], _W)) % 11] != idn[17]:
            q |= BIT["Q03"]
        birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}" if ok17 else None
        sex = ("male" if int(idn[16]) % 2 else "female") if ok17 else None
        if birth != data.get("birth_date") or sex != data.get("sex"):
            q |= BIT["Q04"]
    for who in ("father", "mother"):
        p = data.get(who)
        if not p or _blank(p.get("name")) or _blank(p.get("status")):
            q |= BIT["Q07"]
    phones = [data.get("contact_phone")]
    phones += [(data.get(k) or {}).get("phone") for k in ("father", "mother", "guardian")]
    if any(p and not phone_ok(p) for p in phones):
        q |= BIT["Q10"]
    return q


# --------------------------------------------------------------------------
# rows of the session database, for legacy records


_COLS = ("id", "region_code", "status", "name", "sex", "birth_date",
         "id_number", "active_id", "cat_base", "flags", "confirmed", "qflags",
         "contact_phone", "guardian_name", "version", "data", "created_at")


class Rows:
    """Reads and writes `children` rows of the session's database directly
    (sqlite3 on the SQLite file, psql on PostgreSQL), for records the API
    would refuse to write: what a legacy import left behind."""

    def __init__(self, db):
        self.db = db

    def get(self, cid):
        cols = ", ".join(_COLS)
        if self.db.kind == "sqlite":
            con = sqlite3.connect(self.db.url, timeout=60)
            try:
                row = con.execute(f"SELECT {cols} FROM children WHERE id = ?",
                                  (cid,)).fetchone()
            finally:
                con.close()
            assert row is not None, f"no row {cid}"
            out = dict(zip(_COLS, row))
        else:
            r = psql(self.db.url, f"SELECT row_to_json(t) FROM (SELECT {cols}"
                                  f" FROM children WHERE id = {int(cid)}) t")
            assert r.stdout.strip(), f"no row {cid}"
            out = json.loads(r.stdout.strip())
        out["data"] = json.loads(out["data"])
        return out

    def set(self, cid, **cols):
        vals = {k: (json.dumps(v, ensure_ascii=False, separators=(",", ":"))
                    if isinstance(v, dict) else v) for k, v in cols.items()}
        assert set(vals) <= set(_COLS) - {"id"}, vals
        if self.db.kind == "sqlite":
            sets = ", ".join(f"{k} = ?" for k in vals)
            for _ in range(50):
                con = sqlite3.connect(self.db.url, timeout=60)
                try:
                    cur = con.execute(f"UPDATE children SET {sets} WHERE id = ?",
                                      (*vals.values(), cid))
                    assert cur.rowcount == 1
                    con.commit()
                    return
                except sqlite3.OperationalError as e:  # busy past the timeout
                    last = e
                    time.sleep(0.2)
                finally:
                    con.close()
            raise last
        sets = ", ".join(f"{k} = {_pg_lit(v)}" for k, v in vals.items())
        psql(self.db.url, f"UPDATE children SET {sets} WHERE id = {int(cid)}")

    def legacy(self, cid, mutate, **extra):
        """Rewrites record `cid` as a legacy import could have left it:
        `mutate(data)` changes the record's JSON; the columns that copy
        facts of the JSON follow it, and `qflags` is what the server
        derives from those facts on every write (derived_qflags).
        `extra` sets further columns.  Returns (before, after) rows."""
        before = self.get(cid)
        data = json.loads(json.dumps(before["data"]))
        mutate(data)
        cols = {"data": data, "qflags": derived_qflags(data)}
        cols["id_number"] = data.get("id_number")
        if before["status"] == "active" and before["active_id"] is not None:
            cols["active_id"] = data.get("id_number")
        cols["birth_date"] = data["birth_date"]
        cols["contact_phone"] = data.get("contact_phone")
        cols.update(extra)
        self.set(cid, **cols)
        return before, self.get(cid)


def _pg_lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


# --------------------------------------------------------------------------
# fixtures shared by the test_quality*.py modules (imported there)

class Vil:
    """A fresh village of the rule towns and its director."""

    def __init__(self, code, name, director):
        self.code = code
        self.name = name
        self.d = director
        self.county = code[:6]
        self.town = code[:9]


def take_village(village_pool, staff):
    for town in RULE_TOWNS:
        try:
            code, name = village_pool.take(town)
        except AssertionError:
            continue
        return Vil(code, name, staff.user("director", code))
    raise AssertionError("the rule towns' villages are used up")


def guardian(**kw):
    """A complete 受委托监护人."""
    g = {"name": unique_name(), "relationship": "祖母", "phone": "13900001111"}
    g.update(kw)
    return g


# father migrant out of the province (child_body's default) and mother
# migrant inside it: left-behind while under 16 and rural.
LEFT_BEHIND = {"mother": "migrant_in_province"}
