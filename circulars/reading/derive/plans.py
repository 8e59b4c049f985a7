"""Plans of events: the annexed table, and amendments as tables or as prose operative paragraphs.

Every row of a plan or amendment table is a statement; so is every operative paragraph
that amends ("item 12 shall read ...", "item 15 is deleted", "in item 8, replace 'X' with
'Y'", "the following item is added after item 27: ...", "the timing of item 3 is changed
to ..."). What a row or paragraph says that the reader cannot place becomes a
StatementNotRead, never silence.
"""

from __future__ import annotations

import re
from datetime import date

from circulars.reading import lexicon
from circulars.reading.derive.base import DeriverBase, Statement
from circulars.reading.derive.mentions import symbol_kind
from circulars.reading.derive.organizers import split_organizers
from circulars.reading.derive.plan_rows import (
    _LEAD_IN,
    _NUMBERS,
    AMENDMENT_COLUMNS,
    PLAN_COLUMNS,
    _closes_quote,
    _no_value,
    _unquote,
    blank_row,
    cell,
    clean_timing,
    number,
    numbered_column,
    parse_item_text,
    plan_fields,
    plan_named_in,
    roles,
    timing_after_change,
    title_named_beside,
)
from circulars.reading.segment import EnclosedDocument
from circulars.reading.vocabulary import (
    change_kind,
    column_role,
    find_document_symbols,
    squash,
    strip_markup,
    year_of_title,
)
from models.document import Block
from models.events import (
    DocumentLinked,
    PlanAdopted,
    PlanItemAdded,
    PlanItemAmended,
    PlanItemCancelled,
    PlanItemOrganizersAdded,
    PlanItemRescheduled,
    PlanItemScheduled,
    PlanItemTextReplaced,
)


