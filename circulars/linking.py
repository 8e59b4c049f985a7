"""Resolve what circulars name only by evidence, against the record: never a guess.

A follow-up does not always repeat the symbol it acts on. It names a draft by its subject,
refers to "its note №DOC/1497 of 12 December 2023", gives only the symbol the draft was
adopted as, or corrects a figure ("for '1,629,598' read '1,639,598'") without saying on
which line it stands. The reader records such a statement as read, with its target left
open; this module, run by the log writer after each append, weighs independent evidence:

- the symbol adopted shares body, year and session with the draft;
- a date in the statement is the draft's recorded silence deadline;
- the statement's note refers to the note that circulated the draft;
- the subjects share their words (only when both are in the same script);
- the body named (SOC, MC) is the draft's.

One candidate with at least two independent pieces of evidence, and more than any other:
the statement is resolved by a new event (a copy with the target filled in, `resolves`
naming the statement, `evidence` listing the facts). Otherwise a StatementNotRead names
the candidates and why none was chosen. A statement left open is tried again on every
run, so a circular that arrives later can settle it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from circulars import projections
from circulars.eventlog import PendingEvent
from circulars.reading.derive.mentions import subject_similarity, symbol_series
from circulars.reading.derive.organizers import split_organizers
from circulars.reading.timing import parse_timing
from circulars.reading.vocabulary import find_dates, find_document_symbols, parse_amount, squash
from models.constants import ASTANA_ZONE as ASTANA
from models.events import (
    BudgetLineCorrected,
    CorrectionStated,
    DomainEvent,
    PlanItemAmended,
    PlanItemCancelled,
    PlanItemOrganizersAdded,
    PlanItemRescheduled,
    PlanItemTextReplaced,
    SilenceBroken,
    SilenceProcedureConcluded,
    SilenceProcedureExtended,
    StatementNotRead,
    event_from_payload,
)

SUBJECT_MATCH = 0.6
SUBJECT_MISMATCH = 0.5
STALE_DEADLINE = timedelta(days=14)
"""An extension is made before a deadline (or just after it): not for a procedure that ended weeks earlier."""
DRAFT_STATEMENTS = (SilenceProcedureConcluded, SilenceBroken, SilenceProcedureExtended)
"""Statements about a draft under silence procedure, resolved by evidence when they do not name it."""
PLAN_STATEMENTS = (PlanItemTextReplaced, PlanItemOrganizersAdded)
OPEN_STATEMENTS = (*PLAN_STATEMENTS, CorrectionStated)
"""Statements whose target is always found in the record (the field holding the words, the line printed so)."""
NAMED_ITEM_STATEMENTS = (PlanItemRescheduled, PlanItemCancelled, PlanItemAmended)
"""Plan changes that name their item by number and title: open until the linker finds the two agree."""


@dataclass
class Draft:
    symbol: str
    subject: str | None
    body: str | None
    deadline_utc: datetime | None
    opened_at: datetime
    note_symbol: str | None
    concluded_as: set[str] = field(default_factory=set)
    closed_at: datetime | None = None  # concluded or broken (valid time)
    other_subjects: list[str] = field(default_factory=list)  # the subject in the opening note's other languages


@dataclass
class Judgement:
    draft: Draft
    strong: list[str]
    weak: list[str]
    against: list[str]


def stream_for(sha256: str) -> str:
    return f"circular-{sha256}"


# --- the record -------------------------------------------------------------------------------------


def _drafts(con: duckdb.DuckDBPyConnection) -> list[Draft]:
    rows = con.execute(
        """
        SELECT d.symbol, d.subject, d.body, d.deadline_utc, d.valid_at, r.symbol AS note_symbol,
               coalesce(from_json(e.payload->'other_subjects', '["VARCHAR"]'), [])
        FROM decision_history d JOIN live_readings(now()) USING (reading_id)
        JOIN reading_history r USING (reading_id) JOIN events e ON e.event_id = d.event_id
        WHERE d.change = 'silence_opened' AND d.symbol IS NOT NULL
        ORDER BY d.seq
        """
    ).fetchall()
    drafts: dict[str, Draft] = {}
    for symbol, subject, body, deadline, opened, note, others in rows:
        drafts.setdefault(symbol, Draft(symbol, subject, body, deadline, opened, note, other_subjects=list(others)))
    for symbol, change, adopted, valid_at in con.execute(
        """
        SELECT d.symbol, d.change, d.adopted_symbol, d.valid_at
        FROM decision_history d JOIN live_readings(now()) USING (reading_id)
        WHERE d.change IN ('silence_concluded', 'silence_broken', 'silence_extended') AND d.symbol IS NOT NULL
        """
    ).fetchall():
        draft = drafts.get(symbol)
        if draft is None:
            continue
        if change == "silence_extended":
            continue
        if adopted:
            draft.concluded_as.add(adopted)
        draft.closed_at = valid_at if draft.closed_at is None else min(draft.closed_at, valid_at)
    for symbol, deadline in con.execute(
        """
        SELECT symbol, arg_max(deadline_utc, seq) FROM decision_history JOIN live_readings(now()) USING (reading_id)
        WHERE change = 'silence_extended' AND symbol IS NOT NULL AND deadline_utc IS NOT NULL GROUP BY symbol
        """
    ).fetchall():
        if symbol in drafts:
            drafts[symbol].deadline_utc = deadline
    return list(drafts.values())


def _open_statements(con: duckdb.DuckDBPyConnection) -> list[tuple[str, DomainEvent]]:
    """(event id, event) of every statement of the live readings still waiting for its target."""
    rows = con.execute(
        """
        SELECT e.event_id, e.event_type, CAST(e.payload AS VARCHAR)
        FROM events e
        WHERE (list_contains($drafts, e.event_type)
               AND e.payload->>'draft_symbol' IS NULL AND e.payload->>'resolves' IS NULL
               OR e.event_type = $extended AND e.payload->>'deadline_utc' IS NULL
               AND e.payload->>'resolves' IS NULL
               OR list_contains($open, e.event_type)
               OR list_contains($named, e.event_type)
               AND e.payload->>'named_title' IS NOT NULL AND e.payload->>'resolves' IS NULL)
          AND e.payload->>'reading_id' IN (SELECT reading_id FROM live_readings(now()))
          AND e.event_id NOT IN (SELECT resolves FROM resolution_history)
        ORDER BY e.seq
        """,
        {"drafts": [c.__name__ for c in DRAFT_STATEMENTS], "open": [c.__name__ for c in OPEN_STATEMENTS],
         "extended": SilenceProcedureExtended.__name__, "named": [c.__name__ for c in NAMED_ITEM_STATEMENTS]},
    ).fetchall()
    import json

    return [(event_id, event_from_payload(event_type, json.loads(payload))) for event_id, event_type, payload in rows]


# --- drafts -------------------------------------------------------------------------------------------


def _local_dates(text: str) -> set:
    return {d.value for d in find_dates(text)}


def judge(statement, draft: Draft) -> Judgement:
    """The evidence for and against `draft` being what `statement` speaks of."""
    strong: list[str] = []
    weak: list[str] = []
    against: list[str] = []
    adopted = getattr(statement, "adopted_symbol", None)
    if adopted:
        a, d = symbol_series(adopted), symbol_series(draft.symbol)
        if a and d:
            if a[0] != d[0]:
                against.append(f"{adopted} is of body {a[0]}, the draft of {d[0]}")
            elif a[1:] == d[1:]:
                strong.append(f"the adopted symbol {adopted} shares body, year and session with {draft.symbol}")
            elif a[1] == d[1]:
                weak.append(f"the adopted symbol {adopted} shares body and year with {draft.symbol}")
            else:
                against.append(f"{adopted} is of {a[1]}, the draft of {d[1]}")
        if draft.concluded_as and adopted not in draft.concluded_as:
            against.append(f"{draft.symbol} was already adopted as {', '.join(sorted(draft.concluded_as))}")
    if statement.body and draft.body:
        if statement.body == draft.body:
            weak.append(f"both are {draft.body} drafts")
        else:
            against.append(f"the statement speaks of a {statement.body} decision, {draft.symbol} is {draft.body}")
    if draft.deadline_utc is not None:
        # Only a date the statement itself prints counts (not one the reader took from the note around it).
        deadline_day = draft.deadline_utc.astimezone(ASTANA).date()
        if deadline_day in _local_dates(statement.text):
            strong.append(f"{deadline_day:%d %B %Y} is the recorded silence deadline of {draft.symbol}")
    if draft.note_symbol and draft.note_symbol in statement.note_references:
        strong.append(f"the note refers to {draft.note_symbol}, which circulated {draft.symbol}")
    # The subject, compared with the draft's in the language the statement is written in (the opening note's
    # other versions give the draft's subject in Russian and Kazakh too).
    scored = [(s, subject_similarity(statement.draft_subject, s)) for s in [draft.subject, *draft.other_subjects]]
    scored = [(s, v) for s, v in scored if v is not None]
    if scored:
        subject, similarity = max(scored, key=lambda pair: pair[1])
        if similarity >= SUBJECT_MATCH:
            strong.append(f"the subject \"{statement.draft_subject}\" matches \"{subject}\" ({similarity:.0%} of words)")
        elif similarity < SUBJECT_MISMATCH:
            against.append(f"the subject \"{statement.draft_subject}\" is not that of {draft.symbol}")
    if draft.opened_at > statement.valid_at and not isinstance(statement, SilenceProcedureConcluded):
        against.append(f"{draft.symbol} was circulated after this statement")
    if isinstance(statement, (SilenceBroken, SilenceProcedureExtended)) and draft.closed_at is not None \
            and draft.closed_at <= statement.valid_at:
        against.append(f"the silence procedure on {draft.symbol} had already ended")
    if isinstance(statement, SilenceProcedureExtended) and draft.deadline_utc is not None \
            and draft.deadline_utc + STALE_DEADLINE < statement.valid_at:
        against.append(f"the deadline of {draft.symbol} ({draft.deadline_utc.astimezone(ASTANA):%d %B %Y}) had long passed")
    return Judgement(draft, strong, weak, against)


def choose(judgements: list[Judgement]) -> tuple[Judgement | None, str, list[str]]:
    """The one clear candidate, or (None, why, candidates)."""
    eligible = [j for j in judgements if not j.against and (j.strong or j.weak)]
    if not eligible:
        return None, "no_target", []
    eligible.sort(key=lambda j: (len(j.strong), len(j.weak)), reverse=True)
    best = eligible[0]
    rivals = [j for j in eligible[1:] if len(j.strong) == len(best.strong)]
    # One piece of strong evidence is enough only when every other open draft is ruled out by evidence
    # against it (not merely unscored, e.g. a subject in another script).
    unexcluded = [j for j in judgements if j is not best and not j.against]
    clear = (len(best.strong) >= 2 or (len(best.strong) == 1 and not unexcluded)) and not rivals
    if clear:
        return best, "", []
    return None, "several_candidates" if len(eligible) > 1 else "no_target", [j.draft.symbol for j in eligible]


def resolve_every_draft_of_the_note(event_id: str, statement, drafts: list[Draft]):
    """"The draft decisions submitted under that note are considered adopted": every draft the referenced
    note circulated that nothing speaks against."""
    judgements = [judge(statement, d) for d in drafts if d.note_symbol in statement.note_references]
    chosen = [j for j in judgements if not j.against]
    if not chosen:
        return [], ("no_target", f"no draft circulated by {', '.join(statement.note_references)} is open in the record", [])
    events = []
    for j in chosen:
        evidence = j.strong + j.weak + [f"the statement speaks of every draft {j.draft.note_symbol} circulated"]
        update = {"draft_symbol": j.draft.symbol, "resolves": event_id, "evidence": evidence}
        if j.draft.deadline_utc and statement.valid_at < j.draft.deadline_utc or (
                j.draft.deadline_utc and statement.adopted_on == j.draft.deadline_utc.astimezone(ASTANA).date()):
            update["valid_at"] = j.draft.deadline_utc
        events.append(statement.model_copy(update=update))
    return events, None


def resolve_draft(event_id: str, statement, drafts: list[Draft], taken: dict[str, str]):
    if getattr(statement, "every_draft_of_the_note", False):
        return resolve_every_draft_of_the_note(event_id, statement, drafts)
    judgements = [judge(statement, d) for d in drafts]
    for j in judgements:
        claimed = taken.get(j.draft.symbol)
        adopted = getattr(statement, "adopted_symbol", None)
        if claimed and adopted and claimed != adopted:
            j.against.append(f"{j.draft.symbol} is already the draft of {claimed} in this batch")
    best, why, candidates = choose(judgements)
    if best is None:
        described = "; ".join(
            f"{j.draft.symbol}: " + ", ".join(j.strong + j.weak + [f"but {a}" for a in j.against]) for j in judgements
            if j.strong or j.weak
        )
        detail = ("no draft under silence procedure in the record fits what the statement says"
                  if why == "no_target" else f"several drafts fit and none is clearly meant ({described})")
        return [], (why, detail[:1000], candidates)
    draft = best.draft
    update = {"draft_symbol": draft.symbol, "resolves": event_id, "evidence": best.strong + best.weak}
    if isinstance(statement, SilenceProcedureConcluded):
        taken[draft.symbol] = statement.adopted_symbol
        deadline_day = draft.deadline_utc.astimezone(ASTANA).date() if draft.deadline_utc else None
        if draft.deadline_utc and (statement.adopted_on == deadline_day or statement.valid_at < draft.deadline_utc):
            update["valid_at"] = draft.deadline_utc  # adopted when the deadline passed, not at midnight before it
            update["adopted_on"] = deadline_day
    return [statement.model_copy(update=update)], None


def at_the_same_hour(con: duckdb.DuckDBPyConnection, extensions: list) -> tuple[list, tuple | None]:
    """"Extended until 6 March 2024, at the same hour": the new day at the time of day (in its zone) of the
    deadline in force when the extension was circulated, as the record states it; the zone's rules for the
    new day apply (18:00 Astana is 12:00 UTC on 28 February 2024 and 13:00 UTC on 6 March 2024). "Extended by
    one week" (`extended_by_days`): that deadline's day plus the period, at its hour."""
    done = []
    for extension in extensions:
        row = con.execute(
            """
            SELECT d.deadline_utc, e.payload->>'timezone' FROM decision_history d
            JOIN live_readings(now()) USING (reading_id) JOIN events e ON e.event_id = d.event_id
            WHERE d.symbol = ? AND d.change IN ('silence_opened', 'silence_extended') AND d.deadline_utc IS NOT NULL
              AND d.valid_at <= ?
            ORDER BY d.valid_at DESC, d.seq DESC LIMIT 1
            """,
            [extension.draft_symbol, extension.valid_at],
        ).fetchone()
        days = extension.extended_by_days if extension.deadline_on is None else None
        if row is None:
            said = (f"extended by {days} days" if days else
                    f"extended until {extension.deadline_on.day} {extension.deadline_on:%B %Y} \"at the same hour\"")
            return [], ("timing_not_understood",
                        f"{said}, but the record holds no earlier deadline of {extension.draft_symbol} to take it from",
                        [extension.draft_symbol])
        previous_utc, zone = row
        zone = zone or "Asia/Almaty"
        previous = previous_utc.astimezone(ZoneInfo(zone))
        day = previous.date() + timedelta(days=days) if days else extension.deadline_on
        local = datetime.combine(day, previous.time(), ZoneInfo(zone))
        evidence = [*extension.evidence,
                    f"the deadline extended was {previous:%d %B %Y %H:%M} ({zone}): "
                    + (f"{days} days later at the same hour" if days else "the same hour on the new day")]
        done.append(extension.model_copy(update={"deadline_local": local, "deadline_utc": local.astimezone(UTC),
                                                 "timezone": zone, "evidence": evidence}))
    return done, None


