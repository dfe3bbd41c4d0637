"""Helpers for the workforce tests (基层儿童工作队伍, docs/API.md "Workforce"):
the pool of real Jilin townships and counties behind the `region_pool`
fixture (each handed out once per session), staff/training/certificate
bodies and thin API wrappers.

The session database is shared by every test file and starts without staff
(`init` without `--demo`).  Each workforce test registers its people in
townships and counties it takes from the pool, so the counts it checks are
its own.  The fixtures (`region_pool`, `na_county`, `dh_county`, `staff`)
are in conftest.py; dates, ID numbers, names and phones in helpers.py.
"""

import re
import threading

from conftest import assert_status
from helpers import all_pages, id_number, iso, person_name, today_cn, unique_phone


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

CERT_NUMBER = re.compile(r"^JL(\d{6})-(\d{4})-([ZD])-(\d{4,})$")
GHOST = 987654321  # no record has this id


# --------------------------------------------------------------------------
# dates (the server's "today" is the date in China)


def past_year():
    """A whole past calendar year (its trainings cannot be in the future)."""
    return today_cn().year - 1


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
# bodies


def _county_of(code):
    c = str(code)[:6]
    return c if len(c) == 6 and c.isdigit() else NA_COUNTY


def supervisor_body(township, **kw):
    idn = id_number(_county_of(township), "1980-03-15", "male")
    b = {"post": "supervisor", "region_code": township, "name": person_name(),
         "id_number": idn, "sex": "male", "phone": unique_phone(),
         "source": "civil_affairs_office", "employment": "part_time",
         "appointed_on": "2018-08-20"}
    b.update(kw)
    return b


def director_body(village, **kw):
    idn = id_number(_county_of(village), "1986-11-02", "female")
    b = {"post": "director", "region_code": village, "name": person_name(),
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
    return all_pages(staff_list, c, **params)


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


