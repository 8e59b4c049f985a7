"""The PDF reader on generated circulars (two layouts) and on broken files.

The PDFs are made here with reportlab so the tests do not depend on anyone else's
fixtures; when `tests/fixtures/pdf` and `tests/fixtures/bad` exist they are read too.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import HRFlowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from circulars.reading.errors import ReadError
from circulars.reading.pdf import read_pdf, unmapped_glyph
from models.document import Block, ReadDocument

FONTS = Path("/usr/share/fonts/truetype/dejavu")
FIXTURES = Path(__file__).parent / "fixtures"

PLAN = [
    ("1.", "CICA event on promoting volunteerism, panel section “Development of volunteerism in the CICA countries” within the framework of the World Youth Festival", "The Russian Federation, Directorate of the World Youth Festival, Federal Agency for Youth Affairs, Russian Movement of Children, Youth “Movement of the First”", "1 – 7 March"),
    ("2.", "CICA Training Program on Risk Analysis and Search Techniques", "The Republic of Türkiye, Anti-Smuggling and Organized Crime Department of the Turkish International Academy Against Smuggling and Organized Crime, Turkish International Academy Against Drugs and Organized Crime (TADOC)", "6 – 10 May"),
    ("3.", "Online training course “Sustainable creative & responsible tourism development based on BCG model for CICA countries”", "The Kingdom of Thailand, Thailand International Cooperation Agency (TICA)", "6 – 17 May"),
    ("4.", "CICA Training on Crime Intelligence Analysis", "The Republic of Türkiye, Anti-Smuggling and Organized Crime Department of the Turkish International Academy Against Smuggling and Organized Crime, Turkish International Academy Against Drugs and Organized Crime (TADOC)", "3 – 7 June"),
    ("5.", "CICA Training Program on Criminal Investigations Leveraged by Information Systems", "The Republic of Türkiye, Anti-Smuggling and Organized Crime Department of the Turkish International Academy Against Smuggling and Organized Crime, Turkish International Academy Against Drugs and Organized Crime (TADOC)", "9 – 13 September"),
    ("6.", "CICA Training on Surveillance Techniques", "The Republic of Türkiye, Anti-Smuggling and Organized Crime Department of the Turkish International Academy Against Smuggling and Organized Crime, Turkish International Academy Against Drugs and Organized Crime (TADOC)", "7 – 11 October"),
    ("7.", "CICA seminar “Food security through digital innovation”", "The People’s Republic of Bangladesh", "February"),
    ("8.", "Online experts meeting on development of the transit and transport potential of the CICA countries", "The Republic of Kazakhstan, Ministry of Transport of the Republic of Kazakhstan, CICA Secretariat", "Second half of February"),
    ("9.", "CICA Seminar on Cross-Border Digital Commerce", "The People’s Republic of Bangladesh, Bangladesh Computer Council, Information and Communication Technology Division, Bangladesh Ministry of Foreign Affairs", "March"),
    ("10.", "Online CICA seminar “Epidemiological security, public health and pharmaceuticals”", "The Republic of Kazakhstan, Ministry of Healthcare of the Republic of Kazakhstan, CICA Secretariat", "March – April"),
    ("11.", 'CICA – UNESCAP side event on "Leveraging digital innovation for sustainable development in Asia and the Pacific"', "CICA Secretariat, UN ESCAP Secretariat", "April"),
    ("12.", "Online CICA experts meeting on ICT security and personal data protection", "The Republic of Kazakhstan, Ministry of Digital Development, Innovations and Aerospace Industry of the Republic of Kazakhstan, CICA Secretariat", "May"),
    ("13.", "Online experts meeting on development of the transit and transport potential of the CICA countries", "The Republic of Kazakhstan, Ministry of Transport of the Republic of Kazakhstan, CICA Secretariat", "Second half of May"),
    ("14.", "Rally of Volunteer Movement Leaders of the CICA Countries", "The Republic of Kazakhstan, Ministry of Culture and Information of the Republic of Kazakhstan, CICA Secretariat", "May – June"),
    ("15.", "CICA Seminar on Information Technology", "The People’s Republic of Bangladesh, Bangladesh Computer Council, Information and Communication Technology Division, Bangladesh Ministry of Foreign Affairs", "June"),
    ("16.", "CICA seminar “Combining opportunities: new routes, reliable partners”", "The Russian Federation, Autonomous non-commercial organization “Directorate of International Transport Corridors”", "Second half of September"),
    ("17.", "Panel Session for the CICA Member States on “ICT security and personal data protection” (as part of the international forum Digital Bridge 2024)", "The Republic of Kazakhstan, Ministry of Digital Development, Innovations and Aerospace Industry of the Republic of Kazakhstan, CICA Secretariat", "September-October"),
    ("18.", "CICA Seminar on Smart Agriculture and Agriculture Industry Development", "The People's Republic of China, Yangling Agricultural High-tech Industry Demonstration Zone Management Committee", "October"),
    ("19.", "CICA event on promoting volunteerism, panel section for CICA countries within the framework of the International Forum of Civil Participation #WeAreTogether", "The Russian Federation, Federal Agency for Youth Affairs, Association of Volunteer Centers", "December"),
    ("20.", 'CICA workshop "Safety first, safety regulation in mining industry, innovative technologies"', "The Russian Federation, Federal Service for Environmental, Technological and Nuclear Supervision", "1st half of 2024"),
    ("21.", 'CICA event on promoting volunteerism, panel section "Promoting volunteerism for sustainable development in the CICA countries" within the framework of the International Youth Forum "Eurasia Global"', "The Russian Federation, Federal Agency for Youth Affairs, Government of Orenburg", "2nd-3rd Quarter"),
    ("22.", "9th CICA Business Forum", "The Kyrgyz Republic, National investment authority under the President of the Kyrgyz Republic", "4th Quarter"),
    ("23.", "CICA seminar on the security of ICT (combating ICT crimes)", "The Russian Federation", "T.B.C."),
    ("24.", "CICA seminar on the security of ICT", "The Russian Federation", ""),
    ("25.", 'CICA seminar "Exchange of experience in the field of volunteerism between CICA countries"', "The Russian Federation, Federal Agency for Youth Affairs, the Association of Volunteer Centers", ""),
    ("26.", "CICA – UNESCWA joint side event", "CICA Secretariat, UN ESCWA Secretariat", ""),
    ("27.", "CICA Training on Risk Analysis at Airports and Search Techniques for Narcotics Crime", "The Republic of Türkiye, Counter Narcotics Training Academy", "13-17 May"),
]
PLAN_HEADER = ["No.", "Expected title of the event", "Organizer (s)", "Indicative timing"]
BUDGET = [
    ("1", "I - CAPITAL INVESTMENT EXPENSES", "218,291", True),
    ("2", "II - OPERATIONAL EXPENSES", "1,629,598", True),
    ("3", "III - TRAVEL EXPENSES", "609,204", True),
    ("4", "IV - PERSONNEL EXPENSES", "1,146,506", True),
    ("5", "V - RELOCATION TO AND EQUIPPING THE NEW CICA HEADQUARTERS", "1,131,724", True),
    ("", "Total", "4,735,323", False),
    ("6", "VI - MISCELLANEOUS", "23,677", True),
    ("", "Grand total", "4,759,000", False),
]
BUDGET_HEADER = ["Nº", "EXPENDITURES", "Budget"]
LETTERHEAD_EN = "SECRETARIAT OF THE CONFERENCE ON INTERACTION\nAND CONFIDENCE BUILDING MEASURES IN ASIA"
LETTERHEAD_RU = "СЕКРЕТАРИАТ СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ\nИ МЕРАМ ДОВЕРИЯ В АЗИИ"
KAZAKH = (
    "Азиядағы өзара іс-қимыл және сенім шаралары кеңесінің (Азия Кеңесінің) Хатшылығы Азия Кеңесіне "
    "мүше мемлекеттерге өзінің зор ілтипатын білдіреді, һәм ұсынады."
)
DECISIONS = [
    "1. The SOC took note of the SOC Chairperson’s invitation to all Member States to make proposals under relevant clusters of the Road Map for CICA Transformation.",
    "2. The SOC took note of the annual report of the CICA Secretary General on the activities of the CICA Secretariat in 2023.",
    "3. The SOC adopted the decision on the CICA Plan of Implementation of Confidence Building Measures (CBMs) for 2024.",
]


def _fonts() -> None:
    for name, file in [
        ("Serif", "DejaVuSerif.ttf"),
        ("Serif-Bold", "DejaVuSerif-Bold.ttf"),
        ("Serif-Italic", "DejaVuSerif-Italic.ttf"),
        ("Sans", "DejaVuSans.ttf"),
        ("Sans-Bold", "DejaVuSans-Bold.ttf"),
        ("Sans-Oblique", "DejaVuSans-Oblique.ttf"),
    ]:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@cache
def render_circular(layout: str) -> bytes:
    """A seed-like circular: 'a4serif' (EN|RU letterhead, ruled tables) or 'lettersans' (stacked, unruled)."""
    _fonts()
    serif = layout == "a4serif"
    face = "Serif" if serif else "Sans"
    italic = f"{face}-Italic" if serif else "Sans-Oblique"
    body = ParagraphStyle("body", fontName=face, fontSize=10.5 if serif else 10, leading=13 if serif else 12.5, spaceAfter=7)
    centre = ParagraphStyle("centre", parent=body, fontName=f"{face}-Bold", alignment=TA_CENTER)
    head = ParagraphStyle("head", parent=body, fontName=f"{face}-Bold", fontSize=13, leading=16, alignment=TA_CENTER, spaceAfter=10)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11, spaceAfter=0)
    cell_bold = ParagraphStyle("cellb", parent=cell, fontName=f"{face}-Bold")
    cell_it = ParagraphStyle("celli", parent=cell, fontName=italic)
    margins = dict(leftMargin=25 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm) if serif else dict(leftMargin=72, rightMargin=72, topMargin=60, bottomMargin=60)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4 if serif else LETTER, **margins)
    width = doc.width

    def numbered(canv, _doc) -> None:
        canv.setFont(face, 8)
        canv.drawCentredString(doc.pagesize[0] / 2, 30, str(canv.getPageNumber()))

    story: list = []
    letterhead = ParagraphStyle("letterhead", parent=centre, fontSize=6.5 if serif else 10, leading=8.5 if serif else 12.5)
    en = Paragraph(_esc(LETTERHEAD_EN).replace("\n", "<br/>"), letterhead)
    ru = Paragraph(_esc(LETTERHEAD_RU).replace("\n", "<br/>"), letterhead)
    if serif:
        story.append(Table([[en, ru]], colWidths=[width * 0.5, width * 0.5], hAlign="CENTER", spaceAfter=4))
    else:
        story += [en, ru]
    story.append(HRFlowable(width="100%", thickness=0.8, spaceBefore=4, spaceAfter=10))
    story.append(Paragraph("№DOC/1497", centre))
    story.append(Paragraph(f"<font name='{italic}'>Enclosure:<br/>as stated,<br/>on 11 p.</font>", body))
    story.append(Paragraph("The Secretariat avails itself of this opportunity to renew to the CICA Member States the assurances of its highest consideration.", body))
    story.append(Paragraph("Astana, 12 December 2023", body))
    story.append(Paragraph("Қосымша:<br/>аталған 11 п.", body))
    story.append(Paragraph(KAZAKH, body))
    story.append(PageBreak())
    story.append(Paragraph("DECISIONS OF THE SENIOR OFFICIALS COMMITTEE", head))
    story += [Paragraph(_esc(d), body) for d in DECISIONS]
    story.append(Paragraph("CICA PLAN OF IMPLEMENTATION OF CONFIDENCE BUILDING MEASURES FOR 2024", head))

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(_esc(text).replace("9th", "9<super>th</super>"), style)

    plan_rows = [[Paragraph(h, cell_bold) for h in PLAN_HEADER]]
    plan_rows += [[para(c, cell) for c in row] for row in PLAN]
    plan_rows.append([Paragraph(c, cell) for c in ("-----", "--", "--", "-----")])
    style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    if serif:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    story.append(Table(plan_rows, colWidths=[width * f for f in (0.07, 0.37, 0.34, 0.22)], repeatRows=1, style=TableStyle(style)))
    story.append(PageBreak())
    story.append(Paragraph("BUDGET OF THE CICA SECRETARIAT FOR 2024", head))
    story.append(Paragraph("(US dollars)", body))
    budget_rows = [[Paragraph(h, cell_bold) for h in BUDGET_HEADER]]
    for no, title, amount, bold in BUDGET:
        budget_rows.append([Paragraph(no, cell), Paragraph(title, cell_bold if bold else cell_it), Paragraph(amount, cell_bold)])
    bstyle = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (2, 0), (2, -1), "RIGHT")]
    if serif:
        bstyle.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    else:  # rows packed tight: no extra space tells rows apart, only their content
        bstyle += [("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]
    story.append(Table(budget_rows, colWidths=[width * f for f in (0.1, 0.6, 0.3)], style=TableStyle(bstyle)))
    story.append(Spacer(1, 12))
    story.append(Paragraph("The Senior Officials Committee approves the budget as contained in the Annex.", body))
    doc.build(story, onFirstPage=numbered, onLaterPages=numbered)
    return buf.getvalue()


@cache
def read_layout(layout: str) -> ReadDocument:
    return read_pdf(render_circular(layout), file_name=f"{layout}.pdf")


def _tables(doc: ReadDocument) -> list[Block]:
    return [b for b in doc.blocks if b.kind == "table"]


def _plan(doc: ReadDocument) -> Block:
    return next(t for t in _tables(doc) if t.header and len(t.header) == 4)


def _budget(doc: ReadDocument) -> Block:
    return next(t for t in _tables(doc) if t.header and len(t.header) == 3)


LAYOUTS = ["a4serif", "lettersans"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_plan_table_is_one_block_with_every_item_exact(layout: str) -> None:
    doc = read_layout(layout)
    plans = [t for t in _tables(doc) if t.header and len(t.header) == 4]
    assert len(plans) == 1, "a table continued over pages must be one block"
    plan = plans[0]
    assert plan.header == PLAN_HEADER
    assert [tuple(r.cells) for r in plan.rows] == PLAN
    assert plan.rows[21].cells[1] == "9th CICA Business Forum"
    assert [r.cells[3] for r in plan.rows[23:26]] == ["", "", ""]
    pages = [r.page for r in plan.rows]
    assert pages == sorted(pages) and pages[0] == 2 and pages[-1] > 2, "rows keep their own pages"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_budget_table_rows_amounts_and_bold(layout: str) -> None:
    budget = _budget(read_layout(layout))
    assert budget.header == BUDGET_HEADER
    assert [(r.cells[0], r.cells[1], r.cells[2]) for r in budget.rows] == [(n, t, a) for n, t, a, _ in BUDGET]
    assert [r.bold for r in budget.rows] == [b for *_, b in BUDGET]


def test_two_column_letterhead_reads_english_then_russian() -> None:
    doc = read_layout("a4serif")
    first = [b for b in doc.blocks if b.page == 1][:3]
    assert [b.text for b in first[:2]] == [LETTERHEAD_EN, LETTERHEAD_RU]
    assert all(b.bold and b.centered for b in first[:2])
    assert first[2].kind == "rule"


def test_stacked_letterhead_reads_in_order() -> None:
    doc = read_layout("lettersans")
    assert [b.text for b in doc.blocks[:2]] == [LETTERHEAD_EN, LETTERHEAD_RU]
    assert doc.blocks[2].kind == "rule"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_survives_and_blocks_are_grouped(layout: str) -> None:
    doc = read_layout(layout)
    texts = [b.text for b in doc.blocks]
    kazakh = next(b for b in doc.blocks if b.text.startswith("Азиядағы"))
    assert kazakh.text.replace("\n", " ") == KAZAKH and kazakh.kind == "paragraph"
    assert "Қосымша:\nаталған 11 п." in texts
    symbol = next(b for b in doc.blocks if b.text == "№DOC/1497")
    assert symbol.bold and symbol.centered and symbol.kind == "paragraph"
    enclosure = next(b for b in doc.blocks if b.text.startswith("Enclosure"))
    assert enclosure.text == "Enclosure:\nas stated,\non 11 p." and enclosure.italic and not enclosure.bold
    items = [b for b in doc.blocks if b.kind == "list_item"]
    assert [b.text.replace("\n", " ") for b in items] == DECISIONS
    assert all(b.page == 2 for b in items)
    heading = next(b for b in doc.blocks if b.kind == "heading")
    assert heading.text == "DECISIONS OF THE SENIOR OFFICIALS COMMITTEE" and heading.level == 1 and heading.centered
    assert not any(re.fullmatch(r"\d+", t) for t in texts), "page numbers are page furniture"
    assert doc.page_count >= 4 and doc.media_type == "application/pdf"


def test_superscript_joins_its_word() -> None:
    assert "9th CICA Business Forum" in read_layout("a4serif").text()


# --- the shared fixtures: every circular in both layouts ---------------------------------------

FIXTURE_PDFS = sorted((FIXTURES / "pdf").glob("*.pdf"))


def _expected(pdf: Path) -> dict:
    from tests.fixtures.expected import FIXTURES as EXPECTED

    return EXPECTED[pdf.name.split(".")[0]]


def _item_no(cell: str) -> int | None:
    digits = re.sub(r"\D", "", cell)
    return int(digits) if digits else None


def _table_with_items(doc: ReadDocument, numbers: list[int]) -> list[Block]:
    return [t for t in _tables(doc) if [_item_no(r.cells[0]) for r in t.rows] == numbers]


@pytest.mark.corpus
@pytest.mark.skipif(not FIXTURE_PDFS, reason="tests/fixtures/pdf not rendered")
@pytest.mark.parametrize("pdf", FIXTURE_PDFS, ids=lambda p: p.name)
def test_fixture_tables_match_expected_facts(pdf: Path) -> None:
    expected = _expected(pdf)
    doc = read_pdf(pdf.read_bytes(), file_name=pdf.name)
    for plan in expected["plans"]:
        items = plan["items"]
        (table,) = _table_with_items(doc, [i["item_no"] for i in items])
        assert len(table.header or []) == 4
        got = [(r.cells[1], r.cells[2], r.cells[3]) for r in table.rows]
        assert got == [(i["title"], ", ".join(i["organizers"]), i["timing_text"]) for i in items]
        title = next(b for b in reversed(doc.blocks[: doc.blocks.index(table)]) if b.text)
        assert title.text.replace("\n", " ") == plan["title"]
    for amendment in expected["plan_amendments"]:
        changes = amendment["changes"]
        (table,) = _table_with_items(doc, [c["item_no"] for c in changes])
        for row, change in zip(table.rows, changes):
            assert row.cells[1] == change["title"] and row.cells[2] == ", ".join(change["organizers"])
            assert row.cells[-1] == change["timing_text"]
    for budget in expected["budgets"]:
        lines = budget["lines"]
        tables = [t for t in _tables(doc) if t.header and len(t.header) == 3 and len(t.rows) == len(lines)]
        assert len(tables) == 1
        for row, line in zip(tables[0].rows, lines):
            no, title, amount = row.cells
            assert no == ("" if line["line_no"] is None else str(line["line_no"]))
            assert title == (f"{line['section']} - {line['title']}" if line["section"] else line["title"])
            assert int(re.sub(r"[^\d]", "", amount)) == line["amount"]
            assert row.bold == (line["kind"] == "expenditure")
    assert "\ufffd" not in doc.text() and "(cid:" not in doc.text()


@pytest.mark.corpus
@pytest.mark.skipif(not FIXTURE_PDFS, reason="tests/fixtures/pdf not rendered")
@pytest.mark.parametrize("pdf", FIXTURE_PDFS, ids=lambda p: p.name)
def test_fixture_table_headers_read_as_printed(pdf: Path) -> None:
    """Every header read from a PDF is a header line of its text fixture, word for word: a label
    wrapped in its cell ("Indicative" / "timing") is not glued, one broken at the edge ("Amendm" /
    "ent") is whole again."""
    text = next((FIXTURES / "text").glob(pdf.name.split(".")[0] + ".txt")).read_text()
    printed = {tuple(re.sub(r"</?\w+>|\*\*", "", c).strip() for c in line.split("\t")) for line in text.splitlines()
               if "\t" in line}
    headers = [tuple(b.header) for b in read_pdf(pdf.read_bytes(), file_name=pdf.name).blocks
               if b.kind == "table" and b.header]
    assert bool(headers) == bool(printed), headers  # a fixture with no table reads none
    assert all(h in printed for h in headers), headers


def _line_starting(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


@pytest.mark.skipif(not FIXTURE_PDFS, reason="tests/fixtures/pdf not rendered")
@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_fixture_letterhead_order_and_kazakh(layout: str) -> None:
    pdf = FIXTURES / "pdf" / f"000_seed_DOC-1497.{layout}.pdf"
    doc = read_pdf(pdf.read_bytes(), file_name=pdf.name)
    flat = [b.text.replace("\n", " ") for b in doc.blocks]
    assert flat[:3] == [
        "SECRETARIAT OF THE CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA",
        "СЕКРЕТАРИАТ СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ И МЕРАМ ДОВЕРИЯ В АЗИИ",
        "" if layout == "a4serif" else "№DOC/1497",
    ]
    assert doc.blocks[0].bold and doc.blocks[1].bold
    seed = (FIXTURES / "text" / "000_seed_DOC-1497.txt").read_text(encoding="utf-8")
    kazakh = _line_starting(seed, "Азиядағы өзара")
    assert kazakh in flat
    assert "Қосымша: аталған 11 п." in flat
    heading = next(b for b in doc.blocks if b.kind == "heading")
    assert heading.text == "DECISIONS OF THE SENIOR OFFICIALS COMMITTEE" and heading.level == 1
    items = [b.text.replace("\n", " ") for b in doc.blocks if b.kind == "list_item"]
    assert [i.split(".")[0] for i in items] == [str(n) for n in range(1, 10)]
    assert items[6] == _line_starting(seed, "7. The SOC considered")


# --- bad input: only ReadError, with the right code ------------------------------------------------

BAD_CODES = {
    "empty.pdf": "empty_file",
    "html_named.pdf": "not_a_pdf",
    "truncated.pdf": "truncated_pdf",
    "user_password.pdf": "encrypted_pdf",
    "image_only.pdf": "no_text_layer",
    "cid_garbage.pdf": "garbled_text",
}


@pytest.mark.skipif(not (FIXTURES / "bad").exists(), reason="tests/fixtures/bad not rendered")
@pytest.mark.parametrize("name,code", sorted(BAD_CODES.items()))
def test_bad_fixture_raises_its_code(name: str, code: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_pdf((FIXTURES / "bad" / name).read_bytes(), file_name=name)
    assert caught.value.code == code
    assert caught.value.file_name == name


@pytest.mark.skipif(not (FIXTURES / "bad").exists(), reason="tests/fixtures/bad not rendered")
def test_owner_password_only_pdf_reads_normally() -> None:
    doc = read_pdf((FIXTURES / "bad" / "owner_only.pdf").read_bytes())
    assert "№DOC/1503" in [b.text for b in doc.blocks]


def _one_page(draw) -> bytes:
    _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _text_page(c: canvas.Canvas) -> None:
    c.setFont("Serif", 11)
    c.drawString(72, 760, "Astana, 12 December 2023")


def test_empty_and_non_pdf_bytes() -> None:
    for data, code in [(b"", "empty_file"), (b"PK\x03\x04 zip archive", "not_a_pdf"), (b"\x00" * 2000 + b"%PDF-1.4", "not_a_pdf")]:
        with pytest.raises(ReadError) as caught:
            read_pdf(data)
        assert caught.value.code == code


def test_cut_short_pdf_is_truncated() -> None:
    whole = _one_page(_text_page)
    with pytest.raises(ReadError) as caught:
        read_pdf(whole[: len(whole) * 2 // 3])
    assert caught.value.code == "truncated_pdf"


def test_more_pages_than_allowed_is_too_large() -> None:
    data = render_circular("lettersans")
    with pytest.raises(ReadError) as caught:
        read_pdf(data, max_pages=2)
    assert caught.value.code == "too_large"
    assert read_pdf(data, max_pages=5).page_count == 5


def test_user_password_pdf_is_encrypted_and_owner_only_is_read() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    def encrypted(user: str) -> bytes:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A4, encrypt=StandardEncryption(user, ownerPassword="owner", canCopy=0))
        _fonts()
        _text_page(c)
        c.showPage()
        c.save()
        return buf.getvalue()

    with pytest.raises(ReadError) as caught:
        read_pdf(encrypted("secret"))
    assert caught.value.code == "encrypted_pdf"
    assert read_pdf(encrypted("")).blocks[0].text == "Astana, 12 December 2023"


def test_scanned_page_among_text_pages_has_no_text_layer() -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    _fonts()
    picture = io.BytesIO()
    Image.new("L", (300, 420), 200).save(picture, format="PNG")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    _text_page(c)
    c.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 72, 700, width=60, height=40)  # a logo is fine
    c.showPage()
    picture.seek(0)
    c.drawImage(ImageReader(picture), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    with pytest.raises(ReadError) as caught:
        read_pdf(buf.getvalue())
    assert (caught.value.code, caught.value.page) == ("no_text_layer", 2)


def test_glyphs_without_unicode_are_garbled() -> None:
    def draw(c: canvas.Canvas) -> None:  # the font has no such glyphs: .notdef comes out as NUL
        c.setFont("Serif", 11)
        c.drawString(72, 760, "\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008 ok")

    with pytest.raises(ReadError) as caught:
        read_pdf(_one_page(draw))
    assert caught.value.code == "garbled_text"
    assert [unmapped_glyph(t) for t in ("(cid:12)", "\ue001", "\ufffd", "\x00", "қ", "№", "“", "\u00a0")] == [
        True, True, True, True, False, False, False, False,
    ]


def test_damaged_bytes_raise_only_read_error() -> None:
    """Flip, cut and splice bytes all over a real circular: the reader answers or raises ReadError."""
    import random

    whole = render_circular("a4serif")
    rng = random.Random(1497)
    outcomes: set[str] = set()
    for _ in range(30):
        data = bytearray(whole)
        for _ in range(rng.randint(1, 40)):
            at = rng.randrange(len(data))
            data[at : at + rng.randint(1, 64)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
        try:
            read_pdf(bytes(data), file_name="damaged.pdf")
            outcomes.add("read")
        except ReadError as error:
            outcomes.add(error.code)
    assert outcomes - {"read"}, "some damage must be noticed"


# --- pieces of the layout analysis ------------------------------------------------------------------


def test_cell_lines_join_with_one_space_and_soft_hyphens_close() -> None:
    from circulars.reading.pdf_layout import join_cell_lines

    assert join_cell_lines(["Organi-", "zation of", "the Youth"]) == "Organization of the Youth"
    assert join_cell_lines(["Anti-", "Smuggling Department"]) == "Anti-Smuggling Department"
    assert join_cell_lines(["Youth", "“Movement of the First”"]) == "Youth “Movement of the First”"
    assert join_cell_lines(["September-Octo", "ber"], forced=[True, False]) == "September-October"
    assert join_cell_lines(["1 –  7", "March"]) == "1 – 7 March"


def test_superscript_is_glued_to_its_number() -> None:
    from circulars.reading.pdf_layout import Word, group_lines

    words = [
        Word("9", 100, 106, 700, 712.8, 11, False, False),  # DejaVu box: 0.93 em above, 0.24 em below the baseline
        Word("th", 106.2, 113, 697.2, 705.3, 7, False, False),  # 7 pt, baseline raised by 5 pt
        Word("CICA", 116, 140, 700, 712.8, 11, False, False),
    ]
    (line,) = group_lines(words, 1)
    assert line.text == "9th CICA" and line.size == 11


def _hand_drawn_note() -> bytes:
    """A note set by hand on Letter paper: offset bilingual columns, a tab-aligned table whose
    rows are packed tight under a set-off header, a bar as rule, a line of dashes, two heading
    sizes and lettered items."""
    _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=LETTER, invariant=1)
    width, height = LETTER
    y = height - 50
    c.setFont("Sans-Bold", 9)
    for i, text in enumerate(["EMBASSY OF THE REPUBLIC", "OF KAZAKHSTAN", "IN THE KINGDOM OF THAILAND"]):
        c.drawCentredString(width * 0.27, y - i * 11, text)
    for i, text in enumerate(["ПОСОЛЬСТВО РЕСПУБЛИКИ КАЗАХСТАН", "В КОРОЛЕВСТВЕ ТАИЛАНД"]):
        c.drawCentredString(width * 0.74, y - 4 - i * 13, text)
    c.rect(40, y - 48, width - 80, 1.2, stroke=0, fill=1)
    c.setFont("Sans-Bold", 16)
    c.drawCentredString(width / 2, y - 80, "NOTE VERBALE")
    c.setFont("Sans-Bold", 13)
    c.drawString(40, y - 110, "Annex: schedule of events")
    c.setFont("Sans", 10)
    c.drawString(40, y - 135, "(a) the schedule below replaces the one of 2 May;")
    c.drawString(40, y - 148, "2) dates are indicative.")
    cols = [40, 70, 300, 470]
    rows = [
        ("№", "Event", "Organiser", "Date"),
        ("1", "Forum of think tanks on", "Ministry of Foreign", "4th Quarter"),
        ("", "connectivity", "Affairs", ""),
        ("2", "Seminar on water", "CICA Secretariat", ""),
        ("3", "Business Forum of the", "National investment", "13-17 May"),
        ("", "CICA countries", "authority", ""),
    ]
    ty = y - 180
    for n, row in enumerate(rows):
        for x, text in zip(cols, row):
            if text:
                c.drawString(x, ty, text)
        ty -= 18 if n == 0 else 12.5  # the header is set off, the rows are packed tight
    c.drawString(40, ty - 10, "-" * 30)
    c.drawString(40, ty - 35, "Bangkok, 3 June 2024")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_hand_drawn_layout_reads_in_structure() -> None:
    doc = read_pdf(_hand_drawn_note())
    kinds = [(b.kind, b.text.replace("\n", " ")) for b in doc.blocks if b.kind != "table"]
    assert kinds == [
        ("paragraph", "EMBASSY OF THE REPUBLIC OF KAZAKHSTAN IN THE KINGDOM OF THAILAND"),
        ("paragraph", "ПОСОЛЬСТВО РЕСПУБЛИКИ КАЗАХСТАН В КОРОЛЕВСТВЕ ТАИЛАНД"),
        ("rule", ""),
        ("heading", "NOTE VERBALE"),
        ("heading", "Annex: schedule of events"),
        ("list_item", "(a) the schedule below replaces the one of 2 May;"),
        ("list_item", "2) dates are indicative."),
        ("rule", ""),
        ("paragraph", "Bangkok, 3 June 2024"),
    ]
    assert [b.level for b in doc.blocks if b.kind == "heading"] == [1, 2]
    assert doc.blocks[0].centered and doc.blocks[1].centered
    (table,) = _tables(doc)
    assert table.header == ["№", "Event", "Organiser", "Date"]
    assert [r.cells for r in table.rows] == [
        ["1", "Forum of think tanks on connectivity", "Ministry of Foreign Affairs", "4th Quarter"],
        ["2", "Seminar on water", "CICA Secretariat", ""],
        ["3", "Business Forum of the CICA countries", "National investment authority", "13-17 May"],
    ]
    assert doc.blocks.index(table) == 7, "the table sits between the items and the dashes"
