"""`circulars changes` and `circulars history`: what changed and since when, and the whole story of one fact.

Kept apart from `cli.py` (which only registers them) so the commands can grow
without touching the others. Times are shown in Astana with UTC beside them;
dates of documents are Astana dates (a decision of 12 December is valid from
2023-12-11 18:00 UTC).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from circulars import changes as changes_module
from circulars.changes import ASTANA, astana_utc

HOME_OPTION = typer.Option(help="Data home (default: CIRCULARS_HOME or data/)")


def parse_instant(text: str, *, end_of_day: bool = False) -> datetime:
    """An ISO date (a whole day in Astana: its start, or with `end_of_day` the start of the next) or an ISO instant
    (with `end_of_day`, just after it: `--until` includes the instant it names)."""
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None and len(text) == 10:
        if end_of_day:
            day += timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(ASTANA))
    try:
        instant = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"not a date or an ISO instant: {text!r} (e.g. 2024-04-01 or 2024-04-01T12:00+05:00)") from error
    instant = instant if instant.tzinfo else instant.replace(tzinfo=ZoneInfo(ASTANA))
    return instant + timedelta(microseconds=1) if end_of_day else instant


def valid_text(value: datetime | None) -> str:
    """A document's valid time reads as its Astana date; an instant within a day (a deadline) in full."""
    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo(ASTANA))
    return local.date().isoformat() if local.time() == time(0) else astana_utc(value)


def _provenance(row: dict) -> str:
    if row.get("source") == "clock":
        return "clock (deadline set by " + _where(row) + ")"
    text = _where(row)
    if row.get("changed_by") or row.get("why"):
        text += f"; {row.get('source') or 'correction'} by {row.get('changed_by') or '?'}: {row.get('why') or ''}"
    return text


def _where(row: dict) -> str:
    named = row.get("circular_symbol") or (row.get("circular_sha256") or "")[:12] or "no circular"
    return f"{named}, p. {row['page']}" if row.get("page") is not None else named


def _state_text(row: dict) -> str:
    """The state an entity had after this step, the way a person reads it."""
    kind = row["entity_kind"]
    if not row["present"]:
        return "removed (not restated by the plan or budget adopted again)"
    parts: list[str] = []
    if kind == "plan_item":
        timing = row["timing_text"] if row["timing_text"] else "no timing printed"
        if row["starts_on"]:
            timing += f" ({row['starts_on']} – {row['ends_on']}, {row['timing_precision']})"
        parts += [f"status {row['status']}", f"timing {timing}", f"title {row['title']}"]
        if row["organizers"]:
            more = len(row["organizers"]) - 1
            parts.append("organisers " + row["organizers"][0] + (f" (+{more})" if more else ""))
    elif kind == "budget_line":
        parts.append(f"{row['amount_usd']:,} USD" if row["amount_usd"] is not None else "no amount")
        label = " ".join(p for p in (row["section"], row["title"]) if p)
        parts.append(label)
    elif kind == "decision":
        parts.append(f"status {(row['status'] or '').replace('_', ' ')}")
        if row["silence_deadline"] is not None:
            parts.append(f"silence deadline {astana_utc(row['silence_deadline'])}")
        for field, label in (("adopted_on", "adopted on"), ("adopted_symbol", "adopted as"),
                             ("silence_broken_by", "silence broken by"), ("superseded_by", "superseded by"),
                             ("action", "action")):
            if row[field] is not None:
                parts.append(f"{label} {row[field]}")
    else:
        parts.append(row["entity_key"].replace("_", " "))
    return "; ".join(parts)


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _open(home: Path | None):
    from circulars.cli import UserError, err
    from circulars.db import connect
    from circulars.home import resolve_home

    data_home = resolve_home(home)
    try:
        return connect(data_home.database, read_only=True, on_wait=lambda m: err.print(m))
    except FileNotFoundError as error:
        raise UserError(str(error)) from error


def _require_projection(con) -> None:
    from circulars.cli import UserError
    from circulars.db import has_table

    if not has_table(con, "entity_states"):
        raise UserError("no history projected yet: run `circulars ingest` (the tables are rebuilt with it)")


