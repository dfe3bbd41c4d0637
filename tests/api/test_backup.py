"""`guanai backup` and `guanai restore` (issue #16 item 4): a consistent
copy taken while the server runs and writes; put back only after the copy
passes its checks, never over a database in use, nor over an existing one
unless forced."""

import hashlib
import os
import shutil
import sqlite3
import stat
import threading
import time
import uuid
from pathlib import Path

import pytest

import itertools

from children_util import birth_for_age, child_body
from conftest import (VILLAGE, assert_status, audit_key_of, pg_url_for, psql,
                      strong_password)
from test_audit import SY_TOWN_A, Attacker, attack_edit


class WriteLoad:
    """Writers on the running server, each remembering what the server
    acknowledged and when: users created by the administrator, children
    registered by a village director."""

    def __init__(self, admin, director, village):
        self.admin, self.director, self.village = admin, director, village
        self.users, self.children = [], []  # (name, acknowledged at)
        self.stopping = threading.Event()
        self.errors = []
        self.threads = [threading.Thread(target=self._users),
                        threading.Thread(target=self._children)]

    def _users(self):
        while not self.stopping.is_set():
            name = "bk" + uuid.uuid4().hex[:10]
            r = self.admin.post("/users", json={"username": name, "role": "director",
                                                "region_code": VILLAGE})
            if r.status_code != 201:
                self.errors.append(r.text)
                return
            self.users.append((name, time.monotonic()))

    def _children(self):
        # Birth dates spread out: an ID number's order code gives 500 per
        # county and birth date, and the load may make more than that.
        for i in itertools.count():
            if self.stopping.is_set():
                return
            body = child_body(self.village, birth=birth_for_age(
                2 + i % 14, days_after_birthday=1 + i % 360))
            r = self.director.post("/children", json=body)
            if r.status_code != 201:
                self.errors.append(r.text)
                return
            self.children.append((body["name"], time.monotonic()))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join(60)
        assert not self.errors, self.errors[:3]

    def wait_for(self, users, children, timeout=120, after=0.0):
        """Until that many writes of each kind were acknowledged (after
        the monotonic instant `after`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.errors:
            u, c = self.acknowledged_after(after)
            if len(u) >= users and len(c) >= children:
                return
            time.sleep(0.05)
        raise AssertionError(f"the load did not run: {self.errors[:1]}")

    def acknowledged_before(self, t):
        return ({n for n, at in list(self.users) if at < t},
                {n for n, at in list(self.children) if at < t})

    def acknowledged_after(self, t):
        return ({n for n, at in list(self.users) if at > t},
                {n for n, at in list(self.children) if at > t})


def rows(db, url, sql):
    if db.kind == "sqlite":
        con = sqlite3.connect(url)
        try:
            return [tuple(str(v) for v in r) for r in con.execute(sql)]
        finally:
            con.close()
    return [tuple(ln.split("|")) for ln in psql(url, sql).stdout.splitlines()]


def names(db, url, table, column):
    return {r[0] for r in rows(db, url, f"SELECT {column} FROM {table}")}


def empty_pg_database(db):
    name = f"guanai_restore_{uuid.uuid4().hex[:8]}"
    psql(db.pg_base, f'CREATE DATABASE "{name}"')
    db._copies.append(name)
    return pg_url_for(db.pg_base, name)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_backup_under_write_load_restores_every_acknowledged_write(
        guanai, db, server, admin, staff, village_pool, tmp_path):
    v, _ = village_pool.take(SY_TOWN_A)
    director = staff.user("director", v)
    out = tmp_path / "guanai.backup"
    with WriteLoad(admin, director, v) as load:
        # (a user costs an argon2id hash of its password: slower to make)
        load.wait_for(users=3, children=20)
        began = time.monotonic()
        r = guanai.run("backup", "--db", db.url, "--out", str(out), timeout=600)
        ended = time.monotonic()
        # writes the backup cannot hold, to show they are not restored
        load.wait_for(users=0, children=3, after=ended)
    assert r.returncode == 0, r.stderr
    assert "已备份到" in r.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    users_before, children_before = load.acknowledged_before(began)
    users_after, children_after = load.acknowledged_after(ended)
    assert len(users_before) >= 3 and len(children_before) >= 20

    # Onto a new machine: the key file put beside the new database first
    # (PostgreSQL: the same key file, named by GUANAI_AUDIT_KEY).
    if db.kind == "sqlite":
        target = str(tmp_path / "restored" / "guanai.db")
        Path(target).parent.mkdir()
        shutil.copy2(audit_key_of(db.url), target + ".audit-key")
    else:
        target = empty_pg_database(db)
    r = guanai.run("restore", "--from", str(out), "--db", target, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "已恢复到" in r.stdout

    got_users = names(db, target, "users", "username")
    got_children = names(db, target, "children", "name")
    assert users_before <= got_users, sorted(users_before - got_users)[:5]
    assert children_before <= got_children, sorted(children_before - got_children)[:5]
    # a snapshot, not the live database
    if users_after:
        assert not users_after <= got_users
    assert len(children_after) >= 3 and not children_after <= got_children
    if db.kind == "sqlite":
        assert rows(db, target, "PRAGMA integrity_check") == [("ok",)]
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        assert not list(Path(target).parent.glob("*.restore-*"))
    r = guanai.run("audit", "verify", "--db", target, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    # and it serves: the restored database is the system, with its key
    r = guanai.run("user", "add", "--db", target, "--username",
                   "after" + uuid.uuid4().hex[:6], "--role", "director",
                   "--region", VILLAGE)
    assert r.returncode == 0, r.stderr
    assert guanai.run("audit", "verify", "--db", target).returncode == 0


@pytest.fixture(scope="module")
def backup_file(guanai, db, server, tmp_path_factory):
    out = tmp_path_factory.mktemp("bk") / "b.backup"
    r = guanai.run("backup", "--db", db.url, "--out", str(out), timeout=600)
    assert r.returncode == 0, r.stderr
    return out


def test_backup_never_overwrites(guanai, db, backup_file):
    before = digest(backup_file)
    r = guanai.run("backup", "--db", db.url, "--out", str(backup_file))
    assert r.returncode != 0 and "已存在" in r.stderr, r.stderr
    assert digest(backup_file) == before


def test_restore_refuses_the_database_a_server_has_open(guanai, db, server, admin,
                                                          backup_file):
    r = guanai.run("restore", "--from", str(backup_file), "--db", db.url, "--force")
    assert r.returncode != 0
    assert "正被其他程序" in r.stderr, r.stderr
    assert_status(admin.get("/users"), 200)
    assert guanai.run("audit", "verify", "--db", db.url).returncode == 0


def test_restore_refuses_an_existing_database_unless_forced(guanai, db, pristine_copy,
                                                              backup_file):
    target = pristine_copy("exists")
    if db.kind == "sqlite":
        before = digest(target)
    r = guanai.run("restore", "--from", str(backup_file), "--db", target)
    assert r.returncode != 0
    if db.kind == "sqlite":
        assert "已存在" in r.stderr and "--force" in r.stderr, r.stderr
        assert digest(target) == before
    else:
        assert "不是空的" in r.stderr, r.stderr


def test_restore_with_force_replaces_an_unused_database(guanai, db, backup_file,
                                                          tmp_path):
    if db.kind != "sqlite":
        r = guanai.run("restore", "--from", str(backup_file), "--db",
                       db.copy("forced"), "--force")
        assert r.returncode != 0 and "新建的空数据库" in r.stderr, r.stderr
        return
    # An old database left by a crash: its WAL still beside it, holding
    # writes not yet copied in.  None of it may reach the restored file.
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE junk (x)")
    con.executemany("INSERT INTO junk VALUES (?)", [(i,) for i in range(500)])
    con.commit()
    crash = tmp_path / "crashed.db"
    shutil.copyfile(old, crash)
    shutil.copyfile(f"{old}-wal", f"{crash}-wal")
    con.close()
    assert os.path.getsize(f"{crash}-wal") > 0
    shutil.copy2(audit_key_of(db.url), f"{crash}.audit-key")
    r = guanai.run("restore", "--from", str(backup_file), "--db", str(crash), "--force")
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(f"{crash}-wal") or os.path.getsize(f"{crash}-wal") == 0
    assert rows(db, str(crash), "SELECT count(*) FROM sqlite_master WHERE name = 'junk'") == [("0",)]
    assert rows(db, str(crash), "SELECT count(*) FROM users") == \
        rows(db, str(backup_file), "SELECT count(*) FROM users")
    assert guanai.run("audit", "verify", "--db", str(crash)).returncode == 0


@pytest.fixture
def pristine_copy(db):
    def make(label):
        return db.copy(label)
    return make


def restore_target(db, tmp_path):
    if db.kind == "sqlite":
        target = str(tmp_path / f"r-{uuid.uuid4().hex[:6]}.db")
        shutil.copy2(audit_key_of(db.url), target + ".audit-key")
        return target
    return empty_pg_database(db)


def leftovers(tmp_path):
    return [p.name for p in tmp_path.iterdir()
            if ".restore-" in p.name or p.suffix == ".db"]


def test_restore_refuses_a_damaged_backup(guanai, db, backup_file, tmp_path):
    if db.kind != "sqlite":
        pytest.skip("pg_restore refuses a damaged archive itself")
    bad = tmp_path / "bad.backup"
    data = bytearray(backup_file.read_bytes())
    data[4096:4102] = b"\x77" * 6  # the header of page 2
    bad.write_bytes(bytes(data))
    target = restore_target(db, tmp_path)
    r = guanai.run("restore", "--from", str(bad), "--db", target)
    assert r.returncode != 0
    assert "完整性检查" in r.stderr, r.stderr
    assert leftovers(tmp_path) == []
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    r = guanai.run("restore", "--from", str(junk), "--db", target)
    assert r.returncode != 0 and "不是完好的 SQLite 数据库" in r.stderr, r.stderr
    assert leftovers(tmp_path) == []


def test_restore_refuses_a_backup_whose_audit_log_was_tampered(guanai, db, tmp_path):
    src = db.copy("tampered-src")
    t = Attacker(db.kind, src)
    new, first = attack_edit(t.rows())
    t.rewrite(new, first)
    out = tmp_path / "tampered.backup"
    assert guanai.run("backup", "--db", src, "--out", str(out)).returncode == 0
    target = restore_target(db, tmp_path)
    r = guanai.run("restore", "--from", str(out), "--db", target)
    assert r.returncode != 0
    assert "审计日志未通过校验" in r.stderr, r.stderr
    if db.kind == "sqlite":
        assert leftovers(tmp_path) == []
    else:
        assert "不可使用" in r.stderr


def test_restore_needs_the_key(guanai, db, backup_file, tmp_path):
    if db.kind == "sqlite":
        target = str(tmp_path / "nokey.db")
        extra = []
    else:
        target = empty_pg_database(db)
        extra = ["--audit-key", str(tmp_path / "absent.audit-key")]
    r = guanai.run("restore", "--from", str(backup_file), "--db", target, *extra)
    assert r.returncode != 0
    assert "审计密钥文件" in r.stderr and "放回原处" in r.stderr, r.stderr
    if db.kind == "sqlite":
        assert leftovers(tmp_path) == []


def test_restore_refuses_a_missing_backup(guanai, db, tmp_path):
    target = restore_target(db, tmp_path)
    r = guanai.run("restore", "--from", str(tmp_path / "nope.backup"), "--db", target)
    assert r.returncode != 0 and "不存在" in r.stderr, r.stderr
