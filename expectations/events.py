"""Checks of the append-only event log: numbering, identity, vocabulary and the hash chain.

Derived frames (GX validates them; pandas only lines values up): `events_seq_gapless`
(each seq's step from the previous one, since gaplessness is a relation between
consecutive rows), `events_hash_chain_linked` (each row's prev_hash beside the previous
row's hash) and `events_hashes_recompute` (the stored hash beside the hash recomputed by
the caller's `recompute_hash`, project code GX cannot run).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from expectations.checks import (
    Check,
    TableSuite,
    among_known,
    in_set,
    needs,
    not_null,
    present,
    sha256_format,
    short,
    show,
    unique,
)
from models.events import EVENT_TYPES

GENESIS_PREV_HASH = "0" * 64
"""prev_hash of the first event: there is nothing before it."""


def label(row: Mapping[str, Any]) -> str:
    return f"seq {show(row.get('seq'))}"


def _by_seq(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("seq", kind="stable", na_position="last").reset_index(drop=True)


def _seq_steps(frame: pd.DataFrame, _context: Mapping[str, Any]) -> pd.DataFrame:
    """One row per event in seq order: its seq, the seq before it (0 before the first) and the step."""
    ordered = _by_seq(frame[frame["seq"].notna()][["seq", "event_id"]])
    seq = ordered["seq"].astype("int64")
    previous = seq.shift(1, fill_value=0)
    return pd.DataFrame({"seq": seq, "event_id": ordered["event_id"], "previous_seq": previous, "step": seq - previous})


def _seq_finding(row: Mapping[str, Any], _column: str | None) -> str:
    seq, previous = int(row["seq"]), int(row["previous_seq"])
    if seq == previous:
        return f"seq {seq} occurs again"
    if seq < previous:
        return f"seq {seq} comes after seq {previous}"
    first_missing, last_missing = previous + 1, seq - 1
    gap = str(first_missing) if first_missing == last_missing else f"{first_missing}–{last_missing}"
    where = "log starts at" if previous == 0 else f"after seq {previous} comes"
    return f"{where} seq {seq}: seq {gap} missing"


def _chain(frame: pd.DataFrame, _context: Mapping[str, Any]) -> pd.DataFrame:
    """Each event in seq order beside the hash its prev_hash must repeat (64 zeros for the first)."""
    ordered = _by_seq(frame[["seq", "event_id", "prev_hash", "hash"]])
    expected = ordered["hash"].shift(1).astype(object)
    if len(expected):
        expected.iloc[0] = GENESIS_PREV_HASH
    return ordered.assign(previous_seq=ordered["seq"].shift(1).astype(object), expected_prev_hash=expected)


def _chain_finding(row: Mapping[str, Any], _column: str | None) -> str:
    before = "the genesis value (64 zeros)" if not present(row["previous_seq"]) else f"hash of seq {show(row['previous_seq'])}"
    return f"seq {show(row['seq'])}: prev_hash {short(row['prev_hash'])} ≠ {before} {short(row['expected_prev_hash'])}"


def _recomputed(frame: pd.DataFrame, context: Mapping[str, Any]) -> pd.DataFrame:
    """Each event beside the hash the caller's `recompute_hash(row)` gives for its stored values."""
    recompute: Callable[[dict], str] = context["recompute_hash"]
    rows = [{k: _python(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return pd.DataFrame(
        {
            "seq": frame["seq"],
            "event_id": frame["event_id"],
            "hash": frame["hash"],
            "recomputed_hash": pd.Series([recompute(row) for row in rows], index=frame.index, dtype=object),
        }
    )


def _python(value: Any) -> Any:
    """A cell as a plain Python value for project code (numpy scalars unwrapped, NaN/NaT → None)."""
    if isinstance(value, (list, dict, str)):
        return value
    if not present(value):
        return None
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return value.item()
    return value


SUITE = TableSuite(
    table="events",
    keys=("seq", "event_id"),
    context_keys=("recompute_hash", "stored_sha256s"),
    checks=(
        not_null(
            "events_required_values_present",
            ["seq", "event_id", "event_type", "stream_id", "stream_version", "circular_sha256",
             "valid_at", "recorded_at", "payload", "prev_hash", "hash"],
            label,
            why="an event without identity, time, provenance or hash cannot be replayed or verified",
        ),
        unique("events_seq_unique", ["seq"], label, why="seq orders the log; two events at one position make replay ambiguous"),
        Check(
            name="events_seq_gapless",
            severity="ERROR",
            description="seq runs 1, 2, 3, … without gaps or repeats: a gap means an event was lost or deleted from an append-only log",
            expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToBeInSet(column="step", value_set=[1])],
            columns=("seq", "event_id"),
            finding=_seq_finding,
            derive=_seq_steps,
            keys=("seq", "event_id", "previous_seq"),
            unit="events",
        ),
        unique("events_event_id_unique", ["event_id"], label, why="event_id makes appends idempotent; a repeat means a double append"),
        unique(
            "events_stream_version_unique",
            ["stream_id", "stream_version"],
            label,
            why="each stream's versions order its events; a repeat means two writers raced",
        ),
        in_set(
            "events_event_type_known",
            "event_type",
            EVENT_TYPES,
            label,
            why="only known event types can be rebuilt into typed events and projected",
        ),
        sha256_format("events_circular_sha256_format", "circular_sha256", label, why="it addresses the raw file in the store"),
        Check(
            name="events_hash_chain_linked",
            severity="ERROR",
            description="each event's prev_hash equals the hash of the event before it (64 zeros for seq 1): a break means the log was edited",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnPairValuesToBeEqual(column_A="prev_hash", column_B="expected_prev_hash", ignore_row_if="neither")
            ],
            columns=("seq", "event_id", "prev_hash", "hash"),
            finding=_chain_finding,
            derive=_chain,
            keys=("seq", "event_id", "prev_hash", "expected_prev_hash"),
            unit="events",
        ),
        Check(
            name="events_hashes_recompute",
            severity="ERROR",
            description="each event's hash equals the hash recomputed from its stored values: a mismatch means the row was altered after it was written",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnPairValuesToBeEqual(column_A="hash", column_B="recomputed_hash", ignore_row_if="neither")
            ],
            columns=("seq", "event_id", "event_type", "stream_id", "stream_version", "circular_sha256",
                     "valid_at", "recorded_at", "payload", "prev_hash", "hash"),
            finding=lambda row, _c: f"seq {show(row['seq'])}: stored hash {short(row['hash'])} ≠ recomputed {short(row['recomputed_hash'])}",
            derive=_recomputed,
            keys=("seq", "event_id", "hash", "recomputed_hash"),
            unit="events",
            skip_unless=needs("recompute_hash"),
        ),
        among_known(
            "events_circular_stored",
            "circular_sha256",
            "stored_sha256s",
            label,
            what="the files in the raw store",
            why="every event must lead back to the bytes it was read from; a missing file is data loss",
        ),
    ),
)
