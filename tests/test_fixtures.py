"""The fixtures themselves: the PDFs are what they claim to be, and expected.py agrees with the texts.

Parser tests assert against `tests/fixtures/expected.py`; these tests make sure that
source of truth is consistent with itself and with the circulars it describes, and
that the rendered PDFs really differ in the ways they are meant to.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
from pdfplumber.utils.exceptions import PdfminerException

from tests.fixtures import expected as E

pytestmark = pytest.mark.corpus  # every fixture and its PDF renderings

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
TEXT_DIR = FIXTURES_DIR / "text"
PDF_DIR = FIXTURES_DIR / "pdf"
BAD_DIR = FIXTURES_DIR / "bad"


STEMS = list(E.FIXTURES)
PDFS = [(stem, layout) for stem in STEMS for layout in E.LAYOUTS]
PRODUCED = [(stem, producer) for stem in STEMS for producer in E.PRODUCERS]
"""The same circulars from other producers (tests/fixtures/producers.py): browser print, word processor export."""
RENDERINGS = PDFS + PRODUCED
KAZAKH_ONLY = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")


@cache
def page_texts(path: Path) -> tuple[str, ...]:
    with pdfplumber.open(path) as pdf:
        texts = []
        for page in pdf.pages:
            try:
                texts.append(page.extract_text() or "")
            finally:
                page.close()
    return tuple(texts)


def text_of(stem: str) -> str:
    return (TEXT_DIR / f"{stem}.txt").read_text(encoding="utf-8")


def pdf_path(stem: str, layout: str) -> Path:
    return PDF_DIR / f"{stem}.{layout}.pdf"


# --- the files are there ------------------------------------------------------------------------


def test_every_text_fixture_has_expected_facts_and_back():
    assert sorted(p.stem for p in TEXT_DIR.glob("*.txt")) == sorted(STEMS)


def test_every_pdf_in_the_folder_is_a_known_rendering():
    assert sorted(p.name for p in PDF_DIR.glob("*.pdf")) == sorted(f"{s}.{layout}.pdf" for s, layout in RENDERINGS)


def test_pdfs_stay_small():
    total = sum(p.stat().st_size for p in PDF_DIR.glob("*.pdf")) + sum(p.stat().st_size for p in BAD_DIR.iterdir())
    assert total < 5 * 1024 * 1024


# --- the PDFs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stem", "layout"), RENDERINGS)
def test_pdf_page_count_and_size(stem, layout):
    width, height = E.PAGE_SIZES[layout]
    with pdfplumber.open(pdf_path(stem, layout)) as pdf:
        assert len(pdf.pages) == E.PDF_FACTS[stem][layout]["pages"]
        for page in pdf.pages:
            try:
                assert (float(page.width), float(page.height)) == pytest.approx((width, height), abs=0.5)
            finally:
                page.close()


@pytest.mark.parametrize(("stem", "layout"), RENDERINGS)
def test_pdf_text_keeps_cyrillic_kazakh_and_numero(stem, layout):
    extracted = "\n".join(page_texts(pdf_path(stem, layout)))
    source = text_of(stem)
    kazakh = {ch for ch in source if ch in KAZAKH_ONLY}
    assert kazakh, "every circular has a Kazakh version"
    assert kazakh <= set(extracted)
    assert f"№{E.FIXTURES[stem]['symbol']}" in extracted
    assert "СВМДА" in extracted and "Хатшылығы" in extracted
    assert "(cid:" not in extracted


@pytest.mark.parametrize(("stem", "layout"), RENDERINGS)
def test_pdf_documents_start_on_the_recorded_pages(stem, layout):
    texts = page_texts(pdf_path(stem, layout))
    for key, page in E.PDF_FACTS[stem][layout]["document_pages"].items():
        marker = "DECISIONS OF THE SENIOR OFFICIALS COMMITTEE" if key == "decision_list" else key
        hits = [i + 1 for i, t in enumerate(texts) if any(_names(line.strip(), marker, layout) for line in t.splitlines())]
        assert hits and hits[0] == page, (key, hits)


def _names(line: str, marker: str, layout: str) -> bool:
    """Is the line the marker (a symbol or heading)? lo-docx sets a symbol flush right on the body's line."""
    if line in (marker, f"No. {marker}"):
        return True
    return layout == "lo-docx" and line.endswith(f" {marker}") and line.startswith(("Senior Officials", "Chairmanship", "Ministerial"))


