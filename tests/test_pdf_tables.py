"""Tables and text across pages and columns, drawn by hand so each cause is tested on its own.

The producer fixtures (tests/fixtures/producers.py) show these together; here one table runs
over two pages with its header not repeated, a row split by the page break, column widths
that differ from page to page, ruled and unruled: the reader must give one table whose split
row is whole again. Likewise a list item cut by a page break stays one item, a symbol set
flush right opposite a body's name is a line of its own, and a justified "№" keeps its number.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from circulars.reading.pdf import read_pdf
from circulars.reading.pdf_columns import find_flush_right
from circulars.reading.pdf_geometry import Line, Word, join_at_line_break, words_text
from circulars.reading.pdf_tables import cell_text, merge_tables
from models.document import Block, TableRow

FONTS = Path("/usr/share/fonts/truetype/dejavu")
HEADER = ["No.", "Expected title of the event", "Organizer (s)", "Indicative timing"]
SIZE, LEADING, PAD = 9.0, 11.5, 4.0

# Each row: one list of lines per cell. Row 3 is split by the page break: PAGE_1 ends with its
# head, PAGE_2 starts with its tail (no number, nothing in the timing column).
PAGE_1 = [
    [["1."], ["CICA Youth Forum"], ["The Republic of Uzbekistan,", "Youth Affairs Agency"], ["14 – 16 April"]],
    [["2."], ["CICA seminar on the role of women", "in peace and security"], ["The Republic of Kazakhstan"], ["6 – 7 March"]],
    [["3."], ["CICA Training on Crime"], ["The Republic of Türkiye, Anti-", "Smuggling and Organized Crime"], ["3 – 7 June"]],
]
PAGE_2 = [
    [[], ["Intelligence Analysis"], ["Department of the Turkish", "National Police"], []],
    [["4."], ["CICA Media Forum"], ["CICA Secretariat"], ["Second half of", "March"]],
    [["5."], ["CICA Festival of Culture"], ["The Socialist Republic of Viet Nam"], ["2025"]],
]
WHOLE_ROW_3 = ["3.", "CICA Training on Crime Intelligence Analysis",
               "The Republic of Türkiye, Anti-Smuggling and Organized Crime Department of the Turkish National Police",
               "3 – 7 June"]


def _font() -> None:
    for name, file in (("Sans", "DejaVuSans.ttf"), ("Sans-Bold", "DejaVuSans-Bold.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))


def _draw_rows(c: canvas.Canvas, xs: list[float], top: float, rows: list, ruled: bool, *,
               open_top: bool, open_bottom: bool, header: bool, head: list[list[str]] | None = None) -> float:
    """Draw rows at `top` (PDF y, downwards) between column lines `xs`; returns the y below them.
    `head`: the header's cells, line by line (default `HEADER`, one line each)."""
    y = top
    bounds = [y]
    if header:
        rows = [head or [[h] for h in HEADER], *rows]
    for k, row in enumerate(rows):
        height = PAD * 2 + LEADING * max(1, max(len(cell) for cell in row))
        for col, cell in enumerate(row):
            c.setFont("Sans-Bold" if header and k == 0 else "Sans", SIZE)
            for n, text in enumerate(cell):
                c.drawString(xs[col] + PAD, y - PAD - SIZE - n * LEADING, text)
        y -= height
        bounds.append(y)
    if ruled:
        c.setLineWidth(0.5)
        for n, b in enumerate(bounds):
            if (n == 0 and open_top) or (n == len(bounds) - 1 and open_bottom):
                continue  # a row cut open by the page break has no border there
            c.line(xs[0], b, xs[-1], b)
        for x in xs:
            c.line(x, bounds[0], x, bounds[-1])
    return y


def _browser_furniture(c: canvas.Canvas, page: int, pages: int) -> None:
    """What a browser prints when its headers and footers are left on: date and title at the
    head, the file's URL and "page/pages" at the foot."""
    width, height = A4
    c.setFont("Sans", 7)
    c.drawString(20, height - 16, "12/2/26, 11:24 AM")
    c.drawCentredString(width / 2, height - 16, "plan-2025")
    c.drawString(20, 14, "file:///home/clerk/Downloads/plan-2025.html")
    c.drawRightString(width - 20, 14, f"{page}/{pages}")


