"""Issue #19 item 9: the dashboard says what it means.

Data quality is shown as shares of children — with no error-level failure,
with no failure at all (Q01–Q10) — and each rule's count and share, never a
"score" that adds rule hits (one child fails several rules). A campaign
card carries what its target counts (`target_label`). docs/API.md
`/dashboard`."""

import pytest

from children_util import child_body, create, patch
from conftest import assert_status
from quality_util import failing, guardian, visit

ERRORS = ("Q01", "Q02", "Q03", "Q04", "Q09")
FAILURES = tuple(f"Q{i:02d}" for i in range(1, 11))


def dashboard(c, region):
    r = c.get("/dashboard", params={"region": region})
    assert_status(r, 200)
    return r.json()


def test_quality_is_shares_of_children(vil, staff):
    d = vil.d
    # clean: both parents at home, visited this quarter
    clean = create(d, child_body(vil.code, father="at_home", mother="at_home"))["id"]
    visit(d, clean)
    # left behind without an entrusted guardian (Q01, error), not visited (Q08)
    both = create(d, child_body(vil.code, father="migrant_out_province",
                                mother="migrant_out_province"))["id"]
    # not visited only (Q08, a warning)
    warn = create(d, child_body(vil.code, father="at_home", mother="at_home"))["id"]
    # left behind without a guardian, visited (Q01 only)
    err = create(d, child_body(vil.code, father="migrant_out_province",
                               mother="migrant_out_province"))["id"]
    visit(d, err)
    county = staff.user("county", vil.county)
    fails = {r: failing(county, r, region=vil.code) for r in FAILURES}
    assert fails["Q01"] == {both, err} and fails["Q08"] == {both, warn}, fails
    q = dashboard(county, vil.code)["quality"]
    assert "score" not in q, "no score that adds rule hits"
    assert q["children"] == 4
    with_error = set().union(*(fails[r] for r in ERRORS))
    with_any = set().union(*fails.values())
    assert (q["with_error"], q["with_any"]) == (len(with_error), len(with_any)) == (2, 3)
    assert q["no_error_pct"] == pytest.approx(50.0)
    assert q["clean_pct"] == pytest.approx(25.0)
    # the rule hits add up to 4, more than the 3 children failing anything
    assert sum(q["counts"][r] for r in FAILURES) == 4
    rules = {r["code"]: r for r in q["rules"]}
    assert set(rules) == {f"Q{i:02d}" for i in range(1, 12)}
    assert (rules["Q08"]["failing"], rules["Q08"]["severity"]) == (2, "warning")
    assert rules["Q08"]["pct"] == pytest.approx(50.0)
    assert rules["Q01"]["severity"] == "error" and rules["Q01"]["message"]
    for r in rules.values():
        assert r["failing"] == q["counts"][r["code"]]
    # an edit that mends the guardian moves both shares at once
    patch(d, err, {"guardian": guardian()})
    q = dashboard(county, vil.code)["quality"]
    assert (q["with_error"], q["with_any"]) == (1, 2)
    assert q["no_error_pct"] == pytest.approx(75.0) and q["clean_pct"] == pytest.approx(50.0)


def test_campaign_cards_say_what_they_count(staff, admin):
    from helpers import person_name as unique_name
    prov = staff.user("province", "22")
    ids = []
    for m in ("staff_registered", "staff_trained"):
        r = prov.post("/campaigns", json={"name": "看板" + unique_name(), "measure": m,
                                          "region_code": "22", "due_on": "2018-09-30"})
        assert_status(r, 201)
        ids.append(r.json()["id"])
    cards = {c["id"]: c for c in dashboard(prov, "22")["campaigns"]}
    posts, people = cards[ids[0]], cards[ids[1]]
    assert "岗位" in posts["target_label"] and "在岗人员" in people["target_label"]
    for c in (posts, people):
        assert c["judged_on"] == "2018-09-30"
        assert set(c["made_good"]) == {"count", "from", "to"}
        full = prov.get(f"/campaigns/{c['id']}").json()
        assert (c["target"], c["done"], c["made_good"]) == \
            (full["target"], full["done"], full["made_good"])
