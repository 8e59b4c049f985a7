"""Concurrency: ingestions at once into one home never corrupt the log or lose a file.

DuckDB admits one writing process; `circulars.db.connect` waits for the lock (saying so)
instead of failing. Two `circulars ingest` commands started together both complete;
several processes appending at once each get the lock in turn; two processes taking the
same inbox store each file once; `circulars sql` waits while a writer holds the file.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from circulars import ingest, intake
from circulars.db import connect
from circulars.home import resolve_home
from circulars.store import ContentStore
from pipelines.instance import prepare
from tests.conftest import BAD, SEED_TEXT, TEXTS
from tests.processes import (
    CIRCULARS,
    DRIVER,
    EXPECTED_STATUS,
    PYTHON,
    REPO,
    assert_batch_complete_exactly_once,
    leftovers,
    sha_of,
    subprocess_env,
)

pytestmark = pytest.mark.slow  # real subprocesses, killed and run again

# Names no file should be stored, recorded or looked up under as they are.
HOSTILE_NAMES = {
    TEXTS / "010_silence_concluded_DOC-1503.txt": "\u202etxt.exe\u202c 010;'--$(id).txt",
    TEXTS / "020_plan_amendment_DOC-1532.txt": "line\nbreak\tand\x1bescape.txt",
    BAD / "not_a_circular.pdf": "ж" * 120 + ".pdf",  # 244 bytes: as long as a file system allows, with room
    BAD / "empty.pdf": "..hidden..pdf",
}


def test_two_cli_ingestions_at_once_both_complete(tmp_path):
    home = prepare(resolve_home(tmp_path / "home"))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for source in (SEED_TEXT, TEXTS / "005_silence_opened_DOC-1510.txt"):
        (first / source.name).write_bytes(source.read_bytes())
    for source, name in HOSTILE_NAMES.items():
        (second / name).write_bytes(source.read_bytes())
    outside_before = sorted(p.name for p in tmp_path.iterdir())
    env = subprocess_env(home)
    # A folder (its hidden files are skipped), and files named one by one (a leading dot included).
    arguments = [[str(first)], [str(p) for p in sorted(second.iterdir())]]
    runs = [
        subprocess.Popen([CIRCULARS, "ingest", *paths, "--json"], env=env, cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for paths in arguments
    ]
    results = [(run.communicate(timeout=400), run.returncode) for run in runs]
    for (stdout, stderr), code in results:
        assert code == 0, stderr[-3000:]
        assert json.loads(stdout)["success"] is True

    sources = [SEED_TEXT, TEXTS / "005_silence_opened_DOC-1510.txt", *HOSTILE_NAMES]
    with connect(home.database, read_only=True) as con:
        names = dict(con.execute("SELECT sha256, file_names FROM circulars").fetchall())
        statuses = dict(con.execute("SELECT sha256, reason_code FROM circulars").fetchall())
    # Every file recorded once, under a name that is one plain file name.
    for source, hostile in HOSTILE_NAMES.items():
        (recorded,) = names[sha_of(source)]
        assert recorded == intake.safe_file_name(hostile)
        assert "/" not in recorded and not recorded.startswith(".") and recorded.isprintable()
        assert len(recorded.encode("utf-8")) <= intake.MAX_NAME_BYTES
    assert names[sha_of(TEXTS / "010_silence_concluded_DOC-1503.txt")] == ["_txt.exe_ 010;'--$(id).txt"]
    assert names[sha_of(BAD / "empty.pdf")] == ["hidden..pdf"]
    assert statuses[sha_of(BAD / "empty.pdf")] == "empty_file"
    assert statuses[sha_of(BAD / "not_a_circular.pdf")] == "not_a_circular"
    # Nothing was written beside the home, nothing left in it half-done.
    assert sorted(p.name for p in tmp_path.iterdir()) == outside_before
    assert leftovers(home) == []
    store = ContentStore(home.store)
    assert store.all_sha256s() == {sha_of(s) for s in sources}
    with connect(home.database, read_only=True) as con:
        received = con.execute(
            "SELECT circular_sha256, count(*) FROM events WHERE event_type = 'CircularReceived' GROUP BY 1"
        ).fetchall()
        seqs = [r[0] for r in con.execute("SELECT seq FROM events ORDER BY seq").fetchall()]
    assert dict(received) == {sha_of(s): 1 for s in sources}
    assert seqs == list(range(1, len(seqs) + 1))
    verified = subprocess.run([CIRCULARS, "verify"], env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stdout


def test_several_processes_appending_at_once_take_turns(tmp_path):
    """Three ingestions of different files into one home, at once: each waits for the lock in turn."""
    home = prepare(resolve_home(tmp_path / "home"))
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = subprocess_env(home)
    batches = [
        [SEED_TEXT, BAD / "truncated.pdf"],
        [TEXTS / "005_silence_opened_DOC-1510.txt", TEXTS / "011_silence_broken_DOC-1519.txt"],
        [TEXTS / "010_silence_concluded_DOC-1503.txt", BAD / "html_named.pdf"],
    ]
    runs = []
    for batch in batches:
        # Each process's files are dropped into the shared inbox as it starts: they race for them.
        for source in batch:
            (home.inbox / source.name).write_bytes(source.read_bytes())
        runs.append(subprocess.Popen([PYTHON, str(driver), str(home.root)], env=env, cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for run in runs:
        stdout, stderr = run.communicate(timeout=180)
        assert run.returncode == 0, stderr[-3000:]
    expected = {**EXPECTED_STATUS, "truncated.pdf": ("quarantined", "truncated_pdf")}
    assert_batch_complete_exactly_once(home, [s for batch in batches for s in batch], expected)


TAKER = r'''
import sys, time
from pathlib import Path
from circulars import intake
from circulars.home import resolve_home

home = resolve_home(sys.argv[1])
start = Path(sys.argv[2])
while not start.exists():
    time.sleep(0.001)
print(len(intake.take(home)))
'''


def test_two_processes_taking_the_same_inbox_store_each_file_once(tmp_path):
    home = prepare(resolve_home(tmp_path / "home"))
    contents = {f"note-{i:02d}.txt": f"circular {i}\n".encode() * (i + 1) for i in range(40)}
    for name, data in contents.items():
        (home.inbox / name).write_bytes(data)
    start = tmp_path / "go"
    env = subprocess_env(home)
    takers = [subprocess.Popen([PYTHON, "-c", TAKER, str(home.root), str(start)], env=env, cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(1.5)  # both imported and waiting
    start.touch()
    taken = []
    for taker in takers:
        stdout, stderr = taker.communicate(timeout=60)
        assert taker.returncode == 0, stderr
        taken.append(int(stdout))
    assert len(contents) <= sum(taken) <= 2 * len(contents)
    shas = {hashlib.sha256(d).hexdigest() for d in contents.values()}
    assert ContentStore(home.store).all_sha256s() == shas
    assert list(home.inbox.iterdir()) == []
    assert list(home.store.glob("*/.*")) == []
    summary = ingest.append_to_log(home)
    assert sorted(summary.new) == sorted(shas)
    with connect(home.database, read_only=True) as con:
        received = con.execute("SELECT count(*), count(DISTINCT circular_sha256) FROM events "
                               "WHERE event_type = 'CircularReceived'").fetchone()
    assert received == (len(shas), len(shas))


def test_a_file_gone_between_listing_and_reading_is_skipped(home):
    for name in ("a.txt", "b.txt", "c.txt"):
        (home.inbox / name).write_text(f"content of {name}")
    listed = intake.inbox_files(home)
    listed[1].unlink()  # another process took it
    (home.inbox / "dir.txt").mkdir()
    arrivals = intake.take(home, listed + [home.inbox / "dir.txt", home.inbox / "never-there.txt"])
    assert sorted(a.file_name for a in arrivals) == ["a.txt", "c.txt"]
    assert len(intake.journaled(home)) == 2


def test_a_journal_entry_consumed_while_listing_is_skipped(home, monkeypatch):
    (home.inbox / "a.txt").write_text("a")
    (home.inbox / "b.txt").write_text("b")
    intake.take(home)
    paths = sorted(home.arrivals.glob("*.json"))
    real_glob = Path.glob

    def glob_then_vanish(self, pattern):
        found = list(real_glob(self, pattern))
        if self == home.arrivals and found:
            found[0].unlink()  # consumed by another writer between listing and reading
        return found

    monkeypatch.setattr(Path, "glob", glob_then_vanish)
    assert len(intake.journaled(home)) == 1
    assert len(paths) == 2


def test_sql_waits_while_an_ingestion_writes(tmp_path):
    home = prepare(resolve_home(tmp_path / "home"))
    writer = duckdb.connect(str(home.database))
    writer.execute("CREATE TABLE events (seq BIGINT)")
    writer.execute("INSERT INTO events VALUES (1), (2)")
    errors = tmp_path / "sql.err"
    with open(errors, "w") as err:
        query = subprocess.Popen([CIRCULARS, "sql", "SELECT count(*) AS n FROM events", "-f", "csv"],
                                 env=subprocess_env(home), cwd=REPO, stdout=subprocess.PIPE, stderr=err, text=True)
        deadline = time.monotonic() + 60
        while "waiting" not in errors.read_text():
            assert query.poll() is None, "sql did not wait for the writer"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        assert query.poll() is None
        writer.close()
        stdout, _ = query.communicate(timeout=60)
    assert query.returncode == 0
    assert stdout.split() == ["n", "2"]
    assert "held by another process" in errors.read_text()
