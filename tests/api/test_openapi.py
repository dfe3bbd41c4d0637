"""docs/openapi.yaml stays true: it lists what docs/API.md lists, and the live
server's answers fit its schemas."""

import re

import pytest
import yaml

from conftest import COUNTY, REPO, TOWNSHIP, VILLAGE, Client, assert_status
from quality_util import current_quarter

API_MD = REPO / "docs" / "API.md"
OPENAPI = REPO / "docs" / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def spec():
    d = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    assert str(d["openapi"]).startswith("3.0")
    return d


def documented_endpoints():
    text = API_MD.read_text(encoding="utf-8")
    out = set()
    for methods, path in re.findall(
            r"`((?:GET|POST|PUT|PATCH|DELETE)(?:\|(?:GET|POST|PUT|PATCH|DELETE))*) "
            r"/api/v1(/[^`?\s]*)", text):
        for m in methods.split("|"):
            out.add((m.lower(), path))
    return out


def test_every_documented_endpoint_is_described(spec):
    eps = documented_endpoints()
    assert len(eps) >= 14, eps
    for method, path in sorted(eps):
        assert path in spec["paths"], f"{path} missing from openapi.yaml"
        assert method in spec["paths"][path], f"{method.upper()} {path} missing"


def test_nothing_undocumented_is_described(spec):
    eps = documented_endpoints()
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                assert (method, path) in eps, f"{method.upper()} {path} not in API.md"


def test_every_error_code_is_described(spec):
    table = re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", API_MD.read_text(encoding="utf-8"),
                       re.M)
    assert len(table) >= 20
    enum = spec["components"]["schemas"]["ErrorCode"]["enum"]
    for _status, code in table:
        assert code in enum, f"error code {code} missing from ErrorCode"


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def _resolve(spec, ref):
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_refs_resolve_and_operations_answer(spec):
    for ref in set(_refs(spec)):
        _resolve(spec, ref)
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                assert item[method].get("responses"), f"{method} {path} has no responses"


# A small validator for the subset of OpenAPI 3.0 schema the file uses.
def check(spec, schema, value, where="$"):
    if "$ref" in schema:
        return check(spec, _resolve(spec, schema["$ref"]), value, where)
    if value is None:
        assert schema.get("nullable"), f"{where}: null where the schema forbids it"
        return
    for sub in schema.get("allOf", []):
        check(spec, sub, value, where)
    t = schema.get("type")
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool,
             "integer": int, "number": (int, float)}
    if t:
        ok = isinstance(value, kinds[t]) and not (t in ("integer", "number")
                                                   and isinstance(value, bool))
        assert ok, f"{where}: {value!r} is not {t}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), f"{where}: {value!r} !~ {schema['pattern']}"
    if isinstance(value, dict):
        for k in schema.get("required", []):
            assert k in value, f"{where}: lacks {k}"
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(props)
            assert not extra, f"{where}: undocumented {sorted(extra)}"
        for k, v in value.items():
            if k in props:
                check(spec, props[k], v, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            check(spec, schema["items"], v, f"{where}[{i}]")


def response_schema(spec, path, method, status):
    resp = spec["paths"][path][method]["responses"][str(status)]
    if "$ref" in resp:
        resp = _resolve(spec, resp["$ref"])
    return resp["content"]["application/json"]["schema"]


def test_live_answers_fit_the_schemas(spec, server, admin, accounts, audit_admin):
    anon = Client(server.url)
    r = anon.get("/health")
    check(spec, response_schema(spec, "/health", "get", 200), r.json())

    c = accounts.ready("county", COUNTY)
    n = Client(server.url)
    r = n.post("/session", json={"username": c.username, "password": c.password})
    assert_status(r, 200)
    check(spec, response_schema(spec, "/session", "post", 200), r.json())
    check(spec, response_schema(spec, "/session", "get", 200), n.get("/session").json())

    for params in ({}, {"parent": "22"}, {"parent": TOWNSHIP}):
        r = admin.get("/regions", params=params)
        assert_status(r, 200)
        check(spec, response_schema(spec, "/regions", "get", 200), r.json())
    for code in ("22", COUNTY, TOWNSHIP + "001"):
        r = admin.get(f"/regions/{code}")
        assert_status(r, 200)
        check(spec, response_schema(spec, "/regions/{code}", "get", 200), r.json())

    r = admin.get("/users", params={"page_size": 20})
    assert_status(r, 200)
    check(spec, response_schema(spec, "/users", "get", 200), r.json())
    r = admin.post("/users", json={"username": accounts.uniq(), "role": "supervisor",
                                   "region_code": TOWNSHIP})
    assert_status(r, 201)
    check(spec, response_schema(spec, "/users", "post", 201), r.json())
    uid = r.json()["user"]["id"]
    check(spec, response_schema(spec, "/users/{id}", "get", 200),
          admin.get(f"/users/{uid}").json())
    check(spec, response_schema(spec, "/users/{id}", "patch", 200),
          admin.patch(f"/users/{uid}", json={"display_name": "模式"}).json())
    check(spec, response_schema(spec, "/users/{id}/password-reset", "post", 200),
          admin.post(f"/users/{uid}/password-reset").json())
    check(spec, response_schema(spec, "/users/{id}/unlock", "post", 200),
          admin.post(f"/users/{uid}/unlock").json())

    r = audit_admin.get("/audit", params={"page_size": 50})
    assert_status(r, 200)
    check(spec, response_schema(spec, "/audit", "get", 200), r.json())

    r = anon.get("/users")
    check(spec, response_schema(spec, "/users", "get", 401), r.json())
    r = admin.post("/users", json={"username": "x"})
    check(spec, response_schema(spec, "/users", "post", 400), r.json())


def test_live_quarterly_answers_fit_the_schemas(spec, accounts):
    """Progress at every level (a city's and the province's roll-up too),
    the quality report and the figures, as the schemas describe them."""
    cq = current_quarter()
    prov = accounts.ready("province", "22")
    for region in ("22", COUNTY[:4], COUNTY, TOWNSHIP, VILLAGE):
        r = prov.get(f"/quarters/{cq}/progress", params={"region": region})
        assert_status(r, 200)
        check(spec, response_schema(spec, "/quarters/{q}/progress", "get", 200), r.json())
        r = prov.get("/quality", params={"region": region, "quarter": cq})
        assert_status(r, 200)
        check(spec, response_schema(spec, "/quality", "get", 200), r.json())
        r = prov.get(f"/quarters/{cq}/figures", params={"region": region})
        assert_status(r, 200)
        check(spec, response_schema(spec, "/quarters/{q}/figures", "get", 200), r.json())
    d = accounts.ready("director", VILLAGE)
    r = d.get(f"/quarters/{cq}/progress")
    check(spec, response_schema(spec, "/quarters/{q}/progress", "get", 200), r.json())
