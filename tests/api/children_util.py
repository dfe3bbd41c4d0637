"""Helpers for the children tests: birth dates for an age, names, record
bodies, the pool of real villages behind the `village_pool` fixture, and
thin API wrappers (dates and ID numbers are in helpers.py).

Every test makes its own children with ID numbers and names unique to the
session, in villages it takes from the pool, so totals it checks are its own.
"""

import datetime as dt
import itertools
import json
import random
import threading

from conftest import assert_status
from helpers import id_number, today_cn


# 农安县 (长春市): 农安镇 and its villages; another township of the county;
# 南关区, another county of 长春市; 吉林市 for another city.
NA_COUNTY = "220122"
NA_TOWN = "220122100"  # 农安镇
VIL_A = "220122100207"  # 十里堡村委会
VIL_B = "220122100208"  # 两家子村委会
NA_TOWN_2 = "220122101"  # 伏龙泉镇
NG_COUNTY = "220102"  # 南关区
NG_TOWN = "220102001"  # 南岭街道
CITY_CC = "2201"  # 长春市
CITY_JL = "2202"  # 吉林市

PATH_A = "吉林省 / 长春市 / 农安县 / 农安镇 / 十里堡村委会"

CHILD_EDITABLE = {
    "name", "sex", "birth_date", "id_number", "ethnicity", "region_code",
    "hukou_region", "hukou_rural", "hukou_status", "address", "school", "grade",
    "contact_phone", "father", "mother", "guardian", "guardianship",
    "living_support", "mental_health", "mental_notes", "education",
    "dropout_explanation", "health", "illness", "disability",
}
CHILD_READONLY = {
    "id", "status", "age", "categories", "flags", "classification",
    "confirmed_categories", "confirmed_by", "categories_confirmed",
    "last_visit_date", "exit", "version", "region_name", "region_path",
    "created_by", "updated_by", "created_at", "updated_at",
}
LIST_ITEM_KEYS = {
    "id", "name", "sex", "birth_date", "age", "id_number", "region_code",
    "region_name", "categories", "flags", "last_visit_date", "guardian_name",
    "contact_phone", "status",
}
TRANSFER_KEYS = {
    "id", "child_id", "from_region", "to_region", "state", "reason",
    "requested_by", "requested_at", "decided_by", "decided_at", "note",
    "child_name", "child_birth_date", "child_sex",
}
CATEGORY_LABELS = {
    "left_behind": "农村留守儿童",
    "orphan": "孤儿",
    "de_facto_unsupported": "事实无人抚养儿童",
    "difficult_poverty": "困境儿童（家庭贫困）",
    "difficult_disability": "困境儿童（自身残疾/重病）",
    "difficult_guardianship": "困境儿童（监护缺失/不当）",
}
FLAG_LABELS = {
    "unsupervised": "无人监护",
    "poor_guardianship": "监护较差",
    "dropout": "失辍学",
    "no_hukou": "无户籍",
    "ill": "患病",
    "disabled": "残疾",
}


# --------------------------------------------------------------------------
# dates


