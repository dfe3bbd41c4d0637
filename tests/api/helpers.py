"""What the API test files share besides fixtures (those are all in
conftest.py): dates in China, GB 11643 identity numbers, names and phones
unique in the session, reading the xlsx and PDF answers, the audit log,
and the comparison of a 404 with an absent record's.  The *_util.py files
keep what belongs to one part of the product (its regions, bodies and API
wrappers) and take these from here, so each is written once.
"""

import datetime as dt
import io
import itertools
import random
import re
import subprocess
import threading
import uuid

from conftest import assert_error, assert_status

# --------------------------------------------------------------------------
# dates (the server's "today" is the date in China, UTC+8)

CN = dt.timezone(dt.timedelta(hours=8))


def today_cn():
    """Today's date in China: the server's "as of" date."""
    return dt.datetime.now(CN).date()


def iso(d):
    return d if isinstance(d, str) else d.isoformat()


def days_ago(n):
    return iso(today_cn() - dt.timedelta(days=n))


def days_ahead(n):
    return iso(today_cn() + dt.timedelta(days=n))


def quarter_of(date):
    """"2024Q3" for a date (or YYYY-MM-DD)."""
    d = dt.date.fromisoformat(iso(date))
    return f"{d.year}Q{(d.month + 2) // 3}"


# --------------------------------------------------------------------------
# GB 11643 identity numbers

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_orders = {}
_orders_lock = threading.Lock()
_order_base = random.Random().randrange(0, 400)


def check_char(first17):
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _W)) % 11]


def id_number(county, birth="1985-06-15", sex="female"):
    """A valid 18-character number unique in this session: address code
    `county`, birth date `birth` (date or YYYY-MM-DD), order code odd for
    male and even for female, ISO 7064 MOD 11-2 check character."""
    b = iso(birth)
    with _orders_lock:
        n = _orders.get((county, b), 0)
        _orders[(county, b)] = n + 1
    order = ((_order_base + n) % 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"{county}{b.replace('-', '')}{order:03d}"
    assert len(first17) == 17 and first17.isdigit(), first17
    return first17 + check_char(first17)


def bad_check(idn):
    """The same number with a wrong check character."""
    for c in "0123456789X":
        if c != idn[-1]:
            return idn[:-1] + c
    raise AssertionError(idn)


def mask_id(idn):
    """A number as province and city users see it."""
    return idn[:6] + "*" * 8 + idn[-4:]


# --------------------------------------------------------------------------
# names and phones, unique in the session

_GIVEN = "安宝成德飞刚国海华佳建杰军丽林明楠平强清荣瑞山胜涛婷伟文霞欣秀雪燕毅英勇玉泽志忠"
_SURNAMES = "".join(dict.fromkeys(
    "王李张刘陈杨赵黄周吴徐孙胡朱高何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "漕钱汤尹黎易常武乔贺赖龚文"))
_name_seq = itertools.count(random.Random().randrange(0, 50000))
_phone_seq = itertools.count(random.Random().randrange(0, 10 ** 7))


def person_name():
    """A three-character Chinese name unique in the session (surname and
    two given characters), so that a masked one reads 张*明."""
    n = next(_name_seq)
    k, s = len(_GIVEN), len(_SURNAMES)
    return _SURNAMES[n % s] + _GIVEN[(n // s) % k] + _GIVEN[(n // (s * k)) % k]


def unique_phone():
    """A mobile number unique in the session."""
    return "139" + f"{next(_phone_seq) % 10 ** 8:08d}"


# --------------------------------------------------------------------------
# answers

# What province and city users see of an ID number and a mobile number.
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
MASKED_MOBILE = re.compile(r"^1\d{2}\*{4}\d{4}$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_rows(data):
    """All rows of the first sheet as lists of cell values (None → "")."""
    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    ws = wb.worksheets[0]
    rows = [["" if v is None else v for v in row]
            for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def pdf_text(data, tmpdir):
    """The text of a PDF (poppler's pdftotext)."""
    p = tmpdir / f"c-{uuid.uuid4().hex[:6]}.pdf"
    p.write_bytes(data)
    r = subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, f"pdftotext failed: {r.stderr}"
    return r.stdout


def all_pages(listing, c, **params):
    """Every item of a paged list over all its pages, `listing(c, page=…,
    page_size=…, **params)` answering one page; checks `total` against
    the items."""
    out, page, tot = [], 1, None
    while True:
        body = listing(c, page=page, page_size=200, **params)
        tot = body["total"] if tot is None else tot
        out += body["items"]
        if len(body["items"]) < 200:
            break
        page += 1
    assert len(out) == tot, f"total {tot} but {len(out)} items over the pages"
    return out


def audit_entries(c, action=None, pages=20):
    """The audit entries `c` may read (of `action`), newest first."""
    out = []
    for page in range(1, pages + 1):
        params = {"page": page, "page_size": 200}
        if action:
            params["action"] = action
        r = c.get("/audit", params=params)
        assert_status(r, 200)
        items = r.json()["items"]
        out += items
        if len(items) < 200:
            break
    return out


# Written by the scheduler once a tick for what the server counted
# (docs/API.md "Counted actions"): they grow between two readings of the
# log whatever the test in hand does.
COUNTED_ACTIONS = ("access_denied", "child_search", "child_history_read", "visit_read",
                   "tally_overflow")


def audit_written(c):
    """How many entries of the audit log `c` reads, less the counted ones:
    what requests themselves write, for proofs that nothing was."""
    def total(**params):
        r = c.get("/audit", params={"page_size": 1, **params})
        assert_status(r, 200)
        return r.json()["total"]

    def counted():
        return sum(total(action=a) for a in COUNTED_ACTIONS)
    for _ in range(10):
        before = counted()
        n = total()
        if counted() == before:  # no tick wrote in between
            return n - before
    raise AssertionError("the counted audit entries never held still")


def same_404(r, ghost, code="not_found"):
    """r is a 404 and says exactly what the absent record says."""
    assert_error(r, 404, code)
    assert_error(ghost, 404, code)
    assert r.json() == ghost.json(), f"out of scope and absent differ: {r.text} vs {ghost.text}"


def error_of(r, status):
    """The documented error shape with this status, whatever the code."""
    where = f"{r.request.method} {r.request.url}"
    assert r.status_code == status, f"{where}: expected {status}, got {r.status_code}: {r.text[:600]}"
    assert r.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", where
    body = r.json()
    assert isinstance(body, dict) and set(body) == {"error"}, f"{where}: {body!r}"
    err = body["error"]
    assert set(err) <= {"code", "message", "field"}, f"{where}: {err!r}"
    assert isinstance(err.get("code"), str) and err["code"], f"{where}: {err!r}"
    assert re.search(r"[\u3400-\u9fff]", err.get("message") or ""), f"{where}: {err!r}"
    return err
