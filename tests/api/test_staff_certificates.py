"""Certificates (SPEC §3.2, docs/API.md `/certificates`): passing an initial
training issues 《儿童主任培训合格证》 / 《儿童督导员培训合格证》 with a unique
number and a check code; the PDF; public verification by number and code
that reveals nothing more, and cannot walk the numbers (issue #17);
revocation that keeps the record and is audited."""

import re
import uuid

import pytest

from conftest import assert_error, assert_status, fresh_address
from helpers import audit_entries, days_ago, error_of, pdf_text
from workforce_util import (CERT_NUMBER, CERT_TITLES, NA_COUNTY, VERIFY_KEYS, attend,
                            certificates_of, director_body, get_staff, new_training,
                            past_year, register, supervisor_body, training_body, verify)

CERT_KEYS = {"id", "number", "check_code", "staff_id", "kind", "title",
             "county_name", "issued_on", "status"}
CHECK_CODE = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$")


def cert_of(c, staff_id, region):
    return [x for x in certificates_of(c, region) if x["staff_id"] == staff_id]


@pytest.fixture(scope="module")
def crew(region_pool, na_county):
    """A township of 农安县: a supervisor and five directors; an initial
    training in the past year, and an annual (not initial) one."""
    t = region_pool.take_township(min_villages=5)
    vs = [v["code"] for v in t["villages"][:5]]
    s = register(na_county, supervisor_body(t["code"], appointed_on="2018-08-20"))
    ds = [register(na_county, director_body(v, appointed_on="2018-08-25")) for v in vs]
    y = past_year()
    init = new_training(na_county, training_body(NA_COUNTY, f"{y}-04-01", initial=True))
    annual = new_training(na_county, training_body(NA_COUNTY, f"{y}-05-01", initial=False))
    return {"town": t, "villages": vs, "sup": s, "dirs": ds, "init": init,
            "annual": annual, "year": y}


@pytest.fixture(scope="module")
def issued(crew, na_county):
    """The supervisor and director 0 pass the initial training."""
    attend(na_county, crew["init"]["id"], crew["sup"]["id"], passed=True, score=92)
    attend(na_county, crew["init"]["id"], crew["dirs"][0]["id"], passed=True, score=81)
    reg = crew["town"]["code"]
    sup_c = cert_of(na_county, crew["sup"]["id"], reg)
    dir_c = cert_of(na_county, crew["dirs"][0]["id"], reg)
    assert len(sup_c) == 1 and len(dir_c) == 1, (sup_c, dir_c)
    return {"sup": sup_c[0], "dir": dir_c[0]}


def test_passing_the_initial_training_issues_the_right_certificate(crew, issued, na_county):
    for who, post in (("dir", "director"), ("sup", "supervisor")):
        c = issued[who]
        person = crew["sup"] if who == "sup" else crew["dirs"][0]
        assert CERT_KEYS <= set(c), c
        assert c["kind"] == post
        assert c["title"] == CERT_TITLES[post]
        assert c["status"] == "valid"
        assert c["county_name"] == "农安县"
        assert crew["init"]["held_on"] <= c["issued_on"] <= days_ago(0), (
            "issued on passing, not before the training nor in the future")
        m = CERT_NUMBER.match(c["number"])
        assert m, c["number"]
        assert m.group(1) == NA_COUNTY, "the issuing county"
        assert m.group(2) == c["issued_on"][:4], "the year"
        assert m.group(3) == {"director": "Z", "supervisor": "D"}[post]
        detail = get_staff(na_county, person["id"])
        assert CHECK_CODE.match(c["check_code"]), c
        assert [(x["id"], x["number"], x["check_code"], x["status"])
                for x in detail["certificates"]] == [
            (c["id"], c["number"], c["check_code"], "valid")]
        assert detail["certificates"][0]["issued_on"] == c["issued_on"]
    assert issued["dir"]["number"] != issued["sup"]["number"]


def test_numbers_are_unique(crew, issued, na_county):
    # two more directors pass: their numbers follow, none repeats
    for d in crew["dirs"][3:5]:
        attend(na_county, crew["init"]["id"], d["id"], passed=True, score=75)
    numbers = [c["number"] for c in certificates_of(na_county, NA_COUNTY)]
    assert len(numbers) >= 4
    assert len(set(numbers)) == len(numbers), "a certificate number repeats"
    for n in numbers:
        assert CERT_NUMBER.match(n), n