def _two_page_table(ruled: bool, furniture: bool = False) -> bytes:
    _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    if furniture:
        _browser_furniture(c, 1, 2)
    c.setFont("Sans-Bold", 11)
    c.drawString(60, height - 80, "CICA PLAN OF IMPLEMENTATION OF CONFIDENCE BUILDING MEASURES FOR 2025")
    c.setFont("Sans", SIZE)
    c.drawString(60, height - 100, "Approved by the Senior Officials Committee on 11 December 2024.")
    # push the table to the foot of page 1: it ends near the bottom margin
    xs1 = [60.0, 95.0, 265.0, 440.0, 535.0]
    rows_height = sum(PAD * 2 + LEADING * max(len(cell) for cell in row) for row in [[[h] for h in HEADER], *PAGE_1])
    bottom_margin = 60.0
    _draw_rows(c, xs1, bottom_margin + rows_height, PAGE_1, ruled, open_top=False, open_bottom=True, header=True)
    c.setFont("Sans", 8)
    c.drawCentredString(width / 2, 30, "1")
    c.showPage()
    if furniture:
        _browser_furniture(c, 2, 2)
    xs2 = [60.0, 100.0, 250.0, 450.0, 535.0]  # the columns set differently on this page
    below = _draw_rows(c, xs2, height - 70, PAGE_2, ruled, open_top=True, open_bottom=False, header=False)
    c.setFont("Sans", SIZE)
    c.drawString(60, below - 40, "The Senior Officials Committee requests the Secretariat to report on the Plan.")
    c.setFont("Sans", 8)
    c.drawCentredString(width / 2, 30, "2")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize(("ruled", "furniture"), [(True, False), (False, False), (False, True)],
                         ids=["ruled", "unruled", "unruled-with-browser-head-and-foot"])
def test_a_table_split_over_two_pages_without_its_header_reads_as_one(ruled, furniture):
    doc = read_pdf(_two_page_table(ruled, furniture), file_name="two-pages.pdf")
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1
    (table,) = tables
    assert table.header == HEADER
    assert [r.cells[0] for r in table.rows] == ["1.", "2.", "3.", "4.", "5."]
    assert table.rows[2].cells == WHOLE_ROW_3  # the tail joined its row: no item without a number
    assert table.rows[2].page == 1 and table.rows[3].page == 2
    assert table.rows[0].cells == ["1.", "CICA Youth Forum", "The Republic of Uzbekistan, Youth Affairs Agency", "14 – 16 April"]
    assert table.rows[3].cells == ["4.", "CICA Media Forum", "CICA Secretariat", "Second half of March"]
    assert table.rows[4].cells == ["5.", "CICA Festival of Culture", "The Socialist Republic of Viet Nam", "2025"]
    after = doc.blocks[doc.blocks.index(table) + 1:]
    assert [b.text for b in after if b.kind == "paragraph"] == [
        "The Senior Officials Committee requests the Secretariat to report on the Plan."
    ]
    assert not any("plan-2025" in b.text or "11:24" in b.text for b in doc.blocks)  # furniture, all of it


def _repeated_header_table(ruled: bool, head: list[list[str]]) -> bytes:
    """The plan table over two pages, its header repeated on the second, its first cell set on
    several lines ("№" / "п/п"); row 3 split by the page break."""
    _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    c.setFont("Sans-Bold", 11)
    c.drawString(60, height - 80, "CICA PLAN OF IMPLEMENTATION OF CONFIDENCE BUILDING MEASURES FOR 2025")
    xs = [60.0, 105.0, 280.0, 450.0, 545.0]  # a first column wide enough for "No. of"
    rows_height = sum(PAD * 2 + LEADING * max(len(cell) for cell in row) for row in [head, *PAGE_1])
    _draw_rows(c, xs, 60.0 + rows_height, PAGE_1, ruled, open_top=False, open_bottom=True, header=True, head=head)
    c.showPage()
    below = _draw_rows(c, xs, height - 70, PAGE_2, ruled, open_top=False, open_bottom=False, header=True, head=head)
    c.setFont("Sans", SIZE)
    c.drawString(60, below - 40, "The Senior Officials Committee requests the Secretariat to report on the Plan.")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