# --- plans: "in item 8, replace 'X' with 'Y'" -----------------------------------------------------------


def _normal(text: str) -> str:
    return squash(text).casefold().replace("–", "-").replace("—", "-").replace("’", "'").replace("“", '"').replace("”", '"')


def _replace(value: str, before: str, after: str) -> str | None:
    if before in value:
        return value.replace(before, after, 1)
    index = _normal(value).find(_normal(before))
    if index < 0 or len(_normal(value)) != len(value):
        return None
    return value[:index] + after + value[index + len(before):]


def _item_fields(con, year: int, item_no: int, at: datetime):
    """The item as the documents state it (a person's correction aside: a circular amends what was printed)."""
    row = con.execute(
        "SELECT title, organizers, timing_text FROM plan_items_read_as_of(?) WHERE plan_year = ? AND item_no = ? LIMIT 1",
        [at, year, item_no],
    ).fetchone()
    return row


def _plan_change(common: dict, year: int, item_no: int, field_name: str, new_value: str):
    """The typed change of one field of a plan item: a new timing is a reschedule, a title or organisers an amendment."""
    common = {**common, "plan_year": year}
    if field_name == "timing_text":
        timing = parse_timing(new_value, year)
        return PlanItemRescheduled(**common, item_no=item_no, timing_text=new_value, starts_on=timing.starts_on,
                                   ends_on=timing.ends_on, timing_precision=timing.precision)
    if field_name == "title":
        return PlanItemAmended(**common, item_no=item_no, title=new_value)
    organizers = split_organizers(new_value)
    return PlanItemAmended(**common, item_no=item_no, organizers=organizers, lead_organizer=organizers[0] if organizers else None)


