"""Security: hostile file names stay inside the home, `circulars sql` cannot write or touch files,
document text reaches SQL only as bound parameters, the UI listens on 127.0.0.1 only.

(`circulars ingest` itself on hostile names, run as a command, is in
test_concurrency.py::test_two_cli_ingestions_at_once_both_complete.)
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from circulars import cli, ingest, projections
from circulars.db import connect
from circulars.intake import MAX_NAME_BYTES, safe_file_name
from circulars.integrity import verify_log
from pipelines.instance import prepare
from tests.conftest import SEED_TEXT, TEXTS

REPO = Path(__file__).resolve().parent.parent


# --- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "recorded"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/cron.d/evil.pdf", "evil.pdf"),
        ("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf"),
        ("..", "unnamed"),
        (".", "unnamed"),
        ("a/..", "unnamed"),
        (".bashrc", "bashrc"),
        ("  ..  ", "unnamed"),
        ("circular\x00.pdf", "circular_.pdf"),
        ("line\nbreak\r.txt", "line_break_.txt"),
        ("\x1b[31mred\x1b[0m.txt", "_[31mred_[0m.txt"),
        ("\u202egpj.exe", "_gpj.exe"),  # right-to-left override would show it as "exe.jpg"
        ("Cafe\u0301.pdf", "Café.pdf"),  # NFC
        ("№ DOC-1497 (рус).pdf", "№ DOC-1497 (рус).pdf"),
    ],
)
def test_safe_file_name(given, recorded):
    assert safe_file_name(given) == recorded


@pytest.mark.parametrize("stem", ["a" * 300, "ж" * 300, "🗎" * 300, "қазақша-" * 40])
def test_very_long_names_are_cut_to_200_bytes_keeping_the_extension(stem):
    name = safe_file_name(stem + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert stem.startswith(name[:-4])  # cut at a character boundary, never mid-letter
    assert len(safe_file_name(stem).encode("utf-8")) <= MAX_NAME_BYTES


def test_hostile_names_are_copied_into_the_inbox_only(home, tmp_path):
    """The CLI's copy step on names that exist on disk: everything lands in the inbox, nothing beside it."""
    source = tmp_path / "src"
    source.mkdir()
    names = ["..weird..txt", "ctl\x07\x1b.txt", "ж" * 120 + ".txt", "$(touch pwned).txt", " spaced .txt"]
    for index, name in enumerate(names):
        (source / name).write_text(f"file {index}")
    before = sorted(p.name for p in home.root.iterdir())
    copied = cli.copy_into_inbox(home, sorted(source.iterdir()))
    assert sorted(copied) == sorted(safe_file_name(n) for n in names)
    assert sorted(p.name for p in home.inbox.iterdir()) == sorted(copied)
    assert sorted(p.name for p in home.root.iterdir()) == before
    assert not (Path.cwd() / "pwned").exists()


# --- circulars sql is read-only and cannot reach files --------------------------------------


@pytest.fixture(scope="module")
def ingested_home(tmp_path_factory):
    from circulars.home import resolve_home

    home = prepare(resolve_home(tmp_path_factory.mktemp("sec") / "home"))
    shutil.copyfile(SEED_TEXT, home.inbox / SEED_TEXT.name)
    injected = TEXTS.joinpath("040_plan_2025_DOC-1601.txt").read_text(encoding="utf-8")
    title = "CICA Seminar on Cross-Border Digital Commerce"
    assert title in injected
    hostile = "Robert'); DROP TABLE events; -- seminar “quoted” $now $after"
    (home.inbox / "injected.txt").write_text(injected.replace(title, hostile, 1), encoding="utf-8")
    ingest.take_inbox(home)
    ingest.read_pending(home, workers=1)
    ingest.append_to_log(home)
    with connect(home.database) as con:
        projections.update_history(con)
        for table in projections.CURRENT_TABLES:
            projections.rebuild_current(con, table, datetime(2026, 1, 1, tzinfo=UTC))
    return home, hostile


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["circulars", *args])
    for console in (cli.out, cli.err):  # no wrapping: a path must read as one word
        monkeypatch.setattr(console, "width", 10_000)
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    captured = capsys.readouterr()
    return exit_.value.code or 0, captured.out, captured.err


def test_document_text_reaches_the_tables_verbatim_as_data(ingested_home):
    home, hostile = ingested_home
    with connect(home.database, read_only=True) as con:
        titles = [r[0] for r in con.execute("SELECT title FROM plan_items WHERE plan_year = 2025").fetchall()]
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        assert verify_log(con).ok
    assert hostile in titles
    assert events > 0