def test_fixture_symbols_all_have_pdf_pages():
    for stem, fx in E.FIXTURES.items():
        keys = {d["symbol"] if d["kind"] != "decision_list" else "decision_list" for d in fx["documents"] if d["kind"] != "cover_note"}
        for layout in (*E.LAYOUTS, *E.PRODUCERS):
            assert set(E.PDF_FACTS[stem][layout]["document_pages"]) == keys, (stem, layout)


@pytest.mark.parametrize("stem", STEMS)
def test_a4serif_gives_each_cover_language_its_own_page_and_a_two_column_letterhead(stem):
    texts = page_texts(pdf_path(stem, "a4serif"))
    assert "presents its compliments" in texts[0] and "свидетельствует" not in texts[0]
    assert "свидетельствует свое уважение" in texts[1] and "Хатшылығы" not in texts[1]
    assert "Хатшылығы" in texts[2] and "presents its compliments" not in texts[2]
    first_line = texts[0].splitlines()[0]
    assert "SECRETARIAT" in first_line and "СЕКРЕТАРИАТ" in first_line  # side by side


@pytest.mark.parametrize("stem", STEMS)
def test_lettersans_stacks_the_letterhead_and_flows_on(stem):
    texts = page_texts(pdf_path(stem, "lettersans"))
    lines = texts[0].splitlines()
    assert lines[0] == "SECRETARIAT OF THE CONFERENCE ON INTERACTION"
    assert lines[2] == "СЕКРЕТАРИАТ СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ"
    assert "Хатшылығы" in texts[0] or "Хатшылығы" in texts[1]  # no page per language
    assert E.PDF_FACTS[stem]["lettersans"]["pages"] < E.PDF_FACTS[stem]["a4serif"]["pages"]


# --- the other producers ------------------------------------------------------------------------------


def _metadata(stem: str, producer: str) -> dict:
    with pdfplumber.open(pdf_path(stem, producer)) as pdf:
        return dict(pdf.metadata)


@pytest.mark.parametrize(("stem", "producer"), PRODUCED)
def test_producer_pdfs_come_from_the_named_producer_in_dejavu(stem, producer):
    meta = _metadata(stem, producer)
    if producer.startswith("chrome"):
        assert meta["Producer"].startswith("Skia/PDF") and "HeadlessChrome" in meta["Creator"]
    else:
        assert meta["Producer"].startswith("LibreOffice")
    with pdfplumber.open(pdf_path(stem, producer)) as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars}
    assert fonts and all(f.startswith("DejaVu") for f in fonts), fonts
    assert any("Bold" in f for f in fonts)


def test_chrome_flow_sets_documents_one_after_another_on_a_page():
    texts = page_texts(pdf_path("000_seed_DOC-1497", "chrome-flow"))
    pages = E.PDF_FACTS["000_seed_DOC-1497"]["chrome-flow"]["document_pages"]
    assert pages["SOC/2023-III/DEC/3"] == pages["SOC/2023-III/DRAFT/3"] == 5
    assert pages["decision_list"] == pages["SOC/2023-III/DEC/2"] == 2
    page5 = texts[4].splitlines()
    assert page5.index("SOC/2023-III/DEC/3") < page5.index("Grand total 4,759,000") < page5.index("SOC/2023-III/DRAFT/3")
    # the preamble of DEC/2 starts at the foot of page 2, its heading opens page 3
    assert texts[1].splitlines()[-1] == "Astana, 12 December 2023"
    assert texts[2].splitlines()[0] == "DECISION OF THE SENIOR OFFICIALS COMMITTEE"


