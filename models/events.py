"""Domain events: small immutable typed records, the only source of truth.

Each event says one thing a circular said (or one thing that happened to a
file), with its provenance: the circular's SHA-256 and the 1-based page.
`valid_at` is when it took effect in the world, from the document itself; the
log adds `recorded_at` when it is appended.

Adding a field with a default is a compatible change; renaming or removing one
is not (old payloads in the log must stay readable forever) unless the class's
`schema_version` goes up and an `upcast_vN_vN1` turns the old payload into the new.

This module is the registry of event types: an event's type *is* its class name
(`event_type` is derived from it, never written by hand), `EVENT_CLASSES` maps the
names to the classes, and `event_from_payload` rebuilds any stored payload, upcast
to the class's current version. Payloads of version 1 carry no version (every event
written before versions existed); from version 2 on they carry `schema_version`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from models.constants import ASTANA


class _Typed:
    """Gives every concrete event class (no leading underscore) its `event_type`: the class name, as a
    one-value Literal (the discriminator of `DomainEvent`), and its payload's `schema_version`."""

    schema_version: ClassVar[int] = 1
    """Bump when a field is renamed or removed, and add `upcast_v{N}_v{N+1}(payload) -> payload`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if not cls.__name__.startswith("_"):
            cls.__annotations__ = {**cls.__dict__.get("__annotations__", {}), "event_type": Literal[cls.__name__]}
            cls.event_type = cls.__name__
        super().__init_subclass__(**kwargs)

    @classmethod
    def upcast(cls, payload: dict, version: int) -> dict:
        """A payload stored at `version`, brought up to the class's current version step by step."""
        if version > cls.schema_version:
            raise ValueError(f"{cls.__name__} payload of schema version {version}; this code knows up to {cls.schema_version}")
        while version < cls.schema_version:
            payload = getattr(cls, f"upcast_v{version}_v{version + 1}")(dict(payload))
            version += 1
        return payload

Action = Literal[
    "took_note",
    "adopted",
    "approved",
    "recommended",
    "decided",
    "supported",
    "agreed",
    "endorsed",
    "welcomed",
    "requested",
    "other",
]
"""What a meeting did with an item, classified from the verb of the decision."""

TimingPrecision = Literal[
    "day",
    "part_month",
    "month",
    "half_month",
    "months",
    "quarter",
    "quarters",
    "half_year",
    "year",
    "tbc",
    "unspecified",
]

DocumentKind = Literal[
    "cover_note",
    "decision_list",
    "decision",
    "draft_decision",
    "plan",
    "budget",
    "amendment",
    "corrigendum",
    "other",
]

LineKind = Literal["expenditure", "total", "grand_total"]

LinkKind = Literal["supersedes", "amends", "confirms", "corrects", "revises", "references", "adopts", "adopted_as"]

UnreadReason = Literal[
    "unknown_action",          # a decision's verb is in no list of actions
    "unknown_change",          # an amendment row's change word is in no list
    "not_understood",          # an operative sentence that no rule reads
    "no_target",               # what it acts on was not found (no such draft, item, line or figure)
    "several_candidates",      # several things it may act on, and no evidence to choose
    "timing_not_understood",   # a printed timing the timing grammar does not read
    "amount_not_understood",   # a budget row whose amount is no number
    "row_not_understood",      # a table row that yields nothing (no number, no title, no amount)
    "numbering_gap",           # item numbers jump (rows missing?)
    "numbering_duplicate",     # the same item number twice
    "total_mismatch",          # lines do not reach the total the document prints
    "missing_pages",           # fewer pages than the cover note announces
    "text_lost",               # text the PDF prints that no block read holds (a layout the reader lost)
]
"""Why a statement could not be turned into events: each names what a person should look at."""


