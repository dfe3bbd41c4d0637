"""Helpers for the workforce tests (基层儿童工作队伍, docs/API.md "Workforce"):
GB 11643 numbers, dates in China, unique names and phones, a pool of real
Jilin townships and counties handed out once per session, users of any role,
staff/training/certificate bodies and thin API wrappers.

The session database is shared by every test file and starts without staff
(`init` without `--demo`).  Each workforce test registers its people in
townships and counties it takes from the pool, so the counts it checks are
its own.  Fixtures are defined here and imported by the test modules.
"""

import datetime as dt
import io
import itertools
import random
import re
import threading
import uuid

import pytest

from conftest import Client, assert_error, assert_status, strong_password

CN = dt.timezone(dt.timedelta(hours=8))

# 长春市 and its counties; 农安县 is the county most tests work in.
CITY = "2201"  # 长春市
CITY_JL = "2202"  # 吉林市
NA_COUNTY = "220122"  # 农安县
DH_COUNTY = "220183"  # 德惠市: "another county"
# Regions other test files work in: never handed out here.  (The children
# tests use 农安镇 and 伏龙泉镇 of 农安县, 南关区 and 宽城区; the cases tests
# 榆树市.)
RESERVED_TOWNSHIPS = {"220122100", "220122101"}
RESERVED_COUNTIES = {"220102", "220103", "220182", NA_COUNTY, DH_COUNTY}

SUPERVISOR_SOURCES = {
    "civil_affairs_office": "乡镇（街道）民政办干部",
    "womens_federation": "妇联干部",
    "dedicated": "专人",
}
DIRECTOR_SOURCES = {
    "civil_affairs_assistant": "村（社区）民政协理员",
    "community_worker": "社区工作人员",
    "women_director": "妇女主任",
    "college_graduate": "大学生村官",
    "left_behind_woman": "留守妇女",
    "volunteer": "爱心人士",
    "other": "其他",
}
POST_LABELS = {"supervisor": "儿童督导员", "director": "儿童主任"}
CERT_TITLES = {"director": "儿童主任培训合格证", "supervisor": "儿童督导员培训合格证"}
CORE_TOPICS = ["家庭走访", "信息更新", "强制报告", "政策链接", "推动落实家庭监护主体责任"]

STAFF_KEYS = {
    "id", "post", "post_label", "region_code", "region_name", "region_path",
    "name", "id_number", "sex", "phone", "source", "source_label",
    "employment", "appointed_on", "left_on", "status", "user_id", "username",
    "version",
}
DETAIL_KEYS = STAFF_KEYS | {"history", "trainings", "certificates"}
VERIFY_KEYS = {"number", "valid", "title", "holder", "county_name", "issued_on",
               "status", "status_label"}
COVERAGE_ITEM_KEYS = {"code", "name", "level", "townships", "townships_covered",
                      "villages", "villages_covered", "township_pct", "village_pct"}
CAMPAIGN_KEYS = {"id", "name", "measure", "measure_label", "region_code",
                 "view_region", "due_on", "target", "done", "pct", "late", "items"}
CAMPAIGN_ITEM_KEYS = {"code", "name", "target", "done", "pct", "late"}

MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
CERT_NUMBER = re.compile(r"^JL(\d{6})-(\d{4})-([ZD])-(\d{4,})$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GHOST = 987654321  # no record has this id


# --------------------------------------------------------------------------
# dates (the server's "today" is the date in China)


def today_cn():
    return dt.datetime.now(CN).date()


def iso(d):
    return d if isinstance(d, str) else d.isoformat()


def days_ago(n):
    return iso(today_cn() - dt.timedelta(days=n))


def days_ahead(n):
    return iso(today_cn() + dt.timedelta(days=n))


def past_year():
    """A whole past calendar year (its trainings cannot be in the future)."""
    return today_cn().year - 1


# --------------------------------------------------------------------------
# GB 11643 identity numbers

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_orders = {}
_lock = threading.Lock()
_order_base = random.Random().randrange(0, 400)


def check_char(first17):
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _W)) % 11]