def _fields_holding(row, before: str) -> list[tuple[str, str]]:
    title, organizers, timing = row
    fields = [("title", title or ""), ("organizers", ", ".join(organizers or [])), ("timing_text", timing or "")]
    return [(name, value) for name, value in fields if _replace(value, before, "\x00") is not None]


def resolve_text_replaced(con, event_id: str, statement):
    row = _item_fields(con, statement.plan_year, statement.item_no, statement.valid_at)
    if row is None:
        return None, ("no_target", f"the plan for {statement.plan_year} has no item {statement.item_no}", [])
    holding = _fields_holding(row, statement.before)
    if len(holding) != 1:
        why = "no_target" if not holding else "several_candidates"
        detail = (f"\"{statement.before}\" is not in item {statement.item_no} (title \"{row[0]}\", timing \"{row[2]}\")"
                  if not holding else f"\"{statement.before}\" is in several fields of item {statement.item_no}")
        return None, (why, detail, [name for name, _ in holding])
    name, value = holding[0]
    new_value = _replace(value, statement.before, statement.after)
    evidence = [f"\"{statement.before}\" is the {name.replace('_text', '')} of item {statement.item_no} of the {statement.plan_year} plan"]
    common = {k: getattr(statement, k) for k in ("circular_sha256", "page", "valid_at", "reading_id", "plan_symbol",
                                                 "amended_by", "text")}
    return _plan_change({**common, "resolves": event_id, "evidence": evidence}, statement.plan_year, statement.item_no,
                        name, new_value), None


