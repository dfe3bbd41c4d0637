"""Audit: events are logged and scoped; the hash chain detects tampering."""

import json
import re
import sqlite3
import uuid

import pytest

from conftest import (COUNTY, COUNTY_B, TOWNSHIP, VILLAGE, VILLAGE_B, Client,
                      assert_error, assert_status, psql, strong_password)

ENTRY_KEYS = {"seq", "at", "actor", "action", "target", "region_code", "ip", "detail"}


def entries(client, limit_pages=50, **params):
    """All entries (newest first) of GET /audit with these filters."""
    out, page, total = [], 1, None
    while page <= limit_pages:
        r = client.get("/audit", params={**params, "page": page, "page_size": 200})
        assert_status(r, 200)
        body = r.json()
        total = body["total"] if total is None else total
        out += body["items"]
        if len(body["items"]) < 200:
            break
        page += 1
    return out, total


def text(entry):
    return json.dumps(entry, ensure_ascii=False)


def by(entry, client):
    """The entry's actor is this client's user (by username or id)."""
    actor = entry.get("actor")
    return actor in (client.username, str(client.user["id"]), client.user["id"])


def find(items, action, *needles):
    hits = [e for e in items if e["action"] == action
            and all(n in text(e) for n in needles)]
    assert hits, f"no {action} entry mentioning {needles}"
    return hits


def test_events_are_logged(accounts, admin, audit_admin):
    c = accounts.ready("county", COUNTY)
    d, otp = accounts.create("director", VILLAGE, creator=c)
    name = d["username"]
    wrong = "Wrong-audit-" + uuid.uuid4().hex[:6]

    anon = Client(c.base)
    assert_error(anon.login(name, wrong), 401, "invalid_credentials")
    n = Client(c.base)
    n.login_ok(name, otp)
    new = strong_password()
    assert_status(n.change_password(new), 200)
    assert_status(n.delete("/session"), 204)
    assert_status(c.patch(f"/users/{d['id']}", json={"display_name": "审计对象"}), 200)
    r = c.post(f"/users/{d['id']}/password-reset")
    assert_status(r, 200)
    otp2 = r.json()["one_time_password"]
    for _ in range(5):
        anon.login(name, wrong)
    assert_status(c.post(f"/users/{d['id']}/unlock"), 200)
    region_name = "审计区" + uuid.uuid4().hex[:6]
    r = admin.post("/regions", json={"parent_code": "2205", "name": region_name})
    assert_status(r, 201)
    region_code = r.json()["code"]

    items, total = entries(audit_admin)
    assert total >= len(items) > 0

    assert any(by(e, c) for e in find(items, "user_create", name)), "creator not recorded"
    failed = find(items, "login_failed", name)
    assert len(failed) >= 5
    logins = find(items, "login", name)
    assert all(e["ip"] == "127.0.0.1" for e in logins), logins
    find(items, "password_change", name)
    find(items, "logout", name)
    assert any(by(e, c) for e in find(items, "user_update", name))
    assert any(by(e, c) for e in find(items, "user_password_reset", name))
    assert any(by(e, c) for e in find(items, "user_unlock", name))
    assert any(by(e, admin) for e in find(items, "region_create", region_code))
    # the login of the county officer itself
    find(items, "login", c.username)

    # no secret ever lands in the log
    everything = json.dumps(items, ensure_ascii=False)
    for secret in (otp, otp2, new, wrong, c.password):
        assert secret not in everything, "a password was written to the audit log"


def test_entries_newest_first_with_all_fields(audit_admin, accounts):
    accounts.ready("county", COUNTY)
    r = audit_admin.get("/audit", params={"page_size": 200})
    assert_status(r, 200)
    items = r.json()["items"]
    assert len(items) >= 3
    for e in items:
        assert ENTRY_KEYS <= set(e), e
        assert isinstance(e["seq"], int)
    seqs = [e["seq"] for e in items]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    # the next page continues below
    r2 = audit_admin.get("/audit", params={"page_size": 2, "page": 2})
    assert_status(r2, 200)
    assert [e["seq"] for e in r2.json()["items"]] == seqs[2:4]


def test_action_filter(audit_admin, accounts):
    c = accounts.ready("county", COUNTY)
    assert_status(c.delete("/session"), 204)
    items, total = entries(audit_admin, action="logout")
    assert items and total == len(items)
    assert {e["action"] for e in items} == {"logout"}
    find(items, "logout", c.username)
    all_items, all_total = entries(audit_admin)
    assert all_total > total


