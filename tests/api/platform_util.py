"""Helpers for the service-platform tests (服务阵地, docs/API.md "Service
platforms", SPEC §5): GB 11643 numbers for the staff who manage platforms,
dates in China, a pool of real townships and villages, users of any role,
platform bodies and thin API wrappers.

The session database is shared by every test file and starts without demo
data.  The platform tests work in 梨树县 (220322, 四平市), a county no other
test file uses, and take 伊通满族自治县 (220323) as "another county".  Each
test takes whole townships (or single villages) from `pool`, so the child
counts, 100-children lists, compliance rates and activity statistics it
checks are its own.  Fixtures are defined here and imported by the test
modules.
"""

import datetime as dt
import io
import itertools
import random
import threading
import uuid

import pytest

from conftest import Client, assert_error, assert_status, strong_password

CN = dt.timezone(dt.timedelta(hours=8))

PROVINCE = "22"
CITY_SP = "2203"  # 四平市
LS_COUNTY = "220322"  # 梨树县: every platform of these tests is here
YT_COUNTY = "220323"  # 伊通满族自治县: "another county"
YT_TOWN = "220323100"  # 伊通镇
GHOST = 987654321  # no platform has this id

KIND_LABELS = {
    "children_home": "儿童之家",
    "activity_center": "儿童活动中心",
    "protection_station": "未成年人保护工作站",
}
HOST_LABELS = {
    "civil_affairs_station": "村（社区）民政工作站",
    "village_school": "村小",
    "kindergarten": "幼儿园",
    "school": "学校",
    "civil_affairs_office": "民政工作机构",
    "youth_palace": "少年宫",
    "womens_home": "妇女之家",
    "rural_library": "农家书屋",
    "other": "其他",
}
FUNCTION_LABELS = {
    1: "建立儿童档案",
    2: "转介",
    3: "宣传教育和技能指导",
    4: "法治教育和心理健康指导",
    5: "不良行为预防和矫治",
    6: "文体娱乐阅读社会实践",
}
FIVE_LABELS = {1: "有统一名称", 2: "有固定场所", 3: "有必要设施设备", 4: "有专人管理",
               5: "有基本制度"}
NOTICE_WORDS = ("留守儿童", "困境儿童")

PLATFORM_KEYS = {
    "id", "kind", "kind_label", "region_code", "region_name", "region_path", "name",
    "regional", "host", "host_label", "address", "opened_on", "manager_staff_id",
    "manager_name", "status", "compliant", "failing", "version",
}
DETAIL_KEYS = PLATFORM_KEYS | {"standard", "five", "serves", "proposed_name"}
RULE_ENTRY_KEYS = {"code", "name", "child_count", "child_count_year"}

EQUIPMENT = ("desks_chairs", "bookshelves", "av_equipment", "age_books", "toys",
             "game_materials", "sports_equipment", "computers", "file_cabinets")
EQUIPMENT_LABELS = dict(zip(EQUIPMENT, ("桌椅", "图书架", "音像设备", "分龄图书", "玩具",
                                        "游戏材料", "文体活动器材", "电脑", "档案柜")))
RULES = ("management_rules", "activity_plan", "emergency_plan")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def last_year():
    return today_cn().year - 1


def quarter_of(date):
    d = dt.date.fromisoformat(iso(date))
    return f"{d.year}Q{(d.month + 2) // 3}"


# --------------------------------------------------------------------------
# GB 11643 identity numbers

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_orders = {}
_lock = threading.Lock()
_order_base = random.Random().randrange(0, 400)


def check_char(first17):
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _W)) % 11]