def years_before(d, years):
    """The same month and day `years` earlier (29 Feb → None when absent)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return None


def birth_for_age(age, days_after_birthday=100):
    """A birth date giving `age` today, `days_after_birthday` days past the
    last birthday (kept away from 29 February)."""
    t = today_cn()
    d = t - dt.timedelta(days=days_after_birthday)
    b = years_before(d, age)
    if b is None:
        b = years_before(d - dt.timedelta(days=1), age)
    return b


# --------------------------------------------------------------------------
# names and bodies

_NAME_CHARS = "安宝成德飞刚国海华佳建杰军丽林明楠平强清荣瑞山胜涛婷伟文霞欣秀雪燕毅英勇玉泽志忠"
_name_seq = itertools.count(random.Random().randrange(0, 10000))
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def unique_name(prefix=None):
    """A Chinese name unique in the session (no digits, so `q` treats it
    as a name)."""
    n = next(_name_seq)
    k = len(_NAME_CHARS)
    s = ""
    for _ in range(4):
        s += _NAME_CHARS[n % k]
        n //= k
    head = prefix or random.choice(_SURNAMES)
    return head + s


def parent(status, name=None, **kw):
    p = {"name": name or unique_name(), "status": status}
    p.update(kw)
    return p


def child_body(region, age=10, sex="male", birth=None, father="migrant_out_province",
               mother="at_home", with_id=True, county=None, **kw):
    """A valid record in `region`; keyword arguments override fields."""
    b = birth or birth_for_age(age)
    b = b if isinstance(b, str) else b.isoformat()
    body = {
        "name": unique_name(),
        "sex": sex,
        "birth_date": b,
        "ethnicity": "汉族",
        "region_code": region,
        "hukou_rural": True,
        "hukou_status": "registered" if with_id else "none",
        "father": parent(father) if isinstance(father, str) else father,
        "mother": parent(mother) if isinstance(mother, str) else mother,
        "guardianship": "fair",
        "education": "in_school",
        "health": "healthy",
    }
    if with_id:
        body["id_number"] = id_number(county or region[:6], b, sex)
    body.update(kw)
    return body


def full_body(region):
    """Every editable field set."""
    b = birth_for_age(10)
    return {
        "name": unique_name("赵"),
        "sex": "female",
        "birth_date": b.isoformat(),
        "id_number": id_number(region[:6], b, "female"),
        "ethnicity": "朝鲜族",
        "region_code": region,
        "hukou_region": region[:6],
        "hukou_rural": True,
        "hukou_status": "registered",
        "address": "十里堡村3组12号",
        "school": "十里堡小学",
        "grade": "四年级",
        "contact_phone": "13912345678",
        "father": {"name": unique_name("赵"),
                   "id_number": id_number(region[:6], "1985-04-12", "male"),
                   "phone": "13800001234", "status": "migrant_out_province",
                   "work_place": "北京市朝阳区"},
        "mother": {"name": unique_name("李"),
                   "id_number": id_number(region[:6], "1987-09-30", "female"),
                   "phone": "0431-85551234", "status": "deceased"},
        "guardian": {"name": unique_name("赵"),
                     "id_number": id_number(region[:6], "1958-01-20", "male"),
                     "relationship": "祖父", "phone": "13900005678"},
        "guardianship": "poor",
        "living_support": "dibao",
        "mental_health": "attention",
        "mental_notes": "性格内向，需关注",
        "education": "dropped_out",
        "dropout_explanation": "2024年9月起辍学，原因：家庭困难；已联系学校劝返",
        "health": "serious_illness",
        "illness": "白血病",
        "disability": {"type": "肢体残疾", "grade": "二级",
                       "certificate_no": "22012220150101123442"},
    }


# --------------------------------------------------------------------------
# villages


class VillagePool:
    """Real villages of a township, handed out once each per session."""

    def __init__(self, admin):
        self.admin = admin
        self._lists = {}
        self._used = set()
        self._lock = threading.Lock()

    def villages(self, township):
        if township not in self._lists:
            r = self.admin.get("/regions", params={"parent": township})
            assert_status(r, 200)
            items = [i for i in r.json()["items"] if i["level"] == "village"]
            assert items, f"no villages under {township}"
            self._lists[township] = items
        return self._lists[township]

    def take(self, township=NA_TOWN):
        """(code, name) of a village of `township` no other test took."""
        with self._lock:
            for v in self.villages(township):
                if v["code"] in (VIL_A, VIL_B) or v["code"] in self._used:
                    continue
                self._used.add(v["code"])
                return v["code"], v["name"]
        raise AssertionError(f"village pool of {township} exhausted")

    def townships(self, county):
        r = self.admin.get("/regions", params={"parent": county})
        assert_status(r, 200)
        return [i["code"] for i in r.json()["items"] if i["level"] == "township"]


# --------------------------------------------------------------------------
# API wrappers


def create(c, body, status=201):
    r = c.post("/children", json=body)
    assert_status(r, status)
    return r.json()


def get_child(c, cid):
    r = c.get(f"/children/{cid}")
    assert_status(r, 200)
    return r.json()


def patch(c, cid, body, headers=None):
    r = c.patch(f"/children/{cid}", json=body, headers=headers)
    assert_status(r, 200)
    return r.json()


def history(c, cid):
    r = c.get(f"/children/{cid}/history")
    assert_status(r, 200)
    body = r.json()
    assert set(body) == {"items"}, body
    return body["items"]


def listing(c, **params):
    r = c.get("/children", params=params)
    assert_status(r, 200)
    body = r.json()
    assert {"items", "total", "as_of"} <= set(body), body
    return body


def total(c, **params):
    return listing(c, page_size=1, **params)["total"]


def all_items(c, **params):
    """Every item over all pages; checks that `total` agrees."""
    out, page, tot = [], 1, None
    while True:
        body = listing(c, page=page, page_size=200, **params)
        tot = body["total"] if tot is None else tot
        assert body["total"] == tot, "total changed between pages"
        out += body["items"]
        if len(body["items"]) < 200:
            break
        page += 1
    assert len(out) == tot, f"total {tot} but {len(out)} items over the pages"
    ids = [i["id"] for i in out]
    assert len(set(ids)) == len(ids), "an item appears on two pages"
    return out


def ids_of(items):
    return [i["id"] for i in items]


def transfers(c, **params):
    r = c.get("/transfers", params=params)
    assert_status(r, 200)
    return r.json()["items"]


def text(v):
    return json.dumps(v, ensure_ascii=False, default=str)


def error_body(r):
    """The error object, for comparing two refusals."""
    return r.json()


def header_index(rows, first="姓名*"):
    for i, row in enumerate(rows):
        if row and str(row[0]).strip() == first:
            return i
    raise AssertionError(f"no header row starting with {first!r}: {rows[:6]}")