@pytest.mark.parametrize(("first", "label"), [
    (["№", "п/п"], "№п/п"),
    (["No. of", "item"], "No. of item"),
    (["No.", "of", "item"], "No. of item"),
    (["Sl.", "No."], "Sl. No."),
    (["S/N"], "S/N"),
])
def test_a_header_repeated_on_the_next_page_with_a_first_cell_on_several_lines_keeps_every_row(ruled, first, label):
    head = [first, ["Expected title", "of the event"], ["Organizer (s)"], ["Indicative timing"]]
    doc = read_pdf(_repeated_header_table(ruled, head), file_name="repeated.pdf")
    (table,) = [b for b in doc.blocks if b.kind == "table"]
    assert table.header == [label, "Expected title of the event", "Organizer (s)", "Indicative timing"]
    assert [r.cells[0] for r in table.rows] == ["1.", "2.", "3.", "4.", "5."]
    assert table.rows[2].cells == WHOLE_ROW_3
    assert [r.page for r in table.rows] == [1, 1, 1, 2, 2]
    assert [b.text for b in doc.blocks if b.kind == "paragraph" and b.page == 2] == [
        "The Senior Officials Committee requests the Secretariat to report on the Plan."
    ]  # no label's second line ("п/п") left over as text


def _table_then_next_document() -> bytes:
    """Page 1 ends with a whole unruled table; page 2 opens the next document with its symbol
    and date set flush right (body size), where they line up with the table's last column."""
    _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    xs = [60.0, 95.0, 265.0, 440.0, 535.0]
    rows = [*PAGE_1[:2], [["3."], ["CICA Media Forum"], ["CICA Secretariat"], ["March"]]]
    rows_height = sum(PAD * 2 + LEADING * max(len(cell) for cell in row) for row in [[[h] for h in HEADER], *rows])
    c.setFont("Sans-Bold", 11)
    c.drawString(60, height - 80, "CICA PLAN OF IMPLEMENTATION OF CONFIDENCE BUILDING MEASURES FOR 2025")
    _draw_rows(c, xs, 60.0 + rows_height, rows, False, open_top=False, open_bottom=False, header=True)
    c.showPage()
    c.setFont("Sans", 11)
    c.drawRightString(xs[-1] - PAD, height - 70, "SOC/2024-III/DEC/3")
    c.drawRightString(xs[-1] - PAD, height - 84, "11 December 2024")
    c.setFont("Sans-Bold", 11)
    c.drawString(60, height - 120, "DECISION OF THE SENIOR OFFICIALS COMMITTEE")
    c.setFont("Sans", 11)
    c.drawString(60, height - 140, "The Senior Officials Committee approves the budget as contained in the Annex.")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_the_next_documents_symbol_at_the_top_of_a_page_does_not_continue_the_table():
    doc = read_pdf(_table_then_next_document(), file_name="next.pdf")
    (table,) = [b for b in doc.blocks if b.kind == "table"]
    assert [r.cells for r in table.rows][-1] == ["3.", "CICA Media Forum", "CICA Secretariat", "March"]
    assert [b.text for b in doc.blocks if b.page == 2][:2] == [
        "SOC/2024-III/DEC/3\n11 December 2024", "DECISION OF THE SENIOR OFFICIALS COMMITTEE"
    ]


def _row(cells: list[str], page: int, bold: bool = False) -> TableRow:
    return TableRow(cells=cells, page=page, bold=bold)


def test_a_total_at_the_top_of_the_next_page_stays_a_row():
    first = Block(kind="table", page=1, header=["Nº", "EXPENDITURES", "Budget"],
                  rows=[_row(["1", "I - CAPITAL INVESTMENT EXPENSES", "218,291"], 1, True),
                        _row(["2", "II - OPERATIONAL EXPENSES", "1,629,598"], 1, True)])
    second = Block(kind="table", page=2, rows=[_row(["", "Total", "1,847,889"], 2)])
    (merged,) = merge_tables([first, Block(kind="rule", page=1), second])
    assert [r.cells for r in merged.rows] == [
        ["1", "I - CAPITAL INVESTMENT EXPENSES", "218,291"],
        ["2", "II - OPERATIONAL EXPENSES", "1,629,598"],
        ["", "Total", "1,847,889"],
    ]