def resolve_named_item(con, event_id: str, statement):
    """A change naming its item by number and title ("item 12 (CICA Seminar on ...)") applies when the number's
    item bears that title (or, written in another script, cannot be compared); when another item's title fits
    the printed one better, the two disagree and a person decides which was meant."""
    at = statement.valid_at
    row = _item_fields(con, statement.plan_year, statement.item_no, at)
    if row is None:
        return None, ("no_target", f"the plan for {statement.plan_year} has no item {statement.item_no} "
                      f"(\"{statement.named_title}\")", [])
    own = subject_similarity(statement.named_title, row[0])
    others = con.execute(
        "SELECT item_no, title FROM plan_items_read_as_of(?) WHERE plan_year = ? AND item_no <> ? ORDER BY item_no",
        [at, statement.plan_year, statement.item_no],
    ).fetchall()
    scored = [(subject_similarity(statement.named_title, title) or 0.0, item_no, title) for item_no, title in others]
    best = max(scored, default=(0.0, None, None))
    if own is not None and best[1] is not None and best[0] > own:
        return None, ("several_candidates",
                      f"item {statement.item_no} of the {statement.plan_year} plan is \"{row[0]}\", but the title printed "
                      f"beside the number, \"{statement.named_title}\", is item {best[1]}'s (\"{best[2]}\"); "
                      "nothing was changed", [f"item {statement.item_no}", f"item {best[1]}"])
    evidence = [f"item {statement.item_no} of the {statement.plan_year} plan is \"{row[0]}\"" + (
        "" if own is not None else " (the title printed is in another script)")]
    return statement.model_copy(update={"resolves": event_id, "evidence": evidence}), None


