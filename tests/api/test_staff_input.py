"""Bad input to the workforce endpoints: each refused with the documented
error shape (SPEC §12, docs/API.md "Error codes"), and nothing written — the
township's records, the trainings, certificates, campaigns and the audit log
are exactly as before."""

import pytest

from conftest import assert_error, assert_status
from helpers import (audit_written, bad_check, check_char, days_ago, days_ahead, error_of,
                     id_number)
from workforce_util import (DH_COUNTY, NA_COUNTY, all_staff, attend, certificates_of,
                            director_body, get_staff, new_training, past_year, register,
                            training_body)


class World:
    def __init__(self, region_pool, c, admin, audit_admin):
        self.c = c
        self.admin = admin
        self.audit_admin = audit_admin
        t = region_pool.take_township(min_villages=4)
        self.town = t["code"]
        self.villages = [v["code"] for v in t["villages"]]
        self.taken = self.villages[0]  # a director in post since 2018-08-25
        self.free = self.villages[1]  # nobody
        self.director = register(c, director_body(self.taken, appointed_on="2018-08-25"))
        y = past_year()
        self.training = new_training(c, training_body(NA_COUNTY, f"{y}-04-01", initial=True))
        attend(c, self.training["id"], self.director["id"], passed=True, score=90)
        certs = [x for x in certificates_of(c, self.town)
                 if x["staff_id"] == self.director["id"]]
        assert len(certs) == 1
        self.cert = certs[0]
        r = c.post("/campaigns", json={"name": "输入校验用任务", "measure": "staff_trained",
                                       "region_code": NA_COUNTY, "due_on": f"{y}-12-31"})
        assert_status(r, 201)

    def snapshot(self):
        c = self.c
        staff = [(s["id"], s["version"], s["status"], s["name"], s["phone"], s["source"],
                  s["employment"], s["left_on"], s["user_id"])
                 for s in all_staff(c, region=self.town)]
        det = get_staff(c, self.director["id"])
        trainings = sorted(i["id"] for i in c.get("/trainings").json()["items"])
        t = c.get(f"/trainings/{self.training['id']}").json()
        attendance = [(a["staff_id"], a["result"], a["score"], a["passed"])
                      for a in t["attendance"]]
        certs = sorted((x["id"], x["status"]) for x in certificates_of(c, NA_COUNTY))
        campaigns = sorted(x["id"] for x in c.get("/campaigns").json()["items"])
        return {"staff": staff, "history": len(det["history"]), "trainings": trainings,
                "attendance": attendance, "certs": certs, "campaigns": campaigns,
                "audit": audit_written(self.audit_admin)}


@pytest.fixture(scope="module")
def w(region_pool, na_county, admin, audit_admin):
    return World(region_pool, na_county, admin, audit_admin)


def refused(w, r, status, code, field=None):
    """`r` is refused as documented, and nothing changed."""
    if code is None:
        err = error_of(r, status)
    else:
        err = assert_error(r, status, code, field)
    return err


@pytest.fixture
def unchanged(w):
    before = w.snapshot()
    yield
    assert w.snapshot() == before, "a refused request wrote something"


def _bad_date_id(county="220122"):
    first17 = f"{county}19860230" + "024"
    return first17 + check_char(first17)


# --------------------------------------------------------------------------
# POST /staff