def test_a_bold_row_split_by_the_page_break_joins_with_its_tail():
    first = Block(kind="table", page=1, header=["Nº", "EXPENDITURES", "Budget"],
                  rows=[_row(["4", "IV - PERSONNEL EXPENSES", "1,146,506"], 1, True),
                        _row(["5", "V - RELOCATION TO AND EQUIPPING THE NEW", "1,131,724"], 1, True)])
    second = Block(kind="table", page=2, header=["Nº", "EXPENDITURES", "Budget"],
                   rows=[_row(["", "CICA HEADQUARTERS", ""], 2, True), _row(["", "Total", "4,735,323"], 2)])
    (merged,) = merge_tables([first, second])
    assert [r.cells for r in merged.rows] == [
        ["4", "IV - PERSONNEL EXPENSES", "1,146,506"],
        ["5", "V - RELOCATION TO AND EQUIPPING THE NEW CICA HEADQUARTERS", "1,131,724"],
        ["", "Total", "4,735,323"],
    ]


@pytest.mark.parametrize(("before", "after", "joined"), [
    ("Counter-", "Terrorism (UNOCT)", "Counter-Terrorism (UNOCT)"),  # a hard hyphen: kept, no space
    ("(document SOC/2024-", "I/DRAFT/1)", "(document SOC/2024-I/DRAFT/1)"),
    ("Autonomous non-", "commercial organization", "Autonomous non-commercial organization"),  # a compound's first part
    ("Agriculture High-", "tech Industry", "Agriculture High-tech Industry"),
    ("государствам-", "членам СВМДА", "государствам-членам СВМДА"),
    ("by note №", "DOC/1519 of 15 March 2024", "by note №DOC/1519 of 15 March 2024"),
    ("Organi-", "zation of the Youth", "Organization of the Youth"),  # a soft hyphen between syllables
    ("1 –", "7 March", "1 – 7 March"),  # a dash between words is no hyphen
    ("Ministry of", "Transport", "Ministry of Transport"),
])
def test_lines_join_at_a_break_as_the_text_reads(before, after, joined):
    assert join_at_line_break(before, after) == joined


def _list_item_over_a_page_break() -> bytes:
    _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    c.setFont("Sans", 10)
    y = 90.0
    for text in ("6. The SOC approved the concept paper in the priority area \"Environment protection\".",
                 "7. The SOC considered and recommended to the Ministerial Council (MC) to adopt the draft"):
        c.drawString(60, y, text)
        y -= 14
    c.drawString(78, y, "MC decision on granting CICA Observer Status to the Kingdom of Saudi Arabia (document")
    c.showPage()
    c.setFont("Sans", 10)
    c.drawString(78, height - 70, "MC/2023/DRAFT/7 of 1 December 2023) through silence procedure.")
    c.drawString(60, height - 84, "8. The SOC took note of the draft action plan.")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_list_item_cut_by_a_page_break_stays_one_item_on_its_first_page():
    doc = read_pdf(_list_item_over_a_page_break(), file_name="item.pdf")
    items = [b for b in doc.blocks if b.kind == "list_item"]
    assert [b.text.split(".")[0] for b in items] == ["6", "7", "8"]
    assert items[1].page == 1 and items[2].page == 2
    assert items[1].text.replace("\n", " ") == (
        "7. The SOC considered and recommended to the Ministerial Council (MC) to adopt the draft MC decision on "
        "granting CICA Observer Status to the Kingdom of Saudi Arabia (document MC/2023/DRAFT/7 of 1 December "
        "2023) through silence procedure."
    )


def _line(*words: tuple[str, float, float], bottom: float = 100.0, size: float = 10.0) -> Line:
    line = Line(words=[Word(t, x0, x1, bottom - size, bottom, size, False, False) for t, x0, x1 in words], page=1)
    line.refresh()
    return line


def test_a_symbol_and_date_set_flush_right_opposite_a_body_are_a_column_of_their_own():
    lines = [
        _line(("Chairmanship", 71, 140), ("of", 143, 152), ("Kazakhstan", 155, 210), ("SOC/2024-I/DRAFT/1", 440, 533),
              bottom=100),
        _line(("29", 470, 481), ("February", 484, 522), ("2024", 525, 533), bottom=113),  # the right column alone
        _line(("Subject", 180, 220), ("to", 223, 232), ("adoption", 235, 280), bottom=140),
    ]
    found = find_flush_right(lines, 0, (71.0, 561.0))  # the table ends short of the frame: flush together
    assert found is not None and found[0] == 2
    assert find_flush_right(lines[2:], 0, (71.0, 561.0)) is None
    lone = [lines[0]]
    assert find_flush_right(lone, 0, (71.0, 561.0)) is None  # alone and short of the frame's edge: no sign
    assert find_flush_right(lone, 0, (71.0, 534.0)) is not None


