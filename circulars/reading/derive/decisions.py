"""Decisions: the items of a meeting's list, decision documents, drafts, and what links them.

Identities (stable across readings and readers):
- a decision with a symbol is identified by it (`SOC/2023-III/DEC/2`, `MC/2023/DRAFT/7`);
- an item of a meeting's list (no symbol of its own) by `f"{body}/{meeting_on}/item-{n}"`;
- a decision document without a symbol by `f"{body}/{meeting_on or issued_on}/doc-{n}"`
  (n = 1-based position among the enclosed documents).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from circulars.reading import lexicon
from circulars.reading.derive.base import END_OF_DAY, DeriverBase, Statement
from circulars.reading.derive.mentions import (
    ITEM_REF_RE,
    body_in,
    is_draft,
    parse_deadline,
    symbol_kind,
)
from circulars.reading.segment import EnclosedDocument
from circulars.reading.vocabulary import (
    CORRECTS_RE,
    SILENCE_BROKEN_RE,
    SILENCE_CONCLUDED_RE,
    SILENCE_RE,
    SUPERSEDES_RE,
    WITHDRAWN_RE,
    body_named,
    classify_action,
    find_dates,
    find_document_symbols,
    find_references,
    squash,
    strip_markup,
    symbol_base,
    symbol_suffix_kind,
)
from models.document import Block
from models.events import (
    DecisionRecorded,
    DecisionSuperseded,
    DocumentLinked,
    SilenceProcedureConcluded,
)

ADOPTING_ACTIONS = {"adopted", "approved", "decided", "agreed", "endorsed"}
LINK_MIN_OVERLAP = 0.9
"""Share of a decision title's words an item's subject must contain to be linked to it."""

PREAMBLE_RE = lexicon.pattern("preamble")
ACTOR_LINE_RE = lexicon.pattern("actor_line")
FORMULA_RE = lexicon.pattern("formula")
ADOPTED_BY_SILENCE_RE = lexicon.pattern("adopted_by_silence_heading")
SILENCE_OPENED_RE = lexicon.pattern("silence_opened")
OPERATIVE_RE = lexicon.pattern("operative")
FINITE_VERB_RE = re.compile(r"^\W*(?:[A-Z][a-z]{2,}(?:es|s)\b(?!\s*,)|[А-ЯЁ][а-яё]+(?:ает|яет|ует|ит|ет)\b)")
"""An operative paragraph starts with its verb ("Resolves to ...", "Invites ...", "Поручает ..."), even one no list knows."""


def _names_the_actor(text: str) -> bool:
    """"Комитет старших должностных лиц", "The Senior Officials Committee,": who acts, on a line of its own."""
    words = text.strip(" ,.:;").split()
    return 0 < len(words) <= 8 and body_named(text) is not None and classify_action(text).action == "other" \
        and not text.rstrip().endswith(".")


def _is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)
CHANGE_CONCEPTS = ("shall_read", "deleted", "replace_text", "organizers_added", "added_after", "timing_changed",
                   "corrigendum")


def amends(text: str) -> bool:
    """Does a paragraph amend a plan or correct a document (rather than decide something of its own)?"""
    return any(lexicon.search(concept, text) for concept in CHANGE_CONCEPTS)
_STOPWORDS = {"the", "of", "on", "for", "a", "an", "and", "in", "to", "decision", "decisions", "document"}
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+")


def decision_item_id(body: str | None, meeting_on: date | None, item_no: int) -> str:
    """The stable id of a list item (see the module docstring)."""
    return f"{body or 'UNKNOWN'}/{meeting_on.isoformat() if meeting_on else 'undated'}/item-{item_no}"


def without_on(title: str) -> str:
    return re.sub(r"^(?:on|concerning|regarding|о|об)\s+", "", squash(title), flags=re.I)


def _words(text: str) -> set[str]:
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    return {w for w in re.findall(r"\w+", text) if w not in _STOPWORDS}


def _overlap(title: str, subject: str) -> float:
    title_words = _words(title)
    return len(title_words & _words(subject)) / len(title_words) if title_words else 0.0


class DecisionReader(DeriverBase):
    """Mixin: decision lists and decision documents (their annexes are read by the plan and budget mixins)."""

    def doc_date(self, document: EnclosedDocument) -> date | None:
        return document.issued_on or document.meeting_on

    def doc_id(self, document: EnclosedDocument) -> str:
        if document.symbol:
            return document.symbol
        when = document.meeting_on or document.issued_on
        return f"{document.body or 'UNKNOWN'}/{when.isoformat() if when else 'undated'}/doc-{document.position + 1}"

    # -- lists -------------------------------------------------------------------------------------------

    def list_items(self, document: EnclosedDocument) -> Iterable[tuple[int, Block, str]]:
        count = 0
        for block in document.blocks[document.heading_index + 1:]:
            if block.kind not in ("list_item", "paragraph"):
                continue
            match = _NUMBERED.match(block.text)
            if block.kind == "paragraph" and not match:
                continue
            count += 1
            number = int(match.group(1)) if match else count
            yield number, block, block.text[match.end():] if match else re.sub(r"^\s*[-•–▪●]\s+", "", block.text)

    def decision_list(self, document: EnclosedDocument) -> None:
        meeting_on = document.meeting_on or document.issued_on
        numbers: list[int] = []
        for item_no, block, text in self.list_items(document):
            numbers.append(item_no)
            statement = self.statement("list_item", f"{item_no}. {text}", block.page, document.symbol or document.heading,
                                       self.doc_date(document))
            phrase = classify_action(text)
            decision_id = decision_item_id(document.body, meeting_on, item_no)
            references = find_references(squash(strip_markup(text)))
            self.emit(DecisionRecorded(
                **self.common(block.page, self.doc_date(document)), decision_id=decision_id, symbol=None,
                list_symbol=document.symbol, body=document.body, meeting_on=meeting_on, item_no=item_no,
                action=phrase.action, subject=phrase.subject, references=references,
                adopted_on=meeting_on if phrase.action in ADOPTING_ACTIONS else None,
            ), statement=statement)
            if phrase.action == "other":
                self.not_read(statement, "unknown_action", "the item's verb is in no list of actions (vocabulary.toml [[action]])")
            self._adopts_link(decision_id, phrase.action, phrase.subject, references, block.page, document, statement)
            self._item_silence(block, text, phrase.subject, references, document, statement)
        self.numbering("decisions", numbers, document, document.blocks[document.heading_index].page)

    def numbering(self, what: str, numbers: list[int], document: EnclosedDocument, page: int) -> None:
        """Flag item numbers that jump (rows or items lost between them): never a quiet success."""
        if len(numbers) < 2:
            return
        gaps = [(a, b) for a, b in zip(numbers, numbers[1:]) if b > a + 1]
        first = numbers[0]
        if first > 1 and what != "amendments":
            gaps.insert(0, (0, first))
        for a, b in gaps:
            missing = f"{a + 1}" if b == a + 2 else f"{a + 1}–{b - 1}"
            text = f"{what} of {document.symbol or document.heading}: numbering jumps from {a or 'the start'} to {b}"
            statement = self.statement("completeness", text, page, document.symbol, self.doc_date(document))
            self.not_read(statement, "numbering_gap", f"no {what[:-1]} numbered {missing} was read: rows may be lost")

    def _adopts_link(self, decision_id: str, action: str, subject: str, references: list[str], page: int,
                     source: EnclosedDocument, statement: Statement) -> None:
        """Link an item that adopts/approves a decision enclosed in this circular: by symbol, else by title."""
        if action not in ("adopted", "approved"):
            return
        decisions = [d for d in self.circular.documents
                     if d.symbol and d.kind not in ("decision_list", "other") and d is not source]
        target = next((d.symbol for d in decisions if d.symbol in references), None)
        evidence = [f"names {target}"] if target else []
        if target is None and decisions and not references:
            scored = sorted(((_overlap(d.title or "", subject), d.symbol) for d in decisions), reverse=True)
            best, symbol = scored[0]
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            if best >= LINK_MIN_OVERLAP and runner_up < LINK_MIN_OVERLAP:
                target = symbol
                evidence = [f"subject matches the enclosed decision's title ({best:.0%} of its words)"]
        if target:
            self.emit(DocumentLinked(**self.common(page, self.doc_date(source)), from_symbol=decision_id,
                                     to_symbol=target, link="adopts", evidence=evidence),
                      key=("link", decision_id, target, "adopts"), statement=statement)

    def _item_silence(self, block: Block, text: str, subject: str, references: list[str],
                      document: EnclosedDocument, statement: Statement) -> None:
        """An item that sends a draft (named by its symbol) to silence procedure opens it."""
        plain = squash(strip_markup(text))
        if not SILENCE_RE.search(plain) or SILENCE_CONCLUDED_RE.search(plain) or SILENCE_BROKEN_RE.search(plain):
            return
        drafts = [s for s in references if symbol_kind(s) == "DRAFT"]
        deadline = parse_deadline(plain)
        if len(drafts) != 1 or deadline is None:
            return
        self.silence_opened(drafts[0], _silence_subject(subject, drafts[0]), deadline, block.page,
                            self.doc_date(document), statement)

    def drafts_opened_by(self, document: EnclosedDocument) -> dict[str, str]:
        """Drafts a document itself puts under silence procedure, with their subjects."""
        if document.kind == "draft_decision" and document.under_silence and document.symbol:
            return {document.symbol: without_on(document.title or "")}
        if document.kind == "decision_list":
            return {s: _silence_subject(text, s) for _, _, text in self.list_items(document) if SILENCE_RE.search(text)
                    for s in find_document_symbols(text) if symbol_kind(s) == "DRAFT"}
        return {}

    # -- decision documents --------------------------------------------------------------------------------

    def operative_paragraphs(self, document: EnclosedDocument) -> list[Block]:
        """Paragraphs that act ("Approves ...", "Decides ...", "1. Item 12 shall read ..."): not the actor
        line, the title, a heading set in capitals, a note such as "(US dollars)", nor a preambular
        paragraph ("Recalling ...", "Guided by ...")."""
        end = document.annex_index if document.annex_index is not None else len(document.blocks)
        title = squash(document.title or "")
        found: list[Block] = []
        for block in document.blocks[document.heading_index + 1:end]:
            if block.kind not in ("paragraph", "list_item"):
                continue
            text = squash(strip_markup(block.text))
            bare = _NUMBERED.sub("", text)
            if not text or (title and text in title) or ACTOR_LINE_RE.search(text) or PREAMBLE_RE.search(bare) \
                    or FORMULA_RE.search(bare) or _names_the_actor(bare):
                continue
            if _is_capitals(bare) or re.fullmatch(r"\(.*\)", bare):
                continue
            if not (OPERATIVE_RE.search(text) or classify_action(text).action != "other" or FINITE_VERB_RE.match(bare)
                    or _NUMBERED.match(text) or ITEM_REF_RE.search(text)):
                continue
            found.append(block)
        return found

    def decision_document(self, document: EnclosedDocument, skip: set[int] = frozenset()) -> list[Block]:
        """The decision itself (DecisionRecorded, its silence procedure, its supersessions); returns the
        operative paragraphs that carry changes (amendments, corrections) for the annex readers."""
        when = self.doc_date(document)
        decision_id = self.doc_id(document)
        draft = document.kind == "draft_decision"
        paragraphs = [b for b in self.operative_paragraphs(document) if document.blocks.index(b) not in skip]
        # A paragraph that amends, or names an item of a plan, is read as a change: if no rule reads it, it is
        # not read; it is never taken for part of the decision's own act.
        changes = [b for b in paragraphs if amends(squash(strip_markup(b.text))) or ITEM_REF_RE.search(squash(b.text))]
        # "Decision SOC/2023-III/DEC/3 is hereby repealed.": what it says of another decision (`supersessions`)
        acts = [b for b in paragraphs if b not in changes and not self._acts_on_another(document, b)]
        chosen = None
        for block in acts:
            phrase = classify_action(_NUMBERED.sub("", squash(strip_markup(block.text))))
            if phrase.action != "other":
                # "The Annex to ... is amended as set out in the Annex": the act says no subject, the title does
                chosen = (block, phrase.action, phrase.subject or without_on(document.title or document.heading or ""))
                break
        statements = [self.statement("operative_paragraph", b.text, b.page, document.symbol, when) for b in acts]
        if chosen is None and acts:
            block = acts[0]
            chosen = (block, "other", squash(strip_markup(block.text)))
            self.not_read(statements[0], "unknown_action", "the decision's verb is in no list of actions")
        if chosen is None:
            chosen = (document.blocks[document.heading_index], "other", without_on(document.title or document.heading))
        block, action, subject = chosen
        references = [s for s in find_references(squash(block.text)) if s != document.symbol]
        adopted_on = (document.meeting_on or document.issued_on) if not draft and action in ADOPTING_ACTIONS else None
        index = self.emit(DecisionRecorded(
            **self.common(block.page, when), decision_id=decision_id, symbol=document.symbol, body=document.body,
            meeting_on=document.meeting_on, item_no=None, action=action, subject=subject,
            references=references, adopted_on=adopted_on,
        ))
        for statement in statements:
            statement.events.append(index)
        if draft and document.symbol:
            preamble = " ".join(squash(b.text) for b in document.blocks[: document.heading_index])
            deadline = parse_deadline(preamble) or self.cover_deadline()
            if deadline:
                self.silence_opened(document.symbol, without_on(document.title or ""), deadline, document.page, when, None,
                                    self.cover_subjects(document.symbol))
        self._adopted_by_silence(document)
        return changes

    def cover_subjects(self, symbol: str) -> list[str]:
        """How the cover note's versions name a draft (in every language): evidence for follow-ups in any of them."""
        from circulars.reading.derive.base import sentences
        from circulars.reading.derive.mentions import subject_in

        return [found for s in sentences(self.circular.cover.blocks) if symbol in s.text and (found := subject_in(s.text))]

    def cover_deadline(self):
        """The deadline the cover note gives when it forwards exactly one draft."""
        drafts = [d for d in self.circular.documents if d.kind == "draft_decision"]
        if len(drafts) != 1:
            return None
        for block in self.circular.cover.blocks:
            text = squash(block.text)
            if SILENCE_RE.search(text):
                found = parse_deadline(text)
                if found:
                    return found
        return None

    def _adopted_by_silence(self, document: EnclosedDocument) -> None:
        """A decision headed "Adopted by silence procedure on 26 December 2023" (before or just after its
        heading): it concluded a draft.

        When the circular's note already paired the draft with this symbol, that event is the same fact.
        When the decision names its draft ("originally circulated as MC/2023/DRAFT/7"), that is the draft.
        Otherwise the linker finds it from this decision's title, body, session and date. A line about the
        silence procedure that says neither adoption nor a deadline is not read, and said so.
        """
        if not document.symbol or document.kind == "draft_decision" or is_draft(document.symbol):
            return
        end = next((k for k, b in enumerate(document.blocks) if k > document.heading_index and b.kind in ("paragraph", "list_item")
                    and not ADOPTED_BY_SILENCE_RE.search(squash(strip_markup(b.text)))
                    and (OPERATIVE_RE.search(b.text) or FINITE_VERB_RE.match(_NUMBERED.sub("", squash(b.text))))),
                   len(document.blocks))
        head = [b for k, b in enumerate(document.blocks[:end]) if b.kind in ("paragraph", "heading")]
        adopted = [b for b in head if ADOPTED_BY_SILENCE_RE.search(squash(strip_markup(b.text)))]
        for block in head:
            text = squash(strip_markup(block.text))
            if block not in adopted and SILENCE_RE.search(text) and not SILENCE_OPENED_RE.search(text):
                statement = self.statement("operative_paragraph", text, block.page, document.symbol, self.doc_date(document))
                self.not_read(statement, "not_understood",
                              "the decision's heading speaks of a silence procedure in words the reader does not know")
        if not adopted:
            return
        block = adopted[0]
        text = squash(strip_markup(block.text))
        statement = self.statement("operative_paragraph", text, block.page, document.symbol, self.doc_date(document))
        for index, event in enumerate(self.events):
            if isinstance(event, SilenceProcedureConcluded) and event.adopted_symbol == document.symbol:
                statement.events.append(index)
        if statement.events:
            return
        whole = " ".join(squash(strip_markup(b.text)) for b in document.blocks if b.kind != "table")
        named = lexicon.search("circulated_as_draft", whole)
        draft = named.group("symbol") if named and is_draft(named.group("symbol")) else None
        deadline = parse_deadline(re.sub(r"\b(?:on|of)\b", "deadline", text, count=1)) if find_dates(text) else None
        adopted_on = deadline[0].date() if deadline else self.doc_date(document)
        valid_at = deadline[0] if deadline and deadline[0].timetz().replace(tzinfo=None) != END_OF_DAY else None
        self.emit(SilenceProcedureConcluded(
            **self.common(block.page, valid_at or adopted_on), draft_symbol=draft, adopted_symbol=document.symbol,
            adopted_on=adopted_on, draft_subject=without_on(document.title or ""), body=document.body or body_in(text),
            note_references=[], text=f"{document.symbol}: {text}",
            evidence=[f"the decision says it was circulated as {draft}"] if draft else [],
        ), key=("silence_concluded", draft) if draft else ("silence_concluded_as", document.symbol, without_on(document.title or "")),
            statement=statement)

    # -- supersessions, corrections, revisions ------------------------------------------------------------------

    def superseded_by(self, document: EnclosedDocument) -> str | None:
        """The symbol a document says it supersedes or revises ("which supersedes ... SOC/2023-III/DEC/3")."""
        for block in document.blocks:
            if block.kind == "table":
                continue
            text = squash(strip_markup(block.text))
            if SUPERSEDES_RE.search(text):
                others = [s for s in find_document_symbols(text) if s != document.symbol]
                if others:
                    return others[0]
        return None

    def suffix_links(self, document: EnclosedDocument, partial_correction: bool) -> None:
        """`/Corr.N` corrects and `/Rev.N` revises the document without the suffix; a corrigendum
        that only lists corrections ("for X read Y") corrects, it does not replace."""
        symbol = document.symbol
        suffix = symbol_suffix_kind(symbol) if symbol else None
        if not symbol or not suffix:
            return
        common = self.common(document.page, self.doc_date(document))
        base = symbol_base(symbol)
        if suffix == "Add":
            self.emit(DocumentLinked(**common, from_symbol=symbol, to_symbol=base, link="amends"), key=("link", symbol, base))
            return
        link, how = ("corrects", "corrected") if suffix == "Corr" else ("revises", "revised")
        self.emit(DocumentLinked(**common, from_symbol=symbol, to_symbol=base, link=link), key=("link", symbol, base))
        if not partial_correction:
            self.emit(DecisionSuperseded(**common, symbol=base, by_symbol=symbol, how=how), key=("superseded", base, symbol))

    def supersessions(self, document: EnclosedDocument) -> None:
        """Sentences of a decision that supersede, correct or withdraw another decision."""
        if not document.symbol or document.kind in ("decision_list", "other"):
            return
        for block in document.blocks:
            if block.kind == "table":
                continue
            text = squash(strip_markup(block.text))
            others = [s for s in find_document_symbols(text) if s != document.symbol and s != symbol_base(document.symbol)]
            if not others or re.match(r"^\W*(?:recalling|ссылаясь|напоминая)", text, re.I):
                continue
            common = self.common(document.page, self.doc_date(document))
            if SUPERSEDES_RE.search(text):
                how = "superseded"
                link = "supersedes"
            elif CORRECTS_RE.search(text) and not lexicon.search("corrigendum", text):
                how, link = "corrected", "corrects"
            elif WITHDRAWN_RE.search(text) and document.kind in ("budget", "plan"):
                # a revised budget or plan that repeals the one it replaces: superseded by it, not merely withdrawn
                how, link = "superseded", "supersedes"
            elif WITHDRAWN_RE.search(text):
                # "Decision SOC/2023-III/DEC/3 is hereby repealed.", "Revokes decision ...", "утратившим силу"
                index = self.emit(DecisionSuperseded(**common, symbol=others[0], by_symbol=document.symbol, how="withdrawn"),
                                  key=("superseded", others[0], document.symbol))
                self._book(document, text, [index])
                continue
            else:
                continue
            link_index = self.emit(DocumentLinked(**common, from_symbol=document.symbol, to_symbol=others[0], link=link),
                                   key=("link", document.symbol, others[0]))
            index = self.emit(DecisionSuperseded(**common, symbol=others[0], by_symbol=document.symbol, how=how),
                              key=("superseded", others[0], document.symbol))
            self._book(document, text, [link_index, index])

    @staticmethod
    def _acts_on_another(document: EnclosedDocument, block: Block) -> bool:
        """Does a paragraph supersede, withdraw or repeal another decision (rather than state this one's act)?"""
        text = squash(strip_markup(block.text))
        others = [s for s in find_document_symbols(text) if s != document.symbol and s != symbol_base(document.symbol or "")]
        return bool(others) and bool(SUPERSEDES_RE.search(text) or WITHDRAWN_RE.search(text)) and \
            not re.match(r"^\W*(?:recalling|ссылаясь|напоминая)", text, re.I) and \
            classify_action(_NUMBERED.sub("", text)).action == "other"  # "Approves X, which supersedes Y" acts itself

    def _book(self, document: EnclosedDocument, text: str, events: list[int]) -> None:
        """Book events read from a paragraph to that paragraph's statement in the ledger (opened if none is)."""
        for statement in self.ledger.statements:
            if statement.document_symbol == document.symbol and statement.text and text.endswith(statement.text[-80:]):
                statement.events.extend(i for i in events if i not in statement.events)
                return
        statement = self.statement("operative_paragraph", text, document.page, document.symbol, self.doc_date(document))
        statement.events.extend(events)


def _silence_subject(text: str, symbol: str) -> str:
    """What a draft under silence is about: "granting CICA Observer Status to ..." from the item's words."""
    subject = squash(text)
    subject = re.split(rf"\s*\((?:document\s+)?{re.escape(symbol)}|\s+\b(?:through|by|under)\s+(?:the\s+)?silence",
                       subject, maxsplit=1)[0]
    match = re.search(r"\bdecision\s+(?:on|about|regarding|concerning)\s+(.+)$", subject, re.I)
    return (match.group(1) if match else subject).strip(" ,.;")
