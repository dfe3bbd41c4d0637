"""Issue #19 item 3: submissions mean something.

A village (or township) whose records fail an error-level rule (Q01–Q04,
Q09) cannot submit its quarter without a written reason, which the level
above reads with the submission; a record created or changed after the
village submitted puts the submission back to "changed" (报送后有变更),
which the township sees and which does not count as submitted.
docs/API.md `/quarters/{q}/signoffs`."""

from children_util import child_body, create, patch
from conftest import assert_error
from quality_util import LEFT_BEHIND, current_quarter, guardian, item_of, progress, signoff


def test_open_errors_need_a_reason_the_township_reads(vil, staff):
    q = current_quarter()
    create(vil.d, child_body(vil.code, guardian=None, **LEFT_BEHIND))  # Q01
    r = vil.d.post(f"/quarters/{q}/signoffs", json={"region_code": vil.code, "action": "submit"})
    assert_error(r, 409, "open_errors", "comment")
    assert "1名儿童" in r.json()["error"]["message"]
    sup = staff.user("supervisor", vil.town)
    assert item_of(progress(sup, q, vil.town), vil.code)["signoff"] == "open", "nothing written"
    r = vil.d.post(f"/quarters/{q}/signoffs", json={"region_code": vil.code, "action": "submit",
                                                    "comment": "无"})
    assert_error(r, 409, "open_errors", "comment"), "one character is no reason"
    why = "监护人外出务工，联系方式本周内补录"
    signoff(vil.d, q, vil.code, "submit", comment=why)
    seen = item_of(progress(sup, q, vil.town), vil.code)
    assert (seen["signoff"], seen["signoff_comment"]) == ("submitted", why)


def test_clean_village_submits_without_a_reason(vil, staff):
    q = current_quarter()
    create(vil.d, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
    signoff(vil.d, q, vil.code, "submit")
    sup = staff.user("supervisor", vil.town)
    assert item_of(progress(sup, q, vil.town), vil.code)["signoff"] == "submitted"


def test_a_change_after_submitting_reopens_the_submission(vil, staff):
    import time
    q = current_quarter()
    c = create(vil.d, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
    time.sleep(1.1)  # a change in a later second than the last write
    signoff(vil.d, q, vil.code, "submit")
    sup = staff.user("supervisor", vil.town)
    assert item_of(progress(sup, q, vil.town), vil.code)["signoff"] == "submitted"
    time.sleep(1.1)
    patch(vil.d, c["id"], {"guardianship": "poor"})
    assert item_of(progress(sup, q, vil.town), vil.code)["signoff"] == "changed"
    # it no longer counts as submitted: the village submits again
    assert item_of(progress(vil.d, q, vil.code), vil.code)["signoff"] == "changed"
    time.sleep(1.1)
    signoff(vil.d, q, vil.code, "submit")
    assert item_of(progress(sup, q, vil.town), vil.code)["signoff"] == "submitted"
    # a new record counts as a change too
    time.sleep(1.1)
    create(vil.d, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
    assert item_of(progress(sup, q, vil.town), vil.code)["signoff"] == "changed"
