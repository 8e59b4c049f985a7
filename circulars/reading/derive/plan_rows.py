"""The cells of plan and amendment tables and the fields of an item: which column holds what (by header and
by content), a cell's number or timing, an item written out in prose, the plan a text names.
Used by `plans.PlanReader`."""

from __future__ import annotations

import re

from circulars.reading import lexicon
from circulars.reading.derive.mentions import symbol_kind
from circulars.reading.derive.organizers import split_organizers
from circulars.reading.timing import parse_timing
from circulars.reading.vocabulary import (
    DOCUMENT_SYMBOL_RE,
    MONTHS,
    column_role,
    normalise_symbol,
    squash,
    strip_markup,
)
from models.document import Block, TableRow

PLAN_COLUMNS = ["number", "title", "organizers", "timing"]
AMENDMENT_COLUMNS = ["number", "title", "organizers", "change", "timing"]
_NUMBERS = re.compile(r"\d{1,3}")
_LEAD_IN = re.compile(r"^[,;:]?\s*(?:(?:to\s+)?read(?:ing)?|as\s+follows|the\s+following(?:\s+(?:new\s+)?(?:item|event|text|wording))?|"
                      r"(?:the\s+)?(?:new\s+)?(?:text|wording)|which\s+reads|следующего\s+содержания|в\s+следующей\s+редакции)"
                      r"\s*[:.]?\s*(?:(?:text|wording)\s*:)?\s*$|^[,;:]?\s*(?:text|wording)\s*:\s*", re.I)


def _closes_quote(text: str) -> bool:
    opens = sum(text.count(q) for q in "“«„") + text.count('"') // 2 * 0
    closes = sum(text.count(q) for q in "”»")
    plain = text.count('"')
    return opens <= closes and plain % 2 == 0
_LABEL = re.compile(
    r"(?P<label>(?:expected\s+)?title(?:\s+of\s+the\s+event)?|event|name|наименование|мероприятие|"
    r"organi[sz]ers?(?:\s*\(s\))?|организатор\w*(?:\s*\(ы\))?|ұйымдастырушы\w*|"
    r"(?:indicative\s+)?timing|dates?|(?:ориентировочные\s+)?сроки|срок|мерзім\w*)\s*[:\-–—]\s*",
    re.I,
)


def roles(table: Block, default: list[str]) -> dict[str, int]:
    """Which column holds what: from the header's words, then from the cells themselves; by
    position when there is no header.

    A header no list knows ("Sl. No.", "Serial", "No. of item": "item" would make it the title)
    must not move the title into the number column: a column of small increasing integers is
    the number column whatever its header says, a column of month and date phrases the timing,
    a column of roman numerals (I, II, ...) the section.
    """
    header = table.header or []
    found = _by_header(header, set())
    if not found:
        width = len(table.rows[0].cells) if table.rows else len(default)
        return {role: index for index, role in enumerate(default[:width])}
    rows = [row for row in table.rows if not blank_row(row)]
    width = max((len(row.cells) for row in rows), default=0)
    columns = [[cell(row, index) for row in rows] for index in range(width)]
    if "number" not in found:
        numbered = next((k for k, values in enumerate(columns)  # not a column headed as amounts or dates
                         if column_role(header[k] if k < len(header) else "") in (None, "title")
                         and _increasing_numbers(values)), None)
        if numbered is not None:
            found = {"number": numbered, **_by_header(header, {numbered})}
    if "section" not in found:
        sectioned = next((k for k, values in enumerate(columns) if k not in found.values() and _numerals(values)), None)
        if sectioned is not None:
            found["section"] = sectioned
    if "timing" in default and not {"timing", "new_timing"} & found.keys():
        scores = {k: _timings(values) for k, values in enumerate(columns) if k not in found.values()}
        timed = max(scores, key=lambda k: scores[k], default=None)
        if timed is not None and scores[timed] > 0.5:
            found["timing"] = timed
    return found


