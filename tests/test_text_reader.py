"""The text reader: decoding, markdown-like structure, tables, pages; never anything but ReadError."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulars.reading.errors import ReadError
from circulars.reading.text import read_text
from models.document import ReadDocument

SEED_TEXT = Path(__file__).resolve().parent / "fixtures" / "text" / "000_seed_DOC-1497.txt"


@pytest.fixture(scope="module")
def seed() -> ReadDocument:
    return read_text(SEED_TEXT.read_bytes(), file_name=SEED_TEXT.name)


def _texts(doc: ReadDocument) -> list[str]:
    return [b.text for b in doc.blocks if b.kind != "table"]


def _tables(doc: ReadDocument):
    return [b for b in doc.blocks if b.kind == "table"]


# --- the seed -------------------------------------------------------------------------


def test_seed_letterhead_is_bold_and_keeps_its_lines(seed):
    first = seed.blocks[0]
    assert first.kind == "paragraph" and first.bold and not first.italic
    assert first.text == "SECRETARIAT OF THE CONFERENCE ON INTERACTION\nAND CONFIDENCE BUILDING MEASURES IN ASIA"
    assert seed.blocks[2].text == "№DOC/1497" and seed.blocks[2].bold
    assert seed.media_type == "text/plain" and seed.page_count == 1


def test_seed_italic_enclosure_spans_lines(seed):
    enclosure = seed.blocks[3]
    assert enclosure.italic and not enclosure.bold
    assert enclosure.text == "Enclosure:\nas stated,\non 11 p."


def test_seed_keeps_russian_and_kazakh_text_exactly(seed):
    texts = _texts(seed)
    assert "город Астана, 12 декабря 2023 г." in texts
    assert "Астана қаласы, 2023 жылғы 12 желтоқсан" in texts
    assert "АЗИЯДАҒЫ ӨЗАРА ІС-ҚИМЫЛ ЖӘНЕ\nСЕНІМ ШАРАЛАРЫ КЕҢЕСІНЕ\nМҮШЕ МЕМЛЕКЕТТЕР" in texts
    assert "Қосымша:\nаталған 11 п." in texts
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)


def test_seed_headings_rules_and_list_items(seed):
    headings = [(b.level, b.text) for b in seed.blocks if b.kind == "heading"]
    assert headings == [(2, "DECISIONS OF THE SENIOR OFFICIALS COMMITTEE"), (2, "BUDGET OF THE CICA SECRETARIAT FOR 2024")]
    assert sum(b.kind == "rule" for b in seed.blocks) == 4
    items = [b.text for b in seed.blocks if b.kind == "list_item"]
    assert [t.split(".", 1)[0] for t in items] == [str(n) for n in range(1, 10)]
    assert items[3] == "4. The SOC adopted the decision on the 2024 Budget of the CICA Secretariat."


def test_seed_plan_table_has_all_27_rows_across_blank_lines(seed):
    plan = _tables(seed)[0]
    assert plan.header == ["No.", "Expected title of the event", "Organizer (s)", "Indicative timing"]
    assert [row.cells[0] for row in plan.rows] == [f"{n}." for n in range(1, 28)]
    assert all(len(row.cells) == 4 for row in plan.rows)
    assert plan.rows[21].cells[1] == "9th CICA Business Forum"  # 9 <sup>th</sup>
    assert plan.rows[23].cells == ["24.", "CICA seminar on the security of ICT", "The Russian Federation", ""]
    assert plan.rows[26].cells[3] == "13-17 May"  # after blank rows; the dashed row after it is dropped
    assert plan.rows[0].cells[3] == "1 – 7 March"


def test_seed_budget_table_strips_tags_and_keeps_amounts(seed):
    budget = _tables(seed)[1]
    assert budget.header == ["Nº", "EXPENDITURES", "Budget"]
    assert [row.cells for row in budget.rows] == [
        ["1", "I - CAPITAL INVESTMENT EXPENSES", "218,291"],
        ["2", "II - OPERATIONAL EXPENSES", "1,629,598"],
        ["3", "III - TRAVEL EXPENSES", "609,204"],
        ["4", "IV - PERSONNEL EXPENSES", "1,146,506"],
        ["5", "V - RELOCATION TO AND EQUIPPING THE NEW CICA HEADQUARTERS", "1,131,724"],
        ["", "Total", "4,735,323"],
        ["6", "VI - MISCELLANEOUS", "23,677"],
        ["", "Grand total", "4,759,000"],
    ]
    assert budget.rows[0].bold and not budget.rows[5].bold


# --- decoding -----------------------------------------------------------------------------

SAMPLE = "**№DOC/1497**\n\nАстана қаласы, 2023 жылғы 12 желтоқсан\n"


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"),
        SAMPLE.encode("utf-16"),
        b"\xfe\xff" + SAMPLE.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom"],
)
def test_decodes_utf8_and_utf16_with_bom(data):
    doc = read_text(data)
    assert _texts(doc) == ["№DOC/1497", "Астана қаласы, 2023 жылғы 12 желтоқсан"]


def test_decodes_cp1251_cyrillic():
    doc = read_text("город Астана, 12 декабря 2023 г.\n".encode("cp1251"))
    assert _texts(doc) == ["город Астана, 12 декабря 2023 г."]


def test_decodes_kazakh_kz1048_not_as_cp1251_mojibake():
    kazakh = "Қосымша:\nаталған 11 п.\n\nАстана қаласы, 2023 жылғы 12 желтоқсан\n"
    doc = read_text(kazakh.encode("kz1048"))
    assert _texts(doc) == ["Қосымша:\nаталған 11 п.", "Астана қаласы, 2023 жылғы 12 желтоқсан"]


def test_text_is_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "Республика Түркия, Ministry of Türkiye")
    doc = read_text(decomposed.encode("utf-8"))
    assert _texts(doc) == ["Республика Түркия, Ministry of Türkiye"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"  \n\t\n \f \n", "empty_file"),
        (b"caf\xe9 cr\xe8me br\xfbl\xe9e", "garbled_text"),  # Latin-1, not UTF-8 nor Cyrillic cp1251
        (b"\x00\x01\x02binary\x00\x00data\x03", "garbled_text"),
        (b"\xff\xfe\x00\xd8", "garbled_text"),  # UTF-16 BOM then a lone surrogate
    ],
)
def test_unreadable_bytes_raise_read_error(data, code):
    with pytest.raises(ReadError) as error:
        read_text(data, file_name="x.txt")
    assert error.value.code == code
    assert error.value.file_name == "x.txt"


# --- structure ---------------------------------------------------------------------------


def test_form_feeds_start_pages_and_tables_continue_with_repeated_header():
    text = (
        "Cover\n\fHEADING\n\nNo.\tTitle\tAmount\n1.\tA\t10\n2.\tB\t20\n"
        "\fNo.\tTitle\tAmount\n3.\tC\t30\n\nAfter the table\n"
    )
    doc = read_text(text.encode())
    assert doc.page_count == 3
    assert [(b.kind, b.page) for b in doc.blocks] == [("paragraph", 1), ("paragraph", 2), ("table", 2), ("paragraph", 3)]
    table = doc.blocks[2]
    assert table.header == ["No.", "Title", "Amount"]
    assert [(row.cells, row.page) for row in table.rows] == [
        (["1.", "A", "10"], 2), (["2.", "B", "20"], 2), (["3.", "C", "30"], 3)
    ]


def test_pipe_table_and_separator_row():
    text = "| No. | Title | Timing |\n|---|:---|---:|\n| 1. | **Forum** | 1 – 7 March |\n| 2. | Seminar | |\n"
    table = read_text(text.encode(), media_type="text/markdown").blocks[0]
    assert table.kind == "table"
    assert table.header == ["No.", "Title", "Timing"]
    assert [row.cells for row in table.rows] == [["1.", "Forum", "1 – 7 March"], ["2.", "Seminar", ""]]


def test_headerless_table_keeps_first_row():
    table = read_text(b"1.\tA\tx\n2.\tB\ty\n").blocks[0]
    assert table.header is None and [r.cells[1] for r in table.rows] == ["A", "B"]


def test_inline_markup_is_removed_and_bold_spans_lines():
    text = "**Subject to adoption  \nby silence procedure**\n\nThe <b>9 <sup>th</sup></b> *Forum* of <i>CICA</i>\n"
    doc = read_text(text.encode())
    assert doc.blocks[0].bold and doc.blocks[0].text == "Subject to adoption\nby silence procedure"
    assert doc.blocks[1].text == "The 9th Forum of CICA" and not doc.blocks[1].bold


def test_list_item_continuation_lines_join_the_item():
    doc = read_text(b"1. The SOC took note\nof the report.\n2. The SOC adopted X.\nNot a list item\n\n---\n")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("list_item", "1. The SOC took note\nof the report."),
        ("list_item", "2. The SOC adopted X.\nNot a list item"),
        ("rule", ""),
    ]


def test_markdown_media_type_from_file_name():
    assert read_text(b"# T\n", file_name="a.md", media_type="application/octet-stream").media_type == "text/markdown"


# --- never anything but ReadError ---------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_read_or_raise_read_error(data):
    try:
        doc = read_text(data)
    except ReadError:
        return
    assert isinstance(doc, ReadDocument)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1.|\t\n\f*#-_<>/ №қ:") + ["<b>", "</b>", "<sup>", "**", "---", "\n\n"]),
                max_size=200).map("".join))
def test_arbitrary_markup_text_reads_or_raises_read_error(text):
    try:
        doc = read_text(text.encode("utf-8"))
    except ReadError:
        return
    assert isinstance(doc, ReadDocument)
    assert doc.page_count >= 1
    assert all(1 <= b.page <= doc.page_count for b in doc.blocks)