def resolve_organizers_added(con, event_id: str, statement):
    row = _item_fields(con, statement.plan_year, statement.item_no, statement.valid_at)
    if row is None:
        return None, ("no_target", f"the plan for {statement.plan_year} has no item {statement.item_no}", [])
    current = list(row[1] or [])
    added = [o for o in statement.organizers if o not in current]
    common = {k: getattr(statement, k) for k in ("circular_sha256", "page", "valid_at", "reading_id", "plan_symbol",
                                                 "amended_by", "text", "plan_year")}
    organizers = current + added
    return PlanItemAmended(**common, item_no=statement.item_no, organizers=organizers, lead_organizer=organizers[0],
                           resolves=event_id,
                           evidence=[f"item {statement.item_no} of the {statement.plan_year} plan was organised by "
                                     f"{', '.join(current) or 'nobody named'}"]), None


# --- corrigenda ------------------------------------------------------------------------------------------


def resolve_correction(con, event_id: str, statement) -> tuple[list[DomainEvent], tuple | None]:
    """The line or item a "for X read Y" acts on: where X is printed, in the document it names; when X
    is printed nowhere there, in another document the statement names (the decision that amends and the
    budget it amends are both named), if exactly one of them holds it."""
    events, problem = _resolve_correction_in(con, event_id, statement, statement.corrects_symbol)
    if problem is None or problem[0] != "no_target":
        return events, problem
    own = {statement.corrects_symbol, statement.corrected_by}
    others = [s for s in dict.fromkeys(find_document_symbols(statement.text)) if s not in own]
    found = [(s, r) for s in others if (r := _resolve_correction_in(con, event_id, statement, s))[1] is None]
    if len(found) == 1:
        symbol, (events, _) = found[0]
        for event in events:
            if getattr(event, "evidence", None) is not None and event.resolves == event_id:
                event.evidence.append(f"{symbol} is named in the statement, and {statement.corrects_symbol} "
                                      f"does not print {statement.before}")
        return events, None
    return events, problem