def staff_cases():
    T = "@town"  # replaced by the township
    return [
        ("check digit", {"id_number": "@badcheck"}, 400, "invalid_id_number", "id_number"),
        ("17 characters", {"id_number": "@short"}, 400, "invalid_id_number", "id_number"),
        ("letters", {"id_number": "22012219860A02002X"}, 400, "invalid_id_number", "id_number"),
        ("impossible birth date", {"id_number": _bad_date_id()}, 400, "invalid_id_number",
         "id_number"),
        ("birth in the future", {"id_number": "@future"}, 400, "invalid_id_number", "id_number"),
        ("sex differs from the number", {"sex": "male"}, 400, "id_mismatch", None),
        ("post code", {"post": "boss"}, 400, "invalid_field", "post"),
        ("post code case", {"post": "Director"}, 400, "invalid_field", "post"),
        ("source of the other post", {"source": "dedicated"}, 400, "invalid_field", "source"),
        ("source code", {"source": "teacher"}, 400, "invalid_field", "source"),
        ("employment code", {"employment": "sometimes"}, 400, "invalid_field", "employment"),
        ("unknown field", {"age": 40}, 400, "unknown_field", "age"),
        ("unknown field status", {"status": "active"}, 400, "unknown_field", "status"),
        ("unknown field left_on", {"left_on": "2020-01-01"}, 400, "unknown_field", "left_on"),
        ("name type", {"name": 5}, 400, "invalid_field", "name"),
        ("name too short", {"name": "张"}, 400, "invalid_field", "name"),
        ("id type", {"id_number": 220122198611020024}, 400, "invalid_field", "id_number"),
        ("phone type", {"phone": 13912345678}, 400, "invalid_field", "phone"),
        ("post type", {"post": ["director"]}, 400, "invalid_field", "post"),
        ("region type", {"region_code": 220122102001}, 400, "invalid_field", "region_code"),
        ("employment type", {"employment": True}, 400, "invalid_field", "employment"),
        ("appointed type", {"appointed_on": 20180825}, 400, "invalid_field", "appointed_on"),
        ("user_id type", {"user_id": "5"}, 400, "invalid_field", "user_id"),
        ("sex type", {"sex": 2}, 400, "invalid_field", "sex"),
        ("director on a township", {"region_code": T}, 400, "invalid_field", "region_code"),
        ("director on a county", {"region_code": NA_COUNTY}, 400, "invalid_field",
         "region_code"),
        ("supervisor on a village", {"post": "supervisor", "source": "dedicated"}, 400,
         "invalid_field", "region_code"),
        ("supervisor on a county", {"post": "supervisor", "source": "dedicated",
                                    "region_code": NA_COUNTY}, 400, "invalid_field",
         "region_code"),
        ("appointed in the future", {"appointed_on": days_ahead(1)}, 400, "invalid_field",
         "appointed_on"),
        ("appointed on no date", {"appointed_on": "2018-02-30"}, 400, "invalid_field",
         "appointed_on"),
        ("appointed format", {"appointed_on": "2018/08/25"}, 400, "invalid_field",
         "appointed_on"),
        ("malformed region", {"region_code": "22012210200x"}, 400, "invalid_region", None),
        ("unknown village", {"region_code": "220122102999"}, 404, "region_not_found", None),
        ("another county's village", {"region_code": "220183100001"}, 404,
         "region_not_found", None),
    ]


@pytest.mark.parametrize("label,patch,status,code,field", staff_cases(),
                         ids=[c[0] for c in staff_cases()])
def test_register_refused(w, unchanged, label, patch, status, code, field):
    body = director_body(w.free)
    for k, v in patch.items():
        if v == "@badcheck":
            v = bad_check(id_number(NA_COUNTY, "1986-11-02", "female"))
        elif v == "@short":
            v = id_number(NA_COUNTY, "1986-11-02", "female")[:17]
        elif v == "@future":
            first17 = f"220122{int(days_ahead(400)[:4])}0101" + "024"
            v = first17 + check_char(first17)
        elif v == "@town":
            v = w.town
        body[k] = v
    if patch.get("post") == "supervisor" and "region_code" not in patch:
        body["region_code"] = w.free
    refused(w, w.c.post("/staff", json=body), status, code, field)


@pytest.mark.parametrize("field", ["post", "region_code", "name", "id_number", "phone",
                                   "source", "employment", "appointed_on"])
def test_register_missing_field(w, unchanged, field):
    body = director_body(w.free)
    del body[field]
    assert_error(w.c.post("/staff", json=body), 400, "missing_field", field)


