"""Budgets: every row of the annexed table, exactly as printed; and corrigenda of budgets or plans.

Amounts are kept as printed, never corrected: a total that does not add up is flagged by
the checks. A row the reader cannot place (no amount, no section heading) is a
StatementNotRead; so is a total announced in the decision's text that no line reaches.
"""

from __future__ import annotations

import re

from circulars.reading.derive.base import DeriverBase
from circulars.reading.derive.plans import blank_row, cell, number, roles
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
from models.document import Block
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
        for row in table.rows:
            if blank_row(row):
                continue
            position += 1
            statement = self.statement("budget_row", "\t".join(row.cells), row.page, budget_symbol, when)
            title = cell(row, columns.get("title"))
            if not title:
                title = next((c for k, c in enumerate(row.cells) if k not in (amount_index, columns.get("number")) and c
                              and parse_amount(c) is None), "")
            amount_text = cell(row, amount_index)
            amount = parse_amount(amount_text)
            numeral = ROMAN_SECTION_RE.match(title)
            if section_cell := cell(row, columns.get("section")):
                numeral = numeral or ROMAN_SECTION_RE.match(f"{section_cell} - {title}")
            if amount is None:
                if numeral or (title and not amount_text and not any(parse_amount(c) is not None for c in row.cells)):
                    section = numeral.group("numeral") if numeral else section
                    statement.events.append(approved)  # a section heading: read, it opens the lines that follow
                    continue
                self.not_read(statement, "amount_not_understood",
                              f"the amount \"{amount_text}\" is not a number the reader can read")
                continue
            kind = "grand_total" if GRAND_TOTAL_RE.match(title) else "total" if TOTAL_RE.match(title) else "expenditure"
            line_section = None
            if kind == "expenditure":
                line_section = numeral.group("numeral") if numeral else section
                title = numeral.group("title").strip() if numeral else title
                lines.append(amount)
            else:
                totals.append(amount)
            self.emit(BudgetLineSet(
                **self.common(row.page, when), budget_symbol=budget_symbol, budget_year=year,
                line_no=number(cell(row, columns.get("number"))) if kind == "expenditure" else None,
                position=position, section=line_section, title=title, amount_usd=amount, line_kind=kind,
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
        from circulars.reading.derive.notices import ACCORDINGLY_RE, CORRIGENDUM_RE, accordingly_kinds, stated_totals

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
