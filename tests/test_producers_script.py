"""The producers script writes what it says, before any browser or office suite sets it
(those are needed only to re-render; the PDFs are committed)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = (FIXTURES / "text" / "000_seed_DOC-1497.txt").read_text(encoding="utf-8")


def _producers():
    sys.path.insert(0, str(FIXTURES))
    spec = importlib.util.spec_from_file_location("fixture_producers", FIXTURES / "producers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


P = _producers()


def test_html_has_a_real_table_per_table_and_keeps_every_letter():
    flow = P.html_document(SEED, P.HTML_STYLES["chrome-flow"], "seed")
    paged = P.html_document(SEED, P.HTML_STYLES["chrome-paged"], "seed")
    for page in (flow, paged):
        assert page.count("<table>") == 2
        assert len(re.findall(r"<tr>", page)) == (1 + 27) + (1 + 8)
        assert "9<sup>th</sup> CICA Business Forum" in page
        kazakh = set("әғқңөұүһі") & set(SEED)
        assert len(kazakh) >= 8 and kazakh <= set(page) and "№DOC/1497" in page
        assert page.count('<li value="') == 9
    assert "<thead>" not in flow and paged.count("<thead>") == 2  # only the paged print repeats headers
    assert "break-before: page" in paged and "break-before: page" not in flow
    assert '@page doc4 { @top-right { content: "SOC/2023-III/DEC/2"' in paged and "@top-right" not in flow


def test_docx_sets_ruled_tables_with_widths_repeated_headers_and_page_breaks(tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    target = tmp_path / "seed.docx"
    P.docx_document(SEED, target, "seed")
    doc = Document(str(target))
    ruled = [t for t in doc.tables if t._tbl.tblPr.find(qn("w:tblBorders")) is not None]
    assert [len(t.rows) for t in ruled] == [28, 9]
    plan = ruled[0]
    assert plan.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in plan.rows[0].cells] == ["No.", "Expected title of the event", "Organizer (s)", "Indicative timing"]
    widths = [c.width for c in plan.rows[1].cells]
    assert widths[0] < widths[3] < widths[2] < widths[1]
    assert plan.rows[22].cells[1].text == "9th CICA Business Forum"
    assert any(r.font.superscript for p in plan.rows[22].cells[1].paragraphs for r in p.runs)
    breaks = doc.element.body.xml.count('w:type="page"')
    assert breaks == 4  # before each of the four enclosed documents
    boxes = [t for t in doc.tables if [c.text for c in t.rows[0].cells][1:] == ["SOC/2023-III/DEC/2\n12 December 2023"]]
    assert len(boxes) == 1 and boxes[0].rows[0].cells[0].text.startswith("Senior Officials Committee")
