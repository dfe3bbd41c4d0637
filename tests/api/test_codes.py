"""GET /api/v1/codes: the code tables the UI takes its labels from (issue #18
item 5).  The answer's shape and caching (one small request, gzipped, a 304
while nothing changed), that every code table of the C source is in it with
its labels, that the labels other answers carry are the same, the derived
`parent_absence` of a child, and that no file of the UI (web/src) lists codes
and labels of its own any more."""

import gzip
import sys
import json
import re

import pytest
import yaml

from children_util import NA_TOWN_2, child_body, create, get_child, parent
from conftest import CJK, REPO, Client, assert_error, assert_status

IDENTITY = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}
STRONG_ETAG = re.compile(r'^"[0-9a-f]{32}(\.gz)?"$')


@pytest.fixture(scope="module")
def anon(server):
    return Client(server.url)


@pytest.fixture(scope="module")
def tables(anon):
    r = anon.get("/codes", headers=IDENTITY)
    assert_status(r, 200)
    return r.json()


# --------------------------------------------------------------------------
# the answer


def test_shape_without_a_session(anon, tables):
    r = anon.get("/codes", headers=IDENTITY)
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith("application/json")
    assert "Content-Encoding" not in r.headers
    assert isinstance(tables, dict) and len(tables) >= 50
    for name, rows in tables.items():
        assert re.fullmatch(r"[a-z_]+", name), name
        assert isinstance(rows, list) and len(rows) >= 2, name
        codes = [e["code"] for e in rows]
        labels = [e["label"] for e in rows]
        assert len(set(codes)) == len(codes), name
        assert len(set(labels)) == len(labels), name
        for e in rows:
            assert isinstance(e["code"], str) and e["code"], (name, e)
            assert isinstance(e["label"], str) and CJK.search(e["label"]), (name, e)
    # what the issue found listed twice: the children's codes, the roles, …
    for name in ("sex", "parent_status", "guardianship", "living_support",
                 "mental_health", "education", "health", "category", "flag",
                 "role", "region_level", "case_state", "platform_kind",
                 "staff_source", "woman_service", "quality_rule", "audit_action",
                 "ethnicity"):
        assert name in tables, name
    assert len(tables["ethnicity"]) == 56


def test_fits_openapi(server, tables, staff, village_pool):
    from test_openapi import OPENAPI, check, response_schema
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    check(spec, response_schema(spec, "/codes", "get", 200), tables)
    for e in (x for rows in tables.values() for x in rows):
        check(spec, spec["components"]["schemas"]["CodeEntry"], e)
    village, _ = village_pool.take(NA_TOWN_2)
    c = create(staff.user("director", village), child_body(village))
    check(spec, spec["components"]["schemas"]["Child"], c)


def test_what_travels_with_a_code(tables):
    def of(name):
        return {e["code"]: e for e in tables[name]}

    ps = of("parent_status")
    assert ps["migrant_out_province"]["migrant"] is True
    assert ps["migrant_in_province"]["migrant"] is True
    assert ps["deceased"]["unable"] is True and ps["deceased"]["migrant"] is False
    assert ps["at_home"]["unable"] is False and ps["other"]["unable"] is False
    unable = {c for c, e in ps.items() if e["unable"]}
    assert unable == {"deceased", "missing", "imprisoned", "drug_rehab",
                      "restricted_liberty", "severe_disability", "serious_illness",
                      "guardianship_revoked", "deported"}
    assert {c: e.get("flag") for c, e in of("guardianship").items()} == {
        "good": None, "fair": None, "poor": "poor_guardianship", "none": "unsupervised"}
    assert {c for c, e in of("education").items() if e.get("flag") == "dropout"} == {
        "out_of_school", "dropped_out"}
    assert of("category")["left_behind"]["age_limit"] == 16
    assert of("category")["orphan"]["age_limit"] == 18
    assert of("role")["director"]["level"] == "village"
    assert of("role")["admin"]["level"] is None
    assert of("region_level")["city"] == {"code": "city", "label": "市（州）",
                                          "short": "市", "digits": 4}
    assert of("staff_post")["supervisor"]["certificate"] == "儿童督导员培训合格证"
    assert {e["post"] for e in tables["staff_source"]} == {"supervisor", "director"}
    assert of("platform_kind")["children_home"]["level"] == "village"
    assert of("report")["workforce"]["action"] == "staff.read"
    assert of("report")["children"]["titles"]["county"] == "分乡镇儿童分类统计表"
    assert "titles" not in of("report")["cases"]
    assert of("quality_rule")["Q01"]["severity"] == "error"


