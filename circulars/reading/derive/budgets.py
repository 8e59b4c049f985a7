"""Budgets: every row of the annexed table, exactly as printed; and corrigenda of budgets or plans.

Amounts are kept as printed, never corrected: a total that does not add up is flagged by
the checks. A row the reader cannot place (no amount, no section heading) is a
StatementNotRead; so is a total announced in the decision's text that no line reaches.
"""

from __future__ import annotations

import re

from circulars.reading import lexicon
from circulars.reading.derive.base import DeriverBase
from circulars.reading.derive.plan_rows import blank_row, cell, number, roles, roman
from circulars.reading.segment import EnclosedDocument
from circulars.reading.vocabulary import (
    CURRENCY_RE,
    GRAND_TOTAL_RE,
    ROMAN_SECTION_RE,
    TOTAL_RE,
    find_document_symbols,
    parse_amount,
    squash,
    strip_markup,
    symbol_base,
)
from models.document import Block, TableRow
from models.events import BudgetApproved, BudgetLineSet

_CORRECTING_TITLE_RE = re.compile(r"\bcorrect\w*|\bcorrigend\w*|\berrat\w*|исправлени\w*|түзету\w*", re.I)
_LOCATION_RE = re.compile(r"\b(?:item|line|point|row|entry|пункт|строк\w*|позици\w*)\s*(?:No\.?\s*|№\s*)?(\d{1,3})\b", re.I)
_ANNOUNCED_TOTAL = re.compile(
    r"(?:total|amount|сумм\w*|объем\w*|размер\w*)\s+(?:\S+\s+){0,4}?(?:of\s+|в\s+)?(?:US\s*\$\s*|USD\s*)?"
    r"(?P<amount>\d{1,3}(?:[,\s\u00a0\u202f]\d{3})+)",
    re.I,
)