def test_audit_is_scoped(accounts, admin):
    c = accounts.ready("county", COUNTY)
    # something happens in the other county
    b = accounts.ready("county", COUNTY_B)
    accounts.create("director", VILLAGE_B, creator=b)
    items, total = entries(c)
    assert total == len(items), "total counts entries outside the scope"
    outside = [e for e in items
               if not (isinstance(e["region_code"], str)
                       and e["region_code"].startswith(COUNTY))]
    assert not outside, f"county sees entries outside its county: {outside[:3]}"
    assert not any(b.username in text(e) for e in items)
    find(items, "login", c.username)

    aud = accounts.ready("auditor", COUNTY_B)
    items, total = entries(aud)
    assert total == len(items)
    assert all(isinstance(e["region_code"], str) and e["region_code"].startswith(COUNTY_B)
               for e in items)
    find(items, "login", b.username)
    assert not any(c.username in text(e) for e in items)


@pytest.mark.parametrize("role,region", [("supervisor", TOWNSHIP), ("director", VILLAGE)])
def test_audit_roles(accounts, role, region):
    u = accounts.ready(role, region)
    assert_error(u.get("/audit"), 403, "forbidden")


def test_audit_cannot_be_changed_through_the_api(admin):
    for method in ("DELETE", "PATCH", "PUT", "POST"):
        assert_error(admin.request(method, "/audit", json={}), 405, "method_not_allowed")


# --------------------------------------------------------------------------
# tampering, on copies of the database


class AuditTable:
    """Direct access to audit_log in a copy, as an attacker with the file."""

    def __init__(self, kind, url):
        self.kind = kind
        self.url = url

    def rows(self):
        if self.kind == "sqlite":
            con = sqlite3.connect(self.url)
            con.row_factory = sqlite3.Row
            try:
                return [dict(r) for r in con.execute("SELECT * FROM audit_log ORDER BY seq")]
            finally:
                con.close()
        r = psql(self.url, "SELECT row_to_json(t) FROM audit_log t ORDER BY t.seq")
        return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]

    def triggers(self):
        if self.kind == "sqlite":
            con = sqlite3.connect(self.url)
            try:
                return {r[0] for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='trigger' "
                    "AND tbl_name='audit_log'")}
            finally:
                con.close()
        r = psql(self.url, "SELECT tgname FROM pg_trigger WHERE "
                           "tgrelid = 'audit_log'::regclass AND NOT tgisinternal")
        return set(r.stdout.split())

    def execute(self, sql):
        """Runs sql; returns True when the database accepted it."""
        if self.kind == "sqlite":
            con = sqlite3.connect(self.url, isolation_level=None)
            try:
                con.executescript(sql)
                return True
            except sqlite3.DatabaseError:
                return False
            finally:
                con.close()
        return psql(self.url, sql, check=False).returncode == 0

    def drop_triggers(self):
        on = "" if self.kind == "sqlite" else " ON audit_log"
        assert self.execute(f"DROP TRIGGER IF EXISTS audit_log_no_update{on};"
                            f"DROP TRIGGER IF EXISTS audit_log_no_delete{on};")
        assert not ({"audit_log_no_update", "audit_log_no_delete"} & self.triggers())


def lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (dict, list)):
        v = json.dumps(v, ensure_ascii=False)
    return "'" + str(v).replace("'", "''") + "'"


def verify(guanai, url):
    return guanai.run("audit", "verify", "--db", url, timeout=300)


def assert_names(r, seqs):
    out = r.stdout + r.stderr
    assert r.returncode != 0, f"audit verify passed a tampered log:\n{out}"
    named = [s for s in seqs
             if re.search(rf"(?<![0-9A-Za-z]){s}(?![0-9A-Za-z])", out)]
    assert named, f"audit verify does not name seq {seqs}:\n{out}"


@pytest.fixture(scope="module")
def pristine(admin, db, guanai):
    """A copy of the live database with a healthy log of some length."""
    for i in range(3):
        name = "tamper" + uuid.uuid4().hex[:8]
        r = admin.post("/users", json={"username": name, "role": "director",
                                       "region_code": VILLAGE})
        assert_status(r, 201)
        c = Client(admin.base)
        c.login(name, "Wrong-tamper-1")
        c.login_ok(name, r.json()["one_time_password"])
    url = db.copy("pristine")
    t = AuditTable(db.kind, url)
    assert len(t.rows()) >= 10
    return url


@pytest.fixture
def tamper(db, pristine):
    url = db.copy_of(pristine, "t")
    return AuditTable(db.kind, url)


def test_live_and_pristine_logs_verify(guanai, db, pristine):
    r = verify(guanai, db.url)
    assert r.returncode == 0, r.stdout + r.stderr
    r = verify(guanai, pristine)
    assert r.returncode == 0, r.stdout + r.stderr