def test_only_once_per_person(crew, issued, na_county):
    y = crew["year"]
    again = new_training(na_county, training_body(NA_COUNTY, f"{y}-09-01", initial=True))
    attend(na_county, again["id"], crew["dirs"][0]["id"], passed=True, score=99)
    got = cert_of(na_county, crew["dirs"][0]["id"], crew["town"]["code"])
    assert [c["id"] for c in got] == [issued["dir"]["id"]]
    r = na_county.post("/certificates", json={"staff_id": crew["dirs"][0]["id"],
                                              "training_id": again["id"]})
    assert_error(r, 409, "certificate_exists")
    assert len(cert_of(na_county, crew["dirs"][0]["id"], crew["town"]["code"])) == 1


@pytest.mark.parametrize("case", ["attended", "failed", "annual", "absent"])
def test_no_certificate_without_passing(crew, na_county, case):
    d = crew["dirs"][1]
    tid = crew["init"]["id"]
    if case == "attended":
        attend(na_county, tid, d["id"], result="attended", passed=False, score=None)
    elif case == "failed":
        attend(na_county, tid, d["id"], result="assessed", passed=False, score=45)
    elif case == "annual":
        attend(na_county, crew["annual"]["id"], d["id"], result="assessed", passed=True,
               score=95)
        tid = crew["annual"]["id"]
    d2 = crew["dirs"][2]
    target = d2 if case == "absent" else d
    assert cert_of(na_county, target["id"], crew["town"]["code"]) == []
    r = na_county.post("/certificates", json={"staff_id": target["id"], "training_id": tid})
    assert_error(r, 400, "not_passed")
    assert cert_of(na_county, target["id"], crew["town"]["code"]) == [], "nothing written"
    assert get_staff(na_county, target["id"])["certificates"] == []


# --------------------------------------------------------------------------
# the PDF


@pytest.mark.parametrize("layout", [None, "a4", "card"])
def test_pdf(crew, issued, na_county, tmp_path, layout):
    for who, person in (("dir", crew["dirs"][0]), ("sup", crew["sup"])):
        c = issued[who]
        params = {"layout": layout} if layout else None
        r = na_county.get(f"/certificates/{c['id']}/pdf", params=params)
        assert_status(r, 200)
        assert r.headers.get("Content-Type", "").split(";")[0] == "application/pdf"
        assert r.content.startswith(b"%PDF"), r.content[:20]
        text = pdf_text(r.content, tmp_path)
        flat = "".join(text.split())
        assert c["title"] in flat, f"title missing: {text!r}"
        assert person["name"] in flat, f"holder's name missing: {text!r}"
        assert c["number"] in flat, f"number missing: {text!r}"
        assert "校验码：" + c["check_code"] in flat, f"check code missing: {text!r}"


def qr_codes(data, tmpdir):
    """The QR codes printed on a PDF's first page (pdftoppm, zbarimg)."""
    import subprocess
    p = tmpdir / f"q-{uuid.uuid4().hex[:6]}.pdf"
    p.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1",
                    str(p), str(p.with_suffix(""))], check=True, timeout=60)
    png = sorted(tmpdir.glob(p.stem + "*.png"))[0]
    r = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                       text=True, timeout=60)
    return r.stdout.split()


@pytest.mark.parametrize("layout", [None, "card"])
def test_pdf_qr_code_leads_to_the_public_check(issued, na_county, server, tmp_path, layout):
    """The printed QR code is the address of the public check of this
    number, on the server the PDF came from; following it answers the
    verification without a login."""
    c = issued["dir"]
    params = {"layout": layout} if layout else None
    r = na_county.get(f"/certificates/{c['id']}/pdf", params=params)
    assert_status(r, 200)
    codes = qr_codes(r.content, tmp_path)
    assert codes == [f"{server.url}/#/verify?number={c['number']}&code={c['check_code']}"], codes
    # the page it opens asks the public endpoint for that number and code
    r = verify(c["number"], server.url, c["check_code"])
    assert_status(r, 200)
    assert r.json()["valid"] is True


def test_pdf_layout_must_be_known(issued, na_county):
    r = na_county.get(f"/certificates/{issued['dir']['id']}/pdf", params={"layout": "a3"})
    assert_error(r, 400, "invalid_query")


def test_pdf_readable_by_the_holders_township_and_village(crew, issued, staff):
    sup = staff.user("supervisor", crew["town"]["code"])
    d = staff.user("director", crew["villages"][0])
    for c in (sup, d):
        r = c.get(f"/certificates/{issued['dir']['id']}/pdf")
        assert_status(r, 200)
        assert r.content.startswith(b"%PDF")


# --------------------------------------------------------------------------
# public verification


