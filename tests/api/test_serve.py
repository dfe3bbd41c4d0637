"""`guanai serve` itself: the listening socket and its accept thread, which
hands every connection to one of the pool's workers (src/http/server.c)."""

import http.client
import signal
import subprocess
import threading
import time
from urllib.parse import urlsplit

from conftest import API


def test_port_in_use_is_refused_and_the_first_server_goes_on(guanai, db, server):
    port = urlsplit(server.url).port
    r = subprocess.run(
        [str(guanai.path), "serve", "--db", db.url, "--listen", f"127.0.0.1:{port}"],
        capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert f"无法在 127.0.0.1:{port} 上监听（端口被占用？）" in r.stderr, r.stderr
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", API + "/health")
    assert c.getresponse().status == 200
    c.close()


def test_a_burst_of_keep_alive_connections_is_all_served(server):
    """Twice as many connections as wrk's 64 in the benchmark, opened at
    once, each asking several times on the one connection."""
    port = urlsplit(server.url).port
    n, asks = 128, 5
    start = threading.Barrier(n)
    answers = [[] for _ in range(n)]

    def client(i):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        for _ in range(asks):
            c.request("GET", API + "/health")
            r = c.getresponse()
            answers[i].append((r.status, r.getheader("Connection"), r.read()))
        c.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    for got in answers:
        assert len(got) == asks
        for status, connection, body in got:
            assert status == 200
            assert connection is None or connection.lower() != "close"
            assert b'"status":"ok"' in body


def test_stops_promptly_with_connections_open(servers):
    srv = servers.start()
    port = urlsplit(srv.url).port
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    idle.request("GET", API + "/health")
    assert idle.getresponse().read()
    t0 = time.time()
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(10) == 0
    assert time.time() - t0 < 5
    assert "stopping" in srv.log_tail()
    idle.close()
    # the port is free again at once
    again = servers.start(port=port)
    again.proc.terminate()
    assert again.proc.wait(10) == 0
