"""Helpers for the rural left-behind women tests (SPEC §8): the regions
they use, women's bodies with valid female ID numbers, thin API wrappers
and the proof that nothing was written.

Every woman of these tests lives in 磐石市 (吉林市), in villages taken from
the session's village pool, so the counts a test checks are its own; 桦甸市
is "another county".  ID numbers come from helpers.id_number (unique in
the session, the sex digit even for a woman).
"""

from children_util import unique_name
from conftest import assert_status
from helpers import audit_entries, id_number, unique_phone


CITY = "2202"  # 吉林市
COUNTY = "220284"  # 磐石市
TOWN = "220284100"  # 烟筒山镇
TOWN_2 = "220284101"  # 红旗岭镇
OTHER_COUNTY = "220282"  # 桦甸市
GHOST = 987654321  # no woman has this id

KINDS = {
    "employment_guidance": "就业指导",
    "entrepreneurship": "创业支持",
    "cancer_screening": "两癌筛查",
    "rights": "权益保障",
}
EMPLOYMENTS = {
    "farming": "务农",
    "local_work": "就地就近务工",
    "self_employed": "个体经营",
    "unemployed": "无业",
    "other": "其他",
}
WOMAN_KEYS = {
    "id", "region_code", "region_name", "name", "id_number", "birth_date", "age",
    "phone", "husband_work_place", "employment", "employment_label", "skills",
    "status", "version", "created_at",
}
SERVICE_KEYS = {"id", "kind", "kind_label", "served_on", "result", "detail",
                "follow_up", "created_by"}


def woman_id(village, birth="1986-04-12", sex="female"):
    """A valid number with the village's county code."""
    return id_number(village[:6], birth, sex)


def woman_body(village, **kw):
    """Every field of a registration, valid; keywords override."""
    b = {
        "region_code": village,
        "name": unique_name(),
        "id_number": woman_id(village),
        "phone": unique_phone(),
        "husband_work_place": "北京市朝阳区",
        "employment": "farming",
        "skills": "手工编织、电商直播",
    }
    b.update(kw)
    return b


def register(c, body):
    r = c.post("/women", json=body)
    assert_status(r, 201)
    w = r.json()
    check_woman(w, detail=True)
    return w


def get_woman(c, wid):
    r = c.get(f"/women/{wid}")
    assert_status(r, 200)
    w = r.json()
    check_woman(w, detail=True)
    return w


def add_service(c, wid, body):
    r = c.post(f"/women/{wid}/services", json=body)
    assert_status(r, 201)
    w = r.json()
    check_woman(w, detail=True)
    return w


def listing(c, **params):
    r = c.get("/women", params=params)
    assert_status(r, 200)
    body = r.json()
    assert set(body) == {"items", "total"}, body
    for w in body["items"]:
        check_woman(w)
    return body


def total(c, **params):
    return listing(c, page_size=1, **params)["total"]


def stats(c, **params):
    r = c.get("/women/stats", params=params)
    assert_status(r, 200)
    body = r.json()
    assert [s["kind"] for s in body["services"]] == list(KINDS), body
    for s in body["services"]:
        assert s["label"] == KINDS[s["kind"]], s
    return body


def per_kind(st):
    """{kind: (services, women)} of a stats answer."""
    return {s["kind"]: (s["services"], s["women"]) for s in st["services"]}


def audits_of(c, action, wid):
    return [a for a in audit_entries(c, action) if a["target"] == f"woman:{wid}"]


def check_woman(w, detail=False):
    keys = WOMAN_KEYS | ({"services"} if detail else set())
    assert set(w) == keys, f"keys differ: {sorted(set(w) ^ keys)}"
    assert isinstance(w["id"], int) and w["id"] > 0
    assert w["employment_label"] == EMPLOYMENTS[w["employment"]]
    assert w["status"] in ("active", "exited")
    if detail:
        for s in w["services"]:
            assert set(s) == SERVICE_KEYS, s
            assert s["kind_label"] == KINDS[s["kind"]]
    return w


def snapshot(c, village):
    """What a director (or anyone reading `village`) sees of the village:
    the women with their services, and the counts."""
    items = listing(c, region=village, page_size=200)["items"]
    full = [get_woman(c, w["id"]) for w in items]
    return {"women": full, "stats": stats(c, region=village)}