def _by_header(header: list[str], skip: set[int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        role = column_role(text) if index not in skip else None
        if role and role not in found:
            found[role] = index
    return found


def _increasing_numbers(values: list[str]) -> bool:
    """Item numbers: every filled cell a number under 1000 ("7", "7.", "7)"), never falling
    (a number printed twice is the checks' to flag), at least two."""
    numbers = [number(v) for v in values if v]
    return (len(numbers) >= 2 and all(n is not None and n < 1000 for n in numbers)
            and all(a <= b for a, b in zip(numbers, numbers[1:])) and numbers[0] < numbers[-1])


_NUMBER_LIKE = re.compile(r"^\W*(?:item|no\.?|№|#|п\.)?\s*\d{1,3}(?:[.\-/]\d{1,3})?[a-zа-я]?[.)]?\s*$", re.I)


def numbered_column(table: Block) -> int | None:
    """A column that looks like item numbers ("1", "1.1", "2a", "Item 3", "№4") in most rows, if any:
    a plan whose rows got no item number from such a table lost them."""
    rows = [row for row in table.rows if not blank_row(row)]
    width = max((len(row.cells) for row in rows), default=0)
    for index in range(width):
        values = [cell(row, index) for row in rows]
        if len(rows) >= 2 and sum(bool(_NUMBER_LIKE.match(v)) for v in values) * 2 > len(rows):
            return index
    return None


def _numerals(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return len(filled) >= 2 and all(roman(v) is not None for v in filled)


_WHEN_WORDS = re.compile(
    r"\b(?:Q[1-4]|H[12]|(?:19|20)\d\d|" + "|".join(sorted(MONTHS, key=len, reverse=True)) +
    r"|quarter|half|decade|week|spring|summer|autumn|fall|winter|year|TBC|TBD|"
    r"квартал|полугоди|декад|недел|весн|лет|осен|зим|год|тоқсан|жарты|онкүндік|апта|көктем|жаз|күз|қыс|жыл)",
    re.I,
)


def _timings(values: list[str]) -> float:
    """Mostly month and date phrases ("Q2", "first decade of June", "20–22 May 2025", "autumn"):
    read by the timing grammar, or naming a month, a year or a part of one."""
    filled = [v for v in values if v]
    timed = sum(parse_timing(v, 2000).precision != "unspecified" or bool(_WHEN_WORDS.search(v)) for v in filled)
    return timed / len(filled) if len(filled) >= 2 else 0.0


_ROMAN = re.compile(r"^\s*(?P<numeral>[IVXLC]{1,7})\s*[.)]?\s*$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman(text: str) -> int | None:
    """The value of a cell that is a roman numeral alone ("IV", "VI."); else None."""
    match = _ROMAN.match(text)
    if not match:
        return None
    digits = [_ROMAN_VALUES[c] for c in match.group("numeral")]
    value = sum(-d if d < after else d for d, after in zip(digits, digits[1:] + [0]))
    return value if value > 0 and _to_roman(value) == match.group("numeral") else None


def _to_roman(value: int) -> str:
    out = ""
    for size, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, value = divmod(value, size)
        out += letters * count
    return out


def cell(row: TableRow, index: int | None) -> str:
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index].strip()


def blank_row(row: TableRow) -> bool:
    return all(not c.strip() or set(c.strip()) <= set("-–—_=.") for c in row.cells)


def number(text: str) -> int | None:
    match = re.match(r"^\s*(\d{1,4})\s*[.)]?\s*$", text)
    return int(match.group(1)) if match else None


PLAN_WORD_RE = re.compile(r"\b(?:plan|план|жоспар)", re.I)
_PLAN_YEAR = (
    # "the Plan ... for 2024", "План ... на 2024 год", "2024 жылға арналған ... жоспар", "the 2024 CICA Plan"
    re.compile(r"\b(?:plan|план|жоспар)\w*[^.;:]{0,200}?\b(?:for|на)\s+(20\d\d)\b", re.I),
    re.compile(r"\b(20\d\d)\s+(?:жыл\w*\s+)?(?:\S+\s+){0,3}(?:plan|план|жоспар)", re.I),
)


def plan_named_in(text: str, own: str | None) -> tuple[str | None, int | None]:
    """The plan a note's text names (the decision symbol printed after the word "plan"), and its year."""
    symbols = [(m.start(), m.group(0)) for m in DOCUMENT_SYMBOL_RE.finditer(text)]
    candidates = [(start, normalise_symbol(sym)) for start, sym in symbols
                  if normalise_symbol(sym) != own and symbol_kind(normalise_symbol(sym)) in ("DEC", "PLAN")]
    near_plan = [sym for start, sym in candidates if PLAN_WORD_RE.search(text[max(0, start - 200):start])]
    plan_symbol = near_plan[0] if near_plan else (candidates[0][1] if len(candidates) == 1 else None)
    plain = DOCUMENT_SYMBOL_RE.sub(" ", text)  # "SOC/2023-III/DEC/2" names a session's year, not the plan's
    year = next((m for pattern in _PLAN_YEAR if (m := pattern.search(plain))), None)
    return plan_symbol, int(year.group(1)) if year else None


_CHANGE_LEAD = re.compile(r"^\W*(?:to|until|till|for|into|in|на|до|в|по)\s+", re.I)


def timing_after_change(change_text: str) -> str:
    """The timing a change cell names after its change word ("Postponed to November" -> "November"); else ""."""
    matches = [m for compiled, _ in lexicon.mapped("change") if (m := compiled.search(change_text))]
    if not matches:
        return ""
    match = min(matches, key=lambda m: m.start())
    rest = re.sub(r"^\w*", "", change_text[match.end():])  # the rest of the word ("postpon|ed")
    rest = _CHANGE_LEAD.sub("", rest.strip(" :,–—-")).strip(" .;")
    return rest if rest and parse_timing(rest, 2000).precision != "unspecified" else ""


_NAMED_TITLE = re.compile(lexicon.expand(
    r"\b(?:{ITEM})\s*(?:No\.?\s*|№\s*)?(?P<n>\d{1,3})\s*[,:]?\s*"
    r"(?:\(\s*[\"“«„]?(?P<paren>[^()]{6,240}?)[\"”»“]?\s*\)|[\"“«„](?P<quoted>[^\"“”«»„]{6,240})[\"”»“])"), re.I)


def title_named_beside(text: str, item_no: int) -> str | None:
    """The title printed beside "item N" — "item 12 (CICA Seminar on ...)", "пункт 12 «...»" — or None.

    A parenthesis that is a timing or a page/paragraph reference names no title."""
    for match in _NAMED_TITLE.finditer(text or ""):
        if int(match.group("n")) != item_no:
            continue
        named = squash(match.group("paren") or match.group("quoted") or "").strip(" ,;.")
        words = re.findall(r"[^\W\d_]{3,}", named)
        if len(words) < 2 or not named[:1].isupper() and not named[:1].isdigit() \
                or parse_timing(named, 2000).precision != "unspecified":
            continue
        return named
    return None


def _no_value(text: str) -> bool:
    """A cell that holds nothing: blank, or a dash standing for "no change" / "none"."""
    return not text.strip() or set(text.strip()) <= set("-–—_/.")


def clean_timing(text: str) -> str:
    """The timing itself out of the words around it: "the "second half of the year"" → second half of the
    year; "10-14.06.2024 instead of 3 – 7 June" → 10-14.06.2024; "mid-March 2024, at the request of ..." → mid-March 2024."""
    text = re.sub(r"\s*\(.*$|\s+(?:instead\s+of|rather\s+than|вместо)\b.*$", "", text)
    text = re.sub(r",\s+(?:at|upon|following|due|in\s+order|as|on\s+the|to\s+allow|pending|subject|by\s+decision)\b.*$", "", text)
    text = text.strip(" ;,\"“”«»'‘’")
    if text.endswith(".") and not re.search(r"(?:^|[.\s])\w\.$", text):  # a sentence's full stop, not "T.B.C."
        text = text[:-1]
    return re.sub(r"^(?:the|a)\s+", "", text).strip(" \"“”«»'‘’")


def plan_fields(title: str, organizers_text: str, timing_text: str, year: int) -> dict:
    organizers = split_organizers(organizers_text)
    timing = parse_timing(timing_text, year)
    return {
        "title": squash(title),
        "organizers": organizers,
        "lead_organizer": organizers[0] if organizers else None,
        "timing_text": timing_text,
        "starts_on": timing.starts_on,
        "ends_on": timing.ends_on,
        "timing_precision": timing.precision,
    }


def _unquote(text: str) -> str:
    text = text.strip().strip(" ;:")
    pairs = {"\"": "\"", "“": "”", "«": "»", "'": "'", "‘": "’", "„": "“"}
    while len(text) >= 2 and text[0] in pairs and text.endswith(pairs[text[0]]):
        text = text[1:-1].strip()
    return text


def parse_item_text(text) -> tuple[int | None, str, str, str] | None:
    """(number, title, organisers, timing) from an item written out in prose or as a flattened row.

    Understood forms: labelled fields ("Title: ...; Organizer(s): ...; Timing: ..."), fields
    set apart by " | ", tabs or " — ", and a quoted title followed by "organized by ..." and a
    timing in parentheses or after a comma. None when nothing can be told apart.
    """
    if isinstance(text, tuple):
        return text  # a row of a table: (number, title, organisers, timing) already told apart by its header
    text = " ".join(line.strip() for line in strip_markup(text).split("\n") if line.strip()).strip()
    text = _unquote(text[:-1] if text.endswith(("\".", "”.", "».", "'.")) else text)
    text = squash(text) if "\n" not in text else text
    number_match = re.match(r"^\s*(?:No\.?\s*|№\s*)?(\d{1,3})[.)]?\s+", text)
    item_no = int(number_match.group(1)) if number_match else None
    body = text[number_match.end():] if number_match else text
    labels = list(_LABEL.finditer(body))
    if len(labels) >= 2:
        fields = {"title": "", "organizers": "", "timing": ""}
        for k, match in enumerate(labels):
            end = labels[k + 1].start() if k + 1 < len(labels) else len(body)
            value = _unquote(body[match.end(): end].strip(" ;,"))
            label = match.group("label").lower()
            key = "organizers" if re.search(r"organ|организ|ұйымдаст", label) else \
                "timing" if re.search(r"timing|date|срок|мерзім", label) else "title"
            fields[key] = value
        if not fields["title"] and labels[0].start() > 0:
            fields["title"] = _unquote(body[: labels[0].start()].strip(" ;,"))
        return item_no, fields["title"], fields["organizers"], fields["timing"]
    for separator in (r"\s*\|\s*", r"\t+", r"\s+[—–]\s+"):
        parts = [p for p in re.split(separator, body) if p.strip()]
        if len(parts) >= 3:
            if item_no is None and number(parts[0]) is not None and len(parts) >= 4:
                item_no, parts = number(parts[0]), parts[1:]
            return item_no, _unquote(parts[0]), parts[1].strip(" ;,"), _unquote(parts[2]) if len(parts) > 2 else ""
    lines = [line.strip(" ;") for line in body.split("\n") if line.strip(" ;")]
    if len(lines) >= 2 and not _LABEL.match(lines[0]):
        # a title on its own line, then labelled lines (or organisers and timing, one per line)
        rest = parse_item_text("\n".join(lines[1:]) if any(_LABEL.match(x) for x in lines[1:]) else "")
        if rest is not None and (rest[2] or rest[3]):
            return item_no, _unquote(lines[0]), rest[2], rest[3]
        if len(lines) == 3:
            return item_no, _unquote(lines[0]), lines[1], _unquote(lines[2])
    quoted = re.search(r"[\"“«‘](?P<title>[^\"”»’]+?)[\"”»’](?P<rest>.*)$", body)
    if quoted:
        rest = quoted.group("rest")
        if item_no is None:
            named = re.search(r"\b(?:item|event|No\.?)\s*(?:No\.?\s*)?(\d{1,3})\b", body[: quoted.start()], re.I)
            item_no = int(named.group(1)) if named else None
        organizers = re.search(r"(?:organi[sz]ed|hosted|convened)\s+by\s+(?P<org>[^()\"“«]+?)(?=\s*(?:\(|,|;|\s+in\s+[\"“«]|\s+(?:in|on|during)\s+\S+\s*$|$))",
                               rest, re.I)
        timing = re.search(r"\((?:timing\s*:\s*)?(?P<timing>[^()]+)\)\s*$|\bin\s+[\"“«](?P<quoted>[^\"”»]+)[\"”»]|"
                           r"(?:,|;)\s*(?:in|on|during|timing\s*:)\s*(?P<timing2>[^,;()]+)$", rest, re.I)
        found_timing = next((g for g in (timing.group("timing"), timing.group("quoted"), timing.group("timing2")) if g),
                            "") if timing else ""
        return (item_no, quoted.group("title"), organizers.group("org").strip() if organizers else "", found_timing.strip())
    return None
