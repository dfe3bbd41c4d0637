"""GET /metrics (issue #16 item 5): the Prometheus text format 0.0.4, with
counts that move by exactly the requests made, per route *pattern*;
gauges of connections, the database pool, the scheduler and the SQLite
WAL; reachable from loopback (the socket's peer, never a forwarding
header) or with `--metrics-token`, and otherwise answered as any unknown
path is."""

import re
import shutil
import socket
import subprocess
import time
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
import requests

from conftest import API, free_port

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)'
                  r'(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
TOKEN = "tok-" + "0123456789abcdef" * 2


def parse(text):
    """{(name, frozenset(labels)): value}, checking the format as it goes:
    every sample's family has a # TYPE, histograms are cumulative and end
    in +Inf = _count."""
    types, samples = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge", "histogram"), line
            assert name not in types, f"TYPE twice: {name}"
            types[name] = kind
            continue
        if line.startswith("# HELP ") or not line:
            continue
        m = LINE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, labels, value = m.group(1), m.group(3) or "", float(m.group(4))
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in types or (family in types and types[family] == "histogram"), (
            f"no TYPE for {name}")
        key = (name, frozenset(LABEL.findall(labels)))
        assert key not in samples, f"sample twice: {line}"
        samples[key] = value
    for (name, labels), value in samples.items():
        if not name.endswith("_count") or name[:-6] not in types:
            continue
        base = name[:-6]
        buckets = sorted(
            (float("inf") if dict(l)["le"] == "+Inf" else float(dict(l)["le"]), v)
            for (n, l), v in samples.items()
            if n == base + "_bucket" and l - {("le", dict(l)["le"])} == labels)
        assert buckets and buckets[-1][0] == float("inf"), (name, labels)
        counts = [v for _, v in buckets]
        assert counts == sorted(counts), f"not cumulative: {name} {labels}"
        assert counts[-1] == value, (name, labels)
    return samples


def scrape(srv, **kw):
    r = requests.get(srv.url + "/metrics", timeout=10, **kw)
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse(r.text)


def requests_by(samples):
    """{(route, method, status class): count}"""
    out = defaultdict(float)
    for (name, labels), v in samples.items():
        if name == "guanai_http_requests_total":
            d = dict(labels)
            out[(d["route"], d["method"], d["status"])] += v
    return out


def durations_by(samples):
    out = defaultdict(float)
    for (name, labels), v in samples.items():
        if name == "guanai_http_request_duration_seconds_count":
            d = dict(labels)
            out[(d["route"], d["method"])] += v
    return out


def diff(after, before):
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


@pytest.fixture(scope="module")
def quiet(servers):
    """A server nobody else talks to: its counts are this module's."""
    return servers.start()


def test_counts_move_by_exactly_the_requests_made(quiet):
    base = quiet.url
    before = scrape(quiet)
    for _ in range(5):
        assert requests.get(base + API + "/health").status_code == 200
    for i in range(3):       # three different ids, one series
        r = requests.get(base + API + f"/children/98765{i}")
        assert r.status_code == 401
    for _ in range(2):
        assert requests.get(base + API + "/no/such/thing").status_code == 404
    assert requests.post(base + API + "/health").status_code == 405
    assert requests.delete(base + API + "/health").status_code == 405
    r = requests.request("BREW", base + API + "/health")
    assert r.status_code in (400, 404, 405, 501)
    static = requests.get(base + "/some/page").status_code
    after = scrape(quiet)

    got = diff(requests_by(after), requests_by(before))
    want = {
        ("/api/v1/health", "GET", "2xx"): 5,
        ("/api/v1/children/{id}", "GET", "4xx"): 3,
        ("unmatched", "GET", "4xx"): 2,
        ("unmatched", "POST", "4xx"): 1,
        ("unmatched", "DELETE", "4xx"): 1,
        ("static", "GET", f"{static // 100}xx"): 1,
        ("/metrics", "GET", "2xx"): 1,     # the first scrape
    }
    brew = [k for k in got if k[1] == "other"]
    assert len(brew) == 1 and got.pop(brew[0]) == 1, got
    assert got == want
    # the histograms count the same requests
    dgot = diff(durations_by(after), durations_by(before))
    dwant = defaultdict(float)
    for (route, method, _), n in want.items():
        dwant[(route, method)] += n
    dgot.pop(next(k for k in dgot if k[1] == "other"))
    assert dgot == dwant
    # the path as sent never becomes a label
    assert "98765" not in requests.get(base + "/metrics").text


def test_slow_requests_land_in_the_right_bucket(quiet):
    before = scrape(quiet)
    requests.get(quiet.url + API + "/health")
    after = scrape(quiet)
    key = lambda le: ("guanai_http_request_duration_seconds_bucket", frozenset(
        {("route", "/api/v1/health"), ("method", "GET"), ("le", le)}))
    assert after[key("+Inf")] - before.get(key("+Inf"), 0) == 1
    assert after[key("10")] - before.get(key("10"), 0) == 1
    s = ("guanai_http_request_duration_seconds_sum",
         frozenset({("route", "/api/v1/health"), ("method", "GET")}))
    assert 0 < after[s] - before.get(s, 0) < 10


