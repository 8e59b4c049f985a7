"""A note's table of drafts, one per row: a deadline cell opens a silence procedure, an outcome cell
("Silence not broken; adopted as ...", "Silence broken by ...") concludes or breaks it. Mixin of `NoticeReader`."""

from __future__ import annotations

from datetime import date

from circulars.reading.derive.base import DeriverBase, Statement, at_midnight
from circulars.reading.derive.mentions import date_on, is_draft, parse_deadline, states_in, without_article
from circulars.reading.derive.note_parts import (
    DEADLINE_OR_DATE_RE,
    OUTCOME_BROKEN_RE,
    OUTCOME_KEPT_RE,
    _body_of,
)
from circulars.reading.derive.plan_rows import blank_row
from circulars.reading.vocabulary import find_document_symbols
from models.document import Block
from models.events import SilenceBroken, SilenceProcedureConcluded


class DraftTableReader(DeriverBase):
    """Mixin: reads tables of drafts in a note. Needs `silence_opened` and `note_consumed` (the notice reader's)."""

    # -- tables of drafts --------------------------------------------------------------------------------

    def _draft_tables(self, blocks: list[Block], note_date: date | None, document_symbol: str | None,
                      references: list[str]) -> list[Statement]:
        """A note's table with one draft per row, read row by row by what its cells hold: a deadline (the
        header may give its zone: "Deadline for breaking silence (Astana time)") opens a silence procedure;
        an outcome ("Silence not broken; adopted ... as SOC/2024-I/DEC/2", "Silence broken by ...") concludes
        or breaks it. A row whose cells say neither is flagged. Returns the rows' statements."""
        read: list[Statement] = []
        for index, table in enumerate(blocks):
            if table.kind != "table" or index in self.note_consumed:
                continue
            rows = [row for row in table.rows if not blank_row(row)]
            drafts = [list(dict.fromkeys(s for c in row.cells for s in find_document_symbols(c) if is_draft(s))) for row in rows]
            if not rows or any(len(found) != 1 for found in drafts):
                continue
            self.note_consumed.add(index)
            header = list(table.header or [])
            for row, (draft,) in zip(rows, drafts):
                statement = self.statement("note_table_row", "\t".join(row.cells), row.page, document_symbol, note_date)
                read.append(statement)
                others = [(header[i] if i < len(header) else "", c.strip()) for i, c in enumerate(row.cells)
                          if c.strip() and draft not in find_document_symbols(c)]
                kept_cell = next((c for _, c in others if OUTCOME_KEPT_RE.search(c)), None)
                broken_cell = next((c for _, c in others if OUTCOME_BROKEN_RE.search(c)), None)
                outcome = broken_cell or kept_cell
                deadline = None if outcome else next(
                    (d for h, c in others if DEADLINE_OR_DATE_RE.search(c) and (d := parse_deadline(f"{c} {h}"))), None)
                subject = next((c for _, c in others if c != outcome and not DEADLINE_OR_DATE_RE.search(c)), "")
                if broken_cell:
                    states = states_in(broken_cell)
                    broken_on = date_on(broken_cell)
                    self.emit(SilenceBroken(**self.common(row.page, broken_on or note_date), draft_symbol=draft,
                                            broken_by=without_article(states[0].text) if states else None,
                                            broken_on=broken_on, text=statement.text, note_references=references),
                              key=("silence_broken", draft), statement=statement)
                elif kept_cell:
                    adopted_as = next((s for s in find_document_symbols(kept_cell) if not is_draft(s)), None)
                    adopted_on = date_on(kept_cell)
                    valid_at = at_midnight(adopted_on) if adopted_on else at_midnight(note_date or self.issued_on)
                    self.emit(SilenceProcedureConcluded(
                        **self.common(row.page, valid_at), draft_symbol=draft, adopted_symbol=adopted_as,
                        adopted_on=adopted_on, draft_subject=subject or None, body=_body_of(draft),
                        note_references=references, text=statement.text,
                    ), key=("silence_concluded", draft), statement=statement)
                elif deadline is not None:
                    self.silence_opened(draft, subject, deadline, row.page, note_date, statement)
                else:
                    self.not_read(statement, "not_understood",
                                  f"a row of a table of drafts ({' | '.join(header) or 'no header'}) that states neither a "
                                  "deadline the reader can read nor an outcome it knows")
        return read