WRITES = [
    "INSERT INTO events (seq) VALUES (999999)",
    "UPDATE events SET payload = '{{}}' WHERE seq = 1",
    "DELETE FROM events",
    "CREATE TABLE evil AS SELECT 1",
    "DROP TABLE events",
    "SELECT 1; DELETE FROM events",
]
FILE_ACCESS = [
    "ATTACH '{out}/other.duckdb' AS other",
    "COPY events TO '{out}/stolen.csv'",
    "COPY (SELECT * FROM plan_items) TO '{out}/stolen.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{out}/dump'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('{home}/events.jsonl')",
    "SELECT * FROM glob('/etc/*')",
    "INSTALL httpfs",
    "SET enable_external_access = true",
    "SET profiling_output = '{out}/profile.json'",
]


@pytest.mark.parametrize("query", WRITES + FILE_ACCESS)
def test_sql_refuses_writes_and_file_access(ingested_home, monkeypatch, capsys, tmp_path, query):
    home, _ = ingested_home
    out = tmp_path / "out"
    out.mkdir()
    with connect(home.database, read_only=True) as con:
        events_before = con.execute("SELECT count(*), max(hash) FROM events").fetchone()
    code, stdout, stderr = run_cli(monkeypatch, capsys, "sql", query.format(out=out, home=home.root), "--home", str(home.root))
    assert code != 0
    message = " ".join(stderr.split())
    if query in WRITES:
        assert "refused: `circulars sql` is read-only" in message
    else:
        assert re.search(r"disabled by configuration|configuration has been locked|read-only mode", message), message
    assert list(out.iterdir()) == []
    with connect(home.database, read_only=True) as con:
        assert con.execute("SELECT count(*), max(hash) FROM events").fetchone() == events_before


def test_sql_still_answers_read_queries(ingested_home, monkeypatch, capsys):
    home, hostile = ingested_home
    code, stdout, _ = run_cli(
        monkeypatch, capsys, "sql", "SELECT title FROM plan_items WHERE title LIKE '%DROP TABLE%'", "-f", "json",
        "--home", str(home.root),
    )
    assert code == 0
    assert [row["title"] for row in __import__("json").loads(stdout)] == [hostile]


# --- no document value is ever formatted into SQL ------------------------------------------------

# Names that may be formatted into SQL text: table and column names from code constants,
# integers from the database itself. Anything else interpolated into SQL fails this test.
ALLOWED_IN_SQL = {
    "table", "COLUMNS", "PREVIEW_ROWS", "c", "_select_for", "_literal", "COPY_OPTIONS", "fmt", "replaced",
    "_quoted", "_STRS", "_P", "_P_NO_ID", "partial", "con", "str", "len",
    # circulars/db.insert_rows: quoted column names and "unnest(?)" placeholders, from code;
    # circulars/quality.rows_to_check: a CHANGED_SCOPE constant with "?" placeholders.
    "names", "unnests", "condition",
    # circulars/changes.py and circulars/previews.py: SQL fragments named `*_sql`, built from code constants
    # (FIELDS, the _SCOPE and _CHANGED templates with "?" placeholders, a table's own column names), and the
    # constants themselves; every value is bound as a parameter.
    "_TOUCHED", "CHANGE_COLUMNS", "STATE_COLUMNS", "states_sql", "bits_sql", "excluded_sql", "field_sql",
    "before_sql", "after_sql", "where_sql", "mode_sql", "kind_sql", "field_no_sql", "scope_table_sql",
    "delete_where_sql", "statement_sql", "columns_sql", "join_sql", "order_sql", "compared_sql",
}


def _interpolated_names(node: ast.JoinedStr) -> set[str]:
    names = set()
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            for inner in ast.walk(value.value):
                if isinstance(inner, ast.Name):
                    names.add(inner.id)
    return names


def test_no_document_text_is_formatted_into_sql():
    sql_word = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|COPY|DROP|FROM|WHERE)\b")
    offenders = []
    for folder in ("circulars", "assets", "pipelines", "expectations"):
        for path in (REPO / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.JoinedStr):
                    literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                    if sql_word.search(literal):
                        names = _interpolated_names(node) - ALLOWED_IN_SQL
                        if names:
                            offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {sorted(names)}")
                if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant)
                        and isinstance(node.left.value, str) and sql_word.search(node.left.value)):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: % formatting into SQL")
    assert offenders == []