def test_gauges(servers, backend, guanai):
    srv = servers.start("--threads", "3", "--tick", "1")
    deadline = time.time() + 15
    while True:
        m = scrape(srv)
        runs = {dict(l)["result"]: v for (n, l), v in m.items()
                if n == "guanai_scheduler_runs_total"}
        if runs["ok"] >= 2 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert runs["ok"] >= 2 and runs["error"] == 0, runs
    assert m[("guanai_scheduler_run_duration_seconds_count", frozenset())] >= 2
    pool = {dict(l)["state"]: v for (n, l), v in m.items()
            if n == "guanai_db_pool_connections"}
    assert pool["in_use"] + pool["idle"] == 3
    assert 0 <= pool["in_use"] <= 1     # the scheduler may hold one
    assert ("guanai_db_pool_waits_total", frozenset()) in m
    assert m[("guanai_http_connections", frozenset())] >= 1
    assert m[("guanai_http_connections_max", frozenset({("scope", "total")}))] == 1000
    assert m[("guanai_http_connections_max", frozenset({("scope", "address")}))] == 64
    wal = ("guanai_sqlite_wal_bytes", frozenset())
    if backend == "sqlite":
        assert m[wal] >= 0
    else:
        assert wal not in m
    info = [dict(l) for (n, l), v in m.items() if n == "guanai_build_info"]
    version = guanai.run("--version").stdout.split()[-1]   # "guanai 0.1.0+g…"
    assert info == [{"version": version,
                     "db": {"sqlite": "sqlite", "pg": "postgresql"}[backend]}]


def test_connection_gauges_follow_the_limits(servers):
    srv = servers.start("--trusted-proxy", "none", "--max-conn-per-ip", "3")
    port = urlsplit(srv.url).port
    time.sleep(0.5)     # the start's own health probes have closed
    socks = []
    for _ in range(5):
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", port))
        socks.append(s)
    time.sleep(0.5)
    m = scrape(srv)
    refused = ("guanai_http_connections_refused_total",
               frozenset({("reason", "too_many_connections")}))
    assert m[refused] == 2
    # three held from 127.0.0.2, and the scrape's own
    assert m[("guanai_http_connections", frozenset())] == 4
    for s in socks:
        s.close()


# --------------------------------------------------------------------------
# who may read it


def unknown_path_answer(srv, **kw):
    r = requests.get(srv.url + "/metricz", timeout=10, **kw)
    return r.status_code, r.text


def assert_refused(srv, **kw):
    r = requests.get(srv.url + "/metrics", timeout=10, **kw)
    assert (r.status_code, r.text) == unknown_path_answer(srv, **kw)
    assert "guanai_" not in r.text


@pytest.mark.parametrize("header", [
    {"X-Forwarded-For": "127.0.0.1"}, {"X-Real-IP": "127.0.0.1"},
    {"Forwarded": "for=127.0.0.1"},
])
def test_a_forwarded_request_is_refused_even_from_loopback(quiet, header):
    """A proxy on this machine connects from loopback too: what it
    forwards is not this machine's Prometheus."""
    assert_refused(quiet, headers=header)


def test_other_methods_and_paths_are_not_metrics(quiet):
    assert requests.post(quiet.url + "/metrics").status_code != 200
    r = requests.get(quiet.url + "/metrics/")
    assert "guanai_http" not in r.text
    r = requests.get(quiet.url + API + "/metrics")
    assert r.status_code == 404


def local_non_loopback_address():
    if not shutil.which("ip"):
        return None
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                         capture_output=True, text=True).stdout
    for m in re.finditer(r"inet (\d+\.\d+\.\d+\.\d+)/", out):
        return m.group(1)
    return None


def test_a_caller_off_this_machine_needs_the_token(servers):
    addr = local_non_loopback_address()
    srv = servers.start("--metrics-token", TOKEN, host="0.0.0.0")
    port = urlsplit(srv.url).port
    # loopback: no token needed
    scrape(srv)
    # a wrong or missing token, from anywhere it is needed: an unknown path
    if addr:
        far = type(srv)(srv.proc, f"http://{addr}:{port}", srv.log)
        assert_refused(far)
        assert_refused(far, headers={"Authorization": "Bearer " + TOKEN[:-1]})
        assert_refused(far, headers={"Authorization": "Bearer " + TOKEN + "x"})
        assert_refused(far, headers={"Authorization": "Basic " + TOKEN})
        scrape(far, headers={"Authorization": "Bearer " + TOKEN})
    assert_refused(srv, headers={"X-Forwarded-For": "10.0.0.1",
                                 "Authorization": "Bearer nottherighttoken1"})
    # the token works through a proxy too
    scrape(srv, headers={"X-Forwarded-For": "10.0.0.1",
                         "Authorization": "Bearer " + TOKEN})
    if not addr:
        pytest.skip("no non-loopback address here: the far side untested")


def test_a_far_caller_without_a_token_configured_is_refused(servers):
    addr = local_non_loopback_address()
    if not addr:
        pytest.skip("no non-loopback address on this machine")
    srv = servers.start(host="0.0.0.0")
    port = urlsplit(srv.url).port
    far = type(srv)(srv.proc, f"http://{addr}:{port}", srv.log)
    assert_refused(far)
    assert_refused(far, headers={"Authorization": "Bearer " + TOKEN})
    scrape(srv)


def test_bad_tokens_are_refused_at_start(guanai, db):
    for token in ("short", "has a space in it!!", "x" * 257, "控制台令牌控制台令牌控制台令牌"):
        r = subprocess.run([str(guanai.path), "serve", "--db", db.url,
                            "--listen", f"127.0.0.1:{free_port()}",
                            "--metrics-token", token],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, token
        assert "--metrics-token" in r.stderr