def test_chrome_flow_plan_breaks_across_pages_without_its_header_and_splits_a_row():
    texts = page_texts(pdf_path("000_seed_DOC-1497", "chrome-flow"))
    assert sum(t.count("Expected title of the event") for t in texts) == 1
    assert "9. CICA Seminar on Cross-Border Digital" in texts[2]
    assert texts[2].splitlines()[-1] == "Information and Communication"  # item 9's organisers, cut off
    assert texts[3].splitlines()[:2] == ["Technology Division, Bangladesh", "Ministry of Foreign Affairs"]
    with pdfplumber.open(pdf_path("000_seed_DOC-1497", "chrome-flow")) as pdf:
        plan_page = pdf.pages[3]
        assert plan_page.lines == [] and all(r["height"] < 2 for r in plan_page.rects)  # horizontal rules only


def test_chrome_paged_starts_each_document_on_a_new_page_and_repeats_the_header():
    texts = page_texts(pdf_path("000_seed_DOC-1497", "chrome-paged"))
    pages = E.PDF_FACTS["000_seed_DOC-1497"]["chrome-paged"]["document_pages"]
    for symbol in ("SOC/2023-III/DEC/2", "SOC/2023-III/DEC/3", "SOC/2023-III/DRAFT/3"):
        # the symbol as running head, then the letterhead
        assert texts[pages[symbol] - 1].startswith(f"{symbol}\nCONFERENCE ON INTERACTION AND СОВЕЩАНИЕ ПО ВЗАИМОДЕЙСТВИЮ")
    for page in (5, 6, 7):
        assert texts[page - 1].startswith("SOC/2023-III/DEC/2\nNo. Expected title of the event Organizer (s) Indicative")
    assert [t.splitlines()[-1] for t in texts] == [f"Page {n} of 9" for n in range(1, 10)]
    assert not texts[0].startswith("SOC/") and not texts[2].startswith("SOC/")  # no running head on the cover note
    # item 4's organisers run over the break: the tail follows the repeated header
    assert texts[3].splitlines()[-2] == "Smuggling and Organized Crime,"
    assert texts[4].splitlines()[3:6] == ["Turkish International Academy", "Against Drugs and Organized", "Crime (TADOC)"]


def test_lo_docx_sets_the_symbol_opposite_the_body_on_one_text_line():
    lines = page_texts(pdf_path("000_seed_DOC-1497", "lo-docx"))[3].splitlines()
    assert "Senior Officials Committee SOC/2023-III/DEC/2" in lines
    assert "Astana, 12 December 2023 12 December 2023" in lines
    assert "SOC/2023-III/DEC/2" not in lines


def test_lo_docx_splits_ruled_rows_at_the_page_break_and_numbers_pages():
    texts = page_texts(pdf_path("000_seed_DOC-1497", "lo-docx"))
    assert "5. CICA Training Program on The Republic of Türkiye, Anti- 9 – 13" in texts[3].splitlines()
    assert texts[4].splitlines()[2:4] == ["Organized Crime, Turkish", "International Academy Against"]  # item 5's tail
    assert "16. CICA seminar “Combining The Russian Federation, Second half of" in texts[4].splitlines()
    assert texts[5].splitlines()[2] == "partners” organization “Directorate of September"  # item 16's tail, 3 columns
    assert [t.splitlines()[-1] for t in texts] == [str(n) for n in range(1, 9)]  # page numbers in the footer
    with pdfplumber.open(pdf_path("000_seed_DOC-1497", "lo-docx")) as pdf:
        assert len(pdf.pages[4].lines) + len(pdf.pages[4].rects) > 10  # a ruled table


def _table_pages(stem: str, layout: str, fx: dict) -> list[int]:
    """Pages that hold a row of one of the fixture's plan tables."""
    items = [it for plan in fx["plans"] for it in plan["items"]]
    pages = set()
    for number, text in enumerate(page_texts(pdf_path(stem, layout)), start=1):
        for line in text.splitlines():
            for it in items:
                first_words = " ".join(re.sub(r"^\d+th ", "", it["title"]).split()[:2])
                if line.startswith(f"{it['item_no']}. ") and first_words in line:
                    pages.add(number)
    return sorted(pages)


@pytest.mark.parametrize(("stem", "layout"), [(s, lay) for s, lay in PDFS if E.FIXTURES[s]["plans"]])
def test_plan_tables_run_over_pages_with_the_header_repeated(stem, layout):
    pages = _table_pages(stem, layout, E.FIXTURES[stem])
    texts = page_texts(pdf_path(stem, layout))
    assert len(pages) >= 2
    for page in pages:
        assert "Expected title of the event" in texts[page - 1], page


