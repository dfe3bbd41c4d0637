"""Names and single-line texts refuse invisible characters (issue #17, 9):
bidi controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C), zero-width
characters (U+200B–200D, U+2060, U+FEFF), other format characters and
control characters, in every resource that takes a name — children and
their parents and guardian, visits, staff, women, staff, regions, cases,
trainings, platforms — each with 400 `invalid_field` naming the field and
the character in Chinese, and nothing written.  Names with rare characters
(CJK extension B, variation selectors, the middle dot of transcribed names)
still pass."""

import pytest

from children_util import (NA_TOWN_2, all_items, child_body, create, full_body,
                           total, unique_name)
from conftest import assert_error, assert_status
from women_util import woman_body
from workforce_util import director_body, staff_list

# One of each kind, placed inside an otherwise ordinary name.
INVISIBLE = {
    "U+202E": "\u202e",  # right-to-left override
    "U+2066": "\u2066",  # left-to-right isolate
    "U+200F": "\u200f",  # right-to-left mark
    "U+061C": "\u061c",  # arabic letter mark
    "U+200B": "\u200b",  # zero width space
    "U+200D": "\u200d",  # zero width joiner
    "U+2060": "\u2060",  # word joiner
    "U+FEFF": "\ufeff",  # zero width no-break space (BOM)
    "U+00AD": "\u00ad",  # soft hyphen (Cf)
    "U+0085": "\u0085",  # a C1 control
}


def poisoned(base, cp):
    return base[:1] + INVISIBLE[cp] + base[1:]


def refused(r, field, cp):
    err = assert_error(r, 400, "invalid_field", field=field)
    assert cp in err["message"], err
    assert field.split(".")[-1] in err["message"], err
    return err


@pytest.fixture(scope="module")
def vil(village_pool):
    return village_pool.take(NA_TOWN_2)[0]


@pytest.fixture(scope="module")
def director(staff, vil):
    return staff.user("director", vil)


@pytest.mark.parametrize("cp", sorted(INVISIBLE))
def test_child_name_refused(director, vil, cp):
    before = total(director, region=vil)
    body = child_body(vil)
    body["name"] = poisoned(body["name"], cp)
    refused(director.post("/children", json=body), "name", cp)
    assert total(director, region=vil) == before


@pytest.mark.parametrize("path", ["father.name", "mother.name", "guardian.name",
                                  "guardian.relationship", "school", "address",
                                  "grade", "illness", "father.work_place"])
def test_every_name_of_a_record_refused(director, vil, path):
    before = total(director, region=vil)
    body = full_body(vil)
    head, _, leaf = path.partition(".")
    if leaf:
        body[head][leaf] = poisoned(body[head][leaf], "U+202E")
    else:
        body[head] = poisoned(body.get(head) or "某某", "U+202E")
    r = director.post("/children", json=body)
    err = assert_error(r, 400, "invalid_field")
    assert err["field"] in (path, leaf or path), err
    assert "U+202E" in err["message"], err
    assert total(director, region=vil) == before


def test_notes_may_run_over_lines_but_not_hide_text(director, vil):
    kid = create(director, full_body(vil))
    ok = director.patch(f"/children/{kid['id']}", json={"mental_notes": "第一行\n第二行"})
    assert_status(ok, 200)
    r = director.patch(f"/children/{kid['id']}", json={"mental_notes": "正常\u202e常正"})
    refused(r, "mental_notes", "U+202E")
    assert director.get(f"/children/{kid['id']}").json()["mental_notes"] == "第一行\n第二行"


def test_patch_and_visit_refused(director, vil):
    kid = create(director, child_body(vil))
    r = director.patch(f"/children/{kid['id']}", json={"name": poisoned(kid["name"], "U+200B")})
    refused(r, "name", "U+200B")
    got = director.get(f"/children/{kid['id']}").json()
    assert got["name"] == kid["name"] and got["version"] == kid["version"]
    visit = {"visit_date": got["created_at"][:10], "visitor": "王\u2066主任", "met": "祖父",
             "findings": {"living": "良好"}, "risk_level": "low"}
    refused(director.post(f"/children/{kid['id']}/visits", json=visit), "visitor", "U+2066")
    assert director.get(f"/children/{kid['id']}/visits").json()["items"] == []


