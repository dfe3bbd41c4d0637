#!/usr/bin/python3
"""Issue #17 items 4-7, measured against a real server on a fresh demo
database, the way the issue measured them.  Prints one line per finding.

    /usr/bin/python3 bench/issue17.py [path/to/guanai]   (default build/guanai)

Run it against the binary before and after the fix to compare.  Every
request comes from 127.0.0.1; "addresses" are told apart as a reverse proxy
on loopback would tell them (X-Forwarded-For; a server that does not read
the header sees them all as one)."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build/guanai").resolve()
API = "/api/v1"
DEMO_PW = "Guanai@2018"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db, *extra):
    port = free_port()
    p = subprocess.Popen([str(BIN), "serve", "--db", db, "--listen", f"127.0.0.1:{port}",
                          *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(url + API + "/health", timeout=1).ok:
                return p, url
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit("server did not start")


def login(url, user, pw, addr=None):
    h = {"X-Forwarded-For": addr} if addr else {}
    return requests.post(url + API + "/session", json={"username": user, "password": pw},
                         headers=h, timeout=30)


def cookie_of(r):
    m = re.search(r"guanai_session=([^;]*)", r.headers.get("Set-Cookie", ""))
    return m.group(1) if m else None


def main():
    tmp = Path(tempfile.mkdtemp(prefix="guanai-issue17-"))
    db = str(tmp / "demo.db")
    subprocess.run([str(BIN), "init", "--db", db, "--demo"], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = []
    try:
        p, url = serve(db)
        procs.append(p)

        # 4a. five wrong passwords of another's account from one address
        codes = [login(url, "nongan", "Wrong-pass-1", "198.51.100.1").status_code
                 for _ in range(5)]
        same = login(url, "nongan", DEMO_PW, "198.51.100.1").status_code
        other = login(url, "nongan", DEMO_PW, "203.0.113.1").status_code
        print(f"4  lockout: 5 wrong from A: {codes}; right password from A: {same}, "
              f"from B (the real user): {other}")

        # 4b. a known and an unknown name, attempt after attempt
        known = [login(url, "dudao", "Wrong-pass-1", "198.51.100.2") for _ in range(7)]
        unknown = [login(url, "dudao-nobody", "Wrong-pass-1", "198.51.100.3")
                   for _ in range(7)]
        alike = all(a.status_code == b.status_code and
                    re.sub(r"\d+", "N", a.text) == re.sub(r"\d+", "N", b.text)
                    for a, b in zip(known, unknown))
        print(f"4  names: known {[r.status_code for r in known]}, unknown "
              f"{[r.status_code for r in unknown]}; same answers: {alike}")

        # 4c. 60 logins from one address, as fast as they are answered
        t0 = time.monotonic()
        got = [login(url, f"spray{i}", "Wrong-pass-1", "198.51.100.4").status_code
               for i in range(60)]
        dt = time.monotonic() - t0
        print(f"4  rate: 60 logins from one address in {dt:.1f} s ({60 / dt:.1f}/s): "
              f"{got.count(401)}x401, {got.count(429)}x429, others {len(got) - got.count(401) - got.count(429)}")

        # 4d. wrong old passwords through a session
        r = login(url, "zhuren", DEMO_PW, "198.51.100.5")
        c, csrf = cookie_of(r), r.json()["csrf_token"]
        h = {"Cookie": f"guanai_session={c}", "X-CSRF-Token": csrf,
             "X-Forwarded-For": "198.51.100.5"}
        got = [requests.put(url + API + "/session/password", headers=h, timeout=30,
                            json={"old_password": f"Wrong-{i}", "new_password": "Xq7#vLp2rT"}
                            ).status_code for i in range(10)]
        print(f"4  old password: 10 wrong tries: {got}")

        # 4e. walking certificate numbers
        t0 = time.monotonic()
        found = 0
        for n in range(1, 31):
            r = requests.get(f"{url}{API}/certificates/verify/JL220122-2018-Z-{n:04d}",
                             headers={"X-Forwarded-For": "198.51.100.6"}, timeout=30)
            found += r.status_code == 200
        print(f"4  certificates: 30 numbers in a row without a code: {found} holders "
              f"in {time.monotonic() - t0:.2f} s")

        # 5. weak passwords, and the previous one again
        r = login(url, "shenji", DEMO_PW, "198.51.100.7")
        c, csrf = cookie_of(r), r.json()["csrf_token"]
        h = {"Cookie": f"guanai_session={c}", "X-CSRF-Token": csrf}
        res = {}
        old = DEMO_PW
        for pw in ("Passw0rd", "Aa123456", "Admin@123", "shenjiA1", DEMO_PW):
            res[pw] = requests.put(url + API + "/session/password", headers=h, timeout=30,
                                   json={"old_password": old, "new_password": pw}
                                   ).status_code
            if res[pw] == 200:
                old = pw
        first = "Xq7#vLp2rT9w"
        s1 = requests.put(url + API + "/session/password", headers=h, timeout=30,
                          json={"old_password": old, "new_password": first})
        if s1.ok:
            old = first
            s2 = requests.put(url + API + "/session/password", headers=h, timeout=30,
                              json={"old_password": old, "new_password": "Wq8$kMz3pNr6"})
            if s2.ok:
                old = "Wq8$kMz3pNr6"
            res["previous again"] = requests.put(
                url + API + "/session/password", headers=h, timeout=30,
                json={"old_password": old, "new_password": first}).status_code
        print(f"5  passwords: {res}")

        # 7. what a failed login writes
        typed = "Tr0ub4dor&3-typed-as-name"
        login(url, typed, "x", "198.51.100.8")
        con = sqlite3.connect(db)
        n = con.execute("SELECT count(*) FROM audit_log WHERE detail LIKE ?",
                        (f"%{typed}%",)).fetchone()[0]
        con.close()
        print(f"7  login_failed: entries holding the typed name: {n}")

        # 6. a session used every second, on a server with short limits
        p2, url2 = serve(db, "--session-idle", "3", "--session-max", "6",
                         "--public-url", "https://guanai.example.org")
        procs.append(p2)
        r = login(url2, "sheng", DEMO_PW)
        print(f"6  cookie behind https: {r.headers.get('Set-Cookie')}; "
              f"HSTS: {r.headers.get('Strict-Transport-Security')}")
        c = cookie_of(r)
        t0 = time.monotonic()
        ended = None
        while time.monotonic() - t0 < 12:
            g = requests.get(url2 + API + "/session",
                             headers={"Cookie": f"guanai_session={c}"}, timeout=30)
            if g.status_code != 200:
                ended = time.monotonic() - t0
                break
            time.sleep(1)
        print(f"6  session used every second, idle 3 s, max 6 s: "
              f"{'ended after %.1f s' % ended if ended else 'still valid after 12 s'}")
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        if os.environ.get("KEEP") != "1":
            subprocess.run(["rm", "-rf", str(tmp)])


if __name__ == "__main__":
    main()