def test_verify_without_login(crew, issued, server):
    person = crew["dirs"][0]
    c = issued["dir"]
    r = verify(c["number"], server.url, c["check_code"])
    assert_status(r, 200)
    body = r.json()
    assert set(body) == VERIFY_KEYS, f"verify answers more than documented: {sorted(body)}"
    assert body["number"] == c["number"]
    assert body["valid"] is True
    assert body["title"] == "儿童主任培训合格证"
    assert body["county_name"] == "农安县"
    assert body["issued_on"] == c["issued_on"]
    name = person["name"]
    assert body["holder"] == name[0] + "*" * (len(name) - 2) + name[-1], body["holder"]
    text = r.text
    for secret in (name, person["id_number"], person["id_number"][6:14], person["phone"],
                   person["region_code"]):
        assert secret not in text, f"verify reveals {secret!r}: {text}"
    assert "Set-Cookie" not in r.headers
    # the supervisor's kind
    s = verify(issued["sup"]["number"], server.url, issued["sup"]["check_code"]).json()
    assert s["title"] == "儿童督导员培训合格证" and s["valid"] is True


@pytest.mark.parametrize("number", ["JL220122-2018-Z-9999", "JL999999-2018-Z-0001",
                                    "nothing", "jl220122-2018-z-0001"])
def test_verify_unknown_number(server, number):
    assert_error(verify(number, server.url, "ABCDEF"), 404, "not_found")


def test_verify_needs_the_check_code(issued, server):
    """Issue #17 item 4: 30 numbers in a row gave 30 holders.  Without the
    code printed on the certificate a number tells nothing: a wrong or
    missing code answers exactly like a number that does not exist."""
    c = issued["dir"]
    # walking the numbers without the code finds no one
    prefix, _seq = c["number"].rsplit("-", 1)
    found = []
    for n in range(1, 31):
        r = verify(f"{prefix}-{n:04d}", server.url, None)
        assert r.status_code in (404, 429), r.text
        if r.status_code == 200:
            found.append(r.json())
    assert found == [], f"{len(found)} holders found by walking the numbers"
    code = c["check_code"]
    unknown = verify("JL220122-2018-Z-9999", server.url, code)
    assert_error(unknown, 404, "not_found")
    other = next(x for x in "ABCDEFGHJK" if x != code[0]) + code[1:]
    for bad in (None, "", other, code[:5], code + "A", "' OR 1=1", "\u0000" + code):
        # each from an address of its own: this is about the answer, not
        # about the wait that repeated failures bring
        r = verify(c["number"], server.url, bad, address=fresh_address())
        assert_error(r, 404, "not_found")
        assert r.json() == unknown.json(), (bad, r.text)
        assert "county_name" not in r.text and "holder" not in r.text
    # as typed from the paper: any case, spaces and hyphens
    typed = f"{code[:3].lower()} -{code[3:]}"
    assert_status(verify(c["number"], server.url, typed), 200)


def test_verify_is_throttled_per_address(issued, servers):
    """Guessing codes from one address: past its budget (the production
    default, 30 failures) the address waits (429 with Retry-After), even
    with the right code; another address does not."""
    srv = servers.start(budget=None)
    c = issued["sup"]
    guesser = fresh_address()
    statuses = [verify(c["number"], srv.url, f"{n:06d}".translate(str.maketrans("01", "AB")),
                       address=guesser).status_code for n in range(34)]
    assert 429 in statuses and statuses[0] == 404, statuses
    assert set(statuses) == {404, 429}, statuses
    r = verify(c["number"], srv.url, c["check_code"], address=guesser)
    assert_error(r, 429, "too_many_attempts")
    assert int(r.headers["Retry-After"]) > 0
    ok = verify(c["number"], srv.url, c["check_code"], address=fresh_address())
    assert_status(ok, 200)
    assert ok.json()["valid"] is True


def test_verify_ignores_a_session(crew, issued, server, na_county):
    # with or without a cookie the answer is the same public one
    r1 = na_county.get(f"/certificates/verify/{issued['dir']['number']}",
                       params={"code": issued["dir"]["check_code"]})
    r2 = verify(issued["dir"]["number"], server.url, issued["dir"]["check_code"])
    assert_status(r1, 200)
    assert r1.json() == r2.json()


# --------------------------------------------------------------------------
# revocation


