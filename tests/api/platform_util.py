"""Helpers for the service-platform tests (服务阵地, docs/API.md "Service
platforms", SPEC §5): the pool of real townships and villages behind the
`platform_pool` fixture, bodies for the staff who manage platforms and for
platforms, and thin API wrappers.

The session database is shared by every test file and starts without demo
data.  The platform tests work in 梨树县 (220322, 四平市), a county no other
test file uses, and take 伊通满族自治县 (220323) as "another county".  Each
test takes whole townships (or single villages) from `platform_pool`, so
the child counts, 100-children lists, compliance rates and activity
statistics it checks are its own.  The fixtures (`platform_pool`,
`officer`, `yt_officer`, `province`, `staff`) are in conftest.py; dates,
ID numbers, names and phones in helpers.py.
"""

import threading

from conftest import assert_status
from helpers import (all_pages, days_ago, id_number, iso, person_name, today_cn,
                     unique_phone)


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


# --------------------------------------------------------------------------
# dates (the server's "today" is the date in China)


def last_year():
    return today_cn().year - 1


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
# staff (the managers)


def director_body(village, **kw):
    b = {"post": "director", "region_code": village, "name": person_name(),
         "id_number": id_number(village[:6], "1986-11-02", "female"), "sex": "female",
         "phone": unique_phone(), "source": "women_director", "employment": "full_time",
         "appointed_on": "2018-08-25"}
    b.update(kw)
    return b


def supervisor_body(township, **kw):
    b = {"post": "supervisor", "region_code": township, "name": person_name(),
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
    return all_pages(listing, c, **params)


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
