"""The binary finds its own files wherever it is started from (src/datadir.c).

`guanai init` loads the region data and `guanai serve` sends the UI with no
flags and from another working directory (/): the source tree's for the
binary under test (build/guanai or build/asan/guanai), and an installed
tree's for the binary that `make install DESTDIR=…` puts there. Also
`--version` and `guanai help`. Each test makes its own database on the
session's backend."""

import os
import re
import subprocess
import time
import uuid

import pytest
import requests

from conftest import API, REPO, free_port, last_line, pg_url_for, psql

VERSION = re.compile(r"^guanai \d+\.\d+\.\d+\S*$")


@pytest.fixture
def fresh_db(backend, tmp_path, monkeypatch):
    """A database that does not exist yet: its --db value. A PostgreSQL
    database gets its own audit key (the session's belongs to the
    session's database, and init refuses a key another database uses)."""
    if backend == "sqlite":
        yield str(tmp_path / "fresh.db")
        return
    base = os.environ["GUANAI_PG_URL"]
    name = "guanai_inst_" + uuid.uuid4().hex[:10]
    monkeypatch.setenv("GUANAI_AUDIT_KEY", str(tmp_path / "inst.audit-key"))
    psql(base, f'CREATE DATABASE "{name}"')
    yield pg_url_for(base, name)
    psql(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', check=False)


def run(binary, *args, timeout=600):
    """Runs the binary from /, where no relative path finds anything."""
    return subprocess.run([str(binary), *args], cwd="/", capture_output=True,
                          text=True, timeout=timeout)


def init_from_root(binary, db):
    r = run(binary, "init", "--db", db)
    assert r.returncode == 0, f"init from / failed ({r.returncode}): {r.stderr}"
    assert "已导入行政区划" in r.stdout, r.stdout
    return last_line(r.stdout)


def serve_from_root(binary, db, tmp_path):
    """`serve` started from / with no --web; yields its base URL."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [str(binary), "serve", "--db", db, "--listen", f"127.0.0.1:{port}"],
            cwd="/", stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None:
        try:
            if requests.get(url + API + "/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"serve from / did not come up:\n{log.read_text(errors='replace')}")
    return proc, url, log


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def admin_can_log_in(url, otp):
    """The admin of this init logs in with the one-time password."""
    s = requests.Session()
    r = s.post(url + API + "/session", json={"username": "admin", "password": otp},
               timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["must_change_password"] is True


def assert_serves_ui(url, index_html):
    r = requests.get(url + "/", timeout=10)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith("text/html")
    assert r.content == index_html.read_bytes()
    assert "关爱保护信息系统" in r.text
    # an asset the page names is there too
    m = re.search(r'src="\.?/?(assets/[^"]+\.js)"', r.text)
    assert m, r.text
    a = requests.get(url + "/" + m.group(1), timeout=10)
    assert a.status_code == 200 and "javascript" in a.headers["Content-Type"]


def test_version_and_help(guanai):
    r = run(guanai.path, "--version")
    assert r.returncode == 0 and VERSION.match(r.stdout.strip()), r
    r = run(guanai.path, "help")
    assert r.returncode == 0, r.stderr
    for cmd in ("init", "serve", "user add", "regions import", "audit verify",
                "import children", "demo", "help"):
        assert f"guanai {cmd}" in r.stdout, cmd
    r = run(guanai.path, "help", "init")
    assert r.returncode == 0
    assert r.stdout.startswith("用法 / usage:\n  guanai init --db")
    assert "一次性密码" in r.stdout and "guanai serve" not in r.stdout
    for words in (("help", "user", "add"), ("help", "user"), ("user", "add", "--help")):
        r = run(guanai.path, *words)
        assert r.returncode == 0, words
        assert "guanai user add --db" in r.stdout and "guanai init" not in r.stdout
    # a wrong word: exit 2, a Chinese message, the usage, on stderr
    for words in (("help", "nosuch"), ("nosuch",), ("user",), ("init", "--db")):
        r = run(guanai.path, *words)
        assert r.returncode == 2, words
        assert r.stdout == "" and "用法 / usage:" in r.stderr, (words, r.stderr)
    assert "没有这个子命令: nosuch" in run(guanai.path, "nosuch").stderr


def test_init_and_serve_from_another_directory(guanai, fresh_db, tmp_path):
    """The binary under test, started from /, uses its source tree's data."""
    otp = init_from_root(guanai.path, fresh_db)
    index = REPO / "web" / "dist" / "index.html"
    assert index.is_file(), "the UI is not built: make web"
    proc, url, log = serve_from_root(guanai.path, fresh_db, tmp_path)
    try:
        assert_serves_ui(url, index)
        admin_can_log_in(url, otp)
    finally:
        stop(proc)
    assert f"网页界面: {REPO / 'web' / 'dist'}" in log.read_text(), log.read_text()


def test_regions_import_without_dir(guanai, fresh_db):
    init_from_root(guanai.path, fresh_db)
    r = run(guanai.path, "regions", "import", "--db", fresh_db, "--province", "22")
    assert r.returncode == 0, r.stderr
    assert re.search(r"已导入行政区划 \d+ 个", r.stdout), r.stdout
    # a --dir without the data: a clear failure, nothing half done
    r = run(guanai.path, "regions", "import", "--db", fresh_db, "--dir", "/nonexistent")
    assert r.returncode == 1 and "guanai:" in r.stderr, r


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """`make install DESTDIR=… PREFIX=/usr/local` of this tree: its root."""
    dest = tmp_path_factory.mktemp("destdir")
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    r = subprocess.run(["make", "-s", "install", f"DESTDIR={dest}", "PREFIX=/usr/local"],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, f"make install failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return dest


def test_make_install_lays_out_the_tree(installed):
    p = installed / "usr" / "local"
    assert os.access(p / "bin" / "guanai", os.X_OK)
    regions = p / "share" / "guanai" / "regions"
    assert sorted(f.name for f in regions.iterdir()) == sorted(
        ["provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv"])
    web = p / "share" / "guanai" / "web"
    assert (web / "index.html").read_bytes() == (REPO / "web/dist/index.html").read_bytes()
    assert sorted(f.name for f in (web / "assets").iterdir()) == sorted(
        f.name for f in (REPO / "web/dist/assets").iterdir())
    assert (p / "share/man/man1/guanai.1").read_text().startswith(".\\\"")
    unit = (p / "lib/systemd/system/guanai.service").read_text()
    assert "ExecStart=/usr/local/bin/guanai serve" in unit and "@BINDIR@" not in unit
    assert (p / "lib/sysusers.d/guanai.conf").is_file()
    assert (p / "share/doc/guanai/nginx-guanai.conf").is_file()
    # nothing of the build or of the tests
    assert not list(installed.rglob("node_modules"))
    assert not list(installed.rglob("*.o"))


def test_installed_binary_works_from_anywhere(installed, fresh_db, tmp_path):
    binary = installed / "usr/local/bin/guanai"
    r = run(binary, "--version")
    assert r.returncode == 0 and VERSION.match(r.stdout.strip()), r
    otp = init_from_root(binary, fresh_db)
    proc, url, log = serve_from_root(binary, fresh_db, tmp_path)
    try:
        assert_serves_ui(url, installed / "usr/local/share/guanai/web/index.html")
        admin_can_log_in(url, otp)
    finally:
        stop(proc)
    assert f"网页界面: {installed}/usr/local/share/guanai/web" in log.read_text()
