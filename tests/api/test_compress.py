"""JSON answers compressed on a slow link (issue #23; docs/API.md
"Conventions"): gzip above 1 KB for a client that takes it, nothing for
one that does not or for a small answer, and GET /codes keeps the gzip it
makes itself (never gzipped twice)."""

import gzip
import json

import pytest
import requests

from children_util import NA_TOWN_2, child_body, create
from conftest import API, assert_status


@pytest.fixture(scope="module")
def filled(staff, village_pool):
    code, _ = village_pool.take(NA_TOWN_2)
    d = staff.user("director", code)
    for _ in range(30):
        create(d, child_body(code))
    return d, code


def raw_get(c, path, enc, **params):
    """The answer as sent, not decoded by requests."""
    h = {"Accept-Encoding": enc, "Cookie": f"guanai_session={c.cookie}"}
    r = requests.get(c.url(path), headers=h, params=params, stream=True, timeout=30)
    body = r.raw.read(decode_content=False)
    return r, body


def test_a_large_list_goes_gzipped(filled):
    d, code = filled
    r, body = raw_get(d, "/children", "gzip, deflate, br", region=code, page_size=200)
    assert_status(r, 200)
    assert r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    plain = gzip.decompress(body)
    assert len(plain) > 1024 and len(body) < len(plain) / 3, (len(body), len(plain))
    assert json.loads(plain)["total"] == 30
    assert int(r.headers["Content-Length"]) == len(body)
    # the same answer, not compressed, to a client that does not take it
    for enc in ("identity", "deflate, br", "gzip;q=0"):
        r2, body2 = raw_get(d, "/children", enc, region=code, page_size=200)
        assert "Content-Encoding" not in r2.headers, enc
        assert "Accept-Encoding" in r2.headers["Vary"]
        assert body2 == plain


def test_a_record_and_a_text_answer_go_gzipped(filled):
    d, code = filled
    cid = d.get("/children", params={"region": code}).json()["items"][0]["id"]
    r, body = raw_get(d, f"/children/{cid}", "gzip")
    assert r.headers.get("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(body))["id"] == cid


def test_a_small_answer_is_sent_as_is(filled):
    d, _ = filled
    r, body = raw_get(d, "/session", "gzip")
    assert_status(r, 200)
    assert len(body) < 1024 or r.headers.get("Content-Encoding") == "gzip"
    r, body = raw_get(d, "/health", "gzip")
    assert "Content-Encoding" not in r.headers and json.loads(body) == {"status": "ok"}
    # an error answer is JSON like any other
    r, body = raw_get(d, "/children/999999999", "gzip")
    assert r.status_code == 404 and json.loads(body)["error"]["code"] == "not_found"


def test_the_codes_keep_their_own_gzip(server):
    r = requests.get(server.url + API + "/codes", headers={"Accept-Encoding": "gzip"},
                     stream=True, timeout=30)
    body = r.raw.read(decode_content=False)
    assert r.headers["Content-Encoding"] == "gzip"
    assert len(r.raw.headers.getlist("Content-Encoding")) == 1
    assert r.headers["ETag"].endswith('.gz"')
    # one layer of gzip: decompressed once it is the JSON
    tables = json.loads(gzip.decompress(body))
    assert "sex" in tables
    assert len(r.raw.headers.getlist("Vary")) == 1
