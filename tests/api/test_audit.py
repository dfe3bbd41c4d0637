"""Audit: events are logged and scoped; the hash chain detects tampering."""

import hashlib
import json
import os
import re
import sqlite3
import stat
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from children_util import child_body, create, get_child
from conftest import (COUNTY, COUNTY_B, TOWNSHIP, VILLAGE, VILLAGE_B, Client,
                      assert_error, assert_status, audit_key_of, free_port,
                      psql, strong_password)

ENTRY_KEYS = {"seq", "at", "actor", "action", "target", "region_code", "ip", "detail"}

# Townships of 双阳区 (220112), which no other test file uses: the children
# these tests make (and their ID numbers) and the villages they take from
# the pool are theirs alone.
SY_TOWN_A = "220112003"  # 奢岭街道: this file and test_backup.py
SY_TOWN_B = "220112004"  # 山河街道: test_audit_tally.py


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
def pristine(admin, db, guanai, staff, village_pool):
    """A copy of the live database with a healthy log of some length,
    reads of a child's record among its entries."""
    for i in range(3):
        name = "tamper" + uuid.uuid4().hex[:8]
        r = admin.post("/users", json={"username": name, "role": "director",
                                       "region_code": VILLAGE})
        assert_status(r, 201)
        c = Client(admin.base)
        c.login(name, "Wrong-tamper-1")
        c.login_ok(name, r.json()["one_time_password"])
    v, _ = village_pool.take(SY_TOWN_A)
    d = staff.user("director", v)
    kid = create(d, child_body(v))
    for _ in range(3):
        get_child(d, kid["id"])
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


# --------------------------------------------------------------------------
# the attacker who recomputes the chain (issue #17 item 7)
#
# Each attack changes the log as someone who can write the database file
# (but cannot read the audit key) would, then links every entry from the
# change on again with plain SHA-256, exactly as guanai links them without
# a key, sets the head to the new last entry, and puts the append-only
# triggers back as they were.  Before the key, `audit verify` passed all
# of them.


def sha_link(prev, e):
    """guanai's SHA-256 link (domain/core/audit.c): length-prefixed fields."""
    h = hashlib.sha256()
    for f in (prev, str(e["seq"]), str(e["at"]), e["actor"], e["action"],
              e["target"], e["region_code"], e["ip"], e["detail"]):
        b = str(f).encode()
        h.update(f"{len(b)}:".encode() + b)
    return h.hexdigest()


class Attacker(AuditTable):
    """Rewrites a copy's log and recomputes its chain and head."""

    def guard_sql(self):
        """(SQL that lifts the append-only triggers, SQL that restores
        them exactly)."""
        if self.kind == "sqlite":
            con = sqlite3.connect(self.url)
            try:
                trig = list(con.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type='trigger' "
                    "AND tbl_name='audit_log'"))
            finally:
                con.close()
            assert len(trig) == 2, trig
            return ("".join(f"DROP TRIGGER {n};" for n, _ in trig),
                    "".join(f"{sql};" for _, sql in trig))
        return ("ALTER TABLE audit_log DISABLE TRIGGER USER;",
                "ALTER TABLE audit_log ENABLE TRIGGER USER;")

    def rewrite(self, rows, first):
        """Replaces the log from seq `first` on with `rows` (every entry,
        in order, numbered from 1), linked again from there on."""
        rows = [dict(r) for r in rows]
        for i, r in enumerate(rows):
            assert r["seq"] == rows[0]["seq"] + i, "rows must be numbered in turn"
            if r["seq"] >= first:
                prev = rows[i - 1]["hash"] if i else "0" * 64
                r["prev_hash"] = prev
                r["hash"] = sha_link(prev, r)
        off, on = self.guard_sql()
        cols = ["seq", "at", "actor", "action", "target", "region_code", "ip",
                "detail", "prev_hash", "hash"]
        sql = off + f"DELETE FROM audit_log WHERE seq >= {first};"
        for r in rows:
            if r["seq"] >= first:
                sql += (f"INSERT INTO audit_log ({', '.join(cols)}) VALUES ("
                        + ", ".join(lit(r[c]) for c in cols) + ");")
        last = rows[-1]
        sql += (f"UPDATE audit_head SET seq = {last['seq']}, "
                f"hash = {lit(last['hash'])};") + on
        assert self.execute(sql), "the attacker's rewrite failed"
        return rows


