"""Domain events from a segmented circular: what each document says, one typed event per fact.

Identities the events use (stable across readings and readers):
- a decision with a symbol is identified by it (`SOC/2023-III/DEC/2`, `MC/2023/DRAFT/7`);
- an item of a meeting's list of decisions (no symbol of its own) by
  `f"{body}/{meeting_on}/item-{item_no}"`, e.g. `SOC/2023-12-12/item-3`; the same id is
  the `from_symbol` of the `adopts` link from that item to the decision it adopted;
- a decision document without a symbol by `f"{body}/{meeting_on or issued_on}/doc-{n}"`
  (n = 1-based position among the enclosed documents), and a plan or budget annexed to
  such a decision by that same id.

`valid_at` is the document's date at 00:00 Asia/Almaty; a silence procedure's conclusion
is valid at its deadline when the note states it. Events come in reading order: the
circular, the cover note, then each enclosed document with what it states.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from circulars.reading.errors import ReadError
from circulars.reading.segment import CoverNote, EnclosedDocument, SegmentedCircular, segment
from circulars.reading.timing import parse_timing
from circulars.reading.vocabulary import (
    ADDED_RE,
    CANCELLED_RE,
    CORRECTS_RE,
    CURRENCY_RE,
    DEADLINE_RE,
    DOCUMENT_SYMBOL_RE,
    GRAND_TOTAL_RE,
    NO_OBJECTION_RE,
    RESCHEDULED_RE,
    ROMAN_SECTION_RE,
    SILENCE_BROKEN_RE,
    SILENCE_CONCLUDED_RE,
    SILENCE_RE,
    SUPERSEDES_RE,
    TOTAL_RE,
    WITHDRAWN_RE,
    classify_action,
    column_role,
    detect_language,
    find_dates,
    find_document_symbols,
    find_references,
    parse_amount,
    parse_time,
    squash,
    strip_markup,
    symbol_base,
    symbol_suffix_kind,
    timezone_named,
    year_of_title,
)
from models.document import Block, ReadDocument, TableRow
from models.events import (
    BudgetApproved,
    BudgetLineSet,
    CircularIdentified,
    DecisionRecorded,
    DecisionSuperseded,
    DocumentIdentified,
    DocumentLinked,
    DomainEvent,
    PlanAdopted,
    PlanItemAdded,
    PlanItemCancelled,
    PlanItemRescheduled,
    PlanItemScheduled,
    SilenceBroken,
    SilenceProcedureConcluded,
    SilenceProcedureOpened,
)

ASTANA = "Asia/Almaty"
END_OF_DAY = time(23, 59, 59)
"""A deadline printed without a time of day runs to the end of that day."""

ADOPTING_ACTIONS = {"adopted", "approved", "decided", "agreed", "endorsed"}
LINK_MIN_OVERLAP = 0.9
"""Share of a decision title's words an item's subject must contain to be linked to it."""

_STOPWORDS = {"the", "of", "on", "for", "a", "an", "and", "in", "to", "decision", "decisions", "document"}


def at_midnight(day: date, zone: str = ASTANA) -> datetime:
    """The start of `day` in Astana: when a dated document takes effect."""
    return datetime.combine(day, time(0), ZoneInfo(zone))


def decision_item_id(body: str | None, meeting_on: date | None, item_no: int) -> str:
    """The stable id of a list item (see the module docstring)."""
    return f"{body or 'UNKNOWN'}/{meeting_on.isoformat() if meeting_on else 'undated'}/item-{item_no}"


def derive_events(sha256: str, doc: ReadDocument, *, reading_id: str, reader_version: str) -> list[DomainEvent]:
    """Every fact the circular states, as typed events in a deterministic order."""
    circular = segment(doc)
    return _Deriver(sha256, doc, circular, reading_id, reader_version).run()


class _Deriver:
    def __init__(self, sha256: str, doc: ReadDocument, circular: SegmentedCircular, reading_id: str,
                 reader_version: str):
        self.sha = sha256
        self.doc = doc
        self.circular = circular
        self.reading_id = reading_id
        self.reader_version = reader_version
        self.events: list[DomainEvent] = []
        self._seen: set[tuple] = set()
        self.issued_on = self._circular_date()

    # -- helpers ---------------------------------------------------------------------

    def _circular_date(self) -> date:
        cover = self.circular.cover
        candidates = [cover.issued_on] + [d.issued_on or d.meeting_on for d in self.circular.documents]
        found = next((c for c in candidates if c), None)
        if found is None:
            dates = find_dates(self.doc.text())
            found = dates[0].value if dates else None
        if found is None:
            raise ReadError("not_a_circular", "no date found; expected a dated note such as 'Astana, 12 December 2023'",
                            page=1)
        return found

    def _common(self, page: int | None, valid_on: date | datetime | None) -> dict:
        if isinstance(valid_on, datetime):
            valid_at = valid_on
        else:
            valid_at = at_midnight(valid_on or self.issued_on)
        return {"circular_sha256": self.sha, "page": page, "valid_at": valid_at, "reading_id": self.reading_id}

    def _emit(self, event: DomainEvent, key: tuple | None = None) -> None:
        """Append an event; one with a key already emitted (a fact restated) is dropped."""
        if key is not None:
            if key in self._seen:
                return
            self._seen.add(key)
        self.events.append(event)

    @staticmethod
    def _doc_date(document: EnclosedDocument) -> date | None:
        return document.issued_on or document.meeting_on

    def _doc_id(self, document: EnclosedDocument) -> str:
        if document.symbol:
            return document.symbol
        when = document.meeting_on or document.issued_on
        return f"{document.body or 'UNKNOWN'}/{when.isoformat() if when else 'undated'}/doc-{document.position + 1}"

    # -- the run -----------------------------------------------------------------------

    def run(self) -> list[DomainEvent]:
        cover = self.circular.cover
        self._circular_identified(cover)
        opened_in_documents = {s for d in self.circular.documents for s in self._drafts_opened_by(d)}
        if cover.blocks:
            self._emit(DocumentIdentified(
                **self._common(cover.page, cover.issued_on), symbol=cover.symbol, kind="cover_note", body=None,
                title=cover.subject, issued_on=cover.issued_on, place=cover.place,
                language=cover.languages[0] if cover.languages else "en",
            ))
            self._notices(cover.blocks, cover.issued_on, exclude_opened=opened_in_documents)
        for document in self.circular.documents:
            self._document(document)
        return self.events

    def _circular_identified(self, cover: CoverNote) -> None:
        self._emit(CircularIdentified(
            circular_sha256=self.sha, page=cover.page, valid_at=at_midnight(cover.issued_on or self.issued_on),
            reading_id=self.reading_id, reader_version=self.reader_version, symbol=cover.symbol,
            issued_on=cover.issued_on, place=cover.place, languages=cover.languages,
            page_count=self.doc.page_count, enclosure_pages=cover.enclosure_pages,
            addressees=cover.addressees, subject=cover.subject,
        ))

    def _document(self, document: EnclosedDocument) -> None:
        when = self._doc_date(document)
        self._emit(DocumentIdentified(
            **self._common(document.page, when), symbol=document.symbol, kind=document.kind, body=document.body,
            title=document.title, issued_on=document.issued_on, place=document.place,
            meeting_on=document.meeting_on, language=document.language,
        ))
        self._suffix_links(document)
        if document.kind == "decision_list":
            self._decision_list(document)
        elif document.kind == "other":
            self._notices(document.blocks, when, exclude_opened=set())
        else:
            self._decision_document(document)
        self._supersessions(document)

    # -- decision lists ------------------------------------------------------------------

    def _list_items(self, document: EnclosedDocument) -> Iterable[tuple[int, Block, str]]:
        count = 0
        for block in document.blocks[document.heading_index + 1:]:
            if block.kind not in ("list_item", "paragraph"):
                continue
            match = re.match(r"^\s*(\d{1,3})[.)]\s+", block.text)
            if block.kind == "paragraph" and not match:
                continue
            count += 1
            number = int(match.group(1)) if match else count
            yield number, block, block.text[match.end():] if match else re.sub(r"^\s*[-•–▪●]\s+", "", block.text)

    def _decision_list(self, document: EnclosedDocument) -> None:
        meeting_on = document.meeting_on or document.issued_on
        for item_no, block, text in self._list_items(document):
            phrase = classify_action(text)
            decision_id = decision_item_id(document.body, meeting_on, item_no)
            references = find_references(squash(strip_markup(text)))
            self._emit(DecisionRecorded(
                **self._common(block.page, self._doc_date(document)), decision_id=decision_id, symbol=None,
                list_symbol=document.symbol, body=document.body, meeting_on=meeting_on, item_no=item_no,
                action=phrase.action, subject=phrase.subject, references=references,
                adopted_on=meeting_on if phrase.action in ADOPTING_ACTIONS else None,
            ))
            self._adopts_link(decision_id, phrase.action, phrase.subject, references, block.page, document)
            self._item_silence(block, text, phrase.subject, references, document)

    def _adopts_link(self, decision_id: str, action: str, subject: str, references: list[str], page: int,
                     source: EnclosedDocument) -> None:
        """Link an item that adopts/approves a decision enclosed in this circular: by symbol, else by title."""
        if action not in ("adopted", "approved"):
            return
        decisions = [d for d in self.circular.documents
                     if d.symbol and d.kind not in ("decision_list", "other") and d is not source]
        target = next((d.symbol for d in decisions if d.symbol in references), None)
        if target is None and decisions and not references:
            scored = sorted(((self._overlap(d.title or "", subject), d.symbol) for d in decisions), reverse=True)
            best, symbol = scored[0]
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            if best >= LINK_MIN_OVERLAP and runner_up < LINK_MIN_OVERLAP:
                target = symbol
        if target:
            self._emit(DocumentLinked(**self._common(page, self._doc_date(source)), from_symbol=decision_id,
                                      to_symbol=target, link="adopts"),
                       key=("link", decision_id, target, "adopts"))

    @staticmethod
    def _words(text: str) -> set[str]:
        text = re.sub(r"\([^)]*\)", " ", text.lower())
        return {w for w in re.findall(r"\w+", text) if w not in _STOPWORDS}

    def _overlap(self, title: str, subject: str) -> float:
        title_words = self._words(title)
        return len(title_words & self._words(subject)) / len(title_words) if title_words else 0.0

    def _item_silence(self, block: Block, text: str, subject: str, references: list[str],
                      document: EnclosedDocument) -> None:
        """An item that sends a draft (named by its symbol) to silence procedure opens it."""
        plain = squash(strip_markup(text))
        if not SILENCE_RE.search(plain) or SILENCE_CONCLUDED_RE.search(plain) or SILENCE_BROKEN_RE.search(plain):
            return
        drafts = [s for s in references if _symbol_kind(s) == "DRAFT"]
        deadline = parse_deadline(plain)
        if len(drafts) != 1 or deadline is None:
            return
        self._silence_opened(drafts[0], _silence_subject(subject, drafts[0]), deadline, block.page,
                             self._doc_date(document))

    def _silence_opened(self, symbol: str, subject: str, deadline: tuple[datetime, str], page: int,
                        valid_on: date | None) -> None:
        local, zone = deadline
        match = DOCUMENT_SYMBOL_RE.match(symbol)
        self._emit(SilenceProcedureOpened(
            **self._common(page, valid_on), decision_id=symbol, symbol=symbol,
            body=match.group("body") if match else None, subject=subject,
            deadline_local=local, deadline_utc=local.astimezone(timezone.utc), timezone=zone,
        ), key=("silence_opened", symbol))

    def _drafts_opened_by(self, document: EnclosedDocument) -> set[str]:
        if document.kind == "draft_decision" and document.under_silence and document.symbol:
            return {document.symbol}
        if document.kind == "decision_list":
            return {s for _, _, text in self._list_items(document) if SILENCE_RE.search(text)
                    for s in find_document_symbols(text) if _symbol_kind(s) == "DRAFT"}
        return set()

    # -- decision documents ----------------------------------------------------------------

    def _operative(self, document: EnclosedDocument) -> tuple[Block, str, str] | None:
        """The operative paragraph ("Approves ...", "Decides ..."): its block, action and subject."""
        end = document.annex_index if document.annex_index is not None else len(document.blocks)
        candidates = [b for b in document.blocks[document.heading_index + 1:end] if b.kind in ("paragraph", "list_item")]
        fallback = None
        for block in candidates:
            text = squash(strip_markup(block.text))
            phrase = classify_action(text)
            if phrase.action == "other":
                continue
            if re.match(r"^\W*\w+", text) and classify_action(re.sub(r"^\S+", "X", text, count=1)).action != phrase.action:
                return block, phrase.action, phrase.subject  # the verb is the paragraph's first word
            fallback = fallback or (block, phrase.action, phrase.subject)
        return fallback

    def _decision_document(self, document: EnclosedDocument) -> None:
        when = self._doc_date(document)
        decision_id = self._doc_id(document)
        operative = self._operative(document)
        draft = document.kind == "draft_decision"
        if operative or draft or document.kind in ("decision", "plan", "budget", "amendment"):
            block, action, subject = operative or (document.blocks[document.heading_index], "other",
                                                   _without_on(document.title or document.heading))
            references = [s for s in find_references(squash(block.text)) if s != document.symbol]
            adopted_on = None
            if not draft and action in ADOPTING_ACTIONS:
                adopted_on = document.meeting_on or document.issued_on
            self._emit(DecisionRecorded(
                **self._common(block.page, when), decision_id=decision_id, symbol=document.symbol, body=document.body,
                meeting_on=document.meeting_on, item_no=None, action=action, subject=subject,
                references=references, adopted_on=adopted_on,
            ))
        if draft and document.symbol:
            preamble = " ".join(squash(b.text) for b in document.blocks[: document.heading_index])
            deadline = parse_deadline(preamble) or self._cover_deadline()
            if deadline:
                self._silence_opened(document.symbol, _without_on(document.title or ""), deadline,
                                     document.page, when)
        if document.annex_kind == "plan" and document.annex_index is not None:
            self._plan(document, decision_id)
        elif document.annex_kind == "budget" and document.annex_index is not None:
            self._budget(document, decision_id)
        elif document.annex_kind == "amendment":
            self._amendment(document, decision_id)

    def _cover_deadline(self) -> tuple[datetime, str] | None:
        """The deadline the cover note gives when it forwards exactly one draft."""
        drafts = [d for d in self.circular.documents if d.kind == "draft_decision"]
        if len(drafts) != 1:
            return None
        for block in self.circular.cover.blocks:
            text = squash(block.text)
            if detect_language(text) == "en" and SILENCE_RE.search(text):
                found = parse_deadline(text)
                if found:
                    return found
        return None

    # -- plans -------------------------------------------------------------------------------

    def _annex_year(self, document: EnclosedDocument) -> int:
        for text in (document.annex_title, document.title, document.heading):
            year = year_of_title(text or "")
            if year:
                return year
        return (document.issued_on or self.issued_on).year

    def _plan(self, document: EnclosedDocument, plan_symbol: str) -> None:
        table = document.blocks[document.annex_index]
        year = self._annex_year(document)
        when = self._doc_date(document)
        self._emit(PlanAdopted(**self._common(table.page, when), plan_symbol=plan_symbol, plan_year=year,
                               title=document.annex_title or document.title or document.heading))
        roles = _roles(table, ["number", "title", "organizers", "timing"])
        for row in table.rows:
            if _blank_row(row):
                continue
            item = _plan_row(row, roles, year)
            self._emit(PlanItemScheduled(**self._common(row.page, when), plan_symbol=plan_symbol, plan_year=year,
                                         **item))

    def _amendment(self, document: EnclosedDocument, amendment_symbol: str) -> None:
        """Plan amendments: each row (or item) rescheduled, cancelled or added, against the amended plan."""
        when = self._doc_date(document)
        own = {document.symbol}
        text = " ".join(squash(b.text) for b in document.blocks if b.kind != "table")
        plans = [s for s in find_document_symbols(text) if s not in own and _symbol_kind(s) in ("DEC", "PLAN")]
        if not plans:
            return
        plan_symbol = plans[0]
        year = self._annex_year(document)
        self._emit(DocumentLinked(**self._common(document.page, when), from_symbol=amendment_symbol,
                                  to_symbol=plan_symbol, link="amends"), key=("link", amendment_symbol, plan_symbol))
        if document.annex_index is None:
            return
        table = document.blocks[document.annex_index]
        roles = _roles(table, ["number", "title", "organizers", "change", "timing"])
        for row in table.rows:
            if _blank_row(row):
                continue
            item = _plan_row(row, roles, year, timing_role="new_timing" if "new_timing" in roles else "timing")
            change = _cell(row, roles.get("change")) or " ".join(row.cells)
            common = {**self._common(row.page, when), "plan_symbol": plan_symbol, "plan_year": year}
            if CANCELLED_RE.search(change) and item["item_no"] is not None:
                self._emit(PlanItemCancelled(**common, item_no=item["item_no"]))
            elif RESCHEDULED_RE.search(change) and item["item_no"] is not None:
                self._emit(PlanItemRescheduled(
                    **common, item_no=item["item_no"], timing_text=item["timing_text"], starts_on=item["starts_on"],
                    ends_on=item["ends_on"], timing_precision=item["timing_precision"],
                ))
            elif ADDED_RE.search(change):
                self._emit(PlanItemAdded(**common, **item))

    # -- budgets -----------------------------------------------------------------------------

    def _budget(self, document: EnclosedDocument, budget_symbol: str) -> None:
        table = document.blocks[document.annex_index]
        year = self._annex_year(document)
        when = self._doc_date(document)
        between = " ".join(b.text for b in document.blocks[document.heading_index + 1: document.annex_index])
        currency = next((code for pattern, code in CURRENCY_RE
                         if pattern.search(between + " " + " ".join(table.header or []))), "USD")
        self._emit(BudgetApproved(
            **self._common(table.page, when), budget_symbol=budget_symbol, budget_year=year,
            title=document.annex_title or document.title or document.heading, currency=currency,
            supersedes=self._superseded_by(document),
        ))
        roles = _roles(table, ["number", "title", "amount"])
        if "amount" not in roles:
            roles["amount"] = _amount_column(table)
        section: str | None = None
        for position, row in enumerate(table.rows):
            title = _cell(row, roles.get("title"))
            amount = parse_amount(_cell(row, roles.get("amount")))
            numeral = ROMAN_SECTION_RE.match(title)
            if amount is None:
                if numeral:
                    section = numeral.group("numeral")
                continue
            kind = "grand_total" if GRAND_TOTAL_RE.match(title) else "total" if TOTAL_RE.match(title) else "expenditure"
            line_section = None
            if kind == "expenditure":
                line_section = numeral.group("numeral") if numeral else section
                title = numeral.group("title").strip() if numeral else title
            self._emit(BudgetLineSet(
                **self._common(row.page, when), budget_symbol=budget_symbol, budget_year=year,
                line_no=_number(_cell(row, roles.get("number"))) if kind == "expenditure" else None,
                position=position, section=line_section, title=title, amount_usd=amount, line_kind=kind,
            ))

    # -- supersessions, corrections, revisions -----------------------------------------------------

    def _superseded_by(self, document: EnclosedDocument) -> str | None:
        """The symbol a document says it supersedes or revises ("which supersedes ... SOC/2023-III/DEC/3")."""
        for sentence in _sentences(document.blocks):
            if SUPERSEDES_RE.search(sentence):
                others = [s for s in find_document_symbols(sentence) if s != document.symbol]
                if others:
                    return others[0]
        return None

    def _suffix_links(self, document: EnclosedDocument) -> None:
        """`/Corr.N` corrects and `/Rev.N` revises the document without the suffix."""
        symbol = document.symbol
        suffix = symbol_suffix_kind(symbol) if symbol else None
        if not symbol or not suffix or suffix == "Add":
            if symbol and suffix == "Add":
                self._emit(DocumentLinked(**self._common(document.page, self._doc_date(document)),
                                          from_symbol=symbol, to_symbol=symbol_base(symbol), link="amends"),
                           key=("link", symbol, symbol_base(symbol)))
            return
        link, how = ("corrects", "corrected") if suffix == "Corr" else ("revises", "revised")
        self._link_and_supersede(symbol, symbol_base(symbol), link, how, document)

    def _supersessions(self, document: EnclosedDocument) -> None:
        """Sentences of a document that supersede, correct or withdraw another decision."""
        if not document.symbol or document.kind in ("decision_list", "other"):
            return
        for sentence in _sentences(document.blocks):
            others = [s for s in find_document_symbols(sentence) if s != document.symbol]
            if not others:
                continue
            if SUPERSEDES_RE.search(sentence):
                self._link_and_supersede(document.symbol, others[0], "supersedes", "superseded", document)
            elif CORRECTS_RE.search(sentence):
                self._link_and_supersede(document.symbol, others[0], "corrects", "corrected", document)
            elif WITHDRAWN_RE.search(sentence):
                self._emit(DecisionSuperseded(**self._common(document.page, self._doc_date(document)),
                                              symbol=others[0], by_symbol=document.symbol, how="withdrawn"),
                           key=("superseded", others[0], document.symbol))

    def _link_and_supersede(self, by_symbol: str, old_symbol: str, link: str, how: str,
                            document: EnclosedDocument) -> None:
        common = self._common(document.page, self._doc_date(document))
        self._emit(DocumentLinked(**common, from_symbol=by_symbol, to_symbol=old_symbol, link=link),
                   key=("link", by_symbol, old_symbol))
        self._emit(DecisionSuperseded(**common, symbol=old_symbol, by_symbol=by_symbol, how=how),
                   key=("superseded", old_symbol, by_symbol))

    # -- notices: silence opened, concluded, broken (cover notes and enclosed notes) ------------------

    def _notices(self, blocks: list[Block], note_date: date | None, *, exclude_opened: set[str]) -> None:
        """What a note announces about silence procedures, read from its English sentences.

        A conditional ("Should no objections be received ...") announces nothing. The
        conclusion pairs each draft with the adopted symbol of the same body and year.
        """
        sentences = [s for s in _sentences(blocks) if detect_language(s) == "en"]
        concluded_drafts: list[tuple[str, str, int]] = []
        adopted_symbols: list[str] = []
        for sentence in sentences:
            page = next((b.page for b in blocks if sentence[:40] in squash(b.text)), blocks[0].page if blocks else 1)
            if _CONDITIONAL_RE.search(sentence):
                continue
            symbols = find_document_symbols(sentence)
            drafts = [s for s in symbols if _symbol_kind(s) == "DRAFT"]
            if SILENCE_CONCLUDED_RE.search(sentence):
                concluded_drafts += [(d, sentence, page) for d in drafts]
                adopted_symbols += [s for s in symbols if _symbol_kind(s) != "DRAFT"]
            elif SILENCE_BROKEN_RE.search(sentence) and not NO_OBJECTION_RE.search(sentence) and drafts:
                self._silence_broken(drafts[0], sentence, page, note_date)
            elif SILENCE_RE.search(sentence) and len(drafts) == 1 and drafts[0] not in exclude_opened:
                deadline = parse_deadline(sentence)
                if deadline:
                    self._silence_opened(drafts[0], _silence_subject(sentence, drafts[0]), deadline, page, note_date)
        for draft, sentence, page in concluded_drafts:
            adopted = _matching_adopted(draft, adopted_symbols)
            deadline = parse_deadline(sentence)
            adopted_on = _adoption_date(sentence, deadline)
            valid_at = deadline[0] if deadline else at_midnight(note_date or self.issued_on)
            self._emit(SilenceProcedureConcluded(
                **self._common(page, valid_at), draft_symbol=draft, adopted_symbol=adopted,
                adopted_on=adopted_on or note_date,
            ), key=("silence_concluded", draft))

    def _silence_broken(self, draft: str, sentence: str, page: int, note_date: date | None) -> None:
        verb = SILENCE_BROKEN_RE.search(sentence)
        before = sentence[: verb.start()]
        who = _BROKEN_BY_RE.search(before)
        by = _BY_STATE_RE.search(sentence[verb.end():]) if who is None else None
        broken_by = (who or by).group("who").strip() if (who or by) else None
        on = [d for d in find_dates(before) if re.search(r"\bon\s+$", before[: d.start])]
        broken_on = on[-1].value if on else None
        self._emit(SilenceBroken(**self._common(page, broken_on or note_date), draft_symbol=draft,
                                 broken_by=broken_by, broken_on=broken_on),
                   key=("silence_broken", draft))


# --- module helpers ---------------------------------------------------------------------------

_CONDITIONAL_RE = re.compile(r"^\s*(?:should|if|unless|in\s+case|в\s+случае)\b|\bwill\s+be\s+considered\b", re.I)
_STATE = r"(?:[Tt]he\s+)?(?:[A-Z][\w’'-]*\s+){0,3}(?:Republic|Kingdom|Federation|State|Emirates|Sultanate|Confederation)" \
         r"(?:\s+of(?:\s+the)?(?:\s+[A-Z][\w’'-]*)+)?|(?:[A-Z][\w’'-]+\s?){1,3}"
_BROKEN_BY_RE = re.compile(rf"(?P<who>{_STATE})\s+(?:has\s+|had\s+)?$")
_BY_STATE_RE = re.compile(rf"^\s*(?:\w+\s+){{0,3}}?by\s+(?P<who>{_STATE})")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.;])\s+(?=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ(])")
_ABBREVIATIONS = re.compile(r"(?:\bNo|\bp|\bpp|\bSt|\bMr|\bMrs|\bDr|\bart|\bpara|\bvol)\.$", re.I)


def _sentences(blocks: list[Block]) -> list[str]:
    sentences: list[str] = []
    for block in blocks:
        if block.kind == "table" or not block.text:
            continue
        parts = _SENTENCE_SPLIT_RE.split(squash(strip_markup(block.text)))
        merged: list[str] = []
        for part in parts:
            if merged and _ABBREVIATIONS.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {part}"
            else:
                merged.append(part)
        sentences.extend(merged)
    return sentences


def _symbol_kind(symbol: str) -> str | None:
    match = DOCUMENT_SYMBOL_RE.match(symbol)
    return match.group("kind") if match else None


def _symbol_series(symbol: str) -> tuple[str, str] | None:
    match = DOCUMENT_SYMBOL_RE.match(symbol)
    return (match.group("body"), match.group("year")) if match else None


def _matching_adopted(draft: str, adopted: list[str]) -> str | None:
    """The adopted symbol of the same body and year as the draft, if exactly one is named."""
    same = [s for s in adopted if _symbol_series(s) == _symbol_series(draft)]
    return same[0] if len(same) == 1 else None


def _adoption_date(sentence: str, deadline: tuple[datetime, str] | None) -> date | None:
    if deadline:
        return deadline[0].date()
    match = re.search(r"\b(?:on|as\s+of)\s+(\d{1,2}\s+\w+\s+\d{4})", sentence)
    dates = find_dates(match.group(1)) if match else []
    return dates[0].value if dates else None


def parse_deadline(text: str) -> tuple[datetime, str] | None:
    """The deadline of a silence procedure: (aware local datetime, IANA zone), or None if none is stated.

    The date is the first one after "deadline"/"срок"/"до"; the time of day and its zone
    are read just after it ("12 noon by Astana time", "(18:00 by Astana time)"). A time
    given without a zone is Astana time; a date without a time runs to the end of the day.
    """
    text = squash(text)
    keyword = DEADLINE_RE.search(text)
    start = keyword.start() if keyword else 0
    every = find_dates(text)
    # Kazakh "... дейін" ("until") follows its date: with no date after the keyword, the one before it counts
    dates = [d for d in every if d.start >= start] or [d for d in every if d.start < start][-1:]
    if not dates:
        return None
    found = dates[0]
    window = text[found.end: found.end + 60]
    following = [d for d in dates[1:] if d.start - found.end < 60]
    if following:
        window = window[: following[0].start - found.end]
    clock = parse_time(window) or END_OF_DAY
    zone = timezone_named(window) if clock is not END_OF_DAY else ASTANA
    return datetime.combine(found.value, clock, ZoneInfo(zone)), zone


def _silence_subject(text: str, symbol: str) -> str:
    """What a draft under silence is about: "granting CICA Observer Status to ..." from the item's words."""
    subject = squash(text)
    subject = re.split(rf"\s*\((?:document\s+)?{re.escape(symbol)}|\s+\b(?:through|by|under)\s+(?:the\s+)?silence",
                       subject, maxsplit=1)[0]
    match = re.search(r"\bdecision\s+(?:on|about|regarding|concerning)\s+(.+)$", subject, re.I)
    return (match.group(1) if match else subject).strip(" ,.;")