def test_a_justified_gap_after_numero_is_no_space_a_real_one_is():
    justified = [Word("by", 0, 10, 0, 10, 10, False, False), Word("note", 16, 36, 0, 10, 10, False, False),
                 Word("№", 42, 52, 0, 10, 10, False, False), Word("DOC/1519", 55.5, 95, 0, 10, 10, False, False),
                 Word("of", 101, 110, 0, 10, 10, False, False)]
    assert words_text(justified) == "by note №DOC/1519 of"  # 3.5 pt after № against 6 pt word gaps
    spaced = [Word("note", 0, 20, 0, 10, 10, False, False), Word("№", 23, 33, 0, 10, 10, False, False),
              Word("1519", 36, 56, 0, 10, 10, False, False), Word("of", 59, 68, 0, 10, 10, False, False)]
    assert words_text(spaced) == "note № 1519 of"


def _wrapped_cell(text: str, width: float, font: str = "Sans", size: float = SIZE) -> list[Word]:
    """The words of `text` as a renderer sets them in a cell `width` wide: wrapped between words,
    and a word too long for any line broken after its last letter that fits (CSS break-word,
    LibreOffice). Positions from the font's own widths."""
    _font()
    space = stringWidth(" ", font, size)
    lines: list[list[str]] = [[]]
    for word in text.split():
        used = sum(stringWidth(w, font, size) for w in lines[-1]) + space * len(lines[-1])
        if lines[-1] and used + stringWidth(word, font, size) > width:
            lines.append([])
        while stringWidth(word, font, size) > width:  # too long for a line of its own: broken at the edge
            cut = max(k for k in range(1, len(word)) if stringWidth(word[:k], font, size) <= width)
            lines[-1].append(word[:cut])
            lines.append([])
            word = word[cut:]
        lines[-1].append(word)
    words: list[Word] = []
    for n, line in enumerate(lines):
        x = 0.0
        for w in line:
            end = x + stringWidth(w, font, size)
            words.append(Word(w, x, end, n * LEADING, n * LEADING + size, size, False, False))
            x = end + space
    return words


def _fill(word: str, slack: float) -> float:
    """A cell width where `word` fills its line, the room left being `slack` times the width of an "s"."""
    _font()
    return stringWidth(word, "Sans", SIZE) + slack * stringWidth("s", "Sans", SIZE)


@pytest.mark.parametrize(("text", "width"), [
    # words wrapped apart that happen to fill the line: a space between them
    ("Online CICA seminar “Epidemiological security, public health and pharmaceuticals”", _fill("“Epidemiological", 0.9)),
    ("Indicative timing", _fill("Indicative", 0.8)),
    ("Amendment of the timing", _fill("Amendment", 0.5)),
    ("Rescheduled to the first half of April", _fill("Rescheduled", 0.9)),  # "to" stands on its own
    ("Семинар по безопасности информации", _fill("безопасности", 0.9)),
    ("CICA Seminar on Information Technology", 60.0),
    ("Қазақстан Республикасы Сыртқы істер министрлігі", _fill("Республикасы", 0.9)),  # no Kazakh word list: capitals tell
    ("Министерство иностранных дел Республики Казахстан", _fill("Республики", 0.9)),
    # a word too long for the cell, broken at its edge: no space where it was broken
    ("Amendment", 45.0),
    ("Rescheduled", 45.0),
    ("Postponed to November", 40.0),
    ("Организатор(ы)", 50.0),
    ("Organization of the event", _fill("Organizati", 0.5)),  # broken before "on": a word standing alone too
    ("Министерство иностранных дел", _fill("Министерст", 0.5)),  # broken before "во"
    ("Ұйымдастырушылар", 60.0),
    ("Counter-Terrorism Committee", 50.0),
    ("UNESCAP-UNESCWA", 40.0),
])
def test_a_cell_reads_as_printed_whether_its_lines_wrap_between_words_or_break_a_word(text, width):
    words = _wrapped_cell(text, width)
    assert len({w.top for w in words}) > 1  # the cell does wrap
    assert cell_text(words, limit=width) == text
