"""Bad input: every bad file is quarantined with its reason, kept byte for byte, and sinks nothing else.

One batch holds every file of tests/fixtures/bad/ beside the seed circular; each case
asserts the row in `circulars` (status, reason_code, reason), the CircularQuarantined
event in the log, the stored bytes, and that the seed in the same batch was read in
full (its plan items, as the fixtures state them). Faults of the reading process itself
(a reader that hangs, ignores the alarm, exhausts memory or dies) are injected by
monkeypatching the reader in this process: workers are forked, so they inherit it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from circulars import ingest, projections, readpool
from circulars.db import connect
from circulars.home import Home, resolve_home
from circulars.integrity import verify_log, verify_store
from circulars.reading import read_circular
from circulars.reading.errors import ReadError
from circulars.reading.text import decode_text
from circulars.store import ContentStore
from pipelines.instance import prepare
from tests.conftest import BAD, PDFS, SEED_TEXT, TEXTS
from tests.fixtures.expected import BAD_FILES, FIXTURES, OWNER_ONLY_SAME_AS, SEED_PLAN_ITEMS
from tests.processes import sha_of

pytestmark = pytest.mark.slow  # ingests a batch of bad files through the job; kills reading workers

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def ingest_core(home: Home, *, workers: int = 2, time_limit: float = 60.0, memory_limit: int = readpool.DEFAULT_MEMORY_LIMIT):
    """The ingestion job's steps without Dagster: take, read (worker processes), append, project."""
    ingest.take_inbox(home)
    ingest.read_pending(home, workers=workers, time_limit=time_limit, memory_limit=memory_limit)
    summary = ingest.append_to_log(home)
    with connect(home.database) as con:
        projections.update_history(con)
        for table in projections.CURRENT_TABLES:
            projections.rebuild_current(con, table, NOW)
    return summary


def drop(home: Home, *sources: Path, names: list[str] | None = None) -> None:
    for index, source in enumerate(sources):
        shutil.copyfile(source, home.inbox / (names[index] if names else source.name))


def circular_row(home: Home, sha: str) -> dict:
    with connect(home.database, read_only=True) as con:
        cursor = con.execute("SELECT * FROM circulars WHERE sha256 = ?", [sha])
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1, f"{sha[:12]}: {len(rows)} rows in circulars"
    return dict(zip(columns, rows[0]))


def events_of(home: Home, sha: str, event_type: str | None = None) -> list[tuple[int, str, dict]]:
    with connect(home.database, read_only=True) as con:
        rows = con.execute(
            "SELECT seq, event_type, payload FROM events WHERE circular_sha256 = ? ORDER BY seq", [sha]
        ).fetchall()
    return [(seq, kind, json.loads(payload)) for seq, kind, payload in rows if event_type in (None, kind)]


def assert_seed_read_in_full(home: Home) -> None:
    """The seed's 2024 plan, item for item, as the fixtures state it."""
    sha = sha_of(SEED_TEXT)
    row = circular_row(home, sha)
    assert (row["status"], row["symbol"], row["reason"]) == ("parsed", "DOC/1497", None)
    with connect(home.database, read_only=True) as con:
        items = con.execute(
            "SELECT item_no, title, starts_on, ends_on, timing_precision FROM plan_items "
            "WHERE circular_sha256 = ? AND plan_year = 2024 ORDER BY item_no",
            [sha],
        ).fetchall()
    expected = [(i["item_no"], i["title"], i["starts_on"], i["ends_on"], i["precision"]) for i in SEED_PLAN_ITEMS]
    assert items == expected


def assert_stored_verbatim(home: Home, source: Path) -> None:
    sha = sha_of(source)
    assert ContentStore(home.store).path_for(sha).read_bytes() == source.read_bytes()


# --- one batch: every bad fixture beside the seed --------------------------------------------


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory):
    home = prepare(resolve_home(tmp_path_factory.mktemp("bad") / "home"))
    drop(home, SEED_TEXT, *(BAD / name for name in BAD_FILES))
    summary = ingest_core(home)
    return home, summary


@pytest.mark.parametrize("name", [n for n, code in BAD_FILES.items() if code])
def test_bad_file_is_quarantined_with_its_reason(bad_batch, name):
    home, summary = bad_batch
    code = BAD_FILES[name]
    source = BAD / name
    sha = sha_of(source)
    row = circular_row(home, sha)
    assert row["status"] == "quarantined"
    assert row["reason_code"] == code
    assert row["reason"].startswith(f"{code}: ") and len(row["reason"]) > len(code) + 10
    assert row["file_names"] == [name]
    quarantined = events_of(home, sha, "CircularQuarantined")
    assert len(quarantined) == 1
    payload = quarantined[0][2]
    assert payload["reason_code"] == code
    assert payload["reader_version"] == readpool.READER_VERSION
    assert (sha, code) in {(s, c) for s, c, _ in summary.quarantined}
    # Nothing else was derived from a file that could not be read.
    assert [kind for _, kind, _ in events_of(home, sha)] == ["CircularReceived", "CircularQuarantined"]
    assert_stored_verbatim(home, source)