def test_revoke_keeps_the_record_and_is_audited(crew, na_county, server, staff):
    d = crew["dirs"][3]
    got = cert_of(na_county, d["id"], crew["town"]["code"])
    if not got:
        attend(na_county, crew["init"]["id"], d["id"], passed=True, score=75)
        got = cert_of(na_county, d["id"], crew["town"]["code"])
    c = got[0]
    assert c["status"] == "valid"
    reason = "培训档案造假"
    r = na_county.post(f"/certificates/{c['id']}/revoke", json={"reason": reason})
    assert_status(r, 200)
    assert r.json()["status"] == "revoked"
    assert r.json()["number"] == c["number"]
    # kept, and shown as revoked
    kept = [x for x in certificates_of(na_county, crew["town"]["code"]) if x["id"] == c["id"]]
    assert len(kept) == 1 and kept[0]["status"] == "revoked"
    assert kept[0]["number"] == c["number"]
    det = get_staff(na_county, d["id"])["certificates"]
    assert [(x["id"], x["status"]) for x in det] == [(c["id"], "revoked")]
    # verification: known, not valid
    v = verify(c["number"], server.url, c["check_code"])
    assert_status(v, 200)
    assert v.json()["valid"] is False
    assert v.json()["number"] == c["number"]
    # the audit log has it
    entries = [e for e in audit_entries(na_county, pages=3)
               if "revoke" in e["action"] and str(c["id"]) in str(e["target"])]
    assert len(entries) == 1, "revocation is not in the audit log"
    assert entries[0]["actor"] == na_county.username
    # a second revocation changes nothing
    r = na_county.post(f"/certificates/{c['id']}/revoke", json={"reason": "再次撤销"})
    error_of(r, 409)
    again = [x for x in certificates_of(na_county, crew["town"]["code"]) if x["id"] == c["id"]]
    assert again == kept
    # a new certificate may be issued now; it has its own number
    r = na_county.post("/certificates", json={"staff_id": d["id"],
                                              "training_id": crew["init"]["id"]})
    assert_status(r, 201)
    new = r.json()
    assert new["number"] != c["number"] and new["status"] == "valid"
    assert new["check_code"] != c["check_code"] or new["number"] != c["number"]
    assert verify(new["number"], server.url, new["check_code"]).json()["valid"] is True
    assert verify(c["number"], server.url, c["check_code"]).json()["valid"] is False
    assert [x["status"] for x in get_staff(na_county, d["id"])["certificates"]] == [
        "revoked", "valid"]
    assert_error(na_county.post("/certificates", json={"staff_id": d["id"],
                                                       "training_id": crew["init"]["id"]}),
                 409, "certificate_exists")


def test_issue_by_request_after_passing(crew, na_county, region_pool, server):
    """POST /certificates for a person who passed: the pass already issued
    one (409); after revoking it, the request issues a new one."""
    d = crew["dirs"][4]
    got = cert_of(na_county, d["id"], crew["town"]["code"])
    if not got:
        attend(na_county, crew["init"]["id"], d["id"], passed=True, score=75)
        got = cert_of(na_county, d["id"], crew["town"]["code"])
    assert_error(na_county.post("/certificates", json={"staff_id": d["id"],
                                                       "training_id": crew["init"]["id"]}),
                 409, "certificate_exists")
    assert_status(na_county.post(f"/certificates/{got[0]['id']}/revoke",
                                 json={"reason": "证书遗失补办"}), 200)
    r = na_county.post("/certificates", json={"staff_id": d["id"],
                                              "training_id": crew["init"]["id"]})
    assert_status(r, 201)
    c = r.json()
    assert CERT_KEYS <= set(c)
    assert c["staff_id"] == d["id"] and c["kind"] == "director"
    assert c["title"] == "儿童主任培训合格证" and c["status"] == "valid"
    assert CERT_NUMBER.match(c["number"])


def test_who_may_certify_and_revoke(crew, issued, staff, na_county):
    sup = staff.user("supervisor", crew["town"]["code"])
    d = staff.user("director", crew["villages"][0])
    c = issued["sup"]
    for u in (sup, d):
        assert_error(u.post(f"/certificates/{c['id']}/revoke", json={"reason": "越权撤销"}),
                     403, "forbidden")
        assert_error(u.post("/certificates", json={"staff_id": crew["sup"]["id"],
                                                   "training_id": crew["init"]["id"]}),
                     403, "forbidden")
        # they read the list of their part
        r = u.get("/certificates")
        assert_status(r, 200)
    assert [x["id"] for x in d.get("/certificates").json()["items"]] == [issued["dir"]["id"]]
    assert issued["sup"]["id"] in [x["id"] for x in sup.get("/certificates").json()["items"]]
    assert cert_of(na_county, crew["sup"]["id"], crew["town"]["code"])[0]["status"] == "valid"
