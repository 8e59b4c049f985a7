"""Fuzzing the reader: damaged PDFs and texts either parse or are quarantined with a known reason.

Hypothesis mutates the real fixture PDFs (truncate, flip bytes, overwrite a run, splice two
files) and texts (cut, flip, re-encode, insert control characters). `read_job` must return
an outcome — parsed, or quarantined with one of the ReadError codes — never raise, and
never run past its time limit (the alarm turns a runaway parse into `timeout`).
"""

from __future__ import annotations

import hashlib
import time
import typing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulars.reading.errors import ReasonCode
from circulars.readpool import ReadJob, ReadOutcome, read_job
from tests.conftest import PDFS, TEXTS

REASON_CODES = set(typing.get_args(ReasonCode))
PDF_SOURCES = sorted(PDFS.glob("0[0-1]*.pdf"))  # the seed and silence circulars: 2-4 pages each
TEXT_SOURCES = sorted(TEXTS.glob("*.txt"))
TIME_LIMIT = 8.0

FUZZ_SETTINGS = settings(
    max_examples=40,
    deadline=None,  # each example is bounded by the reader's own time limit, asserted below
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    derandomize=True,
)


def _truncate(data: bytes, draw) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def _flip(data: bytes, draw) -> bytes:
    mutable = bytearray(data)
    for _ in range(draw(st.integers(1, 40))):
        index = draw(st.integers(0, len(mutable) - 1))
        mutable[index] ^= draw(st.integers(1, 255))
    return bytes(mutable)


def _overwrite(data: bytes, draw) -> bytes:
    start = draw(st.integers(0, len(data) - 1))
    junk = draw(st.binary(min_size=1, max_size=512))
    return data[:start] + junk + data[start + len(junk):]


def _splice(data: bytes, other: bytes, draw) -> bytes:
    return data[: draw(st.integers(0, len(data)))] + other[draw(st.integers(0, len(other))):]


@st.composite
def damaged_pdfs(draw) -> bytes:
    data = draw(st.sampled_from(PDF_SOURCES)).read_bytes()
    kind = draw(st.sampled_from(["truncate", "flip", "overwrite", "splice", "flip+truncate"]))
    if kind == "truncate":
        return _truncate(data, draw)
    if kind == "flip":
        return _flip(data, draw)
    if kind == "overwrite":
        return _overwrite(data, draw)
    if kind == "splice":
        return _splice(data, draw(st.sampled_from(PDF_SOURCES + TEXT_SOURCES)).read_bytes(), draw)
    return _truncate(_flip(data, draw), draw)


@st.composite
def damaged_texts(draw) -> tuple[bytes, str]:
    text = draw(st.sampled_from(TEXT_SOURCES)).read_text(encoding="utf-8")
    kind = draw(st.sampled_from(["cut", "flip", "encoding", "controls", "splice", "unicode"]))
    data = text.encode("utf-8")
    if kind == "cut":
        data = _truncate(data, draw)
    elif kind == "flip":
        data = _flip(data, draw)
    elif kind == "encoding":
        data = text.encode(draw(st.sampled_from(["utf-16", "utf-16-le", "cp1251", "kz1048", "latin-1"])), "replace")
    elif kind == "controls":
        at = draw(st.integers(0, len(text)))
        data = (text[:at] + draw(st.text(st.characters(max_codepoint=0x20), min_size=1, max_size=200)) + text[at:]).encode()
    elif kind == "splice":
        data = _splice(data, draw(st.sampled_from(TEXT_SOURCES + PDF_SOURCES)).read_bytes(), draw)
    else:
        at = draw(st.integers(0, len(text)))
        data = (text[:at] + draw(st.text(min_size=1, max_size=300)) + text[at:]).encode("utf-8", "surrogatepass")
    name = draw(st.sampled_from(["circular.txt", "circular.md", "circular", "circular.pdf"]))
    return data, name


def _read(tmp_path: Path, data: bytes, name: str) -> ReadOutcome:
    path = tmp_path / "fuzzed"
    path.write_bytes(data)
    job = ReadJob(hashlib.sha256(data).hexdigest(), name, str(path), time_limit=TIME_LIMIT)
    started = time.monotonic()
    outcome = read_job(job)
    assert time.monotonic() - started < TIME_LIMIT + 2, "the reading outran its time limit"
    return outcome


def _assert_outcome(outcome: ReadOutcome) -> None:
    assert outcome.status in ("parsed", "quarantined")
    if outcome.status == "quarantined":
        assert outcome.reason_code in REASON_CODES
        assert outcome.reason
        # A reader bug would show here as `unreadable: reader failed: <exception>`: that is a finding.
        assert not (outcome.reason or "").startswith("reader failed"), outcome.reason
        assert [e["event_type"] for e in outcome.events] == ["CircularQuarantined"]
    else:
        assert outcome.events and outcome.events[0]["event_type"] == "CircularIdentified"


@FUZZ_SETTINGS
@given(data=damaged_pdfs())
def test_damaged_pdfs_parse_or_are_quarantined(tmp_path_factory, data):
    _assert_outcome(_read(tmp_path_factory.mktemp("pdf"), data, "fuzzed.pdf"))


@FUZZ_SETTINGS
@given(case=damaged_texts())
def test_damaged_texts_parse_or_are_quarantined(tmp_path_factory, case):
    data, name = case
    _assert_outcome(_read(tmp_path_factory.mktemp("text"), data, name))