def test_same_for_everyone(server, anon, tables, accounts):
    ready = accounts.ready("county", "220102")
    r = ready.get("/codes", headers=IDENTITY)
    assert_status(r, 200)
    assert r.json() == tables
    # public: not held back while a password must change
    fresh = accounts.fresh("director", "220102001001")
    r = fresh.get("/codes", headers=IDENTITY)
    assert_status(r, 200)
    assert r.json() == tables
    # a session cookie that means nothing does not matter either
    r = anon.get("/codes", headers={**IDENTITY, "Cookie": "guanai_session=nonsense"})
    assert_status(r, 200)


def test_only_get(anon):
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = anon.request(method, "/codes", json={})
        assert_error(r, 405, "method_not_allowed")


# --------------------------------------------------------------------------
# caching: one small request, kept by the browser


def test_gzip_and_strong_etags(anon, tables):
    plain = anon.get("/codes", headers=IDENTITY)
    assert_status(plain, 200)
    r = anon.http.get(anon.url("/codes"), headers=GZIP, stream=True, timeout=30)
    assert_status(r, 200)
    raw = r.raw.read(decode_content=False)
    assert r.headers["Content-Encoding"] == "gzip"
    assert int(r.headers["Content-Length"]) == len(raw)
    assert json.loads(gzip.decompress(raw)) == tables
    assert len(raw) * 3 < len(plain.content), (len(raw), len(plain.content))
    for x in (plain, r):
        assert "no-cache" in x.headers["Cache-Control"]
        assert "no-store" not in x.headers["Cache-Control"]
        assert "Accept-Encoding" in x.headers["Vary"]
        assert STRONG_ETAG.match(x.headers["ETag"]), x.headers["ETag"]
    # two representations, two validators
    assert plain.headers["ETag"] != r.headers["ETag"]
    assert r.headers["ETag"] == plain.headers["ETag"][:-1] + '.gz"'
    # the same answer each time
    again = anon.get("/codes", headers=IDENTITY)
    assert again.headers["ETag"] == plain.headers["ETag"]
    assert again.content == plain.content


@pytest.mark.parametrize("ae,gz", [
    ("gzip", True), ("deflate, gzip;q=0.5", True), ("GZIP", True),
    ("gzip;q=0", False), ("gzip; q=0.000", False), ("br, deflate", False),
    ("identity", False), ("gzipx", False), ("x-gzip", False), ("", False),
])
def test_accept_encoding(anon, ae, gz):
    r = anon.http.get(anon.url("/codes"), headers={"Accept-Encoding": ae},
                      stream=True, timeout=30)
    assert_status(r, 200)
    assert (r.headers.get("Content-Encoding") == "gzip") is gz, ae
    assert r.headers["ETag"].endswith('.gz"') is gz


def test_not_modified(anon):
    for enc in (IDENTITY, GZIP):
        first = anon.get("/codes", headers=enc)
        etag = first.headers["ETag"]
        for inm in (etag, "W/" + etag, f'"nope", {etag}', f"{etag} , \"x\"", "*"):
            r = anon.get("/codes", headers={**enc, "If-None-Match": inm})
            assert r.status_code == 304, (enc, inm, r.status_code)
            assert r.content == b""
            assert r.headers["ETag"] == etag
            assert "no-cache" in r.headers["Cache-Control"]
        for inm in ('"nope"', etag[1:-1], etag[:-2] + '"', ""):
            r = anon.get("/codes", headers={**enc, "If-None-Match": inm})
            assert_status(r, 200)
            assert r.json()
    # the gzip form's validator does not stand for the plain one
    gz_etag = anon.get("/codes", headers=GZIP).headers["ETag"]
    r = anon.get("/codes", headers={**IDENTITY, "If-None-Match": gz_etag})
    assert_status(r, 200)


