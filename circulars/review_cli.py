"""`circulars review | correct | dismiss | revert`: the review loop on the command line.

Each command that records something appends one event through the log's single writer
(waiting for the database like every writer), then runs the ingestion job so the tables
are refreshed and checked, and prints what changed. Anything named that does not exist is
a clear error and nothing is appended.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from circulars import review
from models.events import FactCorrected

Home = Annotated[Path | None, typer.Option(help="Data home (default: CIRCULARS_HOME or data/)")]
Reason = Annotated[str, typer.Option("--reason", help="Why (required): kept with the event, shown on every row it touches")]
By = Annotated[str | None, typer.Option("--by", help="Who (default: the operating-system user)")]
Item = Annotated[str | None, typer.Option("--item", help="The review item this settles (closes it)")]
ValidFrom = Annotated[str | None, typer.Option("--valid-from", help="From which date the correction holds "
                                                                        "(default: from when the fact itself held)")]

COLUMNS_SHOWN = {
    "plan_item": ("title", "timing_text", "starts_on", "ends_on", "timing_precision", "status", "source"),
    "budget_line": ("title", "amount_usd", "printed_amount_usd", "source"),
    "decision": ("status", "adopted_symbol", "adopted_on", "source"),
}


def register(app: typer.Typer, *, home_of, out, err, user_error, run_ingestion, jsonable) -> None:
    """Add the review commands to the `circulars` app (kept here so cli.py stays a table of contents)."""
    from circulars.db import connect

    review_app = typer.Typer(help="What needs a person: statements not read, failing rows, ambiguous links, "
                                  "quarantined files.", invoke_without_command=True, no_args_is_help=False)
    correct_app = typer.Typer(help="Correct a fact the reader got wrong (recorded as an event; --reason required).",
                              no_args_is_help=True)
    app.add_typer(review_app, name="review")
    app.add_typer(correct_app, name="correct")


    def _database(home):
        data_home = home_of(home)
        if not data_home.database.exists():
            raise user_error(f"no database at {data_home.database}: run `circulars ingest` first")
        return data_home

    @review_app.callback()
    def review_list(
        ctx: typer.Context,
        kind: Annotated[str | None, typer.Option("--kind", help="statement_not_read | ambiguous_link | "
                                                                   "check_failure | quarantined_file")] = None,
        circular: Annotated[str | None, typer.Option("--circular", help="Only items of this circular or document symbol")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the items as JSON")] = False,
        home: Home = None,
    ) -> None:
        """List the open review items (each with an id to settle it by)."""
        if ctx.invoked_subcommand is not None:
            return
        data_home = _database(home)
        with connect(data_home.database, read_only=True, on_wait=lambda m: err.print(m)) as con:
            items = review.open_items(con, kind=kind, circular=circular)
        if as_json:
            print(json.dumps([jsonable(i) for i in items], ensure_ascii=False, indent=2))
            return
        if not items:
            out.print("Nothing needs review.")
            return
        table = Table(title=f"Needs review: {len(items)}", show_lines=False)
        for column in ("id", "kind", "circular", "page", "what"):
            table.add_column(column, overflow="fold")
        for item in items:
            what = f"{item['text'][:160]}" + (f" — {item['detail']}" if item.get("detail") else "")
            table.add_row(item["id"], item["kind"], item.get("circular_symbol") or (item.get("circular_sha256") or "")[:12],
                          str(item.get("page") or ""), escape(what))
        out.print(table)
        out.print("circulars review show ID   shows one; settle it with circulars correct ... --item ID, or circulars dismiss ID")

    @review_app.command("show")
    def review_show(item_id: Annotated[str, typer.Argument(help="A review item's id")], home: Home = None) -> None:
        """One review item with its source text and page, and what would settle it."""
        data_home = _database(home)
        with connect(data_home.database, read_only=True, on_wait=lambda m: err.print(m)) as con:
            item = review.open_item(con, item_id)
            if item is None:
                raise user_error(f"no open review item {item_id}")
            where = review.source_lines(con, item)
        out.print(f"[bold]{item_id}[/] {item['kind']} ({item.get('why') or ''})")
        for line in where:
            out.print(f"  {escape(line)}")
        out.print(f"  text: {escape(item['text'])}")
        if item.get("detail"):
            out.print(f"  why:  {escape(item['detail'])}")
        if item.get("candidates"):
            out.print(f"  candidates: {', '.join(item['candidates'])}")
        out.print(f"  settle: {escape(item['settle'])}")

    def _record(home, build) -> None:
        """Build the event against the current tables, append it, refresh the tables, print before and after."""
        data_home = _database(home)
        now = datetime.now(UTC)
        with connect(data_home.database, on_wait=lambda m: err.print(m)) as con:
            try:
                recorded = build(con, now)
            except review.ReviewError as error:
                raise user_error(str(error)) from error
            event_id = review.append(con, recorded, now=now, mirror=data_home.log_mirror)
        result = run_ingestion(data_home)
        out.print(f"recorded {recorded.pending.event.event_type} {event_id} ({recorded.describe}) "
                  f"by {recorded.pending.event.by}: {escape(recorded.pending.event.reason)}")
        if not result.success:
            err.print("[red]the tables could not be refreshed[/]: the event is in the log; run `circulars ingest`")
            raise typer.Exit(1)
        _print_change(data_home, recorded)

    def _print_change(data_home, recorded) -> None:
        event = recorded.pending.event
        if not isinstance(event, FactCorrected) or recorded.before is None:
            return
        with connect(data_home.database, read_only=True) as con:
            if event.entity == "plan_item":
                after = review._row(con, "SELECT * FROM plan_items WHERE plan_year = ? AND item_no = ? LIMIT 1",
                                    [event.plan_year, event.item_no])
            elif event.entity == "budget_line":
                after = review._row(con, "SELECT * FROM budget_lines WHERE budget_year = ? AND position = ?",
                                    [event.budget_year, recorded.before["position"]])
            else:
                after = review._row(con, "SELECT * FROM decisions WHERE decision_id = ?", [recorded.before["decision_id"]])
        for column in COLUMNS_SHOWN[event.entity]:
            old, new = recorded.before.get(column), (after or {}).get(column)
            if old != new:
                out.print(f"  {column}: {old} → {new}")

    def _date(text: str | None) -> date | None:
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise user_error(f"--valid-from takes a date such as 2024-03-01, not {text!r}") from error

    @correct_app.command("plan")
    def correct_plan(
        year: Annotated[int, typer.Argument(help="The plan's year")],
        item: Annotated[int, typer.Argument(help="The item's number")],
        reason: Reason,
        timing: Annotated[str | None, typer.Option("--timing", help="The timing as it should read")] = None,
        title: Annotated[str | None, typer.Option("--title", help="The title as it should read")] = None,
        status: Annotated[str | None, typer.Option("--status", help="planned | rescheduled | amended | corrected | cancelled")] = None,
        by: By = None, item_id: Item = None, valid_from: ValidFrom = None, home: Home = None,
    ) -> None:
        """Correct a plan item's timing, title or status."""
        def build(con, now):
            review.check_review_item(con, item_id)
            return review.correct_plan(con, year, item, timing=timing, title=title, status=status, reason=reason,
                                       by=by or review.default_person(), review_item=item_id,
                                       valid_from=_date(valid_from), now=now)
        _record(home, build)

    @correct_app.command("budget")
    def correct_budget(
        year: Annotated[int, typer.Argument(help="The budget's year")],
        line: Annotated[str, typer.Argument(help="The line's number, or total / grand_total")],
        amount: Annotated[int, typer.Option("--amount", help="The amount as it should read (US dollars)")],
        reason: Reason,
        by: By = None, item_id: Item = None, valid_from: ValidFrom = None, home: Home = None,
    ) -> None:
        """Correct a budget line's amount."""
        def build(con, now):
            review.check_review_item(con, item_id)
            return review.correct_budget(con, year, line, amount=amount, reason=reason, by=by or review.default_person(),
                                         review_item=item_id, valid_from=_date(valid_from), now=now)
        _record(home, build)

    @correct_app.command("decision")
    def correct_decision(
        symbol: Annotated[str, typer.Argument(help="The decision's symbol, e.g. SOC/2023-III/DRAFT/3")],
        reason: Reason,
        status: Annotated[str | None, typer.Option("--status", help="The status it should have")] = None,
        adopted_as: Annotated[str | None, typer.Option("--adopted-as", help="The symbol the draft was adopted as")] = None,
        by: By = None, item_id: Item = None, valid_from: ValidFrom = None, home: Home = None,
    ) -> None:
        """Correct a decision's status or the symbol it was adopted as."""
        def build(con, now):
            review.check_review_item(con, item_id)
            return review.correct_decision(con, symbol, status=status, adopted_as=adopted_as, reason=reason,
                                           by=by or review.default_person(), review_item=item_id,
                                           valid_from=_date(valid_from), now=now)
        _record(home, build)

    @app.command("dismiss")
    def dismiss(
        item_id: Annotated[str, typer.Argument(help="The review item's id")],
        reason: Reason, by: By = None, home: Home = None,
    ) -> None:
        """Settle a review item without a correction (e.g. "misprint in the original, kept as printed")."""
        _record(home, lambda con, now: review.dismiss(con, item_id, reason=reason, by=by or review.default_person(), now=now))

    @app.command("revert")
    def revert(
        event_id: Annotated[str, typer.Argument(help="The correction's or dismissal's event id")],
        reason: Reason, by: By = None, home: Home = None,
    ) -> None:
        """Undo a correction or a dismissal by a new event (nothing is ever deleted)."""
        _record(home, lambda con, now: review.revert(con, event_id, reason=reason, by=by or review.default_person(), now=now))