def _without_on(title: str) -> str:
    return re.sub(r"^(?:on|concerning|regarding)\s+", "", squash(title), flags=re.I)


def _roles(table: Block, default: list[str]) -> dict[str, int]:
    """Which column holds what, from the header's words; by position when there is no header."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(table.header or []):
        role = column_role(cell)
        if role and role not in roles:
            roles[role] = index
    if not roles:
        roles = {role: index for index, role in enumerate(default)}
    return roles


def _cell(row: TableRow, index: int | None) -> str:
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index].strip()


def _blank_row(row: TableRow) -> bool:
    return all(not cell.strip() or set(cell.strip()) <= set("-–—_=") for cell in row.cells)


def _number(text: str) -> int | None:
    match = re.match(r"^\s*(\d{1,4})\s*[.)]?\s*$", text)
    return int(match.group(1)) if match else None


def _amount_column(table: Block) -> int | None:
    width = max((len(r.cells) for r in table.rows), default=0)
    for index in reversed(range(width)):
        values = [parse_amount(_cell(r, index)) for r in table.rows]
        if sum(v is not None for v in values) >= max(1, len(values) // 2):
            return index
    return None


def _plan_row(row: TableRow, roles: dict[str, int], year: int, timing_role: str = "timing") -> dict:
    organizers = split_organizers(_cell(row, roles.get("organizers")))
    timing_text = _cell(row, roles.get(timing_role))
    timing = parse_timing(timing_text, year)
    return {
        "item_no": _number(_cell(row, roles.get("number"))),
        "title": _cell(row, roles.get("title")),
        "organizers": organizers,
        "lead_organizer": organizers[0] if organizers else None,
        "timing_text": timing_text,
        "starts_on": timing.starts_on,
        "ends_on": timing.ends_on,
        "timing_precision": timing.precision,
    }


# --- organisers ---------------------------------------------------------------------------------

_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»“"
_ORG_HEADS = set(
    """ministry agency department council committee secretariat academy directorate government association
    federation republic kingdom state states emirates sultanate service division authority organization
    organisation institute centre center movement forum bank office commission corporation university chamber
    police administration foundation fund union society board bureau group company embassy mission unit
    programme program school college court parliament assembly command headquarters network alliance trust
    nations community observatory museum library hospital inspectorate ombudsman procuracy prosecutor""".split()
)


def _split_outside(text: str) -> list[str]:
    """Split at ", " except inside parentheses or quotation marks."""
    parts: list[str] = []
    depth = 0
    in_quote = False
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == '"':
            in_quote = not in_quote
        elif char in _OPEN_QUOTES and not in_quote:
            in_quote = True
        elif char in _CLOSE_QUOTES and in_quote:
            in_quote = False
        if char == "," and depth == 0 and not in_quote and text[i + 1: i + 2] == " ":
            parts.append("".join(current).strip())
            current = []
            i += 2
            continue
        current.append(char)
        i += 1
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _names_an_organisation(part: str) -> bool:
    """Whether a comma-separated part is an organisation on its own (has a head noun, an acronym, or "the")."""
    unquoted = re.sub(r"[“«„\"][^”»“\"]*[”»“\"]", " ", part)
    if re.match(r"^(?:the)\s", unquoted, re.I) or re.search(r"\([A-Z][A-Za-z]{1,9}\)", unquoted):
        return True
    head = re.split(r"\s(?:of|for|under|on|in|at|against|to)\s", unquoted, maxsplit=1)[0]
    return any(word.lower() in _ORG_HEADS for word in re.findall(r"[\w-]+", head))


def split_organizers(text: str) -> list[str]:
    """The lead organiser (a state or the Secretariat) then its agencies, split at ", " between organisations.

    A part that names no organisation ("Innovations and Aerospace Industry of the Republic
    of Kazakhstan", "Technological and Nuclear Supervision") continues the previous
    agency's name, which kept a comma: "Ministry of Digital Development, Innovations and
    Aerospace Industry of the Republic of Kazakhstan". The lead is never continued.
    """
    parts = _split_outside(squash(text))
    organisers: list[str] = []
    for part in parts:
        if len(organisers) >= 2 and not _names_an_organisation(part):
            organisers[-1] = f"{organisers[-1]}, {part}"
        else:
            organisers.append(part)
    return organisers
