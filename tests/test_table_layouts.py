"""Budget and plan tables in layouts the fixtures don't use (red-team causes C7 and C8).

Each case is a whole circular in the CICA frame (cover note, enclosed decision, annex table)
whose table is drafted in another tradition: a column of roman numerals beside the
description, totals worded "Subtotal, parts I–III" / "TOTAL APPROPRIATIONS" / "Итого по
разделам" / "Бюджет бойынша барлығы", number columns headed "Sl. No.", "Serial", "№ п/п",
"Р/с" or nothing the vocabulary knows, timing columns headed "Schedule". Every line, kind,
number, title and timing is asserted.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import sys
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from circulars.reading import read_circular
from circulars.reading.derive.budgets import total_kinds

_NOTE = """**SECRETARIAT OF THE CONFERENCE ON INTERACTION
AND CONFIDENCE BUILDING MEASURES IN ASIA**

**№DOC/{doc}**

The Secretariat of the Conference on Interaction and Confidence Building Measures in Asia (CICA) presents its compliments to the CICA Member States and has the honour to forward the decision of the Senior Officials Committee on the {what}.

The Secretariat avails itself of this opportunity to renew to the CICA Member States the assurances of its highest consideration.

Astana, 20 December 2024

**MEMBER STATES
OF THE CONFERENCE ON INTERACTION
AND CONFIDENCE BUILDING MEASURES
IN ASIA**



**CONFERENCE ON INTERACTION AND CONFIDENCE
BUILDING MEASURES IN ASIA**

SOC/2024-III/DEC/{number}
18 December 2024

---

**Senior Officials Committee**

**DECISION OF THE SENIOR OFFICIALS COMMITTEE**

**on the {What}**

The Senior Officials Committee

Approves the {what} as contained in the Annex.

## {WHAT}