def test_owner_password_pdf_reads_like_any_other(bad_batch):
    home, _ = bad_batch
    sha = sha_of(BAD / "owner_only.pdf")
    row = circular_row(home, sha)
    facts = FIXTURES[OWNER_ONLY_SAME_AS]
    assert (row["status"], row["reason_code"]) == ("parsed", None)
    assert (row["symbol"], row["issued_on"], row["place"]) == (facts["symbol"], facts["issued_on"], facts["place"])
    concluded = [p["draft_symbol"] for _, _, p in events_of(home, sha, "SilenceProcedureConcluded")]
    assert sorted(concluded) == sorted(c["draft_symbol"] for c in facts["silence_concluded"])
    assert_stored_verbatim(home, BAD / "owner_only.pdf")


def test_the_rest_of_the_bad_batch_is_unaffected(bad_batch):
    home, summary = bad_batch
    assert_seed_read_in_full(home)
    assert_stored_verbatim(home, SEED_TEXT)
    assert len(summary.new) == 1 + len(BAD_FILES)
    assert sorted(summary.parsed) == sorted([sha_of(SEED_TEXT), sha_of(BAD / "owner_only.pdf")])
    with connect(home.database, read_only=True) as con:
        assert verify_log(con).ok and verify_store(con, ContentStore(home.store)).ok
    assert not list(home.arrivals.iterdir()) and not list(home.readings.iterdir()) and not list(home.inbox.iterdir())


# --- legacy Kazakh code page ------------------------------------------------------------------
#
# KZ-1048 is cp1251 with sixteen Serbian/Macedonian/Ukrainian letters swapped for the Kazakh
# ones (0x8D Ќ→Қ, 0xBC ј→ә, ...). What is detectable: a circular in EN/RU/KK never uses those
# sixteen letters, so text that shows them after a cp1251 decoding is KZ-1048 (or mojibake).

KZ_ONLY_LETTERS = "ҚқҺһҰұӘәӨөҒғҮүҢң"
MOJIBAKE_LETTERS = "ЌќЋћЎўЈјҐґЄєЇїЅѕ"  # the same bytes, read as cp1251


def test_kz1048_letters_are_the_cp1251_mojibake_of_kazakh():
    assert KZ_ONLY_LETTERS.encode("kz1048").decode("cp1251") == MOJIBAKE_LETTERS
    assert not set(MOJIBAKE_LETTERS) & set("".join(p.read_text(encoding="utf-8") for p in TEXTS.glob("*.txt")))


def test_kz1048_circular_mostly_in_english_is_quarantined_as_garbled_and_kept(home):
    """A whole circular saved in KZ-1048: its bytes are neither UTF-8 nor Cyrillic-majority cp1251."""
    text = (TEXTS / "005_silence_opened_DOC-1510.txt").read_text(encoding="utf-8")
    legacy = home.root.parent / "005_kz1048.txt"
    legacy.write_bytes(text.encode("kz1048"))
    drop(home, legacy, SEED_TEXT)
    ingest_core(home)
    row = circular_row(home, sha_of(legacy))
    assert (row["status"], row["reason_code"]) == ("quarantined", "garbled_text")
    (event,) = events_of(home, sha_of(legacy), "CircularQuarantined")
    assert event[2]["reason_code"] == "garbled_text"
    assert_stored_verbatim(home, legacy)
    assert_seed_read_in_full(home)


def test_kazakh_text_in_kz1048_is_never_recorded_as_mojibake():
    text = (TEXTS / "005_silence_opened_DOC-1510.txt").read_text(encoding="utf-8")
    kazakh = "\n".join(line for line in text.splitlines() if any(c in KZ_ONLY_LETTERS for c in line))
    assert "Қосымша" in kazakh
    try:
        decoded = decode_text(kazakh.encode("kz1048"))
    except ReadError as error:
        assert error.code == "garbled_text"
        return
    assert not set(decoded) & set(MOJIBAKE_LETTERS), decoded[:80]
    assert decoded == kazakh


# --- faults of the reading process ------------------------------------------------------------


def _reader_with_fault(fault_name: str, fault):
    """The real reader, except for the file called `fault_name`."""

    def reader(data, *, file_name, sha256, reading_id):
        if file_name == fault_name:
            fault()
        return read_circular(data, file_name=file_name, sha256=sha256, reading_id=reading_id)

    return reader