def changes(
    since: Annotated[str | None, typer.Option(help="Only changes known (recorded) from this date or instant on (a date is a day in Astana)")] = None,
    until: Annotated[str | None, typer.Option(help="Only changes known by the end of this date (a day in Astana), or by this instant")] = None,
    circular: Annotated[str | None, typer.Option(help="Only what this circular changed (its symbol, e.g. DOC/1532, or a sha256 prefix)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Every change as JSON: field, before, after, valid_at, known_at, circular, page, event_id, sentence")] = False,
    home: Annotated[Path | None, HOME_OPTION] = None,
) -> None:
    """What changed, newest first, one sentence each: plan items, budget lines, decisions, document links."""
    from circulars.cli import UserError, out

    try:
        start = parse_instant(since) if since else None
        end = parse_instant(until, end_of_day=True) if until else None
    except ValueError as error:
        raise UserError(str(error)) from error
    with _open(home) as con:
        _require_projection(con)
        rows = changes_module.query_changes(con, since=start, until=end, circular=circular)
    if as_json:
        print(json.dumps([_jsonable(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        scope = f" of {circular}" if circular else ""
        out.print(f"No changes{scope} known in that period.", highlight=False)
        return
    batch = None
    for row in rows:
        if row["known_at"] != batch:
            batch = row["known_at"]
            out.print(f"[bold]known {astana_utc(batch)}[/]", highlight=False)
        out.print(f"  {valid_text(row['valid_at'])}  {row['sentence']}", highlight=False, soft_wrap=True)
    out.print(f"{len(rows)} change(s)", highlight=False)


def history(
    what: Annotated[list[str], typer.Argument(
        help="SYMBOL (a decision, e.g. SOC/2023-III/DRAFT/3), or: plan YEAR ITEM, or: budget YEAR LINE "
        "(LINE: number, section numeral, total or grand_total)", metavar="SYMBOL | plan YEAR ITEM | budget YEAR LINE")],
    as_json: Annotated[bool, typer.Option("--json", help="Every state as JSON")] = False,
    home: Annotated[Path | None, HOME_OPTION] = None,
) -> None:
    """The whole story of one fact, oldest first: every state it had, from which circular and page, valid and known when."""
    from circulars.cli import UserError, out

    kind = what[0].lower() if what else ""
    with _open(home) as con:
        _require_projection(con)
        links: list[dict] = []
        if kind in ("plan", "budget"):
            if len(what) != 3 or not what[1].isdigit():
                raise UserError(f"usage: circulars history {kind} YEAR {'ITEM' if kind == 'plan' else 'LINE'}")
            year, key = int(what[1]), what[2]
            rows = (changes_module.plan_item_states if kind == "plan" else changes_module.budget_line_states)(con, year, key)
            title = f"Plan {year} item {key}" if kind == "plan" else f"Budget {year} line {key}"
            if not rows:
                table = "plan_items" if kind == "plan" else "budget_lines"
                raise UserError(f"no {title.lower()} in the record (the table `{table}` lists what there is)")
        elif len(what) == 1:
            rows = changes_module.decision_states(con, what[0])
            links = changes_module.links_of(con, what[0])
            title = f"Decision {what[0]}"
            if not rows and not links:
                raise UserError(f"no decision or document {what[0]!r} in the record "
                                "(for a plan item: `history plan YEAR ITEM`; a budget line: `history budget YEAR LINE`)")
        else:
            raise UserError("usage: circulars history SYMBOL | plan YEAR ITEM | budget YEAR LINE")
    if as_json:
        print(json.dumps({"states": [_jsonable(r) for r in rows], "links": [_jsonable(r) for r in links]},
                         ensure_ascii=False, indent=2))
        return
    for key in dict.fromkeys(r["entity_key"] for r in rows):
        story = [r for r in rows if r["entity_key"] == key]
        out.print(f"[bold]{_heading(story[-1])}[/]", highlight=False)
        table = Table(show_header=True, header_style="bold", expand=False)
        for column in ("#", "valid (Astana)", "known", "from", "change", "state"):
            table.add_column(column, overflow="fold")
        for number, row in enumerate(story, 1):
            table.add_row(str(number), valid_text(row["valid_at"]), astana_utc(row["known_at"]), _provenance(row),
                          changes_module_verb(row), _state_text(row))
        out.print(table)
    if links:
        out.print("[bold]What documents say of it[/]", highlight=False)
        for row in links:
            out.print(f"  {valid_text(row['valid_at'])}  {row['entity_key'].replace('_', ' ')} ({_where(row)})",
                      highlight=False)


def _heading(row: dict) -> str:
    """Whose story this is, named as the sentences of `changes` name it."""
    kind, key = row["entity_kind"], row["entity_key"]
    copy = f" (copy {key.split('#')[1]} of a number printed twice)" if "#" in key else ""
    if kind == "plan_item":
        number = row["item_no"] if row["item_no"] is not None else key.split("/", 1)[1]
        return f"Plan {row['plan_year']} item {number}{copy} — {row['title']}"
    if kind == "budget_line":
        label = " ".join(p for p in ("line" if row["line_no"] is not None else None, row["section"], row["title"]) if p)
        return f"Budget {row['budget_year']} {label}{copy}"
    return f"Decision {row['symbol'] or key}" + (f" — {row['subject']}" if row.get("subject") else "")


def changes_module_verb(row: dict) -> str:
    """The change that brought this state, as a person says it."""
    return changes_module.change_verb(row["change"] if row["present"] else "removed")


def register(app: typer.Typer) -> None:
    app.command("changes")(changes)
    app.command("history")(history)
