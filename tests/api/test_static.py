"""The built UI served from the web root (src/http/static.c): files below
it and nothing else — no symbolic link leads out of it (issue #17)."""

import gzip
import os
import time

import pytest
import requests


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """A web root with a page, an asset and its .gz, a subdirectory, and
    links out of it to a secret; served through a link to the root."""
    base = tmp_path_factory.mktemp("static")
    root = base / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "sub").mkdir()
    (root / "index.html").write_text("<!doctype html><title>关爱</title>")
    (root / "assets" / "app.js").write_text("console.log('app')\n")
    (root / "assets" / "app.js.gz").write_bytes(gzip.compress(b"console.log('gz')\n"))
    (root / "sub" / "ok.json").write_text('{"ok":true}')
    outside = base / "elsewhere"
    outside.mkdir()
    (outside / "secret.json").write_text('{"secret":"out of the root"}')
    (outside / "secret.json.gz").write_bytes(gzip.compress(b'{"secret":"gz"}'))
    os.symlink(outside, root / "link")                          # a directory
    os.symlink(outside, root / "sub" / "deep")                  # one level down
    os.symlink(outside / "secret.json", root / "file.json")     # a file
    os.symlink(outside / "secret.json.gz", root / "assets" / "x.js.gz")
    (root / "assets" / "x.js").write_text("plain")
    os.mkfifo(root / "pipe.json")
    served = base / "current"
    os.symlink(root, served)    # the root itself may be a link
    return served


@pytest.fixture(scope="module")
def site(servers, web):
    return servers.start("--web", str(web))


def get(site, path, **headers):
    return requests.get(site.url + path, headers=headers, timeout=10)


def test_files_below_the_root_are_served(site):
    r = get(site, "/sub/ok.json")
    assert r.status_code == 200 and r.json() == {"ok": True}
    r = get(site, "/")
    assert r.status_code == 200 and "关爱" in r.text
    r = get(site, "/children/12")   # the UI's own routes get the page
    assert r.status_code == 200 and "关爱" in r.text
    r = get(site, "/assets/app.js", **{"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.text == "console.log('app')\n"
    r = get(site, "/assets/app.js", **{"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert r.text == "console.log('gz')\n"


@pytest.mark.parametrize("path", [
    "/link/secret.json", "/sub/deep/secret.json", "/file.json",
    "//link/secret.json", "/sub//deep/secret.json",
])
def test_no_link_leads_out_of_the_root(site, path):
    r = get(site, path)
    assert r.status_code == 404, (path, r.status_code, r.text)
    assert "secret" not in r.text


def test_a_linked_gz_is_not_sent_either(site):
    r = get(site, "/assets/x.js", **{"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers.get("Content-Encoding") is None and r.text == "plain"


def test_a_fifo_does_not_hold_a_worker(site):
    t0 = time.time()
    assert get(site, "/pipe.json").status_code == 404
    assert time.time() - t0 < 2


def test_hashed_assets_are_kept_and_the_rest_revalidated(site):
    """Issue #23: a phone on a slow link keeps the hashed assets for a year
    and asks for nothing else twice: index.html (and the service worker,
    the manifest, the icons) come back 304 with no body while unchanged."""
    r = get(site, "/assets/app.js", **{"Accept-Encoding": "gzip"})
    assert "immutable" in r.headers["Cache-Control"]
    assert "max-age=31536000" in r.headers["Cache-Control"]
    for path in ("/", "/children/12", "/sub/ok.json"):
        r = get(site, path, **{"Accept-Encoding": "gzip"})
        assert r.status_code == 200
        assert r.headers["Cache-Control"] == "no-cache", path
        tag = r.headers["ETag"]
        assert tag.startswith('"') and tag.endswith('"'), tag
        again = get(site, path, **{"If-None-Match": tag, "Accept-Encoding": "gzip"})
        assert again.status_code == 304, (path, again.status_code)
        assert again.content == b"" and again.headers["ETag"] == tag
        assert again.headers["Cache-Control"] == "no-cache"
        # another tag, or none: the file
        assert get(site, path, **{"If-None-Match": '"other"'}).status_code == 200
    # the gzip form and the plain form are other bytes: other tags
    plain = get(site, "/assets/app.js", **{"Accept-Encoding": "identity"})
    gz = get(site, "/assets/app.js", **{"Accept-Encoding": "gzip"})
    assert plain.headers["ETag"] != gz.headers["ETag"]
    r = get(site, "/assets/app.js", **{"If-None-Match": plain.headers["ETag"],
                                       "Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.text == "console.log('gz')\n"


def test_a_changed_file_gets_a_new_tag(site, web):
    page = web / "sub" / "ok.json"
    before = get(site, "/sub/ok.json").headers["ETag"]
    page.write_text('{"ok":"new"}')
    now = time.time() + 5
    os.utime(page, (now, now))
    r = get(site, "/sub/ok.json", **{"If-None-Match": before})
    assert r.status_code == 200 and r.json() == {"ok": "new"}
    assert r.headers["ETag"] != before