# --------------------------------------------------------------------------
# one source: the C tables


def _c_code_tables():
    """Every `code_entry NAME[] = {…}` of the C source: name → [(code, label)]."""
    out = {}
    for path in sorted((REPO / "src").rglob("*.c")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"code_entry\s+(\w+)\[\]\s*=\s*\{(.*?)\n\};", text, re.S):
            pairs = re.findall(r'\{\s*[^,{}"]+,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*\}', m.group(2))
            assert pairs, f"{path.name}: {m.group(1)} read as empty"
            out[f"{path.name}:{m.group(1)}"] = pairs
    return out


def test_every_c_table_is_served(tables):
    found = _c_code_tables()
    assert len(found) >= 35, sorted(found)
    served = {(e["code"], v) for rows in tables.values() for e in rows
              for v in e.values() if isinstance(v, str)}
    for name, pairs in found.items():
        for code, label in pairs:
            assert (code, label) in served, f"{name}: {code} {label} not in /codes"


def test_audit_actions_are_the_documented_ones(tables):
    spec = yaml.safe_load((REPO / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
    documented = spec["components"]["schemas"]["AuditAction"]["enum"]
    assert sorted(e["code"] for e in tables["audit_action"]) == sorted(documented)


def test_other_answers_carry_the_same_labels(staff, village_pool, tables):
    village, _ = village_pool.take(NA_TOWN_2)
    d = staff.user("director", village)
    body = child_body(village, age=9, father="migrant_out_province", mother="deceased",
                      guardianship="none", education="dropped_out",
                      dropout_explanation="家中无人照看，已联系学校")
    c = create(d, body)
    label = {(k, e["code"]): e["label"] for k in ("category", "flag") for e in tables[k]}
    assert c["classification"], c
    for x in c["classification"]:
        assert x["label"] == label[(x["kind"], x["code"])], x
    assert {"left_behind", "difficult_guardianship"} <= set(c["categories"])
    assert {"unsupervised", "dropout"} <= set(c["flags"])


def test_parent_absence(staff, village_pool):
    village, _ = village_pool.take(NA_TOWN_2)
    d = staff.user("director", village)
    c = create(d, child_body(village, father="migrant_in_province", mother="imprisoned"))
    assert c["parent_absence"] == {"father": "migrant", "mother": "unable"}
    c = create(d, child_body(village, father="at_home", mother="other"))
    assert c["parent_absence"] == {"father": None, "mother": None}
    # follows the record: the father comes home
    r = d.patch(f"/children/{c['id']}", json={"father": parent("deceased"),
                                              "mother": parent("migrant_out_province")})
    assert_status(r, 200)
    assert r.json()["parent_absence"] == {"father": "unable", "mother": "migrant"}
    assert get_child(d, c["id"])["parent_absence"] == {"father": "unable", "mother": "migrant"}
    # a parent nobody filled in
    c = create(d, child_body(village, father={"name": "王某"}, mother="at_home"))
    assert c["parent_absence"] == {"father": None, "mother": None}


# --------------------------------------------------------------------------
# one source: nothing listed again in the UI


WEB = REPO / "web" / "src"
_STR = r"""(?:'([^'\\\n]*)'|"([^"\\\n]*)"|`([^`\\$\n]*)`)"""
_KEY = r"""(?:([A-Za-z_$][\w$]*)|'([^'\n]*)'|"([^"\n]*)"|(\d+))"""
_PAIR = re.compile(_KEY + r"\s*:\s*" + _STR)
_LITERAL = re.compile(_STR)
_VALUE_LABEL = re.compile(r"""(?:value|code|key)\s*:\s*""" + _STR + r"""\s*,\s*label\s*:\s*""" + _STR)
_ARRAY_PAIR = re.compile(r"\[\s*" + _STR + r"\s*,\s*" + _STR + r"\s*\]")


def _first(groups):
    return next(g for g in groups if g is not None)


def _web_files():
    files = [p for p in sorted(WEB.rglob("*")) if p.suffix in (".js", ".vue")]
    # codes.js fetches the tables; it has none of its own
    return [p for p in files if p.name != "codes.js"]


def _web_findings(tables):
    """What looks like a code table of the UI's own: (file, line, why)."""
    pairs = {(e["code"], e["label"]) for rows in tables.values() for e in rows}
    codes_of = {name: {e["code"] for e in rows} for name, rows in tables.items()}
    labels_of = {name: {e["label"] for e in rows} for name, rows in tables.items()}
    out = []
    for path in _web_files():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(REPO)

        def line(pos):
            return text.count("\n", 0, pos) + 1

        # Words of the UI's own keyed by codes (a button's text, a field's
        # caption) say so in a comment on the line above their object:
        # `// ui-text: …`.
        objects = list(re.finditer(r"\{[^{}]*\}", text))
        own = [(m.start(), m.end()) for m in objects
               if "ui-text" in "\n".join(text[:m.start()].splitlines()[-2:])]

        def exempt(pos):
            return any(a <= pos < b for a, b in own)

        # 1. a code beside its label: `left_behind: '农村留守儿童'`,
        #    `{ value: 'male', label: '男' }`, `['male', '男']`
        for m in _PAIR.finditer(text):
            k, v = _first(m.groups()[:4]), _first(m.groups()[4:])
            if (k, v) in pairs and not exempt(m.start()):
                out.append((rel, line(m.start()), f"{k}: {v}"))
        for rx in (_VALUE_LABEL, _ARRAY_PAIR):
            for m in rx.finditer(text):
                k, v = _first(m.groups()[:3]), _first(m.groups()[3:])
                if (k, v) in pairs and not exempt(m.start()):
                    out.append((rel, line(m.start()), f"{k} / {v}"))
        # 2. an object whose keys are mostly codes of one table and whose
        #    values are Chinese: a copy of the table, even with other words.
        for m in objects:
            entries = [(_first(p.groups()[:4]), _first(p.groups()[4:]))
                       for p in _PAIR.finditer(m.group(0))]
            cjk = [(k, v) for k, v in entries if CJK.search(v)]
            if len(cjk) < 2 or exempt(m.start()):
                continue
            for name, codes in codes_of.items():
                hits = [k for k, _ in cjk if k in codes]
                if len(hits) >= 2 and 2 * len(hits) >= len(cjk):
                    out.append((rel, line(m.start()), f"a copy of table {name}: {hits}"))
                    break
        # 3. a list of a table's labels: ['汉族', '蒙古族', …]
        literals = {_first(m.groups()) for m in _LITERAL.finditer(text)}
        for name, labels in labels_of.items():
            if len(labels) < 3:
                continue
            seen = labels & literals
            if len(seen) >= 3 and 2 * len(seen) >= len(labels):
                out.append((rel, 0, f"labels of table {name}: {sorted(seen)[:5]}"))
    return out


def test_no_code_table_in_the_ui(tables):
    files = _web_files()
    assert len(files) > 40
    found = _web_findings(tables)
    assert not found, "\n".join(f"{f}:{n}: {why}" for f, n, why in found)


def test_the_check_finds_a_copied_table(tables, tmp_path, monkeypatch):
    """The check above is not blind: the shapes of the tables the UI held
    before, and one of them with its words changed, are each caught."""
    samples = {
        "a.js": "export const SEX = { male: '男', female: '女' }\n",
        "b.js": "export const MEASURES = {\n  staff_registered: '定岗定人',\n"
                "  staff_trained: '完成培训',\n  certificate_issued: '颁发培训合格证',\n}\n",
        "c.js": "export const E = ['汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族',"
                " '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族', '瑶族', '白族',"
                " '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族',"
                " '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族']\n",
        "d.vue": "<script setup>\nconst o = [{ value: 'low', label: '低' }]\n</script>\n",
        "e.js": "// ui-text: what the buttons say\nconst B = { accept: '受理', close: '结案', plan: '保存' }\n",
    }
    for name, text in samples.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(
        sys.modules[__name__], "_web_files",
        lambda: sorted(p for p in tmp_path.iterdir()))
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    found = {str(f): why for f, _, why in _web_findings(tables)}
    assert set(found) == {"a.js", "b.js", "c.js", "d.vue"}, found