def id_number(county, birth="1984-05-12", sex="female"):
    """A valid 18-character number unique in this session: address code
    `county`, birth date, order code odd for male / even for female, check
    character by ISO 7064 MOD 11-2."""
    b = iso(birth)
    with _lock:
        n = _orders.get((county, b), 0)
        _orders[(county, b)] = n + 1
    order = ((_order_base + n) % 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"{county}{b.replace('-', '')}{order:03d}"
    assert len(first17) == 17 and first17.isdigit(), first17
    return first17 + check_char(first17)


# --------------------------------------------------------------------------
# names and phones, unique in the session

_GIVEN = "安宝成德飞刚国海华佳建杰军丽林明楠平强清荣瑞山胜涛婷伟文霞欣秀雪燕毅英勇玉泽志忠"
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
_name_seq = itertools.count(random.Random().randrange(0, 50000))
_phone_seq = itertools.count(random.Random().randrange(0, 10 ** 7))


def unique_name():
    n = next(_name_seq)
    k, s = len(_GIVEN), len(_SURNAMES)
    return _SURNAMES[n % s] + _GIVEN[(n // s) % k] + _GIVEN[(n // (s * k)) % k]


def unique_phone():
    return "137" + f"{next(_phone_seq) % 10 ** 8:08d}"


# --------------------------------------------------------------------------
# regions handed out once per session


class Pool:
    """Real townships of 梨树县 and their villages, each handed out once.

    `township()` hands out a whole township (its villages and its supervisor
    post): the test may count anything in it.  `village()`, `villages(n)`
    and `post()` hand out single villages and supervisor posts of "shared"
    townships, where no test counts township-wide."""

    def __init__(self, admin):
        self.admin = admin
        self._children = {}
        self._taken = set()  # townships handed out whole or shared
        self._shared = []  # [{"code","name","free":[villages],"post":bool}]
        self._lock = threading.Lock()

    def children(self, code, level=None):
        if code not in self._children:
            r = self.admin.get("/regions", params={"parent": code})
            assert_status(r, 200)
            self._children[code] = r.json()["items"]
        return [i for i in self._children[code] if level is None or i["level"] == level]

    def villages_of(self, township):
        return [v for v in self.children(township, "village") if v["statistical"]]

    def _next(self, min_villages):
        for t in self.children(LS_COUNTY, "township"):
            vs = self.villages_of(t["code"])
            if t["code"] in self._taken or len(vs) < min_villages:
                continue
            self._taken.add(t["code"])
            return t, vs
        raise AssertionError(f"township pool of {LS_COUNTY} exhausted")

    def township(self, min_villages=6):
        """A whole township no other test uses: {"code","name","villages"}."""
        with self._lock:
            t, vs = self._next(min_villages)
            return {"code": t["code"], "name": t["name"], "villages": vs}

    def _new_shared(self, n=12):
        t, vs = self._next(n)
        sh = {"code": t["code"], "name": t["name"], "free": list(vs), "post": True}
        self._shared.append(sh)
        return sh

    def villages(self, n):
        """n villages of one township, no other test uses them:
        [{"code","name","township","township_name"}]."""
        with self._lock:
            sh = next((x for x in self._shared if len(x["free"]) >= n), None) \
                or self._new_shared(max(n, 12))
            out, sh["free"] = sh["free"][:n], sh["free"][n:]
            return [{"code": v["code"], "name": v["name"], "township": sh["code"],
                     "township_name": sh["name"]} for v in out]

    def village(self):
        return self.villages(1)[0]

    def post(self):
        """The supervisor post (and the place for centres) of a township
        whose villages other tests may use: {"code","name"}."""
        with self._lock:
            sh = next((x for x in self._shared if x["post"]), None) or self._new_shared()
            sh["post"] = False
            return {"code": sh["code"], "name": sh["name"]}

    def other_township_village(self, township):
        """Some real village of another township (only to be refused)."""
        for t in self.children(LS_COUNTY, "township"):
            if t["code"] != township:
                return self.villages_of(t["code"])[0]["code"]
        raise AssertionError("no other township")


# --------------------------------------------------------------------------
# users


class Users:
    """Logged-in users of any role with their passwords changed."""

    def __init__(self, server, admin):
        self.server = server
        self.admin = admin

    def make(self, role, region):
        name = f"pf{role[:3]}{uuid.uuid4().hex[:8]}"
        r = self.admin.post("/users", json={"username": name, "role": role,
                                            "region_code": region})
        assert_status(r, 201)
        c = Client(self.server.url)
        c.login_ok(name, r.json()["one_time_password"])
        assert_status(c.change_password(strong_password()), 200)
        c.role = role
        c.region = region
        return c


_cache = {}
_cache_lock = threading.Lock()


def _once(admin, key, make):
    """One instance per session although several modules import the
    fixtures (pytest makes one session fixture per defining module)."""
    k = (id(admin), key)
    with _cache_lock:
        if k not in _cache:
            _cache[k] = make()
        return _cache[k]


@pytest.fixture(scope="session")
def users(server, admin):
    return _once(admin, "pf_users", lambda: Users(server, admin))


@pytest.fixture(scope="session")
def pool(admin):
    return _once(admin, "pf_pool", lambda: Pool(admin))


@pytest.fixture(scope="session")
def officer(users, admin):
    """A county officer of 梨树县: registers staff, platforms, counts."""
    return _once(admin, "pf_ls", lambda: users.make("county", LS_COUNTY))


@pytest.fixture(scope="session")
def yt_officer(users, admin):
    """A county officer of 伊通 (another county of 四平市)."""
    return _once(admin, "pf_yt", lambda: users.make("county", YT_COUNTY))


@pytest.fixture(scope="session")
def province(users, admin):
    return _once(admin, "pf_prov", lambda: users.make("province", PROVINCE))


# --------------------------------------------------------------------------
# staff (the managers)


def director_body(village, **kw):
    b = {"post": "director", "region_code": village, "name": unique_name(),
         "id_number": id_number(village[:6], "1986-11-02", "female"), "sex": "female",
         "phone": unique_phone(), "source": "women_director", "employment": "full_time",
         "appointed_on": "2018-08-25"}
    b.update(kw)
    return b


def supervisor_body(township, **kw):
    b = {"post": "supervisor", "region_code": township, "name": unique_name(),
         "id_number": id_number(township[:6], "1979-03-15", "male"), "sex": "male",
         "phone": unique_phone(), "source": "civil_affairs_office",
         "employment": "part_time", "appointed_on": "2018-08-20"}
    b.update(kw)
    return b


def register_director(c, village, **kw):
    r = c.post("/staff", json=director_body(village, **kw))
    assert_status(r, 201)
    s = r.json()
    assert s["status"] == "active" and s["region_code"] == village
    return s


def register_supervisor(c, township, **kw):
    r = c.post("/staff", json=supervisor_body(township, **kw))
    assert_status(r, 201)
    s = r.json()
    assert s["status"] == "active" and s["region_code"] == township
    return s


def leave(c, staff_id, left_on=None, reason="调任其他岗位"):
    r = c.post(f"/staff/{staff_id}/leave",
               json={"left_on": left_on or days_ago(1), "reason": reason})
    assert_status(r, 200)
    assert r.json()["status"] == "left"
    return r.json()


# --------------------------------------------------------------------------
# platform bodies


def full_standard(day="2024-03-01"):
    """Every 五有 fact recorded and good."""
    return {
        "place": {"floor_area": 80.5, "ventilation": True, "lighting": True,
                  "fire_safety": True, "no_hazards": True, "inspected_on": day},
        "equipment": {k: 2 for k in EQUIPMENT},
        "rules": {k: day for k in RULES},
    }


def home_body(village, **kw):
    b = {"kind": "children_home", "region_code": village, "host": "civil_affairs_station",
         "address": "村委会院内东侧平房", "opened_on": "2019-06-01"}
    b.update(kw)
    return b


def center_body(township, kind="activity_center", **kw):
    b = {"kind": kind, "region_code": township, "host": "civil_affairs_office",
         "address": "乡镇综合服务中心二楼", "opened_on": "2019-09-01"}
    b.update(kw)
    return b


# --------------------------------------------------------------------------
# API wrappers


def create(c, body):
    r = c.post("/platforms", json=body)
    assert_status(r, 201)
    p = r.json()
    check_detail(p)
    return p


def get(c, pid):
    r = c.get(f"/platforms/{pid}")
    assert_status(r, 200)
    p = r.json()
    check_detail(p)
    return p


def patch(c, pid, body):
    r = c.patch(f"/platforms/{pid}", json=body)
    assert_status(r, 200)
    p = r.json()
    check_detail(p)
    return p


def listing(c, **params):
    r = c.get("/platforms", params=params)
    assert_status(r, 200)
    body = r.json()
    assert set(body) >= {"items", "total"}, body
    for p in body["items"]:
        check_platform(p)
    return body


def all_platforms(c, **params):
    out, page, tot = [], 1, None
    while True:
        body = listing(c, page=page, page_size=200, **params)
        tot = body["total"] if tot is None else tot
        out += body["items"]
        if len(body["items"]) < 200:
            break
        page += 1
    assert len(out) == tot, f"total {tot} but {len(out)} items over the pages"
    return out


def rule100(c, **params):
    r = c.get("/platforms/rule100", params=params)
    assert_status(r, 200)
    body = r.json()
    assert {"missing_total", "missing", "uncovered_total", "uncovered"} <= set(body), body
    for e in body["missing"] + body["uncovered"]:
        assert RULE_ENTRY_KEYS <= set(e), e
    if "page" not in params and "page_size" not in params:  # the whole lists
        assert body["missing_total"] == len(body["missing"])
        assert body["uncovered_total"] == len(body["uncovered"])
        assert body["truncated"] is False, body
    return body


def codes(entries):
    return {e["code"] for e in entries}


def set_count(c, village, count, year=None):
    r = c.put(f"/regions/{village}/child-count",
              json={"count": count, "year": year or last_year()})
    assert_status(r, 200)
    return r.json()


def compliance(c, **params):
    r = c.get("/platforms/compliance", params=params)
    assert_status(r, 200)
    body = r.json()
    assert {"total", "compliant", "pct", "items", "failing", "failing_total"} <= set(body), body
    assert len(body["failing"]) == min(body["failing_total"], 200), body
    assert body["failing_total"] == body["total"] - body["compliant"], body
    return body


def activities(c, pid):
    r = c.get(f"/platforms/{pid}/activities")
    assert_status(r, 200)
    body = r.json()
    assert set(body) >= {"items"}, body
    return body["items"]


def log_activity(c, pid, held_on, function, children, parents, title=None, notes=None):
    body = {"held_on": iso(held_on), "function": function,
            "title": title or f"{FUNCTION_LABELS[function][:4]}活动",
            "children": children, "parents": parents}
    if notes is not None:
        body["notes"] = notes
    r = c.post(f"/platforms/{pid}/activities", json=body)
    assert_status(r, 201)
    return r.json()


def activity_stats(c, **params):
    r = c.get("/platforms/activity-stats", params=params)
    assert_status(r, 200)
    body = r.json()
    assert "items" in body, body
    for i in body["items"]:
        assert {"function", "function_label", "quarter", "activities", "children",
                "parents"} <= set(i), i
        assert i["function_label"] == FUNCTION_LABELS[i["function"]], i
    return body["items"]


def stats_map(items):
    """{(function, quarter): (activities, children, parents)}"""
    out = {}
    for i in items:
        k = (i["function"], i["quarter"])
        assert k not in out, f"two items for {k}: {items}"
        out[k] = (i["activities"], i["children"], i["parents"])
    return out


def label_words(c):
    r = c.get("/settings/label-words")
    assert_status(r, 200)
    return r.json()["words"]


def audit_entries(c, action, pages=10):
    out = []
    for page in range(1, pages + 1):
        r = c.get("/audit", params={"action": action, "page": page, "page_size": 200})
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


# --------------------------------------------------------------------------
# shapes


def check_platform(p):
    missing = PLATFORM_KEYS - set(p)
    assert not missing, f"Platform lacks {sorted(missing)}: {p}"
    assert isinstance(p["id"], int) and not isinstance(p["id"], bool)
    assert p["kind"] in KIND_LABELS, p
    if p["kind"] != "protection_station":
        # (the station's label is checked by test_station_kind_label: a known bug)
        assert p["kind_label"] == KIND_LABELS[p["kind"]], p
    assert isinstance(p["regional"], bool) and isinstance(p["compliant"], bool), p
    assert p["status"] in ("active", "closed"), p
    assert isinstance(p["failing"], list), p
    assert set(p["failing"]) <= set(FIVE_LABELS.values()), p
    assert p["compliant"] is (p["failing"] == []), f"compliant and failing disagree: {p}"
    assert p["region_path"].startswith("吉林省 / ") and p["region_path"].endswith(
        p["region_name"]), p
    assert isinstance(p["version"], int), p
    return p


def check_detail(p):
    check_platform(p)
    missing = DETAIL_KEYS - set(p)
    assert not missing, f"Platform detail lacks {sorted(missing)}: {p}"
    five = p["five"]
    assert [f["item"] for f in five] == [1, 2, 3, 4, 5], five
    for f in five:
        assert f["label"] == FIVE_LABELS[f["item"]], f
        assert isinstance(f["ok"], bool), f
        if not f["ok"]:
            assert isinstance(f["why"], str) and f["why"].strip(), f"no reason: {f}"
    bad = [f["label"] for f in five if not f["ok"]]
    assert sorted(bad) == sorted(p["failing"]), (
        f"`five` and `failing` disagree: {p['five']} vs {p['failing']}")
    assert isinstance(p["serves"], list) and isinstance(p["standard"], dict), p
    return p


def five_of(p):
    return {f["item"]: f for f in p["five"]}


def failing_items(p):
    return {f["item"] for f in p["five"] if not f["ok"]}
