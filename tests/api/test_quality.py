"""Quarterly verification, the data-quality rules Q01–Q11 (SPEC §7 and
§11, docs/API.md "Quarterly verification"): the report's shape, and for
every rule a record that fails it and records that do not.

How the failing records are made — and which rules this reaches end to end.

Through the API (what a director does), with the server deriving the rule:
  Q01 a left-behind child without full 受委托监护人 details;
  Q05 a confirmed category whose age limit the child passes — by a server
      whose clock is moved past the child's birthday, and by a corrected
      birth date;
  Q06 confirmed categories, then facts that change the derived ones;
  Q07 a parent left out or without a status (the API takes parents as
      optional, so this one needs no help);
  Q08 no visit in the quarter; a visit makes it pass;
  Q11 not verified; POST /children/{id}/verify makes it pass.
Every rule also has its passing side through the API.

Not through the API: Q02 (失辍学 without explanation), Q03 (wrong check
digit), Q04 (ID disagrees with birth date or sex), Q09 (one ID number on
two active records), Q10 (malformed phone).  Creation, PATCH and import all
validate, and no server write recomputes a record's rules from stored
facts without validating them first, so such a record can only be what a
legacy load left in the database.  These tests write that record
directly: the record's JSON (`data`) and the columns copying its facts,
and `qflags` — the server's stored derivation of the rules a record fails
by its own facts, which it recomputes on every create and edit and which
the report reads (bit n-1 for rule Qn).  We do not hand the server a
conclusion it could not reach: test_stored_qflags_are_the_rules checks,
on records the server wrote itself, that derived_qflags (quality_util)
gives exactly what the server stores, and the legacy rows use that same
function.  What is then exercised end to end is the rule's SQL, the
report, and — for Q02, Q04 and Q09 — the correction through the API that
clears the failure (a PATCH, or the duplicate's exit), where the server
recomputes the rule itself.  Q09 needs no qflags: the server compares ID
numbers at report time; the legacy row only lacks the `active_id` copy
whose uniqueness keeps such pairs out today.
"""

import datetime as dt

import pytest

from children_util import (birth_for_age, child_body, create, get_child, patch,
                           unique_name, years_before)
from conftest import Client, assert_error, assert_status
from helpers import id_number, today_cn
from quality_util import (BIT, LEFT_BEHIND, confirm, current_quarter, derived_qflags,
                          exit_child, failing, fails, guardian, previous_quarter,
                          quarter_bounds, registered_in, report, shift_quarter, take_village, verify,
                          visit)


CQ = current_quarter()
PQ = previous_quarter()

# The nouns of SPEC §11's wording that each rule's Chinese message names.
MESSAGE_WORDS = {
    "Q01": "监护人", "Q02": "说明", "Q03": "校验", "Q04": "出生日期",
    "Q05": "年龄", "Q06": "类别", "Q07": "父", "Q08": "走访",
    "Q09": "身份证号", "Q10": "电话", "Q11": "核实",
}


def days(n):
    return dt.timedelta(days=n)


# --------------------------------------------------------------------------
# the report


def test_report_shape_defaults_and_quarters(vil):
    kid = create(vil.d, child_body(vil.code))
    body = report(vil.d)
    assert body["region_code"] == vil.code
    assert body["region_name"] == vil.name
    assert body["quarter"] == CQ
    assert body["as_of"] == today_cn().isoformat()
    assert body["active"] == 1
    for r in body["rules"]:
        assert MESSAGE_WORDS[r["code"]] in r["message"], r
    # a new record: not visited, not verified, nothing else wrong
    assert {k for k, v in body["counts"].items() if v} == {"Q08", "Q11"}, body["counts"]
    assert sorted((i["rule"], i["child_id"]) for i in body["items"]) == [
        ("Q08", kid["id"]), ("Q11", kid["id"])]
    for it in body["items"]:
        assert it["name"] == kid["name"]
        assert it["region_code"] == vil.code and it["region_name"] == vil.name
    # explicit region and quarter give the same answer
    assert report(vil.d, region=vil.code, quarter=CQ) == body
    # a past quarter: ages at its end
    past = report(vil.d, quarter=PQ)
    assert past["quarter"] == PQ
    assert past["as_of"] == quarter_bounds(PQ)[1].isoformat()
    old = report(vil.d, quarter="2018Q3")
    assert old["as_of"] == "2018-09-30"