class _Event(_Typed, BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    circular_sha256: str = Field(min_length=64, max_length=64)
    page: int | None = Field(default=None, ge=1, description="1-based page of the source file")
    valid_at: datetime

    @field_validator("valid_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("valid_at must be timezone-aware")
        return value


# --- the file ---------------------------------------------------------------


class CircularReceived(_Event):
    """A distinct file content entered the store (first time these bytes were seen)."""

    file_name: str
    size: int = Field(ge=0)
    media_type: str
    page_count: int | None = None


class CircularFileNameRecorded(_Event):
    """Bytes already in the store arrived again under another name."""

    file_name: str


class CircularIdentified(_Event):
    """A reading of the circular: its cover note, as the reader understood it.

    `reading_id` groups every event of one reading; a later reading of the same
    circular (a better reader) supersedes all events of earlier readings.
    """

    reading_id: str
    reader_version: str
    symbol: str | None
    issued_on: date | None
    place: str | None
    languages: list[str]
    page_count: int
    enclosure_pages: int | None = None
    addressees: str | None = None
    subject: str | None = None


class CircularQuarantined(_Event):
    """The circular could not be read; the bytes stay in the store, the reason is kept."""

    reading_id: str
    reader_version: str
    reason_code: str
    reason: str


# --- documents ----------------------------------------------------------------


class _ReadingEvent(_Event):
    reading_id: str


class _Resolution(BaseModel):
    """How a statement that named its target only by evidence was linked to it.

    `resolves` is the event id of the statement as read (with no target) and
    `evidence` the independent facts the link rests on ("adopted symbol SOC/2023-III/...
    shares body, year and session", "deadline 26 December 2023 matches", ...). Both are
    empty for a statement that named its target outright.
    """

    resolves: str | None = None
    evidence: list[str] = Field(default_factory=list)


class DocumentIdentified(_ReadingEvent):
    """An enclosed document (or the cover note) with its own symbol and date."""

    symbol: str | None
    kind: DocumentKind
    body: str | None
    title: str | None
    issued_on: date | None
    place: str | None
    meeting_on: date | None = None
    language: str = "en"


class DocumentLinked(_ReadingEvent):
    """One document says something about another: supersedes, amends, confirms, corrects..."""

    from_symbol: str
    to_symbol: str
    link: LinkKind
    evidence: list[str] = Field(default_factory=list)


# --- decisions ------------------------------------------------------------------


class DecisionRecorded(_ReadingEvent):
    """An item of a meeting's decisions, or a decision document, with its classified action."""

    decision_id: str
    symbol: str | None
    list_symbol: str | None = None
    body: str | None
    meeting_on: date | None
    item_no: int | None
    action: Action
    subject: str
    references: list[str] = Field(default_factory=list)
    adopted_on: date | None = None


class SilenceProcedureOpened(_ReadingEvent):
    """A draft is circulated under silence procedure: adopted at the deadline unless silence is broken."""

    decision_id: str
    symbol: str
    body: str | None
    subject: str
    deadline_local: datetime
    deadline_utc: datetime
    timezone: str = ASTANA
    other_subjects: list[str] = Field(default_factory=list, description="the subject in the note's other languages")


class _DraftReference(_Resolution):
    """A statement about a draft under silence procedure; `draft_symbol` is None when the
    circular names the draft only by its subject, the note that circulated it or the new
    symbol it was adopted as: the linker then resolves it against the record (`resolves`)."""

    draft_symbol: str | None
    draft_subject: str | None = None
    body: str | None = None
    note_references: list[str] = Field(default_factory=list)
    text: str = ""
    every_draft_of_the_note: bool = Field(
        default=False, description="speaks of all the drafts the referenced note circulated (\"the draft decisions ... under that note\")")


class SilenceProcedureConcluded(_ReadingEvent, _DraftReference):
    """No objection was received: the draft is considered adopted (often under a new symbol)."""

    adopted_symbol: str | None
    adopted_on: date | None


class SilenceBroken(_ReadingEvent, _DraftReference):
    """A member state objected before the deadline: the draft is not adopted."""

    broken_by: str | None
    broken_on: date | None


class SilenceProcedureExtended(_ReadingEvent, _DraftReference):
    """The deadline of a silence procedure moves to a new date and time (Astana time unless stated).

    "Until 6 March 2024, at the same hour" gives the day only (`deadline_on`, `same_time_as_before`):
    the hour is the deadline's being extended, which the linker takes from the record and states in
    a resolving copy; until then the deadline is unknown (never the end of the day). "Extended by one
    week" with no deadline in the note gives the period only (`extended_by_days`): the linker adds it
    to the deadline in force, at the same hour.
    """

    deadline_local: datetime | None
    deadline_utc: datetime | None
    timezone: str = ASTANA
    deadline_on: date | None = None
    same_time_as_before: bool = False
    extended_by_days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _deadline_is_stated(self) -> SilenceProcedureExtended:
        if (self.deadline_local is None) != (self.deadline_utc is None):
            raise ValueError("deadline_local and deadline_utc are both set or both empty")
        if self.deadline_local is None and not (self.same_time_as_before and self.deadline_on) and not self.extended_by_days:
            raise ValueError("an extension without its deadline must say its day and that the hour is the previous one, "
                             "or the period it adds")
        return self


class DecisionSuperseded(_ReadingEvent):
    """A later decision replaces, corrects or withdraws an earlier one."""

    symbol: str
    by_symbol: str | None
    how: Literal["superseded", "withdrawn", "corrected", "revised"] = "superseded"


# --- plans ---------------------------------------------------------------------


class PlanAdopted(_ReadingEvent):
    """A plan of events for a year, annexed to a decision."""

    plan_symbol: str
    plan_year: int
    title: str


class PlanItemScheduled(_ReadingEvent):
    """One event of a plan, as printed, with its indicative timing as an interval."""

    plan_symbol: str
    plan_year: int
    item_no: int | None
    title: str
    organizers: list[str]
    lead_organizer: str | None
    timing_text: str
    starts_on: date | None
    ends_on: date | None
    timing_precision: TimingPrecision


class _PlanChange(_ReadingEvent, _Resolution):
    """A change to an item of a year's plan. `plan_symbol` is the plan amended when the
    amendment names it; None means the plan of `plan_year` in force."""

    plan_symbol: str | None
    plan_year: int
    amended_by: str | None = Field(default=None, description="symbol of the amending or correcting document")
    text: str = ""
    correction: bool = Field(default=False, description="a corrigendum's correction of what was printed, not a change of plan")
    named_title: str | None = Field(
        default=None, description="the title printed beside the item's number ('item 12 (CICA Seminar on ...)'): "
        "the change applies once the linker finds that number's item bears that title, else it is put to a person")


class PlanItemRescheduled(_PlanChange):
    """An amendment moves an item (same number) to a new indicative timing."""

    item_no: int
    timing_text: str
    starts_on: date | None
    ends_on: date | None
    timing_precision: TimingPrecision


class PlanItemCancelled(_PlanChange):
    """An amendment cancels (or deletes) an item; it stays visible with status `cancelled`."""

    item_no: int
    how: Literal["cancelled", "deleted"] = "cancelled"


class PlanItemAdded(_PlanChange):
    """An amendment adds a new item to a plan (after `after_item_no` when it says where)."""

    item_no: int | None
    title: str
    organizers: list[str]
    lead_organizer: str | None
    timing_text: str
    starts_on: date | None
    ends_on: date | None
    timing_precision: TimingPrecision
    after_item_no: int | None = None


class PlanItemAmended(_PlanChange):
    """An item's title or organisers change ("item 12 shall read ...", a corrigendum);
    None means unchanged. A changed timing comes as PlanItemRescheduled beside it."""

    item_no: int
    title: str | None = None
    organizers: list[str] | None = None
    lead_organizer: str | None = None


class PlanItemOrganizersAdded(_PlanChange):
    """"To add X to the organisers of item 26": the linker appends them to the item's organisers."""

    item_no: int
    organizers: list[str]


class PlanItemTextReplaced(_PlanChange):
    """"In item 8, replace 'X' with 'Y'": the words are read, the field they sit in is not
    known until the item is looked up; the linker turns it into a reschedule or an amendment."""

    item_no: int
    before: str
    after: str


# --- budgets -------------------------------------------------------------------


class BudgetApproved(_ReadingEvent):
    """A budget for a year; a later one for the same year (a revision) supersedes it."""

    budget_symbol: str
    budget_year: int
    title: str
    currency: str = "USD"
    supersedes: str | None = None


class BudgetLineSet(_ReadingEvent):
    """One line of a budget table, exactly as printed."""

    budget_symbol: str
    budget_year: int
    line_no: int | None
    position: int = Field(description="0-based row position in the table, orders lines and totals")
    section: str | None
    title: str
    amount_usd: int
    line_kind: LineKind


class CorrectionStated(_ReadingEvent):
    """A corrigendum's "for 'X' read 'Y'" against a document: which line or item holds X is
    found by the linker in the record (BudgetLineCorrected, PlanItemAmended, ...)."""

    corrects_symbol: str | None
    corrected_by: str | None
    before: str
    after: str
    accordingly: list[str] = Field(default_factory=list, description="lines 'corrected accordingly' (Total, Grand total)")
    totals: dict[str, int] = Field(default_factory=dict, description="totals the corrigendum states outright, by line kind")
    item_no: int | None = None
    text: str = ""
    amends: bool = Field(default=False, description="an amendment, valid from its own date; else a corrigendum, "
                         "valid from the corrected document's date")


class BudgetLineCorrected(_ReadingEvent, _Resolution):
    """A budget line's amount as corrected by a corrigendum (retroactive to the budget's own date), or as
    amended by a later decision (`amends`: from that decision's date on)."""

    budget_symbol: str
    budget_year: int
    position: int
    line_no: int | None
    title: str
    amount_usd: int
    amount_before: int
    corrected_by: str | None = None
    amends: bool = False


# --- what could not be read ------------------------------------------------------------------


class StatementNotRead(_ReadingEvent):
    """A table row or operative sentence that yielded no event (or only part of one), and why.

    Nothing a circular says is dropped in silence: this is what a person must look at.
    `statement_id` is stable for the same words in the same circular (so a person's
    dismissal survives a rebuild and a re-reading); `about_event_id` names the statement
    event the linker could not resolve, when it was the linker that gave up.
    """

    statement_id: str
    document_symbol: str | None
    statement_kind: str
    text: str
    why: UnreadReason
    detail: str = ""
    candidates: list[str] = Field(default_factory=list)
    about_event_id: str | None = None


# --- what a person settles ------------------------------------------------------------------------


class _PersonEvent(_Typed, BaseModel):
    """Something a person recorded (not read from a circular): who, why, and from when it holds.

    These survive re-reading: they are keyed to the fact (plan year and item, budget year
    and line, decision symbol) or to a review item, never to a reading.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    circular_sha256: str | None = Field(default=None, description="the circular the fact was read from, if any")
    page: int | None = Field(default=None, ge=1)
    valid_at: datetime
    by: str = Field(min_length=1)
    reason: str = Field(min_length=1)

    @field_validator("valid_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("valid_at must be timezone-aware")
        return value


CorrectedField = Literal["timing", "title", "status", "amount_usd", "adopted_symbol"]


class FactCorrected(_PersonEvent):
    """A person's correction of a fact the reader got wrong or could not read; applied over the readings."""

    entity: Literal["plan_item", "budget_line", "decision"]
    plan_year: int | None = None
    item_no: int | None = None
    budget_year: int | None = None
    line: str | None = Field(default=None, description="a line number, or 'total' / 'grand_total'")
    symbol: str | None = None
    field: CorrectedField
    value: str
    starts_on: date | None = None
    ends_on: date | None = None
    timing_precision: TimingPrecision | None = None
    review_item_id: str | None = Field(default=None, description="the review item this settles, if any")
    replaced: str | None = Field(default=None, description="what the reading said when the person corrected it: "
                                 "a later reading that says something else again is put to a person")


class ReviewItemDismissed(_PersonEvent):
    """A person looked at a review item and settled it without a correction ("misprint, kept as printed")."""

    item_id: str
    kind: str
    text: str = ""


class CorrectionReverted(_PersonEvent):
    """A correction or dismissal undone by a new event (never by deleting the old one)."""

    reverted_event_id: str


DomainEvent = Annotated[
    CircularReceived
    | CircularFileNameRecorded
    | CircularIdentified
    | CircularQuarantined
    | DocumentIdentified
    | DocumentLinked
    | DecisionRecorded
    | SilenceProcedureOpened
    | SilenceProcedureConcluded
    | SilenceBroken
    | SilenceProcedureExtended
    | DecisionSuperseded
    | PlanAdopted
    | PlanItemScheduled
    | PlanItemRescheduled
    | PlanItemCancelled
    | PlanItemAdded
    | PlanItemAmended
    | PlanItemOrganizersAdded
    | PlanItemTextReplaced
    | BudgetApproved
    | BudgetLineSet
    | CorrectionStated
    | BudgetLineCorrected
    | StatementNotRead
    | FactCorrected
    | ReviewItemDismissed
    | CorrectionReverted,
    Field(discriminator="event_type"),
]

DOMAIN_EVENT = TypeAdapter(DomainEvent)

EVENT_CLASSES: dict[str, type[_Typed]] = {cls.__name__: cls for cls in get_args(get_args(DomainEvent)[0])}
"""Every event type, by name (the class name): the registry everything else derives from."""

EVENT_TYPES: tuple[str, ...] = tuple(EVENT_CLASSES)

SCHEMA_VERSION_KEY = "schema_version"


def stored_payload(event: DomainEvent) -> dict:  # type: ignore[valid-type]
    """What the log stores of an event: its fields but the type, with its schema version from version 2 on."""
    data = event.model_dump(mode="json", exclude={"event_type"})
    if type(event).schema_version > 1:
        data[SCHEMA_VERSION_KEY] = type(event).schema_version
    return data


def event_from_payload(event_type: str, payload: dict) -> DomainEvent:  # type: ignore[valid-type]
    """Rebuild a typed event from its stored payload, upcast from the version it was written in."""
    cls = EVENT_CLASSES.get(event_type)
    if cls is None:
        raise ValueError(f"unknown event type {event_type!r}")
    data = dict(payload)
    version = int(data.pop(SCHEMA_VERSION_KEY, 1))
    data.pop("event_type", None)
    return DOMAIN_EVENT.validate_python({**cls.upcast(data, version), "event_type": event_type})