def id_number(county, birth="1985-06-15", sex="female"):
    """A valid number unique in this session: address code `county`, birth
    date, order code odd for male / even for female, MOD 11-2 check char."""
    b = iso(birth)
    with _lock:
        n = _orders.get((county, b), 0)
        _orders[(county, b)] = n + 1
    order = ((_order_base + n) % 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"{county}{b.replace('-', '')}{order:03d}"
    assert len(first17) == 17, first17
    return first17 + check_char(first17)


def bad_check(idn):
    """The same number with a wrong check character."""
    for c in "0123456789X":
        if c != idn[-1]:
            return idn[:-1] + c
    raise AssertionError(idn)


def mask_id(idn):
    return idn[:6] + "*" * 8 + idn[-4:]


# --------------------------------------------------------------------------
# names and phones, unique in the session

_GIVEN = "安宝成德飞刚国海华佳建杰军丽林明楠平强清荣瑞山胜涛婷伟文霞欣秀雪燕毅英勇玉泽志忠"
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
_SURNAMES = "".join(dict.fromkeys(_SURNAMES))
_name_seq = itertools.count(random.Random().randrange(0, 50000))
_phone_seq = itertools.count(random.Random().randrange(0, 10 ** 7))


def unique_name():
    """A three-character Chinese name unique in the session (surname + two
    given characters), so a masked holder reads 张*明."""
    n = next(_name_seq)
    k = len(_GIVEN)
    s = len(_SURNAMES)
    return _SURNAMES[n % s] + _GIVEN[(n // s) % k] + _GIVEN[(n // (s * k)) % k]


def unique_phone():
    return "139" + f"{next(_phone_seq) % 10 ** 8:08d}"


# --------------------------------------------------------------------------
# regions handed out once per session


class RegionPool:
    """Real townships (with their villages) and counties; each handed out to
    one test only, so the numbers a test checks are its own."""

    def __init__(self, admin):
        self.admin = admin
        self._children = {}
        self._used = set()
        self._lock = threading.Lock()

    def children(self, code, level=None):
        if code not in self._children:
            r = self.admin.get("/regions", params={"parent": code})
            assert_status(r, 200)
            self._children[code] = r.json()["items"]
        items = self._children[code]
        return [i for i in items if level is None or i["level"] == level]

    def villages(self, township):
        return self.children(township, "village")

    def townships(self, county):
        return self.children(county, "township")

    def _free_townships(self, county):
        return [t for t in self.townships(county) if t["code"] not in RESERVED_TOWNSHIPS]

    def take_township(self, county=NA_COUNTY, min_villages=3):
        """A whole township of `county` (its supervisor post and every
        village, at least `min_villages`) no other test took:
        {"code","name","villages":[{code,name,…}…]}."""
        with self._lock:
            for t in self._free_townships(county):
                c = t["code"]
                vs = [v for v in self.villages(c) if v["statistical"]]
                if len(vs) < min_villages or c in self._used:
                    continue
                if any(v["code"] in self._used for v in vs):
                    continue
                self._used.add(c)
                self._used.update(v["code"] for v in vs)
                return {"code": c, "name": t["name"], "villages": vs}
        raise AssertionError(f"township pool of {county} exhausted")

    def take_post(self, county=NA_COUNTY):
        """The supervisor post of a township no other test registers a
        supervisor in (its villages may be other tests'): {"code","name"}.
        Taken from the end of the list, whole townships from the start."""
        with self._lock:
            for t in reversed(self._free_townships(county)):
                if t["code"] not in self._used:
                    self._used.add(t["code"])
                    return {"code": t["code"], "name": t["name"]}
        raise AssertionError(f"township posts of {county} exhausted")

    def take_village(self, county=NA_COUNTY):
        """A village no other test uses: {"code","name","township",
        "township_name"}."""
        with self._lock:
            for t in reversed(self._free_townships(county)):
                for v in self.villages(t["code"]):
                    if v["statistical"] and v["code"] not in self._used:
                        self._used.add(v["code"])
                        return {"code": v["code"], "name": v["name"],
                                "township": t["code"], "township_name": t["name"]}
        raise AssertionError(f"village pool of {county} exhausted")

    def take_county(self, city=CITY, max_townships=20):
        """A statistical county of `city` no test uses, with its townships."""
        with self._lock:
            for k in self.children(city, "county"):
                c = k["code"]
                if (not k["statistical"] or c in RESERVED_COUNTIES
                        or c in self._used):
                    continue
                ts = self.townships(c)
                if not ts or len(ts) > max_townships:
                    continue
                self._used.add(c)
                return {"code": c, "name": k["name"], "townships": ts}
        raise AssertionError(f"county pool of {city} exhausted")


# --------------------------------------------------------------------------
# users


class Users:
    """Logged-in users of any role with their passwords changed."""

    def __init__(self, server, admin):
        self.server = server
        self.admin = admin

    def make(self, role, region):
        name = f"wf{role[:3]}{uuid.uuid4().hex[:8]}"
        r = self.admin.post("/users", json={"username": name, "role": role,
                                            "region_code": region})
        assert_status(r, 201)
        c = Client(self.server.url)
        c.login_ok(name, r.json()["one_time_password"])
        assert_status(c.change_password(strong_password()), 200)
        c.role = role
        c.region = region
        c.user_id = r.json()["user"]["id"]
        return c

    def account(self, role, region):
        """An account only (not logged in): its User object."""
        name = f"wfacc{uuid.uuid4().hex[:8]}"
        r = self.admin.post("/users", json={"username": name, "role": role,
                                            "region_code": region})
        assert_status(r, 201)
        return r.json()["user"]


# One instance per session even though several modules import these
# fixtures (pytest makes a separate session fixture per defining module).
_cache = {}
_cache_lock = threading.Lock()


def _once(admin, key, make):
    k = (id(admin), key)
    with _cache_lock:
        if k not in _cache:
            _cache[k] = make()
        return _cache[k]


@pytest.fixture(scope="session")
def users(server, admin):
    return _once(admin, "users", lambda: Users(server, admin))


@pytest.fixture(scope="session")
def pool(admin):
    return _once(admin, "pool", lambda: RegionPool(admin))


@pytest.fixture(scope="session")
def na_county(users, admin):
    """A county officer of 农安县."""
    return _once(admin, "na_county", lambda: users.make("county", NA_COUNTY))


@pytest.fixture(scope="session")
def dh_county(users, admin):
    """A county officer of 德惠市 (another county)."""
    return _once(admin, "dh_county", lambda: users.make("county", DH_COUNTY))


def error_of(r, status):
    """The documented error shape with this status, whatever the code."""
    where = f"{r.request.method} {r.request.url}"
    assert r.status_code == status, f"{where}: expected {status}, got {r.status_code}: {r.text[:600]}"
    assert r.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", where
    body = r.json()
    assert isinstance(body, dict) and set(body) == {"error"}, f"{where}: {body!r}"
    err = body["error"]
    assert set(err) <= {"code", "message", "field"}, f"{where}: {err!r}"
    assert isinstance(err.get("code"), str) and err["code"], f"{where}: {err!r}"
    assert re.search(r"[\u3400-\u9fff]", err.get("message") or ""), f"{where}: {err!r}"
    return err


# --------------------------------------------------------------------------
# bodies


def _county_of(code):
    c = str(code)[:6]
    return c if len(c) == 6 and c.isdigit() else NA_COUNTY


def supervisor_body(township, **kw):
    idn = id_number(_county_of(township), "1980-03-15", "male")
    b = {"post": "supervisor", "region_code": township, "name": unique_name(),
         "id_number": idn, "sex": "male", "phone": unique_phone(),
         "source": "civil_affairs_office", "employment": "part_time",
         "appointed_on": "2018-08-20"}
    b.update(kw)
    return b


def director_body(village, **kw):
    idn = id_number(_county_of(village), "1986-11-02", "female")
    b = {"post": "director", "region_code": village, "name": unique_name(),
         "id_number": idn, "sex": "female", "phone": unique_phone(),
         "source": "women_director", "employment": "full_time",
         "appointed_on": "2018-08-25"}
    b.update(kw)
    return b


def training_body(region, held_on, initial=True, **kw):
    b = {"region_code": region, "title": "儿童主任初任培训" if initial else "年度业务培训",
         "held_on": iso(held_on), "hours": 16, "mode": "lecture",
         "organiser": "农安县民政局", "trainer": "省儿童福利指导中心讲师",
         "topics": list(CORE_TOPICS), "initial": initial}
    b.update(kw)
    return b


# --------------------------------------------------------------------------
# API wrappers


def register(c, body):
    r = c.post("/staff", json=body)
    assert_status(r, 201)
    return r.json()


def get_staff(c, sid):
    r = c.get(f"/staff/{sid}")
    assert_status(r, 200)
    return r.json()


def leave(c, sid, left_on, reason="调任乡镇其他岗位"):
    r = c.post(f"/staff/{sid}/leave", json={"left_on": iso(left_on), "reason": reason})
    assert_status(r, 200)
    return r.json()


def staff_list(c, **params):
    r = c.get("/staff", params=params)
    assert_status(r, 200)
    body = r.json()
    assert set(body) == {"items", "total"}, body
    return body


def all_staff(c, **params):
    """Every item over all pages; checks `total` against them."""
    out, page, tot = [], 1, None
    while True:
        body = staff_list(c, page=page, page_size=200, **params)
        tot = body["total"] if tot is None else tot
        out += body["items"]
        if len(body["items"]) < 200:
            break
        page += 1
    assert len(out) == tot, f"total {tot} but {len(out)} items over the pages"
    return out


def coverage(c, **params):
    r = c.get("/staff/coverage", params=params)
    assert_status(r, 200)
    return r.json()


def new_training(c, body):
    r = c.post("/trainings", json=body)
    assert_status(r, 201)
    return r.json()


def attend(c, tid, staff_id, result="assessed", passed=True, score=90):
    body = {"staff_id": staff_id, "result": result, "passed": passed}
    if score is not None:
        body["score"] = score
    r = c.post(f"/trainings/{tid}/attendance", json=body)
    assert_status(r, 200)
    return r.json()


def certificates_of(c, region=None):
    r = c.get("/certificates", params={"region": region} if region else None)
    assert_status(r, 200)
    return r.json()["items"]


def verify(number, base, code=None, address=None):
    """GET /certificates/verify/{number}?code= with no cookie at all
    (`address`: forwarded as the client's, X-Forwarded-For)."""
    import requests
    from conftest import API
    params = {"code": code} if code is not None else None
    headers = {"X-Forwarded-For": address} if address else None
    return requests.get(f"{base}{API}/certificates/verify/{number}", params=params,
                        headers=headers, timeout=30)


def audit_entries(c, action=None, pages=10):
    out = []
    for page in range(1, pages + 1):
        params = {"page": page, "page_size": 200}
        if action:
            params["action"] = action
        r = c.get("/audit", params=params)
        assert_status(r, 200)
        items = r.json()["items"]
        out += items
        if len(items) < 200:
            break
    return out


def same_404(r, ghost, code="not_found"):
    """r is a 404 and says exactly what the absent record says."""
    assert_error(r, 404, code)
    assert_error(ghost, 404, code)
    assert r.json() == ghost.json(), f"out of scope and absent differ: {r.text} vs {ghost.text}"


def xlsx_rows(data):
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    ws = wb.worksheets[0]
    rows = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def pdf_text(data, tmpdir):
    """The text of a PDF (poppler's pdftotext)."""
    import subprocess
    p = tmpdir / f"c-{uuid.uuid4().hex[:6]}.pdf"
    p.write_bytes(data)
    r = subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, f"pdftotext failed: {r.stderr}"
    return r.stdout
