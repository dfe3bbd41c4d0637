"""Trying to rebuild masked ID numbers from what an answer shows beside them
(docs/API.md "Masking").

A masked number `220122********7840` hides exactly the 8 digits of the
birth date, and its visible check character is a function of all 17 other
digits.  `rebuild` takes one answer's whole text (JSON, the cells of a
sheet, the text of a PDF), finds each masked number in it and the person's
true number among those the test registered, and tries what an attacker
would: the true number itself, its birth date in any spelling, its year and
month, and — from the age the answer shows — the window of birth dates the
age allows, thinned by the check character.  `assert_not_rebuildable`
fails when any of them gives the number back, or leaves fewer candidates
than the rule promises.
"""

import datetime as dt
import re
from helpers import check_char

MASKED = re.compile(r"\b(\d{6})\*{8}(\d{3}[\dX])")
# The least number of candidates an age leaves (privacy.h): over every
# window of a year from 1940 to 2040, the rarest check character is
# reached by 29 of its days.
MIN_CANDIDATES = 29


def mask(idn):
    return idn[:6] + "*" * 8 + idn[-4:]


def birth_of(idn):
    return dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))


def date_spellings(d):
    """Every way an answer might write a day."""
    return {d.isoformat(), d.strftime("%Y%m%d"), d.strftime("%Y/%m/%d"),
            f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y年%m月%d日"),
            f"{d.year}-{d.month}-{d.day}", f"{d.year}.{d.month:02d}.{d.day:02d}"}


def month_patterns(d):
    """The year and month of a day, standing alone (not the start of a
    whole date, which date_spellings covers)."""
    return [rf"(?<![\d-]){d.year}-{d.month:02d}(?![-\d])",
            rf"(?<!\d){d.year}年0?{d.month}月(?!\d)",
            rf"(?<![\d/]){d.year}/{d.month:02d}(?![/\d])"]


def _minus_years(d, n):
    try:
        return d.replace(year=d.year - n)
    except ValueError:  # 29 February
        return d.replace(year=d.year - n, day=28)


def age_window(age, as_of):
    """The birth dates that give `age` whole years on `as_of`."""
    lo = _minus_years(as_of, age + 1) + dt.timedelta(days=1)
    hi = _minus_years(as_of, age)
    return lo, hi


def candidates(masked, lo, hi):
    """The days in [lo, hi] that complete `masked` to a number whose check
    character is the one shown."""
    prefix, tail = masked[:6], masked[-4:]
    out, d = [], lo
    while d <= hi:
        if check_char(prefix + d.strftime("%Y%m%d") + tail[:3]) == tail[3]:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def rebuild(text, truths, ages=None, as_of=None):
    """{true number: [candidate birth dates]} for every true number shown
    masked in `text`.  Raises AssertionError the moment the answer gives a
    number back outright (the number, its birth date in any spelling, its
    year and month).  `ages` maps a true number to the age the answer shows
    beside it; without one the whole last century is the window."""
    ages = ages or {}
    as_of = as_of or dt.date.today()
    shown = {m.group(1) + "********" + m.group(2) for m in MASKED.finditer(text)}
    out = {}
    for t in truths:
        m = mask(t)
        if m not in shown:
            continue
        assert t not in text, f"{m}: the whole number is in the answer"
        b = birth_of(t)
        for s in date_spellings(b):
            assert s not in text, f"{m}: its birth date {s!r} is in the answer"
        for p in month_patterns(b):
            assert not re.search(p, text), f"{m}: its year and month ({p}) are in the answer"
        if t in ages:
            lo, hi = age_window(ages[t], as_of)
        else:
            lo, hi = as_of.replace(year=as_of.year - 100), as_of
        cands = candidates(m, lo, hi)
        assert b in cands, f"{m}: the rebuild itself is wrong ({lo}..{hi})"
        out[t] = cands
    return out


def assert_not_rebuildable(text, truths, ages=None, as_of=None, expect=None):
    """No number of `truths` shown masked in `text` can be rebuilt: more
    than one candidate (at least MIN_CANDIDATES) is left for each.  `expect`:
    the numbers that must be there masked (so that the check is not
    vacuous)."""
    got = rebuild(text, truths, ages, as_of)
    for t in expect or ():
        assert t in got, f"{mask(t)} is not in the answer"
    for t, cands in got.items():
        assert len(cands) > 1, f"{mask(t)} rebuilt: {cands}"
        assert len(cands) >= MIN_CANDIDATES, (
            f"{mask(t)}: only {len(cands)} candidates left: {cands}")
    return got


def json_ages(node, out=None):
    """{masked number: age} for every object of a JSON answer holding a
    masked `id_number` beside an `age`."""
    out = {} if out is None else out
    if isinstance(node, dict):
        idn, age = node.get("id_number"), node.get("age")
        if isinstance(idn, str) and MASKED.fullmatch(idn) and isinstance(age, int):
            out[idn] = age
        for v in node.values():
            json_ages(v, out)
    elif isinstance(node, list):
        for v in node:
            json_ages(v, out)
    return out


def sheet_text(rows):
    """The cells of a sheet as one text, dates spelled as ISO days."""
    parts = []
    for row in rows:
        for v in row:
            if isinstance(v, (dt.datetime, dt.date)):
                v = v.date() if isinstance(v, dt.datetime) else v
                parts.append(v.isoformat())
            else:
                parts.append(str(v))
    return "\t".join(parts)