{table}
"""


def _circular(what: str, table: str, number: int) -> str:
    return _NOTE.format(doc=1570 + number, number=number, what=what, What=what[0].upper() + what[1:],
                        WHAT=what.upper(), table=table)


def _read(what: str, table: str, number: int = 9, layout: str | None = None) -> list:
    data = _circular(what, table, number).encode()
    if layout:
        data = _pdf(data.decode(), layout)
    reading = read_circular(data, file_name="layout.txt", sha256=hashlib.sha256(data).hexdigest(), reading_id="r")
    return reading.events


def _budget(table: str, layout: str | None = None) -> tuple[list[tuple], list[tuple]]:
    events = _read("budget of the CICA Secretariat for 2025", table, layout=layout)
    lines = [(e.line_no, e.section, e.title, e.amount_usd, e.line_kind)
             for e in events if e.event_type == "BudgetLineSet"]
    unread = [(e.why, e.text) for e in events if e.event_type == "StatementNotRead"]
    return lines, unread


@cache
def _renderer():
    spec = importlib.util.spec_from_file_location("fixtures_render", Path(__file__).parent / "fixtures" / "render.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.register_fonts()
    return module


def _pdf(text: str, layout: str) -> bytes:
    """The circular set by tests/fixtures/render.py (`a4serif`: ruled; `lettersans`: unruled)."""
    render = _renderer()
    out = io.BytesIO()
    render.render(text, render.LAYOUTS[layout], out, title="layout")
    return out.getvalue()


# --- budgets (C7) -------------------------------------------------------------------------------

_UN_LINES = [
    (1, "I", "Staff costs", 1_300_000, "expenditure"),
    (2, "II", "Official travel", 450_000, "expenditure"),
    (3, "III", "General operating expenses", 900_000, "expenditure"),
]


@pytest.mark.parametrize(("table", "expected"), [
    pytest.param(  # UN: parts in a column of their own, a subtotal and "Total appropriations"
        "Part\tItem of expenditure\tAmount (US dollars)\n"
        "I\tStaff costs\t1 300 000.00\nII\tOfficial travel\t450 000.00\nIII\tGeneral operating expenses\t900 000.00\n"
        "\tSubtotal, parts I–III\t2 650 000.00\nIV\tContingency\t50 000.00\n\tTotal appropriations\t2 700 000.00\n",
        [*_UN_LINES, (None, None, "Subtotal, parts I–III", 2_650_000, "total"),
         (4, "IV", "Contingency", 50_000, "expenditure"),
         (None, None, "Total appropriations", 2_700_000, "grand_total")],
        id="un-part-column-total-appropriations"),
    pytest.param(  # EU: "Heading", numerals with a dot, one total only, in capitals
        "Heading\tDescription\tAppropriations (EUR)\n"
        "I.\tStaff costs\t1,300,000\nII.\tOfficial travel\t450,000\nIII.\tGeneral operating expenses\t900,000\n"
        "\tTOTAL BUDGET\t2,650,000\n",
        [*_UN_LINES, (None, None, "TOTAL BUDGET", 2_650_000, "grand_total")],
        id="eu-heading-single-total"),
    pytest.param(  # a single trailing "Total" is the all-lines total
        "Chapter\tPurpose\tUSD\n"
        "I\tStaff costs\t1 300 000\nII\tOfficial travel\t450 000\nIII\tGeneral operating expenses\t900 000\n"
        "\tTotal\t2 650 000\n",
        [*_UN_LINES, (None, None, "Total", 2_650_000, "grand_total")],
        id="single-plain-total"),
    pytest.param(  # Russian labels: "Итого по разделам I–III", then "Всего по бюджету"
        "Раздел\tСтатья расходов\tСумма (долл. США)\n"
        "I\tРасходы на персонал\t1 300 000,00\nII\tСлужебные поездки\t450 000,00\nIII\tОперационные расходы\t900 000,00\n"
        "\tИтого по разделам I–III\t2 650 000,00\nIV\tРезерв\t50 000,00\n\tВсего по бюджету\t2 700 000,00\n",
        [(1, "I", "Расходы на персонал", 1_300_000, "expenditure"), (2, "II", "Служебные поездки", 450_000, "expenditure"),
         (3, "III", "Операционные расходы", 900_000, "expenditure"),
         (None, None, "Итого по разделам I–III", 2_650_000, "total"), (4, "IV", "Резерв", 50_000, "expenditure"),
         (None, None, "Всего по бюджету", 2_700_000, "grand_total")],
        id="ru-itogo-po-razdelam-vsego-po-byudzhetu"),
    pytest.param(  # Russian: "Итого" of the first part, then "Общий итог"
        "№ раздела\tНаименование\tСумма\n"
        "I\tРасходы на персонал\t1 300 000\nII\tСлужебные поездки\t450 000\nIII\tОперационные расходы\t900 000\n"
        "\tИтого\t2 650 000\nIV\tРезерв\t50 000\n\tОбщий итог\t2 700 000\n",
        [(1, "I", "Расходы на персонал", 1_300_000, "expenditure"), (2, "II", "Служебные поездки", 450_000, "expenditure"),
         (3, "III", "Операционные расходы", 900_000, "expenditure"),
         (None, None, "Итого", 2_650_000, "total"), (4, "IV", "Резерв", 50_000, "expenditure"),
         (None, None, "Общий итог", 2_700_000, "grand_total")],
        id="ru-itogo-obshchiy-itog"),
    pytest.param(  # Kazakh labels
        "Бөлім\tШығыстар бабы\tСомасы (АҚШ доллары)\n"
        "I\tҚызметкерлерге арналған шығыстар\t1 300 000\nII\tІссапарлар\t450 000\nIII\tОперациялық шығыстар\t900 000\n"
        "\tАралық жиыны\t2 650 000\nIV\tРезерв\t50 000\n\tБюджет бойынша барлығы\t2 700 000\n",
        [(1, "I", "Қызметкерлерге арналған шығыстар", 1_300_000, "expenditure"), (2, "II", "Іссапарлар", 450_000, "expenditure"),
         (3, "III", "Операциялық шығыстар", 900_000, "expenditure"),
         (None, None, "Аралық жиыны", 2_650_000, "total"), (4, "IV", "Резерв", 50_000, "expenditure"),
         (None, None, "Бюджет бойынша барлығы", 2_700_000, "grand_total")],
        id="kk-aralyq-zhiyny-barlygy"),
    pytest.param(  # two totals worded alike: the sums tell the part's from the whole's
        "Section\tDescription\tAmount\n"
        "I\tStaff costs\t1,300,000\nII\tOfficial travel\t450,000\nIII\tGeneral operating expenses\t900,000\n"
        "\tTotal\t2,650,000\nIV\tContingency\t50,000\n\tTotal\t2,700,000\n",
        [*_UN_LINES, (None, None, "Total", 2_650_000, "total"), (4, "IV", "Contingency", 50_000, "expenditure"),
         (None, None, "Total", 2_700_000, "grand_total")],
        id="two-plain-totals-told-by-sum"),
    pytest.param(  # a total naming every heading is the grand total
        "Heading\tDescription\tAmount\n"
        "I\tStaff costs\t1,300,000\nII\tOfficial travel\t450,000\nIII\tGeneral operating expenses\t900,000\n"
        "\tTotal, headings I–II\t1,750,000\n\tTotal, headings I–III\t2,650,000\n",
        [*_UN_LINES, (None, None, "Total, headings I–II", 1_750_000, "total"),
         (None, None, "Total, headings I–III", 2_650_000, "grand_total")],
        id="totals-naming-headings"),
])
def test_a_budget_in_another_layout_reads_every_line_with_its_number_section_and_kind(table, expected):
    lines, unread = _budget(table)
    assert lines == expected
    assert unread == [], unread


def test_a_last_total_worded_like_an_earlier_one_whose_sum_is_neither_is_flagged_not_guessed():
    """"Total" after lines and after a first "Total": the part since that total (50,000) or every
    line (2,700,000)? Printed 2,750,000 is neither: flagged, never stored as one kind or the other."""
    lines, unread = _budget(
        "Section\tDescription\tAmount\n"
        "I\tStaff costs\t1,300,000\nII\tOfficial travel\t450,000\nIII\tGeneral operating expenses\t900,000\n"
        "\tTotal\t2,650,000\nIV\tContingency\t50,000\n\tTotal\t2,750,000\n")
    assert lines == [*_UN_LINES, (None, None, "Total", 2_650_000, "total"),
                     (4, "IV", "Contingency", 50_000, "expenditure")]
    assert [(why, text) for why, text in unread if "2,750,000" in text] == [
        ("row_not_understood", "Total 2,750,000")]


@pytest.mark.parametrize(("rows", "kinds"), [
    # the seed: "Total" of lines 1-5, then "Grand total"
    ([("a", 1, "I"), ("b", 2, "II"), ("Total", 3, None), ("c", 4, "III"), ("Grand total", 7, None)],
     ["expenditure", "expenditure", "total", "expenditure", "grand_total"]),
    # "TOTAL APPROPRIATIONS" after a "Subtotal": the whole, even when its sum is misprinted (the checks flag it)
    ([("a", 1, "I"), ("Subtotal, headings I–I", 1, None), ("b", 2, "II"), ("TOTAL APPROPRIATIONS", 9, None)],
     ["expenditure", "total", "expenditure", "grand_total"]),
    # a total followed by more lines is a part's, whatever its words
    ([("a", 1, None), ("Total expenditure", 1, None), ("b", 2, None)], ["expenditure", "total", "expenditure"]),
    # two totals worded alike at the end, neither sum telling: not guessed
    ([("a", 1, None), ("Итого", 1, None), ("b", 2, None), ("Итого", 5, None)],
     ["expenditure", "total", "expenditure", None]),
])
def test_total_kinds(rows, kinds):
    assert total_kinds(rows) == kinds


# --- plans (C8) ---------------------------------------------------------------------------------

_PLAN_ROWS = [
    ("CICA Forum on Digital Connectivity", "The Republic of Kazakhstan", "first half of April", date(2025, 4, 1)),
    ("CICA Seminar on Food Security", "The People’s Republic of Bangladesh", "Q2", date(2025, 4, 1)),
    ("Experts meeting on transport corridors", "The Republic of Azerbaijan", "September", date(2025, 9, 1)),
    ("CICA Youth Forum", "The Republic of Uzbekistan", "20–22 May 2025", date(2025, 5, 20)),
]


def _plan(first: str, numbers: list[str], timing_header: str = "Timing", layout: str | None = None) -> list:
    table = f"{first}\tActivity\tOrganizer(s)\t{timing_header}\n" + "".join(
        f"{n}\t{title}\t{org}\t{timing}\n" for n, (title, org, timing, _) in zip(numbers, _PLAN_ROWS))
    return _read("CICA Plan of Implementation of Confidence Building Measures for 2025", table, number=3, layout=layout)


@pytest.mark.parametrize("first", ["Item No.", "No. of item", "Sl. No.", "Serial", "S/N", "Sr. No.", "№ п/п",
                                   "Р/с", "Ref.", "Code", "Item", ""])
@pytest.mark.parametrize("numbers", [["1", "2", "3", "4"], ["1.", "2.", "3.", "4."], ["5", "6", "8", "9"]],
                         ids=["plain", "dotted", "gap"])
def test_a_plans_number_column_is_found_whatever_its_header(first, numbers):
    items = [e for e in _plan(first, numbers) if e.event_type == "PlanItemScheduled"]
    assert [(e.item_no, e.title, e.organizers, e.timing_text, e.starts_on) for e in items] == [
        (int(n.rstrip(".")), title, [org], timing, starts)
        for n, (title, org, timing, starts) in zip(numbers, _PLAN_ROWS)]


@pytest.mark.parametrize("timing_header", ["Schedule", "When", "Проведение", "Өткізілетін кезі"])
def test_a_plans_timing_column_is_found_by_its_month_and_date_phrases(timing_header):
    items = [e for e in _plan("No.", ["1", "2", "3", "4"], timing_header) if e.event_type == "PlanItemScheduled"]
    assert [(e.item_no, e.timing_text, e.starts_on) for e in items] == [
        (k + 1, timing, starts) for k, (_, _, timing, starts) in enumerate(_PLAN_ROWS)]


def test_a_plan_whose_numbered_looking_table_gives_no_item_number_is_flagged():
    """"1.1", "1.2", ... are no item numbers the reader can match later amendments to: flagged."""
    events = _plan("Ref. code", ["1.1", "1.2", "2.1", "2.2"])
    items = [e for e in events if e.event_type == "PlanItemScheduled"]
    assert [(e.item_no, e.title) for e in items] == [(None, title) for title, _, _, _ in _PLAN_ROWS]
    flags = [e for e in events if e.event_type == "StatementNotRead" and "looks numbered" in e.detail]
    assert [(e.why, e.text) for e in flags] == [("row_not_understood", "Ref. code Activity Organizer(s) Timing")]


# --- amounts with their currency (C17) ----------------------------------------------------------


@pytest.mark.parametrize(("printed", "amount"), [
    ("US$ 1 146 506", 1_146_506), ("US$\u00a01\u00a0146\u00a0506", 1_146_506), ("$1,146,506", 1_146_506),
    ("USD 1,146,506.00", 1_146_506), ("1,146,506 USD", 1_146_506), ("1 146 506 US dollars", 1_146_506),
    ("1 146 506 долл. США", 1_146_506), ("1 146 506 АҚШ доллары", 1_146_506), ("2 000 000 тенге", 2_000_000),
    ("€ 30,000", 30_000), ("USD", None), ("Total", None), ("US$ 1 146 506 and US$ 2", None),
])
def test_an_amount_printed_with_its_currency_is_the_figure(printed, amount):
    from circulars.reading.vocabulary import parse_amount

    assert parse_amount(printed) == amount


# --- the same tables in PDF -----------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["a4serif", "lettersans"])
def test_a_budget_with_a_heading_column_reads_the_same_from_a_pdf(layout):
    lines, unread = _budget(
        "Heading\tDescription\tAppropriations (USD)\n"
        "I\tStaff costs\t1 300 000.00\nII\tOfficial travel\t450 000.00\nIII\tGeneral operating expenses\t900 000.00\n"
        "\tSubtotal, headings I–III\t2 650 000.00\nIV\tContingency\t50 000.00\n\tTOTAL APPROPRIATIONS\t2 700 000.00\n",
        layout)
    assert lines == [*_UN_LINES, (None, None, "Subtotal, headings I–III", 2_650_000, "total"),
                     (4, "IV", "Contingency", 50_000, "expenditure"),
                     (None, None, "TOTAL APPROPRIATIONS", 2_700_000, "grand_total")]
    assert [u for u in unread if u[0] in ("row_not_understood", "amount_not_understood")] == []


@pytest.mark.parametrize("layout", ["a4serif", "lettersans"])
@pytest.mark.parametrize("first", ["No. of item", "Sl. No.", "Serial", "№ п/п"])
def test_a_plan_with_an_unknown_number_header_reads_the_same_from_a_pdf(layout, first):
    items = [e for e in _plan(first, ["1.", "2.", "3.", "4."], layout=layout) if e.event_type == "PlanItemScheduled"]
    assert [(e.item_no, e.title, e.organizers, e.timing_text, e.starts_on) for e in items] == [
        (k + 1, title, [org], timing, starts) for k, (title, org, timing, starts) in enumerate(_PLAN_ROWS)]


def test_a_budget_column_of_rising_amounts_headed_as_amounts_stays_the_amounts():
    """Amounts in thousands rise like item numbers; the header says what they are."""
    lines, unread = _budget("Heading\tDescription\tBudget (thousands of USD)\n"
                            "I\tStaff costs\t150\nII\tOfficial travel\t200\nIII\tGeneral operating expenses\t450\n"
                            "\tTotal\t800\n")
    assert lines == [(1, "I", "Staff costs", 150, "expenditure"), (2, "II", "Official travel", 200, "expenditure"),
                     (3, "III", "General operating expenses", 450, "expenditure"),
                     (None, None, "Total", 800, "grand_total")]
    assert unread == []