def amount_column(table: Block) -> int | None:
    """The last column where at least half the rows hold an amount."""
    width = max((len(r.cells) for r in table.rows), default=0)
    for index in reversed(range(width)):
        values = [parse_amount(cell(r, index)) for r in table.rows]
        if sum(v is not None for v in values) >= max(1, len(values) // 2):
            return index
    return None


SUBTOTAL_RE = re.compile(lexicon.data()["totals"]["subtotal"], re.I)
_RANGE = re.compile(r"\b(?P<first>[IVXLC]{1,7}|\d{1,2})\s*(?:[-–—]|to|до|по)\s*(?P<last>[IVXLC]{1,7}|\d{1,2})\b")


def total_kinds(rows: list[tuple[str, int, str | None]]) -> list[str | None]:
    """The kind of each row with an amount (title, amount, its section numeral): "expenditure",
    "total" (of a part), "grand_total" (of every line), or None where nothing tells.

    Worded as one ("Grand total", "Итого по бюджету"; "Subtotal", "Итого по разделу"), a total is
    that. A total naming headings ("Total, headings I–V") is the grand total when they are all
    the budget's headings. Any other ("Total", "TOTAL APPROPRIATIONS", "Итого") is of a part when a
    grand total is printed or lines follow it; else, last in the table, it is the grand total when
    every total before it is worded as a part's, or when it is the only total, or when its sum is
    that of every line and not that of the lines since the total before it.
    """
    def worded(title: str) -> str | None:
        if GRAND_TOTAL_RE.match(title):
            return "grand_total"
        if SUBTOTAL_RE.match(title):
            return "total"
        return "plain" if TOTAL_RE.match(title) else None

    numerals = {n for _, _, n in rows if n}
    values = {n: roman(n) for n in numerals}
    words = [worded(title) for title, _, _ in rows]
    for k, (title, _, _) in enumerate(rows):
        span = _RANGE.search(title) if words[k] else None
        if span and values:
            last = roman(span.group("last")) or (int(span.group("last")) if span.group("last").isdigit() else None)
            words[k] = "grand_total" if last is not None and last >= max(v or 0 for v in values.values()) else "total"
    kinds: list[str | None] = []
    since: list[int] = []  # lines since the total before
    every: list[int] = []
    before: list[str] = []  # the words of the totals before
    for k, ((_, amount, _), word) in enumerate(zip(rows, words)):
        if word is None:
            kinds.append("expenditure")
            since.append(amount)
            every.append(amount)
            continue
        kind: str | None = word
        if word == "plain":
            later = words[k + 1:]
            if "grand_total" in words or any(w is None for w in later):
                kind = "total"
            elif "plain" in later:
                kind = None if sum(every) != sum(since) else "total"
            elif not before or "plain" not in before or amount == sum(every) != sum(since):
                kind = "grand_total"
            elif amount == sum(since) != sum(every):
                kind = "total"
            else:
                kind = None
        kinds.append(kind)
        before.append(word)
        since = []
    return kinds


class BudgetReader(DeriverBase):
    """Mixin: budget tables and corrigenda."""

    def budget(self, document: EnclosedDocument, budget_symbol: str) -> None:
        table = document.blocks[document.annex_index]
        year = self.annex_year(document) or (document.issued_on or self.issued_on).year
        when = self.doc_date(document)
        between = " ".join(b.text for b in document.blocks[document.heading_index + 1: document.annex_index])
        currency = next((code for pattern, code in CURRENCY_RE
                         if pattern.search(between + " " + " ".join(table.header or []))), "USD")
        approved = self.emit(BudgetApproved(
            **self.common(table.page, when), budget_symbol=budget_symbol, budget_year=year,
            title=document.annex_title or document.title or document.heading, currency=currency,
            supersedes=self.superseded_by(document),
        ))
        columns = roles(table, ["number", "title", "amount"])
        amount_index = columns.get("revised_amount", columns.get("amount"))
        if amount_index is None:
            amount_index = amount_column(table)
        section: str | None = None
        position = -1
        totals: list[int] = []
        lines: list[int] = []
        read: list[tuple[TableRow, str, int | None, str, re.Match | None]] = []  # row, title, amount, amount text, numeral
        for row in table.rows:
            if blank_row(row):
                continue
            title = cell(row, columns.get("title"))
            if not title:
                title = next((c for k, c in enumerate(row.cells)
                              if k not in (amount_index, columns.get("number")) and c and roman(c) is None
                              and parse_amount(c) is None), "")
            amount_text = cell(row, amount_index)
            numeral = ROMAN_SECTION_RE.match(title)
            for own in (cell(row, columns.get("section")), cell(row, columns.get("number"))):
                if roman(own) is not None:  # "I" in a column of its own ("Heading", "No.")
                    numeral = numeral or ROMAN_SECTION_RE.match(f"{own.strip(' .)')} - {title}")
            read.append((row, title, parse_amount(amount_text), amount_text, numeral))
        kinds = iter(total_kinds([(title, amount, numeral.group("numeral") if numeral else None)
                                  for _, title, amount, _, numeral in read if amount is not None]))
        for row, title, amount, amount_text, numeral in read:
            position += 1
            statement = self.statement("budget_row", "\t".join(row.cells), row.page, budget_symbol, when)
            if amount is None:
                if numeral or (title and not amount_text and not any(parse_amount(c) is not None for c in row.cells)):
                    section = numeral.group("numeral") if numeral else section
                    statement.events.append(approved)  # a section heading: read, it opens the lines that follow
                    continue
                self.not_read(statement, "amount_not_understood",
                              f"the amount \"{amount_text}\" is not a number the reader can read")
                continue
            kind = next(kinds)
            if kind is None:
                self.not_read(statement, "row_not_understood",
                              f"\"{title}\" ({amount:,}) is a total, but whether of a part of the budget or of "
                              "all its lines is neither printed nor shown by its place and sum")
                continue
            line_section = None
            line_no = None
            if kind == "expenditure":
                line_section = numeral.group("numeral") if numeral else section
                title = numeral.group("title").strip() if numeral else title
                line_no = number(cell(row, columns.get("number")))
                if line_no is None and "number" not in columns and numeral:
                    line_no = roman(numeral.group("numeral"))  # numbered by its heading's numeral alone
                lines.append(amount)
            else:
                totals.append(amount)
            self.emit(BudgetLineSet(
                **self.common(row.page, when), budget_symbol=budget_symbol, budget_year=year,
                line_no=line_no, position=position, section=line_section, title=title, amount_usd=amount,
                line_kind=kind,
            ), statement=statement)
        self._announced_total(document, budget_symbol, between, totals, lines, table.page)

    def _announced_total(self, document: EnclosedDocument, budget_symbol: str, text: str, totals: list[int],
                         lines: list[int], page: int) -> None:
        """"... approves the budget in the total amount of 4,759,000 US dollars": some line must say so."""
        for match in _ANNOUNCED_TOTAL.finditer(squash(strip_markup(text))):
            announced = parse_amount(match.group("amount"))
            if announced is None or announced in totals or announced == sum(lines):
                continue
            statement = self.statement("completeness", match.group(0), page, budget_symbol, self.doc_date(document))
            self.not_read(statement, "total_mismatch",
                          f"the decision announces {announced:,} but the table's totals are "
                          f"{', '.join(f'{t:,}' for t in totals) or 'absent'} and its lines add up to {sum(lines):,}")

    def corrigendum(self, document: EnclosedDocument) -> set[int]:
        """A corrigendum's corrections ("For '1,629,598' read '1,639,598'"), against the document it corrects;
        in a corrigendum (`/Corr.N`, "Corrigendum") or in a decision that corrects ("on corrections to ...").

        A paragraph naming where the next correction applies ("Annex, item 16, column ...") is read with
        it; "The Total and the Grand total are corrected accordingly", wherever it stands, applies to its
        corrections of amounts. Returns the indices of the blocks it read (nothing if no correction).
        """
        from circulars.reading.derive.note_parts import ACCORDINGLY_RE, CORRIGENDUM_RE, accordingly_kinds, stated_totals

        correcting = (document.kind == "corrigendum" or "/Corr." in (document.symbol or "")
                      or _CORRECTING_TITLE_RE.search(" ".join(filter(None, (document.title, document.heading)))))
        if not correcting:
            return set()
        corrects = symbol_base(document.symbol) if document.symbol and "/Corr." in document.symbol else None
        if corrects is None:
            named = [s for b in document.blocks if b.kind != "table" for s in find_document_symbols(squash(b.text))
                     if s != document.symbol and not s.startswith(document.symbol or "\x00")]
            corrects = named[0] if named else None
        texts: list[tuple[str, int, int]] = []  # text, page, block index
        for index in range(document.heading_index + 1, len(document.blocks)):
            block = document.blocks[index]
            if block.kind == "table":
                texts.extend((" ".join(row.cells), row.page, index) for row in block.rows)
            elif block.text:
                texts.append((squash(strip_markup(block.text)), block.page, index))
        if not any(CORRIGENDUM_RE.search(t) for t, _, _ in texts):
            return set()
        accordingly_texts = [(t, p, i) for t, p, i in texts if (ACCORDINGLY_RE.search(t) or stated_totals(t))
                             and not CORRIGENDUM_RE.search(t)]
        accordingly = accordingly_kinds(" ".join(t for t, _, _ in accordingly_texts)) if accordingly_texts else None
        totals = {k: v for t, _, _ in accordingly_texts for k, v in stated_totals(t).items()}
        found: list[int] = []
        consumed: set[int] = set()
        location: tuple[int, list] | None = None  # "Annex, item 16, column ..." names where the next correction applies
        for text, page, index in texts:
            if not CORRIGENDUM_RE.search(text):
                ref = _LOCATION_RE.search(text)
                if ref and not ACCORDINGLY_RE.search(text) and len(text) < 200:
                    statement = self.statement("operative_paragraph", text, page, document.symbol, self.doc_date(document))
                    location = (int(ref.group(1)), [statement])
                    consumed.add(index)
                continue
            statement = self.statement("operative_paragraph", text, page, document.symbol, self.doc_date(document))
            before = len(self.events)
            self.correction_stated(statement, text, corrects, document.symbol, self.doc_date(document), accordingly,
                                   item_no=location[0] if location else None, totals=totals)
            made = list(range(before, len(self.events)))
            found.extend(made)
            consumed.add(index)
            if location:
                for pointer in location[1]:
                    pointer.events.extend(made)
            location = None
        for text, page, index in accordingly_texts:
            statement = self.statement("operative_paragraph", text, page, document.symbol, self.doc_date(document))
            statement.events.extend(found)
            consumed.add(index)
        return consumed if found else set()
