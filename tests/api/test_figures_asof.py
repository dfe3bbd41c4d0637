"""Issue #19 item 2: past quarters count what was true then.

A past quarter's figures (GET /quality, /quarters/{q}/progress and
/figures) count the records registered by its end, born by then and
active then, as they were then: a record's later edits, exit or a record
registered later leave them alone; only what may still be recorded about
the quarter moves them — a visit dated in it, a verification of it.  A
change after the quarter ended does not reopen a submission of it.
docs/API.md "Quarterly verification".

Records "registered in the past" are written through a server whose clock
is moved back into the previous quarter (conftest's ClockServer)."""

import datetime as dt

from children_util import child_body, create, patch
from conftest import Client, ClockServer, assert_status
from helpers import today_cn
from quality_util import (LEFT_BEHIND, exit_child, failing,
                          figures, guardian, item_of, previous_quarter,
                          progress, quarter_bounds, report, signoff, verify,
                          visit)

PQ = previous_quarter()
PQ_END = quarter_bounds(PQ)[1]


def _at(clock, day, who):
    """`who` logged in on the clock server, its clock moved to `day`."""
    clock.set((day - today_cn()).days * 86400)
    c = Client(clock.url)
    c.login_ok(who.username, who.password)
    return c


def test_a_past_quarter_counts_the_records_as_they_were(vil, servers, workdir):
    clock = ClockServer(servers, workdir, tick=999999999)
    clock.start()
    try:
        then = _at(clock, PQ_END - dt.timedelta(days=10), vil.d)
        a = create(then, child_body(vil.code, guardian=None, **LEFT_BEHIND))  # Q01
        b = create(then, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
        d = create(then, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
    finally:
        clock.stop()
    before = figures(vil.d, PQ, vil.code)["figures"]
    assert before["active"] == 3
    assert before["flags"]["poor_guardianship"] == 0
    assert failing(vil.d, "Q01", vil.code, quarter=PQ) == {a["id"]}

    # today: a record registered now, an exit, an edit, a fixed guardian
    e = create(vil.d, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
    exit_child(vil.d, b["id"])
    patch(vil.d, d["id"], {"guardianship": "poor"})
    patch(vil.d, a["id"], {"guardian": guardian()})

    after = figures(vil.d, PQ, vil.code)
    assert after["frozen"] is False
    assert after["figures"] == before, "a past quarter moved with today's edits"
    assert failing(vil.d, "Q01", vil.code, quarter=PQ) == {a["id"]}
    assert e["id"] not in failing(vil.d, "Q11", vil.code, quarter=PQ)
    rep = report(vil.d, region=vil.code, quarter=PQ)
    assert rep["active"] == 3
    it = item_of(progress(vil.d, PQ, vil.code), vil.code)
    assert (it["active"], it["verified"]) == (3, 0)
    # the current quarter counts today's records
    cur = report(vil.d, region=vil.code)
    assert cur["active"] == 3  # a, d, e (b exited)
    assert failing(vil.d, "Q01", vil.code) == set()

    # what may still be recorded about the quarter moves it
    assert a["id"] in failing(vil.d, "Q08", vil.code, quarter=PQ)
    visit(vil.d, a["id"], PQ_END - dt.timedelta(days=3))
    assert a["id"] not in failing(vil.d, "Q08", vil.code, quarter=PQ)
    verify(vil.d, d["id"], quarter=PQ)
    it = item_of(progress(vil.d, PQ, vil.code), vil.code)
    assert (it["active"], it["verified"]) == (3, 1)
    assert figures(vil.d, PQ, vil.code)["figures"]["verified"] == 1


def test_a_change_after_the_quarter_leaves_its_submission_alone(vil, staff, servers,
                                                                 workdir):
    sup = staff.user("supervisor", vil.town)
    clock = ClockServer(servers, workdir, tick=999999999)
    clock.start()
    try:
        then = _at(clock, PQ_END - dt.timedelta(days=10), vil.d)
        kid = create(then, child_body(vil.code, guardian=guardian(), **LEFT_BEHIND))
        then = _at(clock, PQ_END - dt.timedelta(days=5), vil.d)
        signoff(then, PQ, vil.code, "submit")
        assert item_of(progress(sup, PQ, vil.town), vil.code)["signoff"] == "submitted"
        # a change before the quarter ended is in its figures: resubmit
        then = _at(clock, PQ_END - dt.timedelta(days=2), vil.d)
        patch(then, kid["id"], {"guardianship": "poor"})
        assert item_of(progress(sup, PQ, vil.town), vil.code)["signoff"] == "changed"
        then = _at(clock, PQ_END - dt.timedelta(days=1), vil.d)
        signoff(then, PQ, vil.code, "submit")
    finally:
        clock.stop()
    assert item_of(progress(sup, PQ, vil.town), vil.code)["signoff"] == "submitted"
    # today's change is not in the past quarter's figures
    patch(vil.d, kid["id"], {"guardianship": "good"})
    assert item_of(progress(sup, PQ, vil.town), vil.code)["signoff"] == "submitted"
    assert figures(vil.d, PQ, vil.code)["figures"]["flags"]["poor_guardianship"] == 1