def _resolve_correction_in(con, event_id: str, statement, target: str | None) -> tuple[list[DomainEvent], tuple | None]:
    before_amount, after_amount = parse_amount(statement.before), parse_amount(statement.after)
    if before_amount is not None and after_amount is not None:
        rows = con.execute(
            """
            SELECT l.budget_symbol, l.budget_year, l.position, l.line_no, l.title, l.amount_usd, l.line_kind, a.valid_at,
                   l.event_id
            FROM budget_history l JOIN live_readings(now()) USING (reading_id)
            JOIN budget_history a ON a.change = 'approved' AND a.reading_id = l.reading_id AND a.budget_symbol = l.budget_symbol
            WHERE l.change = 'line' AND l.amount_usd = ? AND (? IS NULL OR l.budget_symbol = ?)
              AND (? IS NULL OR l.line_no = ?)
            """,
            [before_amount, target, target, statement.item_no, statement.item_no],
        ).fetchall()
        if len(rows) == 1:
            symbol, year, position, line_no, title, amount, _kind, budget_valid_at, line_event = rows[0]
            where = f"line {line_no}" if line_no else f"the {title} line"
            evidence = [f"{statement.before} is printed only on {where} ({title}) of {symbol}"]
            # a corrigendum says what the budget always said; an amendment changes it from its own date
            valid_at = statement.valid_at if statement.amends else budget_valid_at
            common = {"circular_sha256": statement.circular_sha256, "page": statement.page, "valid_at": valid_at,
                      "reading_id": statement.reading_id, "budget_symbol": symbol, "budget_year": year,
                      "corrected_by": statement.corrected_by, "amends": statement.amends}
            events: list[DomainEvent] = [BudgetLineCorrected(
                **common, position=position, line_no=line_no, title=title, amount_usd=after_amount,
                amount_before=amount, resolves=event_id, evidence=evidence)]
            delta = after_amount - before_amount
            if statement.accordingly:
                for t_position, t_title, t_amount, t_kind in con.execute(
                    """
                    SELECT l.position, l.title, l.amount_usd, l.line_kind FROM budget_history l
                    JOIN live_readings(now()) USING (reading_id)
                    WHERE l.change = 'line' AND l.budget_symbol = ? AND l.position > ? AND l.line_kind IN (SELECT unnest(?))
                      AND l.reading_id = (SELECT reading_id FROM budget_history WHERE event_id = ?)
                    ORDER BY l.position
                    """,
                    [symbol, position, statement.accordingly, line_event],
                ).fetchall():
                    stated = statement.totals.get(t_kind)
                    events.append(BudgetLineCorrected(
                        **common, position=t_position, line_no=None, title=t_title,
                        amount_usd=stated if stated is not None else t_amount + delta, amount_before=t_amount,
                        evidence=[f"{t_title} as the corrigendum states it" if stated is not None
                                  else f"{t_title} corrected accordingly ({delta:+,})"]))
            return events, None
        if len(rows) > 1:
            return [], ("several_candidates", f"{statement.before} is printed on several budget lines",
                        [f"{r[0]} line {r[3] or r[4]}" for r in rows])
    # a plan: a title, organiser or timing printed wrongly
    rows = con.execute(
        """
        SELECT p.plan_year, p.item_no, p.title, p.organizers, p.timing_text, a.valid_at
        FROM plan_history p JOIN live_readings(now()) USING (reading_id)
        JOIN plan_history a ON a.change = 'adopted' AND a.reading_id = p.reading_id AND a.plan_symbol = p.plan_symbol
        WHERE p.change = 'scheduled' AND (? IS NULL OR p.plan_symbol = ?) AND (? IS NULL OR p.item_no = ?)
        """,
        [target, target, statement.item_no, statement.item_no],
    ).fetchall()
    hits = [(r, name, value) for r in rows for name, value in _fields_holding((r[2], r[3], r[4]), statement.before)]
    if len(hits) == 1:
        (year, item_no, *_rest, plan_valid_at), name, value = hits[0]
        new_value = _replace(value, statement.before, statement.after)
        evidence = [f"\"{statement.before}\" is printed only in the {name.replace('_text', '')} of item {item_no} of the {year} plan"]
        common = {"circular_sha256": statement.circular_sha256, "page": statement.page, "reading_id": statement.reading_id,
                  "text": statement.text, "valid_at": statement.valid_at if statement.amends else plan_valid_at,
                  "plan_symbol": target,
                  "amended_by": statement.corrected_by, "resolves": event_id, "evidence": evidence,
                  "correction": not statement.amends}
        return [_plan_change(common, year, item_no, name, new_value)], None
    if hits:
        return [], ("several_candidates", f"\"{statement.before}\" is printed in several places",
                    [f"plan {h[0][0]} item {h[0][1]} {h[1]}" for h in hits])
    where = f" in {target}" if target else " in any budget or plan of the record"
    return [], ("no_target", f"\"{statement.before}\" is printed nowhere{where}", [])