@pytest.mark.parametrize("stem", [s for s in STEMS if E.FIXTURES[s]["plans"] or E.FIXTURES[s]["budgets"]])
def test_tables_are_ruled_in_a4serif_only(stem):
    with pdfplumber.open(pdf_path(stem, "a4serif")) as ruled, pdfplumber.open(pdf_path(stem, "lettersans")) as plain:
        fx = E.FIXTURES[stem]
        symbols = [p["plan_symbol"] for p in fx["plans"]] + [b["budget_symbol"] for b in fx["budgets"]]
        for symbol in symbols:
            page = ruled.pages[E.PDF_FACTS[stem]["a4serif"]["document_pages"][symbol] - 1]
            try:
                assert len(page.lines) + len(page.rects) > 10, symbol
            finally:
                page.close()
        for page in plain.pages:
            try:
                assert page.lines == [] and page.rects == []
            finally:
                page.close()


def test_seed_a4serif_sets_the_ordinal_as_a_superscript_and_lettersans_does_not():
    def forum_chars(layout):
        with pdfplumber.open(pdf_path("000_seed_DOC-1497", layout)) as pdf:
            for page in pdf.pages:
                try:
                    if "CICA Business Forum" in (page.extract_text() or ""):
                        return list(page.chars)
                finally:
                    page.close()
        raise AssertionError("no Business Forum row")

    chars = forum_chars("a4serif")
    nine = next(c for i, c in enumerate(chars) if c["text"] == "9" and chars[i + 1]["text"] == "t")
    t, h = chars[chars.index(nine) + 1], chars[chars.index(nine) + 2]
    assert (t["text"], h["text"]) == ("t", "h")
    assert t["size"] < nine["size"] * 0.9 and t["bottom"] < nine["bottom"]
    assert "9th CICA Business Forum" in "\n".join(page_texts(pdf_path("000_seed_DOC-1497", "lettersans")))


@pytest.mark.parametrize("layout", E.LAYOUTS)
def test_budget_lines_are_bold_and_totals_italic(layout):
    with pdfplumber.open(pdf_path("000_seed_DOC-1497", layout)) as pdf:
        fonts = {}
        for page in pdf.pages:
            try:
                for word in page.extract_words(extra_attrs=["fontname"]):
                    fonts.setdefault(word["text"], set()).add(word["fontname"].split("+")[-1])
            finally:
                page.close()
    assert all("Bold" in f for f in fonts["OPERATIONAL"])
    assert any("Bold" in f for f in fonts["4,759,000"])
    assert any("Italic" in f or "Oblique" in f for f in fonts["Grand"])


# --- the bad files -------------------------------------------------------------------------------------


def test_bad_files_are_listed():
    assert sorted(p.name for p in BAD_DIR.iterdir()) == sorted(E.BAD_FILES)