def renumber(rows):
    base = rows[0]["seq"]
    return [dict(r, seq=base + i) for i, r in enumerate(rows)]


def attack_edit(rows):
    k = len(rows) // 2
    rows = [dict(r) for r in rows]
    rows[k]["detail"] = '{"tampered":true}'
    return rows, rows[k]["seq"]


def attack_delete(rows):
    k = len(rows) // 2
    return renumber(rows[:k] + rows[k + 1:]), rows[k]["seq"]


def attack_insert(rows):
    k = len(rows) // 2
    forged = dict(rows[k], actor="admin", action="user_create", target="forged",
                  detail="{}")
    return renumber(rows[:k] + [forged] + rows[k:]), rows[k]["seq"]


def attack_reorder(rows):
    k = len(rows) // 2
    a, b = rows[k], rows[k + 1]
    swapped = rows[:k] + [dict(b, seq=a["seq"]), dict(a, seq=b["seq"])] + rows[k + 2:]
    return swapped, a["seq"]


def attack_cut_tail(rows):
    return rows[:-3], rows[-3]["seq"]


def attack_purge_child_reads(rows):
    kept = [r for r in rows if r["action"] != "child_read"]
    first = next(r["seq"] for r in rows if r["action"] == "child_read")
    return renumber(kept), first


@pytest.mark.parametrize("attack", [attack_edit, attack_delete, attack_insert,
                                    attack_reorder, attack_cut_tail,
                                    attack_purge_child_reads],
                         ids=["edit", "delete", "insert", "reorder", "cut tail",
                              "purge child_read"])
def test_rechained_attack_is_caught(guanai, db, pristine, attack):
    t = Attacker(db.kind, db.copy_of(pristine, "rechain"))
    rows = t.rows()
    assert sum(r["action"] == "child_read" for r in rows) >= 3
    new, first = attack(rows)
    t.rewrite(new, first)
    # the attacker's chain is consistent: the links as guanai checks them
    after = t.rows()
    assert [r["seq"] for r in after] == list(range(1, len(after) + 1))
    for prev, cur in zip(after, after[1:]):
        assert cur["prev_hash"] == prev["hash"]
    assert {"audit_log_no_update", "audit_log_no_delete"} <= t.triggers()
    if attack is attack_purge_child_reads:
        assert not [r for r in after if r["action"] == "child_read"]
    r = verify(guanai, t.url)
    assert_names(r, [first])
    assert "密钥" in r.stdout + r.stderr, r.stdout


def test_dropped_triggers_are_caught(guanai, db, pristine):
    t = AuditTable(db.kind, db.copy_of(pristine, "notrig"))
    on = "" if db.kind == "sqlite" else " ON audit_log"
    assert t.execute(f"DROP TRIGGER audit_log_no_update{on};")
    r = verify(guanai, t.url)
    assert r.returncode != 0, r.stdout
    assert "audit_log_no_update" in r.stdout, r.stdout
    assert "触发器" in r.stdout


def test_altered_or_disabled_triggers_are_caught(guanai, db, pristine):
    t = AuditTable(db.kind, db.copy_of(pristine, "weaktrig"))
    if db.kind == "sqlite":
        # made again, but blind to all but the newest rows
        assert t.execute(
            "DROP TRIGGER audit_log_no_delete;"
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "WHEN OLD.seq > 1000000 BEGIN SELECT RAISE(ABORT, "
            "'audit_log is append-only'); END;")
    else:
        assert t.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete;")
    r = verify(guanai, t.url)
    assert r.returncode != 0, r.stdout
    assert "audit_log_no_delete" in r.stdout and "被改动或停用" in r.stdout, r.stdout