def test_first_twenty_of_each_rule_and_a_rule_s_pages(vil):
    ids = [create(vil.d, child_body(vil.code))["id"] for _ in range(21)]
    body = report(vil.d)
    assert body["counts"]["Q08"] == 21 and body["counts"]["Q11"] == 21
    for rule in ("Q08", "Q11"):
        listed = [i["child_id"] for i in body["items"] if i["rule"] == rule]
        assert len(listed) == 20 == len(set(listed)), f"{rule}: {listed}"
        assert set(listed) <= set(ids)
    # with `rule`: that rule's pages, which together list every record once
    pages = [report(vil.d, rule="Q08", page=n, page_size=8) for n in (1, 2, 3, 4)]
    got = [[i["child_id"] for i in p["items"]] for p in pages]
    assert [len(g) for g in got] == [8, 8, 5, 0], got
    assert sorted(sum(got, [])) == sorted(ids)
    assert {i["rule"] for p in pages for i in p["items"]} == {"Q08"}
    # counts stay whole on a rule's page
    assert pages[0]["counts"] == pages[2]["counts"] == body["counts"]
    assert failing(vil.d, "Q11", vil.code) == set(ids)


def test_stored_qflags_are_the_rules(vil, rows):
    """The server's stored derivation (qflags) of records it wrote itself is
    exactly derived_qflags of their JSON — the function the legacy rows
    below use."""
    bodies = [
        child_body(vil.code),                                   # no guardian
        child_body(vil.code, guardian=guardian()),              # complete
        child_body(vil.code, guardian={"name": unique_name()}),
        child_body(vil.code, guardian=guardian(phone=None)),
        child_body(vil.code, guardian=guardian(relationship="")),
        child_body(vil.code, father=None, guardian=guardian()),
        child_body(vil.code, mother={"name": unique_name()}, guardian=guardian()),
        child_body(vil.code, father={"status": "migrant_out_province"}),
        child_body(vil.code, education="dropped_out",
                   dropout_explanation="2024年9月起辍学，家庭困难，已劝返"),
        child_body(vil.code, with_id=False, contact_phone="0433-6221234",
                   guardian=guardian(phone="043362212345")),
        child_body(vil.code, sex="female", contact_phone="13812345678",
                   **LEFT_BEHIND),
    ]
    seen = set()
    for b in bodies:
        kid = create(vil.d, b)
        row = rows.get(kid["id"])
        assert row["qflags"] == derived_qflags(row["data"]), (
            f"stored qflags {row['qflags']} for {row['data']}")
        seen.add(row["qflags"])
    assert seen >= {0, BIT["Q01"], BIT["Q07"], BIT["Q01"] | BIT["Q07"]}, seen


# --------------------------------------------------------------------------
# Q01 left-behind child without 受委托监护人 name, relationship and phone


@pytest.mark.parametrize("g", [
    None,
    {"name": "王桂兰"},
    {"name": "王桂兰", "relationship": "祖母"},
    {"name": "王桂兰", "phone": "13900001111"},
], ids=["no-guardian", "name-only", "no-phone", "no-relationship"])
def test_q01_fires(vil, g):
    kid = create(vil.d, child_body(vil.code, guardian=g, **LEFT_BEHIND))
    assert kid["categories"] == ["left_behind"]
    assert failing(vil.d, "Q01", vil.code) == {kid["id"]}
    item = [i for i in report(vil.d)["items"] if i["rule"] == "Q01"]
    assert [(i["child_id"], i["name"]) for i in item] == [(kid["id"], kid["name"])]