def test_rare_characters_still_pass(director, vil):
    for name in ("\U00020bb7" + "明", "葛\U000e0100" + "亮", "阿依·买买提", "张\ue000三"):
        body = child_body(vil, name=name)
        got = create(director, body)
        assert got["name"] == name


def test_import_refuses_the_row(director, vil):
    from test_children_import import csv_bytes, row_of
    tpl = director.get("/children/import-template")
    assert_status(tpl, 200)
    good = child_body(vil)
    bad = child_body(vil)
    bad["name"] = poisoned(bad["name"], "U+202E")
    data = csv_bytes(tpl.content, [row_of(good), row_of(bad)])
    r = director.post("/children/import", data=data,
                      headers={"Content-Type": "text/csv"})
    assert_status(r, 200)
    res = r.json()
    assert res["imported"] == 1 and res["failed"] == 1, res
    assert "U+202E" in res["errors"][0]["reason"], res["errors"]
    names = [i["name"] for i in all_items(director, region=vil)]
    assert good["name"] in names and bad["name"] not in names


def test_staff_name_refused(na_county, region_pool):
    v = region_pool.take_village()["code"]
    body = director_body(v, name=poisoned(unique_name(), "U+202E"))
    refused(na_county.post("/staff", json=body), "name", "U+202E")
    body = director_body(v, source="other", source_other="热心\u200b群众")
    refused(na_county.post("/staff", json=body), "source_other", "U+200B")
    assert staff_list(na_county, region=v)["total"] == 0


def test_woman_name_refused(staff, village_pool):
    v = village_pool.take("220284100")[0]
    d = staff.user("director", v)
    refused(d.post("/women", json=woman_body(v, name=poisoned(unique_name(), "U+FEFF"))),
            "name", "U+FEFF")
    refused(d.post("/women", json=woman_body(v, skills="电商\u202e播直")), "skills", "U+202E")
    assert d.get("/women", params={"region": v}).json()["total"] == 0


def test_user_display_name_refused(admin):
    name = "nm" + unique_name().encode("utf-8").hex()[:10]
    r = admin.post("/users", json={"username": name, "role": "director",
                                   "region_code": "220122100207",
                                   "display_name": "李\u202e四"})
    refused(r, "display_name", "U+202E")
    got = admin.get("/users", params={"q": name}).json()["items"]
    assert [u for u in got if u["username"] == name] == []


def test_region_name_refused(admin):
    r = admin.post("/regions", json={"parent_code": "22", "name": "长白山\u200d管委会"})
    refused(r, "name", "U+200D")


def test_case_names_refused(director, vil):
    body = {"region_code": vil, "child_name": "小\u2060明", "reporter_type": "public",
            "situation": "begging", "description": "在集市上乞讨"}
    refused(director.post("/cases", json=body), "child_name", "U+2060")
    body["child_name"] = "小明"
    body["reporter_name"] = "热心\u200e群众"
    refused(director.post("/cases", json=body), "reporter_name", "U+200E")


def test_training_title_refused(na_county):
    body = {"region_code": "220122", "title": "儿童主任\u202e训培任初", "held_on": "2024-03-01",
            "hours": 16, "mode": "lecture", "organiser": "农安县民政局",
            "trainer": "讲师", "topics": ["家庭走访"], "initial": True}
    refused(na_county.post("/trainings", json=body), "title", "U+202E")


def test_a_password_is_taken_as_typed(server, accounts):
    """Secrets are compared, never shown: a password may hold what a name
    may not, and one set that way still logs in."""
    c = accounts.fresh("director", "220122100207")
    pw = "Pw-\u200b" + "Strong9z!"
    assert_status(c.change_password(pw), 200)
    again = accounts.client()
    again.login_ok(c.user["username"], pw)