def test_chain_links(tamper):
    rows = tamper.rows()
    seqs = [r["seq"] for r in rows]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "seq has gaps"
    for prev, cur in zip(rows, rows[1:]):
        assert cur["prev_hash"] == prev["hash"], f"seq {cur['seq']} not chained"
    assert len({r["hash"] for r in rows}) == len(rows)
    assert all(re.fullmatch(r"[0-9a-fA-F]{64,}", r["hash"]) for r in rows)


def test_triggers_block_update_and_delete(tamper):
    assert {"audit_log_no_update", "audit_log_no_delete"} <= tamper.triggers()
    rows = tamper.rows()
    k = rows[len(rows) // 2]
    assert not tamper.execute(
        f"UPDATE audit_log SET detail = '{{\"x\":1}}' WHERE seq = {k['seq']};")
    assert not tamper.execute(f"DELETE FROM audit_log WHERE seq = {k['seq']};")
    assert tamper.rows() == rows


def test_edit_detail_detected(guanai, tamper):
    rows = tamper.rows()
    k = rows[len(rows) // 2]["seq"]
    tamper.drop_triggers()
    assert tamper.execute(
        f"UPDATE audit_log SET detail = '{{\"tampered\":true}}' WHERE seq = {k};")
    assert_names(verify(guanai, tamper.url), [k])


def test_edit_actor_detected(guanai, tamper):
    rows = tamper.rows()
    k = rows[len(rows) // 3]["seq"]
    tamper.drop_triggers()
    assert tamper.execute(f"UPDATE audit_log SET actor = 'someone_else' WHERE seq = {k};")
    assert_names(verify(guanai, tamper.url), [k])


def test_delete_middle_row_detected(guanai, tamper):
    rows = tamper.rows()
    k = rows[len(rows) // 2]["seq"]
    tamper.drop_triggers()
    assert tamper.execute(f"DELETE FROM audit_log WHERE seq = {k};")
    # the gap itself, or the first entry whose link now fails
    assert_names(verify(guanai, tamper.url), [k, k + 1])


def test_delete_first_row_detected(guanai, tamper):
    """Cutting the oldest entry off: the chain must be anchored at its start."""
    rows = tamper.rows()
    first = rows[0]["seq"]
    tamper.drop_triggers()
    assert tamper.execute(f"DELETE FROM audit_log WHERE seq = {first};")
    assert_names(verify(guanai, tamper.url), [first, first + 1])


@pytest.mark.parametrize("where", ["end", "start"])
def test_insert_forged_row_detected(guanai, tamper, where):
    rows = tamper.rows()
    last, first = rows[-1], rows[0]
    fake = "f" * len(last["hash"])
    if where == "end":
        seq, at, prev = last["seq"] + 1, last["at"], last["hash"]
        expect = [seq]
    else:
        seq, at, prev = first["seq"] - 1, first["at"], first["prev_hash"]
        expect = [seq, first["seq"]]
    tamper.drop_triggers()
    assert tamper.execute(
        "INSERT INTO audit_log (seq, at, actor, action, target, region_code, ip, "
        "detail, prev_hash, hash) VALUES ("
        f"{seq}, {lit(at)}, 'admin', 'user_create', 'forged', '22', '127.0.0.1', "
        f"'{{}}', {lit(prev)}, {lit(fake)});")
    assert_names(verify(guanai, tamper.url), expect)


def test_swap_rows_detected(guanai, tamper):
    rows = tamper.rows()
    j = len(rows) // 2
    a, b = rows[j], rows[j + 1]
    cols = [c for c in a if c != "seq"]
    tamper.drop_triggers()

    def set_from(src, seq):
        sets = ", ".join(f"{c} = {lit(src[c])}" for c in cols)
        return f"UPDATE audit_log SET {sets} WHERE seq = {seq};"

    assert tamper.execute(set_from(b, a["seq"]) + set_from(a, b["seq"]))
    after = {r["seq"]: r for r in tamper.rows()}
    assert after[a["seq"]]["hash"] == b["hash"] and after[b["seq"]]["hash"] == a["hash"]
    assert_names(verify(guanai, tamper.url), [a["seq"]])


def test_untouched_copy_still_verifies_after_tamper_tests(guanai, db, pristine):
    assert verify(guanai, pristine).returncode == 0
    assert verify(guanai, db.url).returncode == 0


def test_verify_rejects_missing_database(guanai, workdir):
    r = guanai.run("audit", "verify", "--db", str(workdir / "does-not-exist.db"))
    assert r.returncode != 0
