"""Notes (cover notes and notes enclosed): silence procedures opened, concluded, broken, extended.

A note is read in its primary language (English when it has an English version, else
Russian, else Kazakh): the other versions say the same and are not read twice. Each
sentence that changes something is a statement of the ledger; the rules below read it,
and what they cannot read stays visible as a StatementNotRead.

A draft is often named only by its subject, by the note that circulated it or by the
symbol it was adopted as. The reader then emits the event with `draft_symbol=None` and
everything the sentence offers as evidence; the linker (circulars/linking.py) resolves it
against the record, or says why it could not.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from circulars.reading import lexicon
from circulars.reading.derive.base import END_OF_DAY, Sentence, Statement, at_midnight, sentences
from circulars.reading.derive.draft_tables import DraftTableReader
from circulars.reading.derive.mentions import (
    ITEM_REF_RE,
    body_in,
    date_on,
    is_draft,
    note_references,
    parse_deadline,
    read_deadline,
    read_deadline_after,
    states_in,
    subject_in,
    subject_similarity,
    without_article,
)
from circulars.reading.derive.note_parts import (
    _AMENDS,
    _CORRECTS,
    _PAIRS_SPLIT,
    ACCORDINGLY_RE,
    CONDITIONAL_RE,
    CORRIGENDUM_RE,
    EXPIRY_RE,
    MEMO_SUBJECT_RE,
    PLURAL_DRAFTS_RE,
    SILENCE_OPENED_RE,
    Mention,
    _body_of,
    _note_deadline,
    _operative_language,
    _partner,
    _respectively,
    _speaks_of_silence,
    accordingly_kinds,
    clauses,
    is_operative,
    stated_totals,
)
from circulars.reading.derive.plan_rows import PLAN_WORD_RE, plan_named_in
from circulars.reading.vocabulary import (
    DEADLINE_RE,
    DOCUMENT_SYMBOL_RE,
    NO_OBJECTION_RE,
    NOT_ADOPTED_RE,
    SILENCE_BROKEN_RE,
    SILENCE_CONCLUDED_RE,
    SILENCE_EXTENDED_RE,
    SILENCE_RE,
    WITHDRAWN_RE,
    detect_language,
    find_document_symbols,
    squash,
)
from models.document import Block
from models.events import (
    CorrectionStated,
    DecisionSuperseded,
    DocumentLinked,
    SilenceBroken,
    SilenceProcedureConcluded,
    SilenceProcedureExtended,
    SilenceProcedureOpened,
)


class NoticeReader(DraftTableReader):
    """Mixin: reads notes. Needs `self.drafts_opened_in_documents` (symbol -> subject)."""

    drafts_opened_in_documents: dict[str, str]
    deferred: list[tuple[Statement, tuple]]

    def read_note(self, blocks: list[Block], note_date: date | None, *, document_symbol: str | None,
                  own_symbol: str | None) -> None:
        everything = sentences(blocks)
        language = _operative_language(everything)
        note_sentences = [s for s in everything if not language or detect_language(s.text) in (language, None)]
        self.translations = [s for s in everything if s not in note_sentences]
        note_text = " ".join(s.text for s in note_sentences)
        references = note_references(note_text, own_symbol)
        if own_symbol:
            for reference in references:
                self.emit(DocumentLinked(**self.common(blocks[0].page if blocks else 1, note_date), from_symbol=own_symbol,
                                         to_symbol=reference, link="references"), key=("link", own_symbol, reference))
        self.note_deadline = _note_deadline(note_sentences)
        # A memo's "Subject: Draft decision ... on X – outcome of the silence procedure" line names what its
        # sentences ("the above-mentioned draft", "No delegation broke the silence.") speak of.
        memo = next(((s, m) for s in note_sentences if (m := MEMO_SUBJECT_RE.search(s.text))), None)
        headline = re.split(r"\s[–—-]\s", memo[1].group("subject"))[0] if memo else ""  # "... on X – outcome of ..."
        self.memo_subject = subject_in(headline) if memo else None
        self.memo_body = body_in(headline) if memo else None
        if memo and not self.memo_subject:
            self.memo_subject = squash(headline).strip(" .;") or None
        memo_statement = None
        concluding: list[tuple[Statement, Sentence]] = []
        opening: list[tuple[Statement, Sentence]] = []
        leftovers: list[Statement] = []
        # a table of drafts (one per row: opened with its deadline, or its outcome) says what the note's
        # sentences introduce ("... the outcome of the silence procedures on the draft decisions:")
        outcomes: list[Statement] = self._draft_tables(blocks, note_date, document_symbol, references)
        item_changes: list[tuple[Statement, Sentence]] = []
        speaks_of_plan = bool(PLAN_WORD_RE.search(note_text))
        for sentence in note_sentences:
            text = sentence.text
            if memo and sentence is memo[0]:
                memo_statement = self.statement("note_sentence", text, sentence.page, document_symbol, note_date)
                continue
            if speaks_of_plan and ITEM_REF_RE.search(text) and not _speaks_of_silence(text):
                # "Item 12 of the Plan ... is rescheduled to October": what a note says of a plan's item is read
                # as an amendment, or flagged; never skipped for its wording
                item_changes.append((self.statement("note_sentence", text, sentence.page, document_symbol, note_date),
                                     sentence))
                continue
            if not is_operative(text):
                continue
            statement = self.statement("note_sentence", text, sentence.page, document_symbol, note_date)
            if NOT_ADOPTED_RE.search(text) and not SILENCE_BROKEN_RE.search(text):
                leftovers.append(statement)  # "the draft has not been adopted": the consequence of an objection
            elif CONDITIONAL_RE.search(text):
                # "... will be considered adopted unless an objection is received by ...": how a note opens a silence
                # procedure; it states no outcome.
                opening.append((statement, sentence))
            elif SILENCE_CONCLUDED_RE.search(text):
                concluding.append((statement, sentence))
                outcomes.append(statement)
            elif SILENCE_BROKEN_RE.search(text) and not NO_OBJECTION_RE.search(text):
                self._broken(statement, text, note_date, references)
                outcomes.append(statement)
            elif SILENCE_EXTENDED_RE.search(text) and (SILENCE_RE.search(text) or DEADLINE_RE.search(text)):
                self._extended(statement, text, note_date, references)
                outcomes.append(statement)
            elif CORRIGENDUM_RE.search(text):
                self._note_corrigendum(statement, text, note_date, document_symbol)
            elif SILENCE_OPENED_RE.search(text) and not EXPIRY_RE.search(text):
                opening.append((statement, sentence))
            elif WITHDRAWN_RE.search(text) and find_document_symbols(text):
                for symbol in find_document_symbols(text):
                    self.emit(DecisionSuperseded(**self.common(sentence.page, note_date), symbol=symbol, by_symbol=None,
                                                 how="withdrawn"), key=("superseded", symbol, None), statement=statement)
                outcomes.append(statement)  # "The silence procedure on that draft is thereby terminated." follows from it
            else:
                leftovers.append(statement)
        if item_changes:
            plan_symbol, year = plan_named_in(note_text, own_symbol)
            if plan_symbol and own_symbol:
                self.emit(DocumentLinked(**self.common(item_changes[0][1].page, note_date), from_symbol=own_symbol,
                                         to_symbol=plan_symbol, link="amends"), key=("link", own_symbol, plan_symbol))
            for statement, sentence in item_changes:
                self.prose_amendment(blocks, sentence.block, note_date, document_symbol, plan_symbol, year,
                                     self.note_consumed, statement=statement, text=sentence.text)
        if concluding:
            self._concluded(concluding, note_date, references)
        if opening:
            self._opened(opening, note_date, outcomes)
        if memo_statement is not None:
            # the memo's heading says what its sentences say: booked to their events; alone, it is flagged
            said = [i for st in self.ledger.statements if st.document_symbol == document_symbol and st is not memo_statement
                    for i in st.events]
            if said:
                memo_statement.events.extend(dict.fromkeys(said))
            elif SILENCE_RE.search(memo_statement.text) or is_operative(memo_statement.text):
                self.not_read(memo_statement, "not_understood",
                              "the memo's subject line speaks of an act no sentence of the note reads")
        outcome_subjects = [subject_in(o.text) for o in outcomes]
        outcome_symbols = {getattr(self.events[i], name, None) for o in outcomes for i in o.events
                           for name in ("symbol", "draft_symbol", "adopted_symbol", "by_symbol")} - {None}
        outcome_symbols |= set(references)
        corrections = [i for st in self.ledger.statements if st.kind == "note_sentence" and st.document_symbol == document_symbol
                       for i in st.events if isinstance(self.events[i], CorrectionStated)]
        introduced = [i for statement, _ in item_changes for i in statement.events]
        for statement in leftovers:
            if introduced and statement.text.rstrip().endswith(":"):
                # "... has the honour to inform of the following changes to the Plan ...:" says what they say
                statement.events.extend(i for i in introduced if i not in statement.events)
                continue
            if corrections and ACCORDINGLY_RE.search(statement.text) and not CORRIGENDUM_RE.search(statement.text):
                # "Итого и Общий итог изменяются соответственно.": the note's figure changes carry the totals along
                kinds = accordingly_kinds(ACCORDINGLY_RE.search(statement.text).group(0))
                for index in corrections:
                    event = self.events[index]
                    merged = list(dict.fromkeys([*event.accordingly, *kinds, *stated_totals(statement.text)]))
                    totals = {**event.totals, **stated_totals(statement.text)}
                    self.events[index] = event.model_copy(update={"accordingly": merged, "totals": totals})
                    statement.events.append(index)
                continue
            # "The silence procedure expired on ...", "Accordingly, the draft has not been adopted": what the note's
            # outcome rests on or leads to, read with it; alone, or about another subject, it is not understood.
            subject = subject_in(statement.text)
            same_subject = subject is None or any((subject_similarity(subject, o) or 0.0) >= 0.6 for o in outcome_subjects if o)
            speaks_of_outcome = SILENCE_RE.search(statement.text) or re.search(r"adopt|принят|қабылдан|draft|проект|жоба",
                                                                               statement.text, re.I)
            # a sentence naming a document the outcomes do not (a revised draft "placed under a new silence
            # procedure") says something of its own: never absorbed into them
            named_elsewhere = set(find_document_symbols(statement.text)) - outcome_symbols
            if outcomes and speaks_of_outcome and same_subject and not named_elsewhere:
                for outcome in outcomes:
                    statement.events.extend(i for i in outcome.events if i not in statement.events)
            elif SILENCE_RE.search(statement.text):
                self.not_read(statement, "not_understood",
                              "it speaks of a silence procedure but is no opening (no deadline), conclusion, objection "
                              "or extension the reader can read")


    # -- opened ----------------------------------------------------------------------------------------

    def _opened(self, group: list[tuple[Statement, Sentence]], note_date: date | None, outcomes: list[Statement]) -> None:
        """The sentences of a note that place drafts under silence procedure, read together: the drafts may be
        named in one ("circulate draft decision SOC/2024-I/DRAFT/9 under a silence procedure") and the deadline
        in the next ("Silence will be deemed kept unless broken before 26.04.2024, 10:00")."""
        texts = [sentence.text for _, sentence in group]
        drafts = list(dict.fromkeys(s for text in texts for s in find_document_symbols(text) if is_draft(s)))
        deadlines = [d for text in texts if (d := parse_deadline(text))]
        timed = [d for d in deadlines if d[0].timetz().replace(tzinfo=None) != END_OF_DAY]
        deadline = (timed or deadlines or [None])[0]
        statements = [statement for statement, _ in group]
        if not drafts:
            if outcomes:  # "Should no objections be received ..." beside a concluding note: said of its outcome
                for statement in statements:
                    for outcome in outcomes:
                        statement.events.extend(i for i in outcome.events if i not in statement.events)
                return
            # "forward ... the draft SOC decision on X placed under silence procedure": one of the enclosed drafts.
            subject = next((found for text in texts if (found := subject_in(text))), None)
            enclosed = list(self.drafts_opened_in_documents.items())
            if len(enclosed) > 1 and subject:
                scored = [(subject_similarity(subject, s) or 0.0, symbol) for symbol, s in enclosed]
                best = max(score for score, _ in scored)
                enclosed = [(symbol, s) for (score, symbol), (_, s) in zip(scored, enclosed) if score == best and best >= 0.5]
            if len(enclosed) == 1:
                for statement in statements:
                    self.deferred.append((statement, ("silence_opened", enclosed[0][0])))
                return
            for statement in statements:
                self.not_read(statement, "no_target" if not enclosed else "several_candidates",
                              "a silence procedure is announced for a draft this circular neither names by symbol nor encloses",
                              [symbol for symbol, _ in enclosed])
            return
        enclosed = [d for d in drafts if d in self.drafts_opened_in_documents]
        for statement in statements:
            for draft in enclosed:
                self.deferred.append((statement, ("silence_opened", draft)))
        fresh = [d for d in drafts if d not in self.drafts_opened_in_documents]
        if not fresh:
            return
        if deadline is None:
            why = next((found.unread for text in texts if (found := read_deadline(text)) and found.unread), None)
            for statement in statements:
                self.not_read(statement, "timing_not_understood",
                              f"{', '.join(fresh)} placed under silence procedure: {why}" if why else
                              f"{', '.join(fresh)} placed under silence procedure without a deadline the reader can read")
            return
        for draft in fresh:
            holder = next(text for text in texts if draft in text)
            subject = next((subject_in(c.text) for c in clauses(holder) if c.symbol == draft), None) or subject_in(holder) or ""
            others = [found for t in self.translations if draft in t.text and (found := subject_in(t.text))]
            self.silence_opened(draft, subject, deadline, group[0][1].page, note_date, statements[0], others)
            for statement in statements[1:]:
                statement.events.append(self._seen[("silence_opened", draft)])

    def silence_opened(self, symbol: str, subject: str, deadline: tuple[datetime, str], page: int,
                       valid_on: date | None, statement: Statement | None, other_subjects: list[str] | None = None) -> None:
        local, zone = deadline
        match = DOCUMENT_SYMBOL_RE.match(symbol)
        self.emit(SilenceProcedureOpened(
            **self.common(page, valid_on), decision_id=symbol, symbol=symbol,
            body=match.group("body") if match else None, subject=subject,
            deadline_local=local, deadline_utc=local.astimezone(UTC), timezone=zone,
            other_subjects=[o for o in dict.fromkeys(other_subjects or []) if o != subject],
        ), key=("silence_opened", symbol), statement=statement)

    # -- concluded ---------------------------------------------------------------------------------------

    def _concluded(self, concluding: list[tuple[Statement, Sentence]], note_date: date | None,
                   references: list[str]) -> None:
        """Pair drafts with the symbols they were adopted as, across the note's concluding sentences.

        Pairs come from one clause naming both, else from the symbols' series (body, year,
        session), else from the subjects. What stays unpaired is still said: a draft
        concluded without a new symbol, or a new symbol whose draft the linker must find.
        """
        drafts: list[Mention] = []
        adopted: list[Mention] = []
        subjectless: list[Mention] = []
        deadlines = {d for s, _ in concluding if (d := parse_deadline(s.text))}
        for statement, sentence in concluding:
            named = False
            parts = [c for c in clauses(sentence.text) if c.symbol is not None]
            sentence_drafts = [c for c in parts if is_draft(c.symbol)]
            if _respectively(sentence.text, parts):
                # "drafts A and B ... adopted as C and D respectively": paired in the order printed
                news = [c for c in parts if not is_draft(c.symbol)]
                for draft, new in zip(sentence_drafts, news):
                    drafts.append(Mention(draft.symbol, subject_in(draft.text), body_in(draft.text), statement, sentence,
                                          adopted_as=new.symbol))
                continue
            for clause in parts:
                named = True
                mention = Mention(clause.symbol, subject_in(clause.text), body_in(clause.text), statement, sentence)
                if is_draft(clause.symbol):
                    drafts.append(mention)
                elif len(sentence_drafts) == 1 and drafts and drafts[-1].adopted_as is None and drafts[-1].sentence is sentence and \
                        re.search(r"\bas\b|в\s+качестве|ретінде", clause.text[: clause.text.find(clause.symbol)]) and \
                        not subject_in(clause.text[: clause.text.find(clause.symbol)]):
                    drafts[-1].adopted_as = clause.symbol  # "the draft X (…/DRAFT/3) ... adopted as …/DEC/4"
                else:
                    adopted.append(mention)
            if not named:
                subjectless.append(Mention(None, subject_in(sentence.text) or self.memo_subject,
                                           body_in(sentence.text) or self.memo_body, statement, sentence))
        # "... the draft on X ... was not broken. The decision is issued as SOC/2024-I/DEC/3.": a new symbol
        # named without a subject is adopted from the subject the note spoke of just before.
        ordered = sorted(drafts + adopted + subjectless, key=lambda m: (concluding.index((m.statement, m.sentence)),))
        last_subject = None
        for mention in ordered:
            if mention.subject:
                last_subject = mention.subject
            elif mention in adopted and last_subject and not any(d for d in drafts if d.sentence is mention.sentence):
                mention.subject = last_subject
        open_drafts = [d for d in drafts if d.adopted_as is None]
        also: dict[int, list[Statement]] = {}
        for mention in list(adopted):
            partner = _partner(mention, open_drafts)
            if partner is not None:
                partner.adopted_as = mention.symbol
                open_drafts.remove(partner)
                adopted.remove(mention)
                also.setdefault(id(partner), []).append(mention.statement)
        deadline = next(iter(deadlines)) if len(deadlines) == 1 else None
        emitted: list[int] = []
        for mention in drafts:
            emitted.append(self._emit_concluded(mention, mention.symbol, mention.adopted_as, deadline, note_date,
                                                references, also.get(id(mention), [])))
        for mention in adopted:
            emitted.append(self._emit_concluded(mention, None, mention.symbol, deadline, note_date, references, []))
        # A plural sentence with no subject ("the draft decisions submitted under that note") speaks of every
        # draft of the note it refers to: it stands for the note's other subject-less sentences.
        subjectless.sort(key=lambda m: m.subject is None)  # a sentence naming its subject first: the others restate it
        plural = [m for m in subjectless if m.subject is None and references and PLURAL_DRAFTS_RE.search(m.sentence.text)]
        if plural and not emitted:
            emitted.append(self._emit_concluded(plural[0], None, None, deadline, note_date, references, [], every=True))
        for mention in subjectless:
            if plural and mention is plural[0]:
                continue
            named = [m for m in drafts + adopted]
            restates = emitted and (mention.subject is None or any(
                (subject_similarity(mention.subject, m.subject) or 0.0) >= 0.6 for m in named))
            if restates:
                # "No objections were received." beside sentences that name the drafts: the same outcome.
                mention.statement.events.extend(i for i in emitted if i not in mention.statement.events)
            else:
                emitted.append(self._emit_concluded(mention, None, None, deadline, note_date, references, []))

    def _emit_concluded(self, mention: Mention, draft: str | None, adopted_symbol: str | None,
                        note_deadline: tuple[datetime, str] | None, note_date: date | None,
                        references: list[str], also: list[Statement], *, every: bool = False) -> int:
        """A conclusion, valid at the deadline when the note gives it (else at the note's date); `adopted_on`
        only when the note says it (else the projection takes the deadline's date)."""
        text = mention.sentence.text
        deadline = parse_deadline(text) if re.search(r"deadline|срок|мерзім|дейін|expir|истек", text, re.I) else None
        deadline = deadline or note_deadline or self.note_deadline
        adopted_on = date_on(text) or (deadline[0].date() if deadline else None)
        valid_at = deadline[0] if deadline else at_midnight(note_date or self.issued_on)
        event = SilenceProcedureConcluded(
            **self.common(mention.sentence.page, valid_at), draft_symbol=draft, adopted_symbol=adopted_symbol,
            adopted_on=adopted_on, draft_subject=mention.subject, body=mention.body or _body_of(adopted_symbol),
            note_references=references, text=text, every_draft_of_the_note=every,
        )
        key = ("silence_concluded", draft) if draft else ("silence_concluded_as", adopted_symbol, mention.subject)
        index = self.emit(event, key=key, statement=mention.statement)
        for statement in also:
            self.emit(event, key=key, statement=statement)
        return index

    # -- broken ---------------------------------------------------------------------------------------------

    def _broken(self, statement: Statement, text: str, note_date: date | None, references: list[str]) -> None:
        verb = SILENCE_BROKEN_RE.search(text)
        before = text[: verb.start()]
        named = [s for s in states_in(before) if not re.search(r"embassy|посольств", before[max(0, s.start - 30): s.start], re.I)]
        after = [s for s in states_in(text[verb.end():])]
        by = without_article(named[-1].text) if named else (without_article(after[0].text) if after and
                                                             re.search(r"\bby\b|со\s+стороны", text[verb.end(): verb.end() + 40 + after[0].start], re.I) else None)
        deadline = parse_deadline(text)
        skip = {deadline[0].date()} if deadline and re.search(r"deadline|срок|мерзім|дейін", text, re.I) else set()
        broken_on = date_on(text, before=verb.start(), skip=skip) or date_on(text, skip=skip)
        drafts = [s for s in find_document_symbols(text) if is_draft(s)]
        common = self.common(statement.page, broken_on or note_date)
        if not drafts:
            subject = subject_in(text) or self.memo_subject
            self.emit(SilenceBroken(**common, draft_symbol=None, draft_subject=subject,
                                    body=body_in(text) or self.memo_body,
                                    note_references=references, text=text, broken_by=by, broken_on=broken_on),
                      key=("silence_broken_subject", subject), statement=statement)
            return
        for draft in drafts:
            self.emit(SilenceBroken(**common, draft_symbol=draft, broken_by=by, broken_on=broken_on, text=text,
                                    note_references=references),
                      key=("silence_broken", draft), statement=statement)

    # -- extended -------------------------------------------------------------------------------------------

    def _extended(self, statement: Statement, text: str, note_date: date | None, references: list[str]) -> None:
        verb = SILENCE_EXTENDED_RE.search(text)
        deadline = read_deadline_after(text, verb.start())
        if deadline is None:
            self.not_read(statement, "timing_not_understood", "an extension without a new deadline the reader can read")
            return
        if deadline.unread:
            self.not_read(statement, "timing_not_understood", f"an extension: {deadline.unread}")
            return
        local = deadline.local
        drafts = [s for s in find_document_symbols(text) if is_draft(s)]
        common = self.common(statement.page, note_date)
        fields = {"deadline_local": local, "deadline_utc": local.astimezone(UTC) if local else None,
                  "timezone": deadline.zone, "note_references": references, "text": text}
        if local is None and deadline.extended_by_days:  # "extended by one week": the linker adds it to the record's
            fields.update(extended_by_days=deadline.extended_by_days)
            local = ("+days", deadline.extended_by_days)
        elif local is None:  # "until 6 March 2024, at the same hour": the linker takes the hour from the record
            fields.update(deadline_on=deadline.on, same_time_as_before=True)
            local = deadline.on
        if not drafts:
            self.emit(SilenceProcedureExtended(**common, draft_symbol=None, draft_subject=subject_in(text),
                                               body=body_in(text), **fields),
                      key=("silence_extended_subject", subject_in(text), local), statement=statement)
            return
        for draft in drafts:
            self.emit(SilenceProcedureExtended(**common, draft_symbol=draft, **fields),
                      key=("silence_extended", draft, local), statement=statement)

    # -- corrigenda stated in a note --------------------------------------------------------------------------

    def _note_corrigendum(self, statement: Statement, text: str, note_date: date | None,
                          document_symbol: str | None) -> None:
        symbols = find_document_symbols(text)
        self.correction_stated(statement, text, symbols[0] if symbols else None, document_symbol, note_date)

    def correction_stated(self, statement: Statement, text: str, corrects: str | None, corrected_by: str | None,
                          valid_on: date | datetime | None, accordingly: list[str] | None = None,
                          item_no: int | None = None, totals: dict[str, int] | None = None) -> bool:
        """Every "for X read Y" of a text, with the totals corrected accordingly (or stated outright)."""
        own = ACCORDINGLY_RE.search(text)
        kinds = accordingly_kinds(own.group(0)) if own else (accordingly or [])
        stated = {**(totals or {}), **stated_totals(text)}
        kinds = list(dict.fromkeys(kinds + list(stated)))
        # "For A read B and for C read D": each pair on its own (a pattern reads one pair to the end of the text)
        pieces = [p for p in _PAIRS_SPLIT.split(text) if p.strip()]
        if len(pieces) > 1 and all(lexicon.search("corrigendum", p) for p in pieces):
            for piece in pieces:
                self.correction_stated(statement, piece, corrects, corrected_by, valid_on, accordingly, item_no, totals)
            return True
        for compiled in lexicon.patterns("corrigendum"):
            found = [m for m in compiled.finditer(text)]
            if not found:
                continue
            for match in found:
                item = re.search(r"\b(?:item|line|point|пункт\w*|строк\w*)\s*(?:No\.?\s*|№\s*)?(\d{1,3})\b", text[: match.start()], re.I)
                groups = match.groupdict()
                if groups.get("anchor") is not None:  # "After X insert Y": X now reads X followed by Y
                    before = groups["anchor"].strip()
                    after = before + ("" if groups["insert"].startswith((",", ";")) else " ") + groups["insert"].strip()
                else:  # "Delete X": X now reads nothing
                    before, after = groups["before"].strip(), (groups.get("after") or "").strip()
                self.emit(CorrectionStated(
                    **self.common(statement.page, valid_on), corrects_symbol=corrects, corrected_by=corrected_by,
                    before=before, after=after, accordingly=kinds,
                    totals=stated, item_no=int(item.group(1)) if item else item_no, text=text,
                    amends=bool(_AMENDS.search(text)) and not _CORRECTS.search(text),
                ), statement=statement)
            return True
        return False