# --- the UI listens on this machine only -----------------------------------------------------


def test_make_ui_binds_to_localhost():
    makefile = (REPO / "Makefile").read_text()
    recipe = re.search(r"^ui:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "no ui target"
    commands = recipe.group(1)
    assert re.search(r"\bdg dev\b.*(--host|-h) 127\.0\.0\.1\b", commands), commands
    assert "0.0.0.0" not in makefile


# --- tampering: `circulars verify` names what was edited, reordered, deleted or lost -----------


@pytest.fixture(scope="module")
def pristine_home(tmp_path_factory):
    from circulars.home import resolve_home

    home = prepare(resolve_home(tmp_path_factory.mktemp("pristine") / "home"))
    for source in (TEXTS / "005_silence_opened_DOC-1510.txt", TEXTS / "010_silence_concluded_DOC-1503.txt"):
        shutil.copyfile(source, home.inbox / source.name)
    ingest.take_inbox(home)
    ingest.read_pending(home, workers=1)
    ingest.append_to_log(home)
    with connect(home.database) as con:
        projections.update_history(con)
    return home


def _tamper_sql(*statements: str):
    def tamper(home):
        with connect(home.database) as con:
            for statement in statements:
                con.execute(statement)

    return tamper


def _tamper_store(action: str):
    def tamper(home):
        import hashlib
        import os

        sha = hashlib.sha256((TEXTS / "010_silence_concluded_DOC-1503.txt").read_bytes()).hexdigest()
        path = home.store / sha[:2] / sha
        if action == "delete":
            path.unlink()
        else:
            os.chmod(path, 0o644)
            path.write_bytes(path.read_bytes().replace(b"DOC/1503", b"DOC/1504"))
        return sha

    return tamper


TAMPERING = {
    "edited": (
        _tamper_sql("UPDATE events SET payload = replace(payload, 'DOC/1510', 'DOC/9999') "
                    "WHERE seq = (SELECT min(seq) FROM events WHERE payload LIKE '%DOC/1510%' AND seq > 2)"),
        r"seq \d+ \(\w+ [0-9a-f-]+\): content does not match its hash \(edited\)",
    ),
    "reordered": (
        _tamper_sql("UPDATE events SET seq = -1 WHERE seq = 3", "UPDATE events SET seq = 3 WHERE seq = 4",
                    "UPDATE events SET seq = 4 WHERE seq = -1"),
        r"seq 3: prev_hash does not match the hash of the event before it",
    ),
    "deleted": (_tamper_sql("DELETE FROM events WHERE seq = 5"), r"seq 6: expected seq 5 \(an event is missing"),
    "tail deleted": (
        _tamper_sql("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)"),
        r"events after seq \d+ were deleted: projection 'history' was built up to seq \d+",
    ),
    "stored file altered": (_tamper_store("alter"), r"stored file altered: .*/store/[0-9a-f]{2}/[0-9a-f]{64} now hashes to"),
    "stored file missing": (_tamper_store("delete"), r"stored file missing: .*/store/[0-9a-f]{2}/[0-9a-f]{64}"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_verify_names_the_tampering(pristine_home, tmp_path, monkeypatch, capsys, case):
    home_root = tmp_path / "home"
    shutil.copytree(pristine_home.root, home_root)
    from circulars.home import resolve_home

    home = resolve_home(home_root)
    code, stdout, _ = run_cli(monkeypatch, capsys, "verify", "--home", str(home.root))
    assert code == 0 and "hash chain intact" in stdout
    tamper, named = TAMPERING[case]
    tampered_sha = tamper(home)
    code, stdout, _ = run_cli(monkeypatch, capsys, "verify", "--home", str(home.root))
    output = " ".join(stdout.split())
    assert code == 1, output
    assert re.search(named, output), output
    if tampered_sha:
        assert tampered_sha in output
    assert "problem(s)" in output


def test_verify_exit_code_of_the_real_command(pristine_home, tmp_path):
    import subprocess

    home_root = tmp_path / "home"
    shutil.copytree(pristine_home.root, home_root)
    command = [str(Path(sys.executable).parent / "circulars"), "verify", "--home", str(home_root)]
    assert subprocess.run(command, capture_output=True, timeout=60).returncode == 0
    _tamper_sql("DELETE FROM events WHERE seq = 2")(type("H", (), {"database": home_root / "circulars.duckdb"}))
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "seq 3: expected seq 2" in " ".join(result.stdout.split())