def _hang():
    time.sleep(120)


def _hang_deaf_to_the_alarm():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(120)


def _exhaust_memory():
    hoard = []
    while True:
        hoard.append(bytearray(64 * 2**20))


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize(
    ("fault", "code", "reason_part"),
    [
        (_hang, "timeout", "longer than 1 s"),
        (_hang_deaf_to_the_alarm, "timeout", "longer than 1 s"),
        (_exhaust_memory, "out_of_memory", "more than 256 MiB"),
        (_die, "unreadable", "process died"),
    ],
    ids=["hangs", "ignores-the-alarm", "exhausts-memory", "dies"],
)
def test_a_runaway_reading_is_quarantined_alone(home, monkeypatch, fault, code, reason_part):
    victim = home.root.parent / "victim.pdf"
    victim.write_bytes((PDFS / "000_seed_DOC-1497.a4serif.pdf").read_bytes() + b"\n% another file\n")
    monkeypatch.setattr(readpool, "read_circular", _reader_with_fault("victim.pdf", fault))
    drop(home, victim, SEED_TEXT, TEXTS / "005_silence_opened_DOC-1510.txt")
    started = time.monotonic()
    ingest_core(home, workers=2, time_limit=1.0, memory_limit=256 * 2**20)
    assert time.monotonic() - started < 45
    row = circular_row(home, sha_of(victim))
    assert (row["status"], row["reason_code"]) == ("quarantined", code)
    assert reason_part in row["reason"]
    (event,) = events_of(home, sha_of(victim), "CircularQuarantined")
    assert event[2]["reason_code"] == code
    assert_stored_verbatim(home, victim)
    assert_seed_read_in_full(home)
    assert circular_row(home, sha_of(TEXTS / "005_silence_opened_DOC-1510.txt"))["symbol"] == "DOC/1510"


def test_reading_in_a_thread_without_signals_still_returns(home, tmp_path):
    """The alarm works only in the main thread; read_job elsewhere must not fail on signal set-up."""
    import threading

    source = TEXTS / "005_silence_opened_DOC-1510.txt"
    job = readpool.ReadJob(sha_of(source), source.name, str(source), time_limit=5)
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("outcome", readpool.read_job(job)))
    thread.start()
    thread.join(30)
    assert result["outcome"].status == "parsed"


# --- re-reading a quarantined circular after the reader improves ------------------------------


def test_rereading_after_a_reader_upgrade_keeps_the_first_record(home, monkeypatch):
    source = TEXTS / "005_silence_opened_DOC-1510.txt"
    sha = sha_of(source)

    def reader_v1(data, *, file_name, sha256, reading_id):
        raise ReadError("garbled_text", "reader 1 could not make sense of this layout", file_name=file_name)

    monkeypatch.setattr(readpool, "read_circular", reader_v1)
    drop(home, source)
    ingest_core(home, workers=1)
    first = circular_row(home, sha)
    old = readpool.READER_VERSION
    assert (first["status"], first["reason_code"], first["reader_version"]) == ("quarantined", "garbled_text", old)
    assert not ingest.work_waiting(home)

    # Reader 2: the version string is imported by name in several modules; patch it where used.
    import circulars.reading as reading_package

    new = f"{old}+next"
    for module in (reading_package, readpool, ingest):
        monkeypatch.setattr(module, "READER_VERSION", new)
    monkeypatch.setattr(readpool, "read_circular", read_circular)
    assert ingest.work_waiting(home)
    assert ingest.pending_reads(home) == [(sha, source.name)]
    ingest_core(home, workers=1)

    readings = [(kind, p["reader_version"], p.get("reason_code")) for _, kind, p in events_of(home, sha)
                if kind in ("CircularQuarantined", "CircularIdentified")]
    assert readings == [("CircularQuarantined", old, "garbled_text"), ("CircularIdentified", new, None)]
    assert len(events_of(home, sha, "CircularReceived")) == 1
    latest = circular_row(home, sha)
    assert (latest["status"], latest["reason"], latest["reader_version"], latest["symbol"]) == ("parsed", None, new, "DOC/1510")
    with connect(home.database, read_only=True) as con:
        drafts = con.execute("SELECT symbol, status FROM decisions WHERE circular_sha256 = ?", [sha]).fetchall()
        assert verify_log(con).ok
    assert ("SOC/2024-I/DRAFT/1", "pending_silence") in drafts or ("SOC/2024-I/DRAFT/1", "presumed_adopted") in drafts
    # A third run with the same reader adds nothing.
    before = len(events_of(home, sha))
    ingest_core(home, workers=1)
    assert len(events_of(home, sha)) == before
    assert not ingest.work_waiting(home)