class PlanReader(DeriverBase):
    """Mixin: plan tables, amendment tables and prose amendments."""

    def annex_year(self, document: EnclosedDocument) -> int | None:
        for text in (document.annex_title, document.title, document.heading):
            year = year_of_title(text or "")
            if year:
                return year
        return None

    def plan(self, document: EnclosedDocument, plan_symbol: str) -> None:
        table = document.blocks[document.annex_index]
        year = self.annex_year(document) or (document.issued_on or self.issued_on).year
        when = self.doc_date(document)
        self.emit(PlanAdopted(**self.common(table.page, when), plan_symbol=plan_symbol, plan_year=year,
                              title=document.annex_title or document.title or document.heading))
        columns = roles(table, PLAN_COLUMNS)
        rows = [row for row in table.rows if not blank_row(row)]
        numbered = sum(1 for row in rows if number(cell(row, columns.get("number"))) is not None)
        numbers: list[int] = []
        for row in rows:
            statement = self.statement("plan_row", "\t".join(row.cells), row.page, plan_symbol, when)
            item_no = number(cell(row, columns.get("number")))
            fields = plan_fields(cell(row, columns.get("title")), cell(row, columns.get("organizers")),
                                 cell(row, columns.get("timing")), year)
            if not fields["title"] and item_no is None:
                self.not_read(statement, "row_not_understood", "a row with neither an item number nor a title")
                continue
            self.emit(PlanItemScheduled(**self.common(row.page, when), plan_symbol=plan_symbol, plan_year=year,
                                        item_no=item_no, **fields), statement=statement)
            if item_no is None and numbered * 2 > len(rows):
                self.not_read(statement, "row_not_understood",
                              "a row without an item number in a numbered plan: the tail of the row above, or an item lost its number")
            elif item_no is not None:
                numbers.append(item_no)
            self._check_timing(statement, fields)
        if rows and not numbers and (column := numbered_column(table)) is not None:
            statement = self.statement("completeness", "\t".join(table.header or []), table.page, plan_symbol, when)
            self.not_read(statement, "row_not_understood",
                          f"no row has an item number, yet column {column + 1} of the table looks numbered: "
                          "later amendments by item number cannot find these items")
        self.numbering("items", numbers, document, table.page)

    def _check_timing(self, statement: Statement, fields: dict) -> None:
        if fields["timing_text"].strip() and fields["timing_precision"] == "unspecified":
            self.not_read(statement, "timing_not_understood",
                          f"the timing \"{fields['timing_text']}\" is kept as printed, without dates")

    def _amended_plan(self, document: EnclosedDocument) -> tuple[str | None, int | None]:
        """The plan an amending document acts on: a plan decision it names, and the plan's year."""
        own = {document.symbol}
        text = " ".join(squash(b.text) for b in document.blocks if b.kind != "table")
        plans = [s for s in find_document_symbols(text) if s not in own and symbol_kind(s) in ("DEC", "PLAN")]
        return (plans[0] if plans else None), self.annex_year(document)

    def amendments(self, document: EnclosedDocument, amendment_symbol: str, paragraphs: list[Block]) -> None:
        """Amendments of a plan: the annex table's rows, and the operative paragraphs that amend."""
        when = self.doc_date(document)
        plan_symbol, year = self._amended_plan(document)
        if plan_symbol:
            self.emit(DocumentLinked(**self.common(document.page, when), from_symbol=amendment_symbol,
                                     to_symbol=plan_symbol, link="amends"), key=("link", amendment_symbol, plan_symbol))
        consumed: set[int] = set()
        for block in paragraphs:
            index = document.blocks.index(block)
            if index in consumed:
                continue
            self.prose_amendment(document.blocks, index, when, amendment_symbol, plan_symbol, year, consumed)
        if document.annex_index is not None and document.annex_kind == "amendment" and document.annex_index not in consumed:
            self.amendment_table(document.blocks[document.annex_index], self.doc_date(document), amendment_symbol,
                                 plan_symbol, year)

    def note_tables(self, blocks: list[Block], when: date | None, note_symbol: str | None) -> None:
        """Tables printed in a cover note itself: a table of changes to a plan the note names is read as
        an amendment table; any other table's rows are statements the reader cannot read (never skipped)."""
        tables = [b for b in blocks if b.kind == "table"]
        if not tables:
            return
        note_text = " ".join(squash(b.text) for b in blocks if b.kind != "table" and b.text)
        plan_symbol, year = plan_named_in(note_text, note_symbol)
        for table in tables:
            if blocks.index(table) in self.note_consumed:  # the items a sentence of the note wrote out
                continue
            found = {column_role(c) for c in table.header or []}
            if "number" in found and found & {"change", "new_timing"}:
                if plan_symbol and note_symbol:
                    self.emit(DocumentLinked(**self.common(table.page, when), from_symbol=note_symbol,
                                             to_symbol=plan_symbol, link="amends"), key=("link", note_symbol, plan_symbol))
                before = len(self.events)
                self.amendment_table(table, when, note_symbol, plan_symbol, year)
                self._book_lead_in(blocks, table, list(range(before, len(self.events))))
                continue
            header = " | ".join(table.header or []) or "no header"
            for row in table.rows:
                if blank_row(row):
                    continue
                statement = self.statement("note_table_row", "\t".join(row.cells), row.page, note_symbol, when)
                self.not_read(statement, "not_understood",
                              f"a table in the note whose columns ({header}) no rule reads")

    def _book_lead_in(self, blocks: list[Block], table: Block, events: list[int]) -> None:
        """The sentence that introduces a table read ("... the following changes to the Plan ...:") says
        what the table's rows say: booked to their events, not flagged on its own."""
        index = blocks.index(table)
        lead = next((b for b in reversed(blocks[:index]) if b.kind != "table" and (b.text or "").strip()), None)
        if lead is None or not events or not squash(lead.text).rstrip().endswith(":"):
            return
        last = squash(strip_markup(lead.text)).rstrip()
        for statement in self.ledger.statements:
            if not statement.events and not statement.unread and last.endswith(statement.text.rstrip()[-60:]):
                statement.events.extend(events)

    @staticmethod
    def _named(change, title_cell: str = ""):
        """The change with the title printed beside its item's number, for the linker to check against the plan."""
        item_no = getattr(change, "item_no", None)
        if item_no is None or isinstance(change, PlanItemAdded):
            return change
        named = title_cell.strip() or title_named_beside(change.text, item_no)
        return change.model_copy(update={"named_title": named}) if named else change

    def _common_change(self, page: int, when: date | None, plan_symbol: str | None, year: int,
                       amendment_symbol: str, text: str) -> dict:
        return {**self.common(page, when), "plan_symbol": plan_symbol, "plan_year": year,
                "amended_by": amendment_symbol, "text": squash(text)[:2000]}

    def amendment_table(self, table: Block, when: date | None, amendment_symbol: str | None, plan_symbol: str | None,
                        year: int | None) -> None:
        """Rows that change a plan's items, one per row: a change word, the item's number, what it becomes."""
        columns = roles(table, AMENDMENT_COLUMNS)
        timing_role = "new_timing" if "new_timing" in columns else "timing"
        for row in table.rows:
            if blank_row(row):
                continue
            text = "\t".join(row.cells)
            statement = self.statement("amendment_row", text, row.page, amendment_symbol, when)
            if year is None:
                self.not_read(statement, "no_target", "the amended plan's year is named nowhere")
                continue
            item_no = number(cell(row, columns.get("number")))
            timing_cell = cell(row, columns.get(timing_role))
            fields = plan_fields(cell(row, columns.get("title")), cell(row, columns.get("organizers")),
                                 "" if _no_value(timing_cell) else timing_cell, year)
            change_text = cell(row, columns.get("change"))
            if not change_text:
                # "Remarks: Cancelled": a change word in a column whose header names no role
                change_text = next((c.strip() for i, c in enumerate(row.cells)
                                    if i not in columns.values() and change_kind(c)), "")
            change = change_kind(change_text) if change_text else (
                "rescheduled" if "new_timing" in columns and fields["timing_text"] else change_kind(text))
            if change == "rescheduled" and not fields["timing_text"]:
                # "Postponed to November": the new timing written in the change cell itself
                fields = plan_fields(fields["title"], cell(row, columns.get("organizers")), timing_after_change(change_text),
                                     year) if change_text else fields
            common = self._common_change(row.page, when, plan_symbol, year, amendment_symbol, text)
            if change is None:
                self.not_read(statement, "unknown_change",
                              f"the change \"{change_text or text}\" is in no list of change words (vocabulary.toml [[change]])")
                continue
            if change != "added" and item_no is None:
                self.not_read(statement, "no_target", "an amendment row without the number of the item it changes")
                continue
            title_cell = cell(row, columns.get("title"))
            if change == "cancelled":
                self.emit(self._named(PlanItemCancelled(**common, item_no=item_no), title_cell), statement=statement)
            elif change == "rescheduled" and not fields["timing_text"]:
                self.not_read(statement, "timing_not_understood", "the item is rescheduled, but no new timing is printed")
            elif change == "rescheduled" and not self._new_timing_read(statement, fields):
                continue
            elif change == "rescheduled":
                self.emit(self._named(PlanItemRescheduled(**common, item_no=item_no, timing_text=fields["timing_text"],
                                                          starts_on=fields["starts_on"], ends_on=fields["ends_on"],
                                                          timing_precision=fields["timing_precision"]), title_cell),
                          statement=statement)
                self._check_timing(statement, fields)
            elif change == "added":
                self.emit(PlanItemAdded(**common, item_no=item_no, **fields), statement=statement)
                self._check_timing(statement, fields)
            else:
                self.emit(PlanItemAmended(**common, item_no=item_no, title=fields["title"] or None,
                                          organizers=fields["organizers"] or None,
                                          lead_organizer=fields["lead_organizer"]), statement=statement)
                if fields["timing_text"] and self._new_timing_read(statement, fields):
                    self.emit(PlanItemRescheduled(**common, item_no=item_no, timing_text=fields["timing_text"],
                                                  starts_on=fields["starts_on"], ends_on=fields["ends_on"],
                                                  timing_precision=fields["timing_precision"]), statement=statement)

    def _new_timing_read(self, statement: Statement, fields: dict) -> bool:
        """A new timing is recorded only when understood: "held in abeyance pending consultations" is no
        timing, and recording it would erase the item's dates. Not understood: flagged, nothing changed."""
        if fields["timing_precision"] != "unspecified":
            return True
        self.not_read(statement, "timing_not_understood",
                      f"the new timing \"{fields['timing_text']}\" is not a timing the reader understands; the item is left as it was")
        return False

    # -- prose -------------------------------------------------------------------------------------------

    def _payload(self, blocks: list[Block], index: int, inline: str, consumed: set[int]) -> list:
        """The item(s) written out after "shall read as follows:" / "is added after item 27:": the rest of
        the paragraph, else the table (its rows, read by their header) or the quoted paragraphs that follow."""
        inline = re.sub(r"^[,;]?\s*(?:of|to|in)\s+the\s+(?:annex|plan|list)\b[^,:]*[,:]?\s*", "", inline.strip(), flags=re.I)
        inline = _LEAD_IN.sub("", inline).strip(" :;,.")
        if inline:
            return [inline]
        items: list = []
        for k in range(index + 1, len(blocks)):
            block = blocks[k]
            if block.kind == "table":
                consumed.add(k)
                columns = roles(block, PLAN_COLUMNS)
                items.extend((number(cell(row, columns.get("number"))), cell(row, columns.get("title")),
                              cell(row, columns.get("organizers")), cell(row, columns.get("timing")))
                             for row in block.rows if not blank_row(row))
                break
            text = "\n".join(squash(line) for line in strip_markup(block.text).split("\n") if line.strip())
            if block.kind not in ("paragraph", "list_item") or not text:
                break
            quoted = text.startswith(tuple("\"“«'‘„"))
            if lexicon.pattern("operative").search(text) and not quoted:
                break
            consumed.add(k)
            if items and isinstance(items[-1], str) and not _closes_quote(items[-1]):
                items[-1] = f"{items[-1]}\n{text}"  # a quoted item set over several paragraphs
            else:
                items.append(text)
            if (_closes_quote(items[-1]) or not quoted) and not text.endswith((",", ";")):
                break
        return items

    def prose_amendment(self, blocks: list[Block], index: int, when: date | None, amendment_symbol: str | None,
                        plan_symbol: str | None, year: int | None, consumed: set[int], *,
                        statement: Statement | None = None, text: str | None = None) -> None:
        """One operative paragraph (or a note's sentence, `statement` and `text` given) that amends a plan's items."""
        block = blocks[index]
        text = text if text is not None else squash(strip_markup(block.text))
        if statement is None:
            statement = self.statement("operative_paragraph", text, block.page, amendment_symbol, when)
        if year is None:
            self.not_read(statement, "no_target", "the amended plan's year is named nowhere")
            return
        common = self._common_change(block.page, when, plan_symbol, year, amendment_symbol, text)
        if (match := lexicon.search("shall_read", text)) is not None:
            item_no = int(match.group("n"))
            for payload in self._payload(blocks, index, text[match.end():], consumed) or [""]:
                parsed = parse_item_text(payload)
                if parsed is None or not parsed[1]:
                    if payload:
                        self.emit(PlanItemAmended(**common, item_no=item_no, title=_unquote(payload)), statement=statement)
                    else:
                        self.not_read(statement, "not_understood", f"item {item_no} shall read ... but no new text was found")
                    continue
                _, title, organizers_text, timing_text = parsed
                fields = plan_fields(title, organizers_text, timing_text, year)
                self.emit(PlanItemAmended(**common, item_no=item_no, title=fields["title"] or None,
                                          organizers=fields["organizers"] or None,
                                          lead_organizer=fields["lead_organizer"]), statement=statement)
                if timing_text:
                    self.emit(PlanItemRescheduled(**common, item_no=item_no, timing_text=timing_text,
                                                  starts_on=fields["starts_on"], ends_on=fields["ends_on"],
                                                  timing_precision=fields["timing_precision"]), statement=statement)
                    self._check_timing(statement, fields)
            return
        if (match := lexicon.search("replace_text", text)) is not None:
            self.emit(PlanItemTextReplaced(**common, item_no=int(match.group("n")), before=match.group("before"),
                                           after=match.group("after")), statement=statement)
            return
        if (match := lexicon.search("organizers_added", text)) is not None:
            found = match.groupdict()
            named = (found.get("org") or found.get("org2") or "").strip(" ,;\"“”")
            organizers = split_organizers(re.sub(r"^the\s+", "", named))  # "to add the UN ESCAP Secretariat": the article is the sentence's
            self.emit(PlanItemOrganizersAdded(**common, item_no=int(match.group("n")), organizers=organizers),
                      statement=statement)
            return
        if (match := lexicon.search("item_added_described", text)) is not None:
            organizer = match.group("org").strip()
            organizer = organizer[:1].upper() + organizer[1:]  # "by the Republic of ..." names "The Republic of ..."
            fields = plan_fields(match.group("title").strip(), organizer, clean_timing(match.group("timing")), year)
            self.emit(PlanItemAdded(**common, item_no=int(match.group("n")), after_item_no=None, **fields),
                      statement=statement)
            self._check_timing(statement, fields)
            return
        if (match := lexicon.search("added_after", text)) is not None:
            after = int(match.group("n")) if match.groupdict().get("n") else None
            explicit = int(match.group("n2")) if match.groupdict().get("n2") else None
            payloads = self._payload(blocks, index, text[match.end():], consumed)
            if not payloads:
                self.not_read(statement, "not_understood", "an item is added, but its text was not found")
                return
            for offset, payload in enumerate(payloads):
                parsed = parse_item_text(payload)
                if parsed is None or not parsed[1]:
                    self.not_read(statement, "not_understood", f"the added item \"{payload[:120]}\" could not be told apart "
                                  "into title, organisers and timing")
                    continue
                own_no, title, organizers_text, timing_text = parsed
                item_no = own_no or explicit or ((after + 1 + offset) if after is not None else None)
                fields = plan_fields(title, organizers_text, timing_text, year)
                self.emit(PlanItemAdded(**common, item_no=item_no, after_item_no=after, **fields), statement=statement)
                self._check_timing(statement, fields)
            return
        if (match := lexicon.search("timing_changed", text)) is not None:
            timing_text = clean_timing(match.group("timing"))
            fields = plan_fields("", "", timing_text, year)
            if not self._new_timing_read(statement, fields):
                return
            self.emit(self._named(PlanItemRescheduled(**common, item_no=int(match.group("n")), timing_text=timing_text,
                                                      starts_on=fields["starts_on"], ends_on=fields["ends_on"],
                                                      timing_precision=fields["timing_precision"])), statement=statement)
            self._check_timing(statement, fields)
            return
        if (match := lexicon.search("deleted", text)) is not None:
            for item_no in self._item_numbers(text, match):
                self.emit(self._named(PlanItemCancelled(**common, item_no=item_no, how="deleted")), statement=statement)
            return
        if self.correction_stated(statement, text, plan_symbol, amendment_symbol, when):
            return
        self.not_read(statement, "not_understood", "an amending paragraph whose change the reader does not know")

    @staticmethod
    def _item_numbers(text: str, match: re.Match[str]) -> list[int]:
        """"items 13, 24 and 25 are deleted" names three items."""
        first = int(match.group("n"))
        listed = re.search(r"(?:items?|points?|пункты?|позиции)\s+((?:\d{1,3}\s*(?:,|and|и|&|\s)\s*)+\d{1,3})", text, re.I)
        if listed and str(first) in _NUMBERS.findall(listed.group(1)):
            return [int(n) for n in _NUMBERS.findall(listed.group(1))]
        return [first]