def test_q01_passes(vil):
    full = create(vil.d, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
    # not left-behind (mother at home): no guardian needed
    home = create(vil.d, child_body(vil.code, guardian=None))
    # left-behind facts but 16 or older: no longer left-behind
    older = create(vil.d, child_body(vil.code, age=16, guardian=None, **LEFT_BEHIND))
    assert full["categories"] == ["left_behind"]
    assert home["categories"] == [] and older["categories"] == []
    assert report(vil.d)["counts"]["Q01"] == 0
    # a failing record passes once the guardian is completed
    kid = create(vil.d, child_body(vil.code, guardian={"name": "李秀英"}, **LEFT_BEHIND))
    assert failing(vil.d, "Q01", vil.code) == {kid["id"]}
    patch(vil.d, kid["id"], {"guardian": {"relationship": "外祖母",
                                          "phone": "0433-6221234"}})
    assert failing(vil.d, "Q01", vil.code) == set()


def test_q01_takes_the_age_at_the_quarter_s_end(vil, rows):
    """Born 16 years ago today: not left-behind now, but at the end of the
    previous quarter the child was 15 — and failed Q01 then."""
    t = today_cn()
    b = years_before(t, 16)
    if b is None:
        pytest.skip("today is 29 February")
    kid = create(vil.d, child_body(vil.code, birth=b, guardian=None, **LEFT_BEHIND))
    registered_in(rows, kid["id"], PQ)
    assert kid["age"] == 16 and kid["categories"] == []
    assert not fails(vil.d, "Q01", kid["id"], vil.code)
    assert fails(vil.d, "Q01", kid["id"], vil.code, quarter=PQ)


# --------------------------------------------------------------------------
# Q02 失辍学 without explanation


def test_q02_fires_on_a_legacy_dropout_without_explanation(vil, rows):
    kid = create(vil.d, child_body(vil.code, guardian=guardian(),
                                   education="dropped_out",
                                   dropout_explanation="2024年9月起辍学，已劝返"))
    assert not fails(vil.d, "Q02", kid["id"], vil.code)
    _, row = rows.legacy(kid["id"], lambda d: d.update(dropout_explanation=None))
    assert row["qflags"] == BIT["Q02"]
    assert failing(vil.d, "Q02", vil.code) == {kid["id"]}
    assert report(vil.d)["counts"]["Q02"] == 1
    # the director opens it and adds the explanation: the server's own
    # derivation clears the failure
    assert get_child(vil.d, kid["id"])["dropout_explanation"] is None
    patch(vil.d, kid["id"], {"dropout_explanation": "2024年9月起辍学，原因：家庭困难；已联系学校劝返"})
    assert failing(vil.d, "Q02", vil.code) == set()
    assert rows.get(kid["id"])["qflags"] == 0


def test_q02_passes(vil):
    create(vil.d, child_body(vil.code, education="out_of_school",
                             dropout_explanation="2023年起失学，原因：患病"))
    create(vil.d, child_body(vil.code, education="in_school"))
    create(vil.d, child_body(vil.code, education="suspended"))
    assert report(vil.d)["counts"]["Q02"] == 0


def test_q02_passes_with_an_explanation_over_two_lines(vil):
    kid = create(vil.d, child_body(vil.code, education="dropped_out",
                                   dropout_explanation="2024年9月起辍学\n原因：家庭困难\n已联系学校劝返"))
    assert kid["dropout_explanation"].count("\n") == 2
    assert not fails(vil.d, "Q02", kid["id"], vil.code)


# --------------------------------------------------------------------------
# Q03 ID check digit wrong


def _bad_check(d):
    idn = d["id_number"]
    d["id_number"] = idn[:17] + ("0" if idn[17] != "0" else "1")


def test_q03_fires_on_a_legacy_wrong_check_digit(vil, rows):
    kid = create(vil.d, child_body(vil.code, guardian=guardian()))
    _, row = rows.legacy(kid["id"], _bad_check)
    assert row["qflags"] == BIT["Q03"]
    assert failing(vil.d, "Q03", vil.code) == {kid["id"]}
    # birth date and sex in the number still agree: not Q04 too
    assert not fails(vil.d, "Q04", kid["id"], vil.code)


def test_q03_passes(vil):
    create(vil.d, child_body(vil.code))
    create(vil.d, child_body(vil.code, sex="female"))
    create(vil.d, child_body(vil.code, with_id=False))  # no 户籍, no number
    assert report(vil.d)["counts"]["Q03"] == 0


def test_q03_record_can_be_opened_and_corrected(vil, rows):
    kid = create(vil.d, child_body(vil.code, guardian=guardian()))
    rows.legacy(kid["id"], _bad_check)
    assert fails(vil.d, "Q03", kid["id"], vil.code)
    r = vil.d.get(f"/children/{kid['id']}")
    assert_status(r, 200)
    r = vil.d.patch(f"/children/{kid['id']}", json={"id_number": kid["id_number"]})
    assert_status(r, 200)
    assert not fails(vil.d, "Q03", kid["id"], vil.code)


# --------------------------------------------------------------------------
# Q04 ID number disagrees with birth date or sex


def test_q04_fires_on_a_legacy_birth_date_and_is_corrected(vil, rows):
    kid = create(vil.d, child_body(vil.code, age=9, guardian=guardian()))
    b = dt.date.fromisoformat(kid["birth_date"])
    wrong = (b + days(1)).isoformat()
    _, row = rows.legacy(kid["id"], lambda d: d.update(birth_date=wrong))
    assert row["qflags"] == BIT["Q04"] and row["birth_date"] == wrong
    assert failing(vil.d, "Q04", vil.code) == {kid["id"]}
    assert not fails(vil.d, "Q03", kid["id"], vil.code)
    # the record opens; correcting the birth date clears it
    assert get_child(vil.d, kid["id"])["birth_date"] == wrong
    patch(vil.d, kid["id"], {"birth_date": kid["birth_date"]})
    assert failing(vil.d, "Q04", vil.code) == set()
    assert rows.get(kid["id"])["qflags"] == 0


def test_q04_fires_on_a_legacy_sex(vil, rows):
    girl = create(vil.d, child_body(vil.code, sex="female", guardian=guardian()))
    boy = create(vil.d, child_body(vil.code, sex="male", guardian=guardian()))
    female = rows.get(girl["id"])["sex"]  # the stored code for female
    _, row = rows.legacy(boy["id"], lambda d: d.update(sex="female"), sex=female)
    assert row["qflags"] == BIT["Q04"]
    assert failing(vil.d, "Q04", vil.code) == {boy["id"]}
    patch(vil.d, boy["id"], {"sex": "male"})
    assert failing(vil.d, "Q04", vil.code) == set()


def test_q04_passes(vil):
    create(vil.d, child_body(vil.code, sex="female"))
    create(vil.d, child_body(vil.code, sex="male", age=3))
    create(vil.d, child_body(vil.code, with_id=False))
    assert report(vil.d)["counts"]["Q04"] == 0


# --------------------------------------------------------------------------
# Q05 age over the limit of a confirmed category


def _birthday_soon(years):
    """(birth date, k): the birthday of `years` falls k days from today."""
    t = today_cn()
    for k in range(2, 7):
        b = years_before(t + days(k), years)
        if b is not None:
            return b, k
    raise AssertionError("no birthday found")


def test_q05_fires_once_a_confirmed_child_ages_past_the_limit(vil, officers, clock):
    """Categories confirmed today; a server whose clock runs a few days
    ahead sees the child past the category's age limit (16 for
    left-behind, 18 for the others)."""
    county = officers("county", vil.county)
    b16, k16 = _birthday_soon(16)
    b18, k18 = _birthday_soon(18)
    g = guardian()
    lb = create(vil.d, child_body(vil.code, birth=b16, guardian=g, **LEFT_BEHIND))
    poor = create(vil.d, child_body(vil.code, birth=b18, guardian=g,
                                    living_support="dibao"))
    young = create(vil.d, child_body(vil.code, age=12, guardian=g, **LEFT_BEHIND))
    unconfirmed = create(vil.d, child_body(vil.code, birth=b16, guardian=g,
                                           **LEFT_BEHIND))
    assert confirm(county, lb["id"])["confirmed_categories"] == ["left_behind"]
    assert confirm(county, poor["id"])["confirmed_categories"] == ["difficult_poverty"]
    assert confirm(county, young["id"])["confirmed_categories"] == ["left_behind"]
    assert unconfirmed["categories"] == ["left_behind"]
    # today: every confirmed category still within its limit
    c = report(vil.d)["counts"]
    assert c["Q05"] == 0 and c["Q06"] == 0, c

    clock.start()
    ahead = max(k16, k18) + 1
    clock.set(ahead * 86400)
    later = Client(clock.url)
    later.login_ok(vil.d.username, vil.d.password)
    body = report(later, region=vil.code)
    assert body["as_of"] == (today_cn() + days(ahead)).isoformat()
    assert failing(later, "Q05", vil.code) == {lb["id"], poor["id"]}
    # and the derived categories no longer match the confirmed ones
    assert failing(later, "Q06", vil.code) == {lb["id"], poor["id"]}
    assert get_child(later, lb["id"])["categories"] == []
    assert get_child(later, poor["id"])["categories"] == []


def test_q05_fires_after_a_corrected_birth_date(vil, officers):
    county = officers("county", vil.county)
    kid = create(vil.d, child_body(vil.code, age=15, guardian=guardian(), **LEFT_BEHIND))
    assert confirm(county, kid["id"])["confirmed_categories"] == ["left_behind"]
    assert not fails(vil.d, "Q05", kid["id"], vil.code)
    b = birth_for_age(16)
    patch(vil.d, kid["id"], {"birth_date": b.isoformat(),
                             "id_number": id_number(vil.county, b, "male")})
    assert failing(vil.d, "Q05", vil.code) == {kid["id"]}
    # confirming again takes the categories as they are now
    assert confirm(county, kid["id"])["confirmed_categories"] == []
    assert failing(vil.d, "Q05", vil.code) == set()


# --------------------------------------------------------------------------
# Q06 confirmed categories differ from the derived ones


def test_q06_fires_when_facts_change_after_confirmation(vil, officers):
    sup = officers("supervisor", vil.town)
    kid = create(vil.d, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
    never = create(vil.d, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
    assert confirm(sup, kid["id"])["confirmed_categories"] == ["left_behind"]
    assert report(vil.d)["counts"]["Q06"] == 0
    # the mother comes home: no longer left-behind; the family is on 低保
    patch(vil.d, kid["id"], {"mother": {"status": "at_home"}, "living_support": "dibao"})
    assert get_child(vil.d, kid["id"])["categories"] == ["difficult_poverty"]
    assert failing(vil.d, "Q06", vil.code) == {kid["id"]}
    # a record never confirmed is not compared
    assert never["id"] not in failing(vil.d, "Q06", vil.code)
    # confirming again passes
    assert confirm(sup, kid["id"])["confirmed_categories"] == ["difficult_poverty"]
    assert failing(vil.d, "Q06", vil.code) == set()


# --------------------------------------------------------------------------
# Q07 a parent without name or status


@pytest.mark.parametrize("change", [
    {"father": None},
    {"mother": None},
    {"mother": {"name": "刘秀兰"}},
    {"father": {"status": "migrant_out_province"}},
], ids=["no-father", "no-mother", "mother-without-status", "father-without-name"])
def test_q07_fires(vil, change):
    kid = create(vil.d, child_body(vil.code, guardian=guardian(), **change))
    assert failing(vil.d, "Q07", vil.code) == {kid["id"]}


def test_q07_passes(vil):
    create(vil.d, child_body(vil.code, guardian=guardian()))
    create(vil.d, child_body(vil.code, father="deceased", mother="missing"))
    assert report(vil.d)["counts"]["Q07"] == 0
    kid = create(vil.d, child_body(vil.code, father=None))
    assert failing(vil.d, "Q07", vil.code) == {kid["id"]}
    patch(vil.d, kid["id"], {"father": {"name": "赵建国", "status": "imprisoned"}})
    assert failing(vil.d, "Q07", vil.code) == set()


# --------------------------------------------------------------------------
# Q08 no visit in the quarter


def test_q08_a_visit_in_the_quarter_passes_it(vil, rows):
    kid = create(vil.d, child_body(vil.code, age=8, guardian=guardian()))
    registered_in(rows, kid["id"], shift_quarter(PQ, -1))
    assert fails(vil.d, "Q08", kid["id"], vil.code)
    assert fails(vil.d, "Q08", kid["id"], vil.code, quarter=PQ)
    # a visit in the previous quarter passes that quarter only
    visit(vil.d, kid["id"], quarter_bounds(PQ)[1] - days(3))
    assert not fails(vil.d, "Q08", kid["id"], vil.code, quarter=PQ)
    assert fails(vil.d, "Q08", kid["id"], vil.code)
    two_back = report(vil.d, quarter=shift_quarter(PQ, -1))
    assert two_back["counts"]["Q08"] == 1
    # a visit today passes the current quarter
    visit(vil.d, kid["id"])
    assert failing(vil.d, "Q08", vil.code) == set()
    assert get_child(vil.d, kid["id"])["last_visit_date"] == today_cn().isoformat()


# --------------------------------------------------------------------------
# Q09 the same ID number on two active records


def test_q09_fires_on_a_legacy_duplicate_and_an_exit_clears_it(vil, rows, officers):
    g = guardian()
    a = create(vil.d, child_body(vil.code, age=7, guardian=g))
    b = create(vil.d, child_body(vil.code, birth=a["birth_date"], guardian=g))
    other = create(vil.d, child_body(vil.code, birth=a["birth_date"], guardian=g))
    assert report(vil.d)["counts"]["Q09"] == 0
    # b as a legacy load left it: a's number, without the active-number
    # copy (active_id) whose uniqueness refuses such a pair today
    row_b = rows.get(b["id"])
    data = dict(row_b["data"], id_number=a["id_number"])
    rows.set(b["id"], data=data, id_number=a["id_number"], active_id=None)
    assert derived_qflags(data) == row_b["qflags"] == 0
    assert failing(vil.d, "Q09", vil.code) == {a["id"], b["id"]}
    assert report(vil.d)["counts"]["Q09"] == 2
    assert other["id"] not in failing(vil.d, "Q09", vil.code)
    # the township and the county see the pair too
    sup = officers("supervisor", vil.town)
    assert failing(sup, "Q09", vil.code) == {a["id"], b["id"]}
    # the duplicate leaves (moved away): the other record passes
    exit_child(vil.d, b["id"])
    assert failing(vil.d, "Q09", vil.code) == set()


def test_q09_a_duplicate_in_another_village_shows_in_each_village(village_pool,
                                                                  staff, rows,
                                                                  officers):
    v1 = take_village(village_pool, staff)
    v2 = take_village(village_pool, staff)
    g = guardian()
    a = create(v1.d, child_body(v1.code, age=7, guardian=g))
    b = create(v2.d, child_body(v2.code, birth=a["birth_date"], guardian=g))
    row_b = rows.get(b["id"])
    rows.set(b["id"], data=dict(row_b["data"], id_number=a["id_number"]),
             id_number=a["id_number"], active_id=None)
    if v1.town == v2.town:
        sup = officers("supervisor", v1.town)
        assert failing(sup, "Q09", v1.town) == {a["id"], b["id"]}
    # each village's own record fails; the other village stays hidden
    assert failing(v1.d, "Q09", v1.code) == {a["id"]}
    assert failing(v2.d, "Q09", v2.code) == {b["id"]}


def test_q09_no_new_record_takes_a_legacy_record_number(village_pool, staff,
                                                        rows):
    """A legacy record (active, without the active_id copy, so outside the
    unique index) still holds its number: a new record with it is refused
    as for any active record (the import asks the same question), so no
    new Q09 pair is made; the legacy record stays editable and takes the
    copy."""
    v1 = take_village(village_pool, staff)
    v2 = take_village(village_pool, staff)
    b = create(v2.d, child_body(v2.code, age=8, guardian=guardian()))
    rows.set(b["id"], active_id=None)
    same = {"birth": b["birth_date"], "sex": b["sex"],
            "id_number": b["id_number"], "guardian": guardian()}
    r = v1.d.post("/children", json=child_body(v1.code, **same))
    assert_error(r, 409, "registered_elsewhere", "id_number")
    r = v2.d.post("/children", json=child_body(v2.code, **same))
    assert_error(r, 409, "duplicate_id_number", "id_number")
    assert failing(v2.d, "Q09", v2.code) == set()
    changed = patch(v2.d, b["id"], {"school": "县第一中学"})
    assert changed["school"] == "县第一中学"
    assert rows.get(b["id"])["active_id"] == b["id_number"]


def test_q09_passes(vil):
    create(vil.d, child_body(vil.code))
    create(vil.d, child_body(vil.code))
    # two records without ID numbers are not duplicates
    create(vil.d, child_body(vil.code, with_id=False))
    create(vil.d, child_body(vil.code, with_id=False))
    assert report(vil.d)["counts"]["Q09"] == 0


# --------------------------------------------------------------------------
# Q10 phone number malformed


@pytest.mark.parametrize("where,value", [
    ("contact_phone", "1391234567"),
    ("father", "12912345678"),
    ("mother", "0431-8555-1234"),
    ("guardian", "139-1234-5678"),
])
def test_q10_fires_on_a_legacy_phone(vil, rows, where, value):
    kid = create(vil.d, child_body(vil.code, guardian=guardian()))

    def mutate(d):
        if where == "contact_phone":
            d["contact_phone"] = value
        else:
            d[where]["phone"] = value
    _, row = rows.legacy(kid["id"], mutate)
    assert row["qflags"] == BIT["Q10"]
    assert failing(vil.d, "Q10", vil.code) == {kid["id"]}


def test_q10_passes(vil):
    create(vil.d, child_body(vil.code, contact_phone="13912345678",
                             guardian=guardian(phone="0433-6221234")))
    create(vil.d, child_body(vil.code, contact_phone="043185551234",
                             father={"name": unique_name(), "status": "migrant_in_province",
                                     "phone": "19912345678"}))
    create(vil.d, child_body(vil.code))  # no phones at all
    assert report(vil.d)["counts"]["Q10"] == 0


def test_q10_record_can_be_opened_and_corrected(vil, rows):
    kid = create(vil.d, child_body(vil.code, guardian=guardian()))
    rows.legacy(kid["id"], lambda d: d.update(contact_phone="1391234567"))
    assert fails(vil.d, "Q10", kid["id"], vil.code)
    assert_status(vil.d.get(f"/children/{kid['id']}"), 200)
    assert_status(vil.d.patch(f"/children/{kid['id']}",
                              json={"contact_phone": "13912345678"}), 200)
    assert not fails(vil.d, "Q10", kid["id"], vil.code)


# --------------------------------------------------------------------------
# Q11 not verified in the quarter


def test_q11_verification_passes_it_for_its_quarter_only(vil, rows):
    a = create(vil.d, child_body(vil.code))
    b = create(vil.d, child_body(vil.code))
    registered_in(rows, a["id"], PQ)
    registered_in(rows, b["id"], PQ)
    assert failing(vil.d, "Q11", vil.code) == {a["id"], b["id"]}
    verify(vil.d, a["id"])
    assert failing(vil.d, "Q11", vil.code) == {b["id"]}
    assert failing(vil.d, "Q11", vil.code, quarter=PQ) == {a["id"], b["id"]}
    verify(vil.d, b["id"], outcome="updated", quarter=PQ)
    assert failing(vil.d, "Q11", vil.code, quarter=PQ) == {a["id"]}
    assert failing(vil.d, "Q11", vil.code) == {b["id"]}
    verify(vil.d, b["id"], quarter=CQ)
    assert failing(vil.d, "Q11", vil.code) == set()
    assert report(vil.d)["counts"]["Q11"] == 0


# --------------------------------------------------------------------------
# exited records are out of every rule


def test_exited_records_are_not_reported(vil):
    kid = create(vil.d, child_body(vil.code, guardian=None, father=None))
    assert fails(vil.d, "Q07", kid["id"], vil.code)
    exit_child(vil.d, kid["id"])
    body = report(vil.d)
    assert body["active"] == 0
    assert all(v == 0 for v in body["counts"].values()), body["counts"]
    assert body["items"] == []