def test_empty_and_html_and_truncated_are_not_readable_pdfs():
    assert (BAD_DIR / "empty.pdf").stat().st_size == 0
    assert (BAD_DIR / "html_named.pdf").read_bytes().startswith(b"<!DOCTYPE html>")
    whole = pdf_path("000_seed_DOC-1497", "a4serif").read_bytes()
    cut = (BAD_DIR / "truncated.pdf").read_bytes()
    assert cut == whole[: len(whole) // 2] and cut.startswith(b"%PDF-")
    for name in ("empty.pdf", "html_named.pdf", "truncated.pdf"):
        with pytest.raises(PdfminerException), pdfplumber.open(BAD_DIR / name) as pdf:
            pdf.pages[0].extract_text()


def test_user_password_pdf_needs_its_password():
    with pytest.raises(PdfminerException), pdfplumber.open(BAD_DIR / "user_password.pdf") as pdf:
        pdf.pages[0].extract_text()
    with pdfplumber.open(BAD_DIR / "user_password.pdf", password="open-sesame") as pdf:
        assert "№DOC/1503" in pdf.pages[0].extract_text()


def test_owner_only_pdf_reads_without_a_password():
    texts = page_texts(BAD_DIR / "owner_only.pdf")
    assert texts == page_texts(pdf_path(E.OWNER_ONLY_SAME_AS, "lettersans"))
    assert b"/Encrypt" in (BAD_DIR / "owner_only.pdf").read_bytes()


def test_image_only_pdf_has_an_image_and_no_text():
    with pdfplumber.open(BAD_DIR / "image_only.pdf") as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert page.chars == [] and len(page.images) == 1
        page.close()


def test_not_a_circular_has_text_but_no_circular_structure():
    text = "\n".join(page_texts(BAD_DIR / "not_a_circular.pdf"))
    assert "Beshbarmak" in text and "Қымыз" in text
    assert "DOC/" not in text and "CONFERENCE ON INTERACTION" not in text


def test_cid_garbage_extracts_only_as_cid_codes():
    text = "\n".join(page_texts(BAD_DIR / "cid_garbage.pdf"))
    assert re.fullmatch(r"(?:\(cid:\d+\)|\s)+", text)


# --- expected.py against itself and the texts ----------------------------------------------------------


def _sum_check(lines):
    """(printed, computed) for each total: a Total sums the lines above it, a Grand total adds the rest."""
    results, running, grand = [], 0, 0
    for line in lines:
        if line["kind"] == "expenditure":
            running += line["amount"]
        elif line["kind"] == "total":
            results.append((line["amount"], running))
            grand, running = grand + running, 0
        else:
            results.append((line["amount"], grand + running))
    return results


@pytest.mark.parametrize("stem", STEMS)
def test_budget_totals(stem):
    for budget in E.FIXTURES[stem]["budgets"]:
        checks = _sum_check(budget["lines"])
        assert [line["kind"] for line in budget["lines"]].count("grand_total") == 1
        if stem == "900_faulty_budget_total":
            assert checks == [(3_873_000, 3_873_000), (3_893_000, 3_892_000)]
        else:
            assert all(printed == computed for printed, computed in checks), checks


def test_seed_totals_are_the_printed_ones():
    lines = E.SEED["budgets"][0]["lines"]
    assert [(line["title"], line["amount"]) for line in lines if line["kind"] != "expenditure"] == [("Total", 4_735_323), ("Grand total", 4_759_000)]


def test_seed_has_27_items_and_9_decisions():
    assert [it["item_no"] for it in E.SEED_PLAN_ITEMS] == list(range(1, 28))
    assert [d["item_no"] for d in E.SEED["decision_lists"][0]["items"]] == list(range(1, 10))
    assert len(E.PLAN_2025_ITEMS) == 40


@pytest.mark.parametrize("stem", STEMS)
def test_plan_numbering(stem):
    for plan in E.FIXTURES[stem]["plans"]:
        numbers = [it["item_no"] for it in plan["items"]]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        if stem == "901_faulty_plan_duplicate_item":
            issues = {i["check"]: i for i in E.FIXTURES[stem]["quality_issues"]}
            assert duplicates == issues["plan_item_numbers_unique"]["duplicates"] == [7]
            assert missing == issues["plan_item_numbers_contiguous"]["missing"] == [10]
        else:
            assert (duplicates, missing) == ([], [])


def _month_end(d: date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def _all_timed_items():
    for stem, fx in E.FIXTURES.items():
        for plan in fx["plans"]:
            for it in plan["items"]:
                yield stem, plan["plan_year"], it
        for amendment in fx["plan_amendments"]:
            for it in amendment["changes"]:
                yield stem, amendment["plan_year"], it


@pytest.mark.parametrize(("stem", "year", "item"), list(_all_timed_items()), ids=lambda v: str(v)[:30])
def test_timing_intervals_fit_their_precision(stem, year, item):
    start, end, precision, text = item["starts_on"], item["ends_on"], item["precision"], item["timing_text"]
    if precision in ("tbc", "unspecified"):
        assert (start, end) == (None, None)
        assert (text == "T.B.C.") == (precision == "tbc") and (text == "") == (precision == "unspecified")
        return
    assert start.year == end.year == year and start <= end
    if precision == "day":
        assert re.fullmatch(rf"{start.day}(?: [A-Z][a-z]+)? ?[–-] ?{end.day} [A-Z][a-z]+", text), text
        assert calendar.month_name[end.month] in text
    elif precision == "month":
        assert (start.day, end.month, end.day) == (1, start.month, _month_end(start)) and text == calendar.month_name[start.month]
    elif precision == "half_month":
        n = _month_end(start)
        assert start.month == end.month
        assert (start.day, end.day) == ((16, n) if text.startswith("Second") else (1, 15)), text
    elif precision == "months":
        assert start.day == 1 and end.day == _month_end(end) and start.month < end.month
        assert calendar.month_name[start.month] in text and calendar.month_name[end.month] in text
    elif precision in ("quarter", "quarters"):
        assert start.day == 1 and start.month in (1, 4, 7, 10) and end.day == _month_end(end) and end.month % 3 == 0
        assert (end.month - start.month == 2) == (precision == "quarter")
    elif precision == "half_year":
        assert (start.month, end.month) in ((1, 6), (7, 12)) and start.day == 1 and end.day == _month_end(end)
    elif precision == "year":
        assert (start, end) == (date(year, 1, 1), date(year, 12, 31)) and text == str(year)
    else:
        raise AssertionError(precision)


@pytest.mark.parametrize("stem", STEMS)
def test_silence_deadlines_convert_with_the_astana_rules(stem):
    zone = ZoneInfo("Asia/Almaty")
    for opened in E.FIXTURES[stem]["silence_opened"]:
        local = opened["deadline_local"].replace(tzinfo=zone)
        assert local == opened["deadline_utc"]
    assert ZoneInfo("Asia/Almaty").utcoffset(E.SILENCE_OPENED["silence_opened"][0]["deadline_local"]).total_seconds() == 5 * 3600
    assert ZoneInfo("Asia/Almaty").utcoffset(E.SEED["silence_opened"][0]["deadline_local"]).total_seconds() == 6 * 3600


def test_follow_ups_refer_to_drafts_that_were_opened():
    opened = {o["symbol"] for fx in E.FIXTURES.values() for o in fx["silence_opened"]}
    for fx in E.FIXTURES.values():
        for concluded in fx["silence_concluded"]:
            assert concluded["draft_symbol"] in opened
            assert concluded["adopted_symbol"] in {d["symbol"] for d in fx["documents"]}
        for broken in fx["silence_broken"]:
            assert broken["draft_symbol"] in opened
    amended = {a["plan_symbol"] for fx in E.FIXTURES.values() for a in fx["plan_amendments"]}
    assert amended <= {p["plan_symbol"] for fx in E.FIXTURES.values() for p in fx["plans"]}
    superseded = {b["supersedes"] for fx in E.FIXTURES.values() for b in fx["budgets"]} - {None}
    assert superseded <= {b["budget_symbol"] for fx in E.FIXTURES.values() for b in fx["budgets"]}


def test_circular_symbols_are_distinct():
    symbols = [fx["symbol"] for fx in E.FIXTURES.values()]
    assert len(set(symbols)) == len(symbols)


def _cell_title(title: str) -> str:
    return re.sub(r"^(\d+)th ", r"\1 <sup>th</sup> ", title)


@pytest.mark.parametrize("stem", STEMS)
def test_plan_rows_are_the_texts_rows(stem):
    rows = {tuple(line.split("\t")) for line in text_of(stem).splitlines() if "\t" in line}
    fx = E.FIXTURES[stem]
    for plan in fx["plans"]:
        assert plan["title"] in text_of(stem)
        for it in plan["items"]:
            row = (f"{it['item_no']}.", _cell_title(it["title"]), ", ".join(it["organizers"]), it["timing_text"])
            assert row in rows, row
            assert it["lead_organizer"] == it["organizers"][0]
    labels = {"rescheduled": "Rescheduled", "cancelled": "Cancelled", "added": "New event"}
    for amendment in fx["plan_amendments"]:
        for it in amendment["changes"]:
            row = (f"{it['item_no']}.", it["title"], ", ".join(it["organizers"]), labels[it["change"]], it["timing_text"])
            assert row in rows, row


def test_amendments_name_the_plan_items_they_change():
    seed_items = {it["item_no"]: it for it in E.SEED_PLAN_ITEMS}
    for change in E.PLAN_AMENDMENT["plan_amendments"][0]["changes"]:
        if change["change"] == "added":
            assert change["item_no"] not in seed_items
        else:
            original = seed_items[change["item_no"]]
            assert (change["title"], change["organizers"]) == (original["title"], original["organizers"])


@pytest.mark.parametrize("stem", STEMS)
def test_budget_rows_are_the_texts_rows(stem):
    rows = [line.split("\t") for line in text_of(stem).splitlines() if "\t" in line]
    for budget in E.FIXTURES[stem]["budgets"]:
        assert budget["title"] in text_of(stem)
        table = [r for r in rows if len(r) == 3 and r[0] != "Nº" and re.search(r"\d", r[2])]
        assert len(table) == len(budget["lines"])
        for row, line in zip(table, budget["lines"]):
            label = re.sub(r"</?[bi]>", "", row[1])
            amount = int(re.sub(r"[^\d]", "", row[2]))
            if line["kind"] == "expenditure":
                assert (row[0], label, amount) == (str(line["line_no"]), f"{line['section']} - {line['title']}", line["amount"])
            else:
                assert (row[0], label, amount) == ("", line["title"], line["amount"])


def test_revised_budget_uses_space_separators():
    amounts = [line.split("\t")[2] for line in text_of("030_budget_revision_DOC-1560").splitlines() if line.count("\t") == 2]
    assert any("\u00a0" in a for a in amounts) and any(re.search(r"\d \d", a) for a in amounts)
    assert not any("," in a for a in amounts)


@pytest.mark.parametrize("stem", STEMS)
def test_decision_items_are_the_texts_items(stem):
    text = text_of(stem)
    items = {int(m.group(1)): m.group(2) for m in re.finditer(r"^(\d+)\. (The SOC .*)$", text, re.M)}
    for decision_list in E.FIXTURES[stem]["decision_lists"]:
        assert sorted(items) == [d["item_no"] for d in decision_list["items"]]
        for d in decision_list["items"]:
            sentence = items[d["item_no"]]
            assert d["subject_start"] in sentence, (d["item_no"], sentence)
            found = re.findall(r"(?:SOC|MC)/\d{4}(?:-[IV]+)?/(?:DEC|DRAFT)/\d+|DOC/\d+", sentence)
            assert found == d["references"], (d["item_no"], found)
            verb = sentence.split()[2]
            assert (d["action"] == "other") == (verb not in {"took", "adopted", "approved", "considered", "decided", "supported",
                                                             "agreed", "endorsed", "welcomed", "requested"})


@pytest.mark.parametrize("stem", STEMS)
def test_cover_note_facts_are_in_the_text(stem):
    fx, text = E.FIXTURES[stem], text_of(stem)
    issued = fx["issued_on"]
    assert text.count(f"**№{fx['symbol']}**") == 2  # the English and the Russian letterhead
    assert f"{fx['place']}, {issued.day} {calendar.month_name[issued.month]} {issued.year}" in text
    assert f"on {fx['enclosure_pages']} p." in text and f"на {fx['enclosure_pages']} л." in text
    assert f"аталған {fx['enclosure_pages']} п." in text
    for document in fx["documents"]:
        if document["symbol"]:
            assert document["symbol"] in text


def test_seed_organiser_names_with_commas_stay_whole():
    by_no = {it["item_no"]: it["organizers"] for it in E.SEED_PLAN_ITEMS}
    digital = "Ministry of Digital Development, Innovations and Aerospace Industry of the Republic of Kazakhstan"
    assert by_no[12] == by_no[17] == ["The Republic of Kazakhstan", digital, "CICA Secretariat"]
    assert by_no[20][1] == "Federal Service for Environmental, Technological and Nuclear Supervision"
    assert by_no[1][-1] == "Russian Movement of Children, Youth “Movement of the First”" and len(by_no[1]) == 4
    assert len(by_no[9]) == 4 and by_no[9][0] == "The People’s Republic of Bangladesh"
    assert {it["lead_organizer"] for it in E.SEED_PLAN_ITEMS} == {
        "The Russian Federation", "The Republic of Türkiye", "The Kingdom of Thailand", "The People’s Republic of Bangladesh",
        "The Republic of Kazakhstan", "CICA Secretariat", "The People's Republic of China", "The Kyrgyz Republic",
    }
