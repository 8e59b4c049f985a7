"""The walking skeleton end to end: files in, receipt events and stored bytes out, idempotently."""

from __future__ import annotations

import hashlib
import json
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from circulars.cli import app
from circulars.store import ContentStore
from tests.conftest import PDFS, SEED_TEXT, query_rows

pytestmark = pytest.mark.slow  # runs the ingestion job through the CLI

runner = CliRunner()


def _ingest(*args):
    result = runner.invoke(app, ["ingest", "--json", *map(str, args)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout[result.stdout.index("{"):])


def test_pdf_and_text_circulars_are_received_stored_and_read(home, tmp_path):
    pdf = PDFS / "000_seed_DOC-1497.a4serif.pdf"
    summary = _ingest(SEED_TEXT, pdf)
    assert summary["success"] is True
    assert sorted(item["file_name"] for item in summary["new"]) == ["000_seed_DOC-1497.a4serif.pdf", "000_seed_DOC-1497.txt"]
    store = ContentStore(home.store)
    for source, media_type, pages in ((SEED_TEXT, "text/plain", 1), (pdf, "application/pdf", 10)):
        data = source.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        assert store.read(sha) == data
        received = query_rows(home, "SELECT stream_id, stream_version, payload FROM events WHERE event_type = 'CircularReceived' AND circular_sha256 = ?", [sha])
        assert len(received) == 1
        payload = json.loads(received[0]["payload"])
        assert (payload["file_name"], payload["size"], payload["media_type"], payload["page_count"]) == (source.name, len(data), media_type, pages)
        assert (received[0]["stream_id"], received[0]["stream_version"]) == (f"circular-{sha}", 1)
        circular = query_rows(home, "SELECT symbol, issued_on, place, languages, page_count, status FROM circulars WHERE sha256 = ?", [sha])
        assert circular == [{"symbol": "DOC/1497", "issued_on": __import__("datetime").date(2023, 12, 12), "place": "Astana",
                             "languages": ["en", "ru", "kk"], "page_count": pages, "status": "parsed"}]
    assert list(home.inbox.iterdir()) == []


def test_same_bytes_under_another_name_add_no_content_only_the_name(home, tmp_path):
    _ingest(SEED_TEXT)
    events_before = query_rows(home, "SELECT count(*) AS n FROM events")[0]["n"]
    renamed = tmp_path / "note verbale 1497 (copy).txt"
    shutil.copy(SEED_TEXT, renamed)
    summary = _ingest(renamed)
    assert summary["new"] == []
    assert [d["file_name"] for d in summary["duplicate"]] == ["note verbale 1497 (copy).txt"]
    added = query_rows(home, "SELECT event_type, payload->>'file_name' AS name FROM events WHERE seq > ?", [events_before])
    assert added == [{"event_type": "CircularFileNameRecorded", "name": "note verbale 1497 (copy).txt"}]
    names = query_rows(home, "SELECT file_names FROM circulars")
    assert names == [{"file_names": ["000_seed_DOC-1497.txt", "note verbale 1497 (copy).txt"]}]


def test_reingesting_is_a_no_op_and_says_so(home):
    _ingest(SEED_TEXT)
    before = query_rows(home, "SELECT count(*) AS n, max(hash) AS h FROM events")
    again = _ingest(SEED_TEXT)
    assert again["new"] == [] and [d["file_name"] for d in again["duplicate"]] == ["000_seed_DOC-1497.txt"]
    assert query_rows(home, "SELECT count(*) AS n, max(hash) AS h FROM events") == before
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0
    assert "Nothing new" in result.stdout
    assert query_rows(home, "SELECT count(*) AS n, max(hash) AS h FROM events") == before


def test_verify_passes_then_names_an_edited_event_and_an_altered_file(home):
    _ingest(SEED_TEXT)
    ok = runner.invoke(app, ["verify"])
    assert ok.exit_code == 0 and "hash chain intact" in ok.stdout
    con = duckdb.connect(str(home.database))
    con.execute("UPDATE events SET payload = replace(CAST(payload AS VARCHAR), 'Astana', 'Almaty')::JSON WHERE seq = 2")
    con.close()
    broken = runner.invoke(app, ["verify"])
    assert broken.exit_code == 1
    assert "seq 2 (CircularIdentified" in broken.stdout and "edited" in broken.stdout


def test_sql_prints_table_csv_and_json(home):
    _ingest(SEED_TEXT)
    query = "SELECT line_no, amount_usd FROM budget_lines WHERE line_kind = 'grand_total'"
    as_json = runner.invoke(app, ["sql", query, "--format", "json"])
    assert json.loads(as_json.stdout) == [{"line_no": None, "amount_usd": 4759000}]
    as_csv = runner.invoke(app, ["sql", query, "--format", "csv"])
    assert as_csv.stdout.splitlines() == ["line_no,amount_usd", ",4759000"]
    as_table = runner.invoke(app, ["sql", query])
    assert "4759000" in as_table.stdout and "1 row(s)" in as_table.stdout


def test_sql_refuses_to_write(home):
    _ingest(SEED_TEXT)
    refused = runner.invoke(app, ["sql", "DELETE FROM events"])
    assert refused.exit_code != 0
    assert query_rows(home, "SELECT count(*) AS n FROM events")[0]["n"] > 0


def test_files_left_alone_are_named_with_the_reason_and_stay(home, tmp_path):
    """Hidden names, hidden folders and partial downloads are not taken: listed with the reason
    (summary and run metadata), and left where they are, in the given folder and in the inbox."""
    folder = tmp_path / "incoming"
    (folder / ".git").mkdir(parents=True)
    shutil.copy(SEED_TEXT, folder / SEED_TEXT.name)
    (folder / ".~lock.note.txt#").write_text("an editor's lock file")
    (folder / "note.pdf.crdownload").write_bytes(b"%PDF-1.4 half a download")
    (folder / ".git" / "config").write_text("[core]")
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main")
    (home.inbox / "upload.pdf.part").write_bytes(b"%PDF-1.4 still uploading")
    (home.inbox / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (home.inbox / "scans").mkdir()

    summary = _ingest(folder)
    assert summary["success"] is True
    assert [item["file_name"] for item in summary["new"]] == [SEED_TEXT.name]
    assert summary["skipped"] == [
        {"file_name": str(folder / ".~lock.note.txt#"), "reason": "hidden name (starts with a dot)"},
        {"file_name": str(folder / "note.pdf.crdownload"),
         "reason": "partial download (.crdownload): still being written; rename it when complete"},
        {"file_name": f"{folder / '.git'}/", "reason": "hidden folder (starts with a dot): 2 file(s) in it"},
        {"file_name": ".DS_Store", "reason": "hidden name (starts with a dot)", "where": "inbox"},
        {"file_name": "scans", "reason": "a folder", "where": "inbox"},
        {"file_name": "upload.pdf.part",
         "reason": "partial download (.part): still being written; rename it when complete", "where": "inbox"},
    ]
    assert sorted(p.name for p in home.inbox.iterdir()) == [".DS_Store", "scans", "upload.pdf.part"]
    assert sorted(p.name for p in folder.iterdir()) == [".git", ".~lock.note.txt#", SEED_TEXT.name, "note.pdf.crdownload"]
    assert query_rows(home, "SELECT file_names FROM circulars") == [{"file_names": [SEED_TEXT.name]}]

    # With nothing new, they are still named, and the text summary says so too.
    again = runner.invoke(app, ["ingest"])
    assert again.exit_code == 0
    assert "Nothing new" in again.stdout
    assert "left alone upload.pdf.part: partial download (.part)" in again.stdout
    assert "left alone .DS_Store: hidden name" in again.stdout