# --- the pass ----------------------------------------------------------------------------------------------


def _not_read(event_id: str, statement, why: str, detail: str, candidates: list[str]) -> StatementNotRead:
    from circulars.reading.derive.base import statement_id

    text = statement.text or statement.model_dump_json()[:500]
    document = getattr(statement, "amended_by", None) or getattr(statement, "corrected_by", None)
    return StatementNotRead(
        circular_sha256=statement.circular_sha256, page=statement.page, valid_at=statement.valid_at,
        reading_id=statement.reading_id, statement_id=statement_id(statement.circular_sha256, text),
        document_symbol=document, statement_kind=re.sub(r"(?<!^)(?=[A-Z])", "_", statement.event_type).lower(),
        text=text, why=why, detail=detail, candidates=candidates, about_event_id=event_id,
    )


def link(con: duckdb.DuckDBPyConnection) -> list[PendingEvent]:
    """Events that resolve (or give up on, for now) every open statement of the live readings."""
    projections.update_history(con)
    open_statements = _open_statements(con)
    if not open_statements:
        return []
    drafts = _drafts(con)
    taken: dict[str, str] = {}
    pending: list[PendingEvent] = []
    already_unread = {
        (about, why, tuple(sorted(candidates)))
        for about, why, candidates in con.execute(
            "SELECT about_event_id, why, candidates FROM unread_history WHERE about_event_id IS NOT NULL"
        ).fetchall()
    }
    for event_id, statement in open_statements:
        stream = stream_for(statement.circular_sha256)
        if isinstance(statement, DRAFT_STATEMENTS):
            if statement.draft_symbol is not None:  # an extension "at the same hour" that names its draft
                resolved, failure = [statement.model_copy(update={"resolves": event_id})], None
            else:
                resolved, failure = resolve_draft(event_id, statement, drafts, taken)
            if isinstance(statement, SilenceProcedureExtended) and statement.deadline_utc is None and resolved:
                resolved, failure = at_the_same_hour(con, resolved)
        elif isinstance(statement, NAMED_ITEM_STATEMENTS):
            one, failure = resolve_named_item(con, event_id, statement)
            resolved = [one] if one is not None else []
        elif isinstance(statement, PLAN_STATEMENTS):
            resolve = resolve_text_replaced if isinstance(statement, PlanItemTextReplaced) else resolve_organizers_added
            one, failure = resolve(con, event_id, statement)
            resolved = [one] if one is not None else []
        else:
            resolved, failure = resolve_correction(con, event_id, statement)
        for index, event in enumerate(resolved):
            pending.append(PendingEvent(stream, f"{event_id}|resolved|{index}", event))
        if failure is not None:
            why, detail, candidates = failure
            if (event_id, why, tuple(sorted(candidates))) in already_unread:
                continue
            pending.append(PendingEvent(stream, f"{event_id}|unread|{why}|{','.join(sorted(candidates))}",
                                        _not_read(event_id, statement, why, detail, candidates)))
    return pending


def link_and_append(con: duckdb.DuckDBPyConnection, *, recorded_at: datetime | None = None, mirror=None) -> int:
    """Resolve what can be resolved and append it through the log's single writer; returns events appended."""
    from circulars import eventlog

    pending = link(con)
    if not pending:
        return 0
    return eventlog.append(con, pending, recorded_at=recorded_at or datetime.now(UTC), mirror=mirror).appended