def test_extra_trigger_is_caught(guanai, db, pristine):
    t = AuditTable(db.kind, db.copy_of(pristine, "extratrig"))
    if db.kind == "sqlite":
        sql = ("CREATE TRIGGER audit_head_x AFTER UPDATE ON audit_head "
               "BEGIN SELECT 1; END;")
    else:
        sql = ("CREATE TRIGGER audit_head_x AFTER UPDATE ON audit_head "
               "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();")
    assert t.execute(sql)
    r = verify(guanai, t.url)
    assert r.returncode != 0 and "audit_head_x" in r.stdout, r.stdout


# --------------------------------------------------------------------------
# the signed head kept elsewhere


def head_of(guanai, url, *extra):
    r = guanai.run("audit", "head", "--db", url, *extra, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "guanai-audit-head 1" in r.stdout
    return r.stdout


def anchored(guanai, url, anchor, tmp_path, *extra):
    f = tmp_path / f"anchor-{uuid.uuid4().hex[:6]}.txt"
    f.write_text(anchor)
    return guanai.run("audit", "verify", "--db", url, "--anchor", str(f), *extra,
                      timeout=300)


def add_user(guanai, url, *extra):
    """Appends entries through the command line, as a server would."""
    r = guanai.run("user", "add", "--db", url, "--username",
                   "anc" + uuid.uuid4().hex[:8], "--role", "director",
                   "--region", VILLAGE, *extra)
    assert r.returncode == 0, r.stderr


def field(anchor, name):
    return next(ln.split(" ", 1)[1] for ln in anchor.splitlines()
                if ln.startswith(name + " "))


def test_signed_head_verifies(guanai, db, pristine, tmp_path):
    url = db.copy_of(pristine, "head")
    anchor = head_of(guanai, url)
    rows = AuditTable(db.kind, url).rows()
    assert int(field(anchor, "seq")) == rows[-1]["seq"]
    assert field(anchor, "hash") == rows[-1]["hash"]
    r = anchored(guanai, url, anchor, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "与锚点" in r.stdout
    # the log goes on: an old anchor still holds
    add_user(guanai, url)
    assert anchored(guanai, url, anchor, tmp_path).returncode == 0


def test_anchor_catches_a_log_set_back(guanai, db, pristine, tmp_path):
    """The database replaced by an older copy of itself is a valid keyed
    chain; only the head kept elsewhere tells."""
    old = db.copy_of(pristine, "old")
    live = db.copy_of(old, "live")
    add_user(guanai, live)
    anchor = head_of(guanai, live)
    assert verify(guanai, old).returncode == 0
    r = anchored(guanai, old, anchor, tmp_path)
    assert r.returncode != 0, r.stdout
    assert_names(r, [int(field(anchor, "seq"))])
    assert "截断" in r.stdout, r.stdout


def test_anchor_catches_a_rebuilt_chain(guanai, db, pristine, tmp_path):
    """From a common past, two different futures: the anchor of one does
    not hold for the other at the same seq."""
    base = db.copy_of(pristine, "base")
    a, b = db.copy_of(base, "a"), db.copy_of(base, "b")
    add_user(guanai, a)
    add_user(guanai, b)
    anchor = head_of(guanai, a)
    assert verify(guanai, b).returncode == 0
    r = anchored(guanai, b, anchor, tmp_path)
    assert r.returncode != 0, r.stdout
    assert "不符" in r.stdout and "重建" in r.stdout, r.stdout


@pytest.mark.parametrize("change", ["seq", "hash", "sig"])
def test_anchor_edited_by_hand_is_refused(guanai, db, pristine, tmp_path, change):
    url = db.copy_of(pristine, "forge")
    anchor = head_of(guanai, url)
    lines = anchor.splitlines()
    for i, ln in enumerate(lines):
        if ln.startswith(change + " "):
            v = ln.split(" ", 1)[1]
            if change == "seq":
                v = str(int(v) - 1)
            else:
                v = ("0" if v[0] != "0" else "1") + v[1:]
            lines[i] = f"{change} {v}"
    r = anchored(guanai, url, "\n".join(lines) + "\n", tmp_path)
    assert r.returncode != 0, r.stdout
    assert "签名无效" in r.stdout, r.stdout


def test_anchor_of_another_key_is_refused(guanai, db, pristine, tmp_path):
    url = db.copy_of(pristine, "otherkey")
    other_key = tmp_path / "other.audit-key"
    other = fresh_database(guanai, db, tmp_path, "--audit-key", str(other_key))
    anchor = head_of(guanai, other, "--audit-key", str(other_key))
    r = anchored(guanai, url, anchor, tmp_path)
    assert r.returncode != 0, r.stdout
    assert "不是用此数据库的审计密钥签名的" in r.stdout, r.stdout


@pytest.mark.parametrize("text", ["", "hello\n", "guanai-audit-head 1\nseq 1\n",
                                  "guanai-audit-head 1\n" + "key x\n" * 2])
def test_malformed_anchor_is_refused(guanai, db, pristine, tmp_path, text):
    url = db.copy_of(pristine, "badanchor")
    r = anchored(guanai, url, text, tmp_path)
    assert r.returncode != 0
    assert "锚点文件无效" in r.stderr, r.stderr


def test_head_refuses_a_tampered_log(guanai, db, pristine):
    t = Attacker(db.kind, db.copy_of(pristine, "nohead"))
    new, first = attack_edit(t.rows())
    t.rewrite(new, first)
    r = guanai.run("audit", "head", "--db", t.url)
    assert r.returncode != 0
    assert "guanai-audit-head" not in r.stdout
    assert "审计日志被篡改" in r.stdout


# --------------------------------------------------------------------------
# the audit key


def fresh_database(guanai, db, tmp_path, *extra):
    """A new database (initialised with `extra` options); its URL."""
    if db.kind == "sqlite":
        url = str(tmp_path / f"fresh-{uuid.uuid4().hex[:6]}.db")
    else:
        from conftest import pg_url_for
        name = f"guanai_fresh_{uuid.uuid4().hex[:8]}"
        psql(db.pg_base, f'CREATE DATABASE "{name}"')
        db._copies.append(name)
        url = pg_url_for(db.pg_base, name)
    r = guanai.run("init", "--db", url, *extra)
    assert r.returncode == 0, r.stderr
    return url


def without_key(db, url, tmp_path):
    """Options under which guanai finds no key for `url`."""
    if db.kind == "sqlite":
        os.unlink(f"{url}.audit-key")
        return []
    return ["--audit-key", str(tmp_path / "no-such.audit-key")]


def test_init_writes_a_private_key(db, guanai, server):
    key = Path(audit_key_of(db.url))
    st = key.stat()
    assert stat.S_IMODE(st.st_mode) == 0o600
    text = key.read_text()
    assert "guanai-audit-key 1" in text and re.search(r"^secret [0-9a-f]{64}$", text, re.M)
    assert re.search(r"^start 1$", text, re.M)


def test_database_files_are_private(db, guanai, tmp_path):
    """The database, its WAL and its shared memory, and the key: 0600
    under the usual umask 022, with a server running on them."""
    if db.kind != "sqlite":
        pytest.skip("PostgreSQL keeps its own files")
    url = str(tmp_path / "private.db")
    umask = lambda: os.umask(0o022)  # noqa: E731
    r = subprocess.run([str(guanai.path), "init", "--db", url], capture_output=True,
                       text=True, timeout=300, preexec_fn=umask)
    assert r.returncode == 0, r.stderr
    port = free_port()
    srv = subprocess.Popen([str(guanai.path), "serve", "--db", url, "--listen",
                            f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, preexec_fn=umask)
    try:
        for _ in range(300):
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/v1/health",
                                timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        modes = {tail: oct(stat.S_IMODE(os.stat(url + tail).st_mode))
                 if os.path.exists(url + tail) else None
                 for tail in ("", "-wal", "-shm", ".audit-key")}
    finally:
        srv.terminate()
        srv.wait(30)
    assert modes == dict.fromkeys(("", "-wal", "-shm", ".audit-key"), "0o600"), modes


def test_server_refuses_to_start_without_its_key(guanai, db, pristine, tmp_path):
    url = db.copy_of(pristine, "nokey")
    extra = without_key(db, url, tmp_path)
    r = subprocess.run([str(guanai.path), "serve", "--db", url, "--listen",
                        "127.0.0.1:1", *extra], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0
    assert "审计日志使用密钥" in r.stderr and "不存在" in r.stderr, r.stderr
    # nor may the command line write to it
    r = guanai.run("user", "add", "--db", url, "--username", "nokey" + uuid.uuid4().hex[:6],
                   "--role", "director", "--region", VILLAGE, *extra)
    assert r.returncode != 0 and "审计密钥" in r.stderr, r.stderr
    assert AuditTable(db.kind, url).rows() == AuditTable(db.kind, pristine).rows()


def test_server_refuses_another_databases_key(guanai, db, pristine, tmp_path):
    url = db.copy_of(pristine, "wrongkey")
    other_key = tmp_path / "wrong.audit-key"
    fresh_database(guanai, db, tmp_path, "--audit-key", str(other_key))
    r = subprocess.run([str(guanai.path), "serve", "--db", url, "--listen",
                        "127.0.0.1:1", "--audit-key", str(other_key)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "不属于此数据库" in r.stderr, r.stderr


def test_a_key_readable_by_others_is_refused(guanai, db, pristine, tmp_path):
    url = db.copy_of(pristine, "openkey")
    key = tmp_path / "open.audit-key"
    key.write_bytes(Path(audit_key_of(pristine)).read_bytes())
    key.chmod(0o644)
    r = guanai.run("audit", "verify", "--db", url, "--audit-key", str(key))
    assert r.returncode != 0
    assert "权限过宽" in r.stderr, r.stderr
    key.chmod(0o600)
    assert guanai.run("audit", "verify", "--db", url, "--audit-key", str(key)).returncode == 0


def test_a_stray_key_is_never_adopted(guanai, db, pristine, tmp_path):
    """The database's record of its key cleared (and the log relinked
    without it): the key file beside it is not taken up silently."""
    t = Attacker(db.kind, db.copy_of(pristine, "stray"))
    t.rewrite(t.rows(), 1)
    assert t.execute("UPDATE audit_head SET key_id = '', mac = '';")
    key = audit_key_of(t.url)
    r = guanai.run("init", "--db", t.url)
    assert r.returncode != 0
    assert "已存在，但数据库没有启用它的记录" in r.stderr, r.stderr
    # and verify, with the key, sees the chain is not the key's
    r = guanai.run("audit", "verify", "--db", t.url, "--audit-key", key)
    assert r.returncode != 0, r.stdout


def test_an_upgraded_database_is_keyed_from_then_on(guanai, db, pristine, tmp_path):
    """A database from before the key: its log linked with SHA-256 only,
    no key recorded.  It verifies (with a warning), is refused by the
    server until `init` makes its key, then keeps its old links and keys
    what follows; an old entry changed and relinked is caught at the
    first keyed one."""
    t = Attacker(db.kind, db.copy_of(pristine, "upgrade"))
    t.rewrite(t.rows(), 1)
    assert t.execute("UPDATE audit_head SET key_id = '', mac = '';")
    if db.kind == "sqlite":
        os.unlink(f"{t.url}.audit-key")
        key = []
    else:
        key = ["--audit-key", str(tmp_path / f"up-{uuid.uuid4().hex[:6]}.audit-key")]
    n = len(t.rows())
    r = guanai.run("audit", "verify", "--db", t.url, *key)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "尚未启用密钥" in r.stderr
    r = subprocess.run([str(guanai.path), "serve", "--db", t.url, "--listen",
                        "127.0.0.1:1", *key], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "guanai init" in r.stderr, r.stderr
    r = guanai.run("init", "--db", t.url, *key)
    assert r.returncode == 0, r.stderr
    assert "审计密钥已写入" in r.stdout
    add_user(guanai, t.url, *key)
    r = guanai.run("audit", "verify", "--db", t.url, *key)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"第 {n + 1} 条起以审计密钥校验" in r.stdout, r.stdout
    rows = t.rows()
    assert len(rows) > n
    rows[n // 2]["actor"] = "someone_else"
    t.rewrite(rows, rows[n // 2]["seq"])
    r = guanai.run("audit", "verify", "--db", t.url, *key)
    assert_names(r, [n + 1])