@pytest.mark.parametrize("data", [b"", b"[]", b"[1]", b"\"director\"", b"{", b"null"])
def test_register_not_an_object(w, unchanged, data):
    r = w.c.post("/staff", data=data, headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")


def test_second_active_director(w, unchanged):
    r = w.c.post("/staff", json=director_body(w.taken))
    assert_error(r, 409, "post_taken")
    # another source and employment: still the same post
    r = w.c.post("/staff", json=director_body(w.taken, employment="part_time",
                                              source="volunteer"))
    assert_error(r, 409, "post_taken")


def test_bad_phone_refused(w, unchanged):
    for phone in ("12345", "1381234567", "23812345678", "0431-8555-1234", "电话"):
        r = w.c.post("/staff", json=director_body(w.free, phone=phone))
        err = error_of(r, 400)
        assert err.get("field") == "phone", err


# Decided: a malformed phone number has its own documented code.
def test_bad_phone_code_is_documented(w, unchanged):
    assert_error(w.c.post("/staff", json=director_body(w.free, phone="12345")), 400,
                 "invalid_phone", "phone")


# --------------------------------------------------------------------------
# leaving


@pytest.mark.parametrize("body,code,field", [
    ({"left_on": "2018-08-24", "reason": "早于任职"}, "invalid_field", "left_on"),
    ({"left_on": "2017-01-01", "reason": "早于任职"}, "invalid_field", "left_on"),
    ({"left_on": "@tomorrow", "reason": "尚未离任"}, "invalid_field", "left_on"),
    ({"left_on": "2020-02-30", "reason": "无效日期"}, "invalid_field", "left_on"),
    ({"left_on": 20200101, "reason": "类型错误"}, "invalid_field", "left_on"),
    ({"reason": "缺少日期"}, "missing_field", "left_on"),
    ({"left_on": "2020-01-01"}, "missing_field", "reason"),
    ({"left_on": "2020-01-01", "reason": 5}, "invalid_field", "reason"),
    ({"left_on": "2020-01-01", "reason": "辞职", "note": "多余"}, "unknown_field", "note"),
    ({"left_on": "2020-01-01", "reason": "辞职", "status": "left"}, "unknown_field", "status"),
], ids=["day before appointment", "year before appointment", "tomorrow", "no such date",
        "date type", "no date", "no reason", "reason type", "unknown field", "status field"])
def test_leave_refused(w, unchanged, body, code, field):
    body = dict(body)
    if body.get("left_on") == "@tomorrow":
        body["left_on"] = days_ahead(1)
    r = w.c.post(f"/staff/{w.director['id']}/leave", json=body)
    assert_error(r, 400, code, field)


# --------------------------------------------------------------------------
# edits


@pytest.mark.parametrize("patch,code,field", [
    ({"name": 5}, "invalid_field", "name"),
    ({"name": "张"}, "invalid_field", "name"),
    ({"employment": "sometimes"}, "invalid_field", "employment"),
    ({"source": "dedicated"}, "invalid_field", "source"),
    ({"source": "nobody"}, "invalid_field", "source"),
    ({"user_id": "x"}, "invalid_field", "user_id"),
    ({"user_id": 1.5}, "invalid_field", "user_id"),
    ({"age": 40}, "unknown_field", "age"),
    ({"region_code": "220122102001"}, "unknown_field", "region_code"),
], ids=["name type", "name short", "employment", "source of other post", "source code",
        "user_id type", "user_id float", "unknown", "region"])
def test_patch_refused(w, unchanged, patch, code, field):
    r = w.c.patch(f"/staff/{w.director['id']}", json=patch)
    assert_error(r, 400, code, field)


def test_patch_bad_phone_refused(w, unchanged):
    r = w.c.patch(f"/staff/{w.director['id']}", json={"phone": "12345"})
    assert error_of(r, 400).get("field") == "phone"


# --------------------------------------------------------------------------
# trainings


TRAINING_BAD = [
    ("held tomorrow", {"held_on": "@tomorrow"}, None, "held_on"),
    ("held on no date", {"held_on": "2019-02-30"}, "invalid_field", "held_on"),
    ("held format", {"held_on": "2019.01.01"}, "invalid_field", "held_on"),
    ("mode code", {"mode": "online"}, "invalid_field", "mode"),
    ("mode label", {"mode": "集中授课"}, "invalid_field", "mode"),
    ("hours string", {"hours": "8"}, "invalid_field", "hours"),
    ("hours zero", {"hours": 0}, "invalid_field", "hours"),
    ("hours negative", {"hours": -2}, "invalid_field", "hours"),
    ("hours bool", {"hours": True}, "invalid_field", "hours"),
    ("topics empty", {"topics": []}, "invalid_field", "topics"),
    ("topics string", {"topics": "家庭走访"}, "invalid_field", "topics"),
    ("topics numbers", {"topics": [5]}, "invalid_field", "topics"),
    ("initial string", {"initial": "yes"}, "invalid_field", "initial"),
    ("title type", {"title": 5}, "invalid_field", "title"),
    ("organiser type", {"organiser": ["县民政局"]}, "invalid_field", "organiser"),
    ("trainer type", {"trainer": 7}, "invalid_field", "trainer"),
    ("unknown field", {"place": "县会议室"}, "unknown_field", "place"),
    ("unknown attendees", {"attendees": []}, "unknown_field", "attendees"),
    ("township", {"region_code": "@town"}, "invalid_field", "region_code"),
    ("malformed region", {"region_code": "2201x"}, "invalid_region", None),
]


@pytest.mark.parametrize("label,patch,code,field", TRAINING_BAD,
                         ids=[c[0] for c in TRAINING_BAD])
def test_training_refused(w, unchanged, label, patch, code, field):
    body = training_body(NA_COUNTY, days_ago(10))
    for k, v in patch.items():
        body[k] = {"@tomorrow": days_ahead(1), "@town": w.town}.get(v, v) \
            if isinstance(v, str) else v
    r = w.c.post("/trainings", json=body)
    if code is None:
        err = error_of(r, 400)
        assert err.get("field") == field, err
    else:
        assert_error(r, 400, code, field)


def test_training_of_another_county(w, unchanged):
    r = w.c.post("/trainings", json=training_body(DH_COUNTY, days_ago(10)))
    assert_error(r, 404, "region_not_found")


# Decided: future_date is documented.
def test_future_training_code_is_documented(w, unchanged):
    r = w.c.post("/trainings", json=training_body(NA_COUNTY, days_ahead(1)))
    assert_error(r, 400, "future_date", "held_on")


@pytest.mark.parametrize("which", ["organiser", "trainer"])
def test_training_short_text_names_its_field(w, unchanged, which):
    r = w.c.post("/trainings", json=training_body(NA_COUNTY, days_ago(10), **{which: "县"}))
    assert_error(r, 400, "invalid_field", which)


# Decided: region_code and initial are optional (documented with `?`);
# they are not among the required fields below.
@pytest.mark.parametrize("field", [
    "title", "held_on", "hours", "mode", "organiser", "trainer", "topics"])
def test_training_missing_field(w, field):
    body = training_body(NA_COUNTY, "2018-09-01")
    del body[field]
    before = w.snapshot()
    r = w.c.post("/trainings", json=body)
    assert_error(r, 400, "missing_field", field)
    assert w.snapshot() == before


@pytest.mark.parametrize("field", [
    "title", "held_on", "hours", "mode", "organiser", "trainer", "topics"])
def test_training_null_field_is_missing(w, field):
    body = training_body(NA_COUNTY, "2018-09-01")
    body[field] = None
    before = w.snapshot()
    r = w.c.post("/trainings", json=body)
    assert_error(r, 400, "missing_field", field)
    assert w.snapshot() == before


# --------------------------------------------------------------------------
# results


ATTEND_BAD = [
    ("result code", {"result": "passed"}, "invalid_field", "result"),
    ("score over 100", {"score": 101}, "invalid_field", "score"),
    ("score negative", {"score": -1}, "invalid_field", "score"),
    ("score string", {"score": "90"}, "invalid_field", "score"),
    ("score fraction", {"score": 85.5}, "invalid_field", "score"),
    ("passed string", {"passed": "yes"}, "invalid_field", "passed"),
    ("staff_id string", {"staff_id": "@sid"}, "invalid_field", "staff_id"),
    ("unknown field", {"comment": "好"}, "unknown_field", "comment"),
]


@pytest.mark.parametrize("label,patch,code,field", ATTEND_BAD, ids=[c[0] for c in ATTEND_BAD])
def test_attendance_refused(w, unchanged, label, patch, code, field):
    body = {"staff_id": w.director["id"], "result": "assessed", "score": 20, "passed": False}
    for k, v in patch.items():
        body[k] = str(w.director["id"]) if v == "@sid" else v
    r = w.c.post(f"/trainings/{w.training['id']}/attendance", json=body)
    assert_error(r, 400, code, field)


@pytest.mark.parametrize("field", [
    "staff_id", "result", "passed"])
def test_attendance_missing_field(w, unchanged, field):
    body = {"staff_id": w.director["id"], "result": "assessed", "score": 20, "passed": False}
    del body[field]
    r = w.c.post(f"/trainings/{w.training['id']}/attendance", json=body)
    assert_error(r, 400, "missing_field", field)


# --------------------------------------------------------------------------
# certificates


@pytest.mark.parametrize("body,code,field", [
    ({"staff_id": "@sid", "training_id": "@tid"}, "invalid_field", "staff_id"),
    ({"staff_id": "@nsid", "training_id": "x"}, "invalid_field", "training_id"),
    ({"staff_id": "@nsid", "training_id": "@ntid", "number": "JL1"}, "unknown_field", "number"),
], ids=["staff_id string", "training_id string", "unknown field"])
def test_certificate_request_refused(w, unchanged, body, code, field):
    sub = {"@sid": str(w.director["id"]), "@tid": str(w.training["id"]),
           "@nsid": w.director["id"], "@ntid": w.training["id"]}
    body = {k: sub.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    assert_error(w.c.post("/certificates", json=body), 400, code, field)


@pytest.mark.parametrize("field", ["staff_id", "training_id"])
def test_certificate_request_missing_field(w, unchanged, field):
    body = {"staff_id": w.director["id"], "training_id": w.training["id"]}
    del body[field]
    assert_error(w.c.post("/certificates", json=body), 400, "missing_field", field)


@pytest.mark.parametrize("body,code,field", [
    ({}, "missing_field", "reason"),
    ({"reason": 5}, "invalid_field", "reason"),
    ({"reason": "造假", "date": "2020-01-01"}, "unknown_field", "date"),
], ids=["no reason", "reason type", "unknown field"])
def test_revoke_refused(w, unchanged, body, code, field):
    r = w.c.post(f"/certificates/{w.cert['id']}/revoke", json=body)
    assert_error(r, 400, code, field)


# --------------------------------------------------------------------------
# campaigns


CAMPAIGN_BAD = [
    ("measure code", {"measure": "staff_counted"}, "invalid_field", "measure"),
    ("measure case", {"measure": "Staff_Trained"}, "invalid_field", "measure"),
    ("measure label", {"measure": "完成年度培训"}, "invalid_field", "measure"),
    ("due on no date", {"due_on": "2019-02-30"}, "invalid_field", "due_on"),
    ("due format", {"due_on": "2019/12/31"}, "invalid_field", "due_on"),
    ("due type", {"due_on": 20191231}, "invalid_field", "due_on"),
    ("name type", {"name": 5}, "invalid_field", "name"),
    ("unknown field", {"target": 10}, "unknown_field", "target"),
    ("malformed region", {"region_code": "22x"}, "invalid_region", None),
]


@pytest.mark.parametrize("label,patch,code,field", CAMPAIGN_BAD,
                         ids=[c[0] for c in CAMPAIGN_BAD])
def test_campaign_refused(w, unchanged, label, patch, code, field):
    body = {"name": "工作任务" + label, "measure": "staff_trained", "region_code": NA_COUNTY,
            "due_on": "2019-12-31"}
    body.update(patch)
    assert_error(w.c.post("/campaigns", json=body), 400, code, field)


@pytest.mark.parametrize("field", [
    "name", "measure", "due_on"])
def test_campaign_missing_field(w, field):
    body = {"name": "缺字段任务", "measure": "staff_trained", "region_code": NA_COUNTY,
            "due_on": "2019-12-31"}
    del body[field]
    before = w.snapshot()
    assert_error(w.c.post("/campaigns", json=body), 400, "missing_field", field)
    assert w.snapshot() == before
