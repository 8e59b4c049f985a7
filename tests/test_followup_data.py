"""The follow-up fixtures and the paraphrase corpus agree with themselves (no reader involved).

Checks the test DATA before any reader is held to it: every file a scenario names exists and
every follow-up is used; every printed date exists (and its weekday, where printed, is right);
every UTC deadline follows the Asia/Almaty rules computed with zoneinfo; every budget claimed to
add up does (the revised budget's table is parsed from its file); every interval fits its
precision; every asserted organiser, timing text and state is printed where the facts say it
comes from; every corpus kind has at least five phrasings, one in Russian, and an unknown verb.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from models.constants import ASTANA_ZONE as ASTANA
from tests.fixtures.followups import scenarios as sc
from tests.paraphrases import KINDS, load

FOLLOWUPS = Path(sc.__file__).resolve().parent

SCENARIO_KEYS = {"name", "files", "now", "decisions", "plan_items", "plan_item_count", "budget_lines", "links", "unread"}
DECISION_STATUSES = {"adopted", "presumed_adopted", "pending_silence", "rejected", "noted", "approved",
                     "recommended", "superseded"}
PLAN_STATUSES = {"planned", "rescheduled", "amended", "cancelled"}
PRECISIONS = {"day", "month", "half_month", "months", "part_month", "quarter", "quarters", "half_year",
              "year", "tbc", "unspecified"}
LINKS = {"adopts", "adopted_as", "amends", "supersedes", "corrects", "confirms", "references"}
FRAMES = {"note", "decision", "list", "timing", "enclosure"}
NOTE_FRAME_SYMBOL = "DOC/1900"  # the number the `note` frame of tests/test_paraphrases.py prints


def text_of(name: str) -> str:
    return sc.file_path(name).read_text(encoding="utf-8")


def followup_files() -> list[Path]:
    return sorted(FOLLOWUPS.glob("*.txt"))


def corpus_texts() -> list[str]:
    texts = []
    for kind in KINDS:
        data = load(kind)
        texts += [p["text"] for p in data["phrasings"]] + [u["text"] for u in data["unknown_verb"]]
    return texts


def astana_to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=ASTANA).astimezone(UTC)


# --- files and shape -------------------------------------------------------------------------------

def test_followup_files_are_named_and_numerous_enough():
    names = [p.name for p in followup_files()]
    assert len(names) >= 12, names
    for name in names:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.txt", name), name
    assert len({n[:2] for n in names}) == len(names), "two follow-ups share a number"


def test_every_scenario_file_exists_and_every_followup_is_used():
    used = set()
    for s in sc.SCENARIOS:
        assert s["files"][0] == "seed", s["name"]
        assert len(set(s["files"])) == len(s["files"]), s["name"]
        for name in s["files"]:
            assert sc.file_path(name).is_file(), (s["name"], name)
            used.add(name)
    unused = {p.name for p in followup_files()} - used
    assert not unused, f"follow-ups no scenario ingests: {sorted(unused)}"


def test_scenarios_have_the_agreed_shape():
    assert len(sc.SCENARIOS) >= 12
    names = [s["name"] for s in sc.SCENARIOS]
    assert len(set(names)) == len(names)
    for s in sc.SCENARIOS:
        assert set(s) <= SCENARIO_KEYS and {"name", "files", "now", "unread"} <= set(s), s["name"]
        assert isinstance(s["now"], datetime) and s["now"].utcoffset() is not None, s["name"]
        for symbol, cols in s.get("decisions", {}).items():
            assert isinstance(symbol, str)
            if "status" in cols:
                assert cols["status"] in DECISION_STATUSES, (s["name"], symbol)
        for key, cols in s.get("plan_items", {}).items():
            assert isinstance(key, tuple) and isinstance(key[0], int) and isinstance(key[1], int), key
            if "status" in cols:
                assert cols["status"] in PLAN_STATUSES, (s["name"], key)
            if "timing_precision" in cols:
                assert cols["timing_precision"] in PRECISIONS, (s["name"], key)
        for key in s.get("budget_lines", {}):
            assert isinstance(key[0], int) and (isinstance(key[1], int) or key[1] in ("total", "grand_total")), key
        for link in s.get("links", []):
            assert len(link) == 3 and link[2] in LINKS, link


def test_scenario_plan_counts_cover_the_items_listed():
    for s in sc.SCENARIOS:
        counts = s.get("plan_item_count", {})
        for year, item in s.get("plan_items", {}):
            if year in counts:
                assert 1 <= item <= counts[year], (s["name"], year, item)


# --- dates -----------------------------------------------------------------------------------------

EN_MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m}
RU_MONTHS = {m: i + 1 for i, m in enumerate(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split())}
KK_MONTHS = {m: i + 1 for i, m in enumerate(
    "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split())}
_EN = "|".join(EN_MONTHS)


def printed_dates(text: str) -> list[tuple[str, date]]:
    """Every full date printed in `text` (day, month and year), parsed; invalid ones raise."""
    found = []
    for m in re.finditer(rf"\b(\d{{1,2}}) ({_EN}) (\d{{4}})", text):
        found.append((m.group(0), date(int(m.group(3)), EN_MONTHS[m.group(2)], int(m.group(1)))))
    for m in re.finditer(rf"\b({_EN}) (\d{{1,2}}), (\d{{4}})", text):
        found.append((m.group(0), date(int(m.group(3)), EN_MONTHS[m.group(1)], int(m.group(2)))))
    for m in re.finditer(r"\b(?:(\d{1,2})[-–])?(\d{1,2})\.(\d{2})\.(\d{4})\b", text):
        year, month = int(m.group(4)), int(m.group(3))
        found.append((m.group(0), date(year, month, int(m.group(2)))))
        if m.group(1):
            found.append((m.group(0), date(year, month, int(m.group(1)))))
    for m in re.finditer(r"\b(\d{1,2}) (" + "|".join(RU_MONTHS) + r") (\d{4})", text):
        found.append((m.group(0), date(int(m.group(3)), RU_MONTHS[m.group(2)], int(m.group(1)))))
    for m in re.finditer(r"(\d{4}) жылғы (\d{1,2}) (" + "|".join(KK_MONTHS) + r")", text):
        found.append((m.group(0), date(int(m.group(1)), KK_MONTHS[m.group(3)], int(m.group(2)))))
    return found


def test_printed_dates_exist_and_printed_weekdays_match():
    texts = {p.name: p.read_text(encoding="utf-8") for p in followup_files()}
    texts.update({f"corpus#{i}": t for i, t in enumerate(corpus_texts())})
    for name, text in texts.items():
        try:
            dates = printed_dates(text)
        except ValueError as exc:  # pragma: no cover - the message names the bad date
            pytest.fail(f"{name}: a printed date does not exist: {exc}")
        if not name.startswith("corpus#"):
            assert dates, f"{name} prints no full date"
        for m in re.finditer(rf"\b({'|'.join(calendar.day_name)}), (\d{{1,2}}) ({_EN}) (\d{{4}})", text):
            printed = date(int(m.group(4)), EN_MONTHS[m.group(3)], int(m.group(2)))
            assert calendar.day_name[printed.weekday()] == m.group(1), (name, m.group(0))


def test_the_date_parser_of_this_test_rejects_impossible_dates():
    with pytest.raises(ValueError):
        printed_dates("Astana, 30 February 2024")
    with pytest.raises(ValueError):
        printed_dates("г. Астана, 31 апреля 2024 года")
    assert printed_dates("Astana, 29 February 2024") == [("29 February 2024", date(2024, 2, 29))]


# --- silence deadlines ------------------------------------------------------------------------------

def test_astana_rule_as_the_domain_states_it():
    assert astana_to_utc(datetime(2023, 12, 26, 12)) == datetime(2023, 12, 26, 6, tzinfo=UTC)
    assert astana_to_utc(datetime(2024, 2, 29, 23)) == datetime(2024, 2, 29, 17, tzinfo=UTC)
    assert astana_to_utc(datetime(2024, 3, 1, 12)) == datetime(2024, 3, 1, 7, tzinfo=UTC)


def test_deadlines_as_printed_are_in_their_files():
    for name, by_symbol in sc.DEADLINES_ASTANA.items():
        text = text_of(name)
        for symbol, local in by_symbol.items():
            assert any(d == local.date() for _, d in printed_dates(text)), (name, symbol, local)


def test_scenario_deadlines_follow_asia_almaty():
    for s in sc.SCENARIOS:
        for symbol, cols in s.get("decisions", {}).items():
            if "silence_deadline" not in cols:
                continue
            stated = [sc.DEADLINES_ASTANA[f][symbol] for f in s["files"] if symbol in sc.DEADLINES_ASTANA.get(f, {})]
            assert stated, (s["name"], symbol, "no file states a deadline")
            assert cols["silence_deadline"] == astana_to_utc(stated[-1]), (s["name"], symbol)


def _baseline_deadlines(data: dict) -> dict[str, datetime]:
    base = {}
    for name in data.get("setup_files", ["seed"]):
        for symbol, local in sc.DEADLINES_ASTANA.get(name, {}).items():
            base[symbol] = astana_to_utc(local)
    return base


@pytest.mark.parametrize("kind", KINDS)
def test_corpus_deadlines_follow_asia_almaty(kind):
    data = load(kind)
    base = _baseline_deadlines(data)
    for p in data.get("phrasings", []):
        printed = (p.get("as_printed") or {}).get("deadline_astana")
        for symbol, cols in p.get("facts", {}).get("decisions", {}).items():
            if cols.get("silence_deadline") is None:
                continue
            expected = astana_to_utc(printed) if printed else base[symbol]
            assert cols["silence_deadline"] == expected, (kind, symbol, p["text"][:60])
            if printed:
                assert any(d == printed.date() for _, d in printed_dates(p["text"])), (kind, p["text"][:60])
                now = data["now"]
                want = "pending_silence" if expected > now else "presumed_adopted"
                assert cols.get("status", want) == want, (kind, symbol)
    for u in data.get("unknown_verb", []):
        for symbol, cols in u.get("unchanged", {}).get("decisions", {}).items():
            if cols.get("silence_deadline") is not None:
                assert cols["silence_deadline"] == base[symbol], (kind, symbol)


# --- budgets ---------------------------------------------------------------------------------------

def amount(cell: str) -> int:
    cleaned = re.sub(r"</?b>|\*|[ \u00a0\u202f,]", "", cell).replace("−", "-")
    return int(cleaned)


def seed_budget() -> dict:
    lines, inside = {}, False
    for line in text_of("seed").splitlines():
        if line.split("\t")[1:2] == ["EXPENDITURES"]:
            inside = True
            continue
        if inside and not line.strip():
            break
        if inside:
            no, title, value = line.split("\t")
            key = int(no) if no else ("grand_total" if "Grand" in title else "total")
            lines[(2024, key)] = amount(value)
    return lines


def revised_budget_table() -> dict:
    """The Annex of 14_budget_revised_2024.txt: {key: (approved, revised, change, section, title)}."""
    rows, inside = {}, False
    for line in (FOLLOWUPS / sc.F14).read_text(encoding="utf-8").splitlines():
        if line.startswith("Item\tSection\tApproved 2024"):
            inside = True
            continue
        if inside and not line.strip():
            break
        if inside:
            no, section, approved, revised, change = line.split("\t")
            label = section.strip("*")
            key = int(no) if no else ("grand_total" if label.startswith("Grand") else "total")
            m = re.fullmatch(r"([IVX]+)\. (.+)", label)
            rows[(2024, key)] = (amount(approved), amount(revised), 0 if change == "–" else amount(change),
                                 m.group(1) if m else None, m.group(2) if m else None)
    return rows


def assert_adds_up(lines: dict, year: int, where: str):
    amounts = {k[1]: v for k, v in lines.items() if k[0] == year}
    assert amounts["total"] == sum(amounts[i] for i in range(1, 6)), where
    assert amounts["grand_total"] == amounts["total"] + amounts[6], where


def test_seed_budget_as_the_scenarios_state_it():
    parsed = seed_budget()
    assert parsed == {k: v["amount_usd"] for k, v in sc.SEED_BUDGET_2024.items()}
    assert_adds_up(parsed, 2024, "seed")


def test_revised_budget_table_adds_up_and_matches_the_scenarios():
    rows = revised_budget_table()
    assert set(rows) == set(sc.REVISED_BUDGET_2024)
    approved = {k: r[0] for k, r in rows.items()}
    revised = {k: r[1] for k, r in rows.items()}
    assert_adds_up(approved, 2024, "Approved 2024")
    assert_adds_up(revised, 2024, "Revised 2024")
    # The Approved column is the 2024 budget as corrected by SOC/2023-III/DEC/3/Corr.1.
    assert approved == {k: v["amount_usd"] for k, v in sc.CORRECTED_BUDGET_2024.items()}
    for key, (a, r, change, section, title) in rows.items():
        assert r - a == change, key
        want = sc.REVISED_BUDGET_2024[key]
        assert want["amount_usd"] == r, key
        if isinstance(key[1], int):
            assert (want["section"], want["title"]) == (section, title), key


def test_scenario_budgets_add_up():
    full = {1, 2, 3, 4, 5, 6, "total", "grand_total"}
    checked = 0
    for s in sc.SCENARIOS:
        lines = {k: v["amount_usd"] for k, v in s.get("budget_lines", {}).items()}
        for year in {k[0] for k in lines}:
            if {k[1] for k in lines if k[0] == year} == full:
                assert_adds_up(lines, year, s["name"])
                checked += 1
    assert checked >= 4


def test_corpus_budget_corrections_add_up_over_the_seed():
    data = load("corrigendum_budget")
    for p in data["phrasings"]:
        lines = dict(seed_budget())
        lines.update({k: v["amount_usd"] for k, v in p["facts"]["budget_lines"].items()})
        assert_adds_up(lines, 2024, p["text"][:60])
        changed = [k for k in lines if isinstance(k[1], int) and lines[k] != seed_budget()[k]]
        assert len(changed) == 1, (p["text"][:60], changed)
    for u in data["unknown_verb"]:
        for key, cols in u["unchanged"]["budget_lines"].items():
            assert cols["amount_usd"] == seed_budget()[key]


# --- plan intervals --------------------------------------------------------------------------------

def last_day(d: date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def check_interval(text: str, start, end, precision: str, year: int, where):
    assert precision in PRECISIONS, where
    if precision in ("tbc", "unspecified"):
        assert start is None and end is None, where
        assert (precision == "unspecified") == (text == ""), where
        return
    assert start.year == year == end.year and start <= end, where
    same_month = start.month == end.month
    if precision == "month":
        assert same_month and start.day == 1 and end.day == last_day(end), where
    elif precision == "half_month":
        assert same_month and (start.day, end.day) in {(1, 15), (16, last_day(end))}, where
    elif precision == "part_month":
        assert same_month and (start.day, end.day) in {(1, 10), (11, 20), (21, last_day(end))}, where
    elif precision == "months":
        assert start.month < end.month and start.day == 1 and end.day == last_day(end), where
    elif precision in ("quarter", "quarters"):
        assert start.month in (1, 4, 7, 10) and start.day == 1, where
        assert end.month in (3, 6, 9, 12) and end.day == last_day(end), where
        assert (end.month - start.month == 2) == (precision == "quarter"), where
    elif precision == "half_year":
        assert (start, end) in {(date(year, 1, 1), date(year, 6, 30)), (date(year, 7, 1), date(year, 12, 31))}, where
    elif precision == "year":
        assert (start, end) == (date(year, 1, 1), date(year, 12, 31)), where
    # A second opinion from the words themselves, for the forms easiest to get wrong.
    low = text.lower()
    if re.search(r"\bmid-", low):
        assert (start.day, end.day) == (11, 20), where
    if re.search(r"\b(early|beginning of)\b", low):
        assert (start.day, end.day) == (1, 10), where
    if re.search(r"\b(late|end of)\b", low):
        assert (start.day, end.day) == (21, last_day(end)), where
    if re.search(r"\b(first half of|первая половина) [a-zа-я]+$", low) and not re.search(r"\d{4}$", low):
        assert (start.day, end.day) == (1, 15), where
    if re.search(r"\b(second half of|вторая половина) (?!the year)[a-zа-я]+$", low):
        assert (start.day, end.day) == (16, last_day(end)), where


def plan_facts_checked(facts: dict, where) -> int:
    n = 0
    for (year, item), cols in facts.items():
        if "timing_precision" in cols:
            check_interval(cols["timing_text"], cols["starts_on"], cols["ends_on"], cols["timing_precision"],
                           year, (where, item))
            n += 1
    return n


def test_scenario_plan_intervals_follow_the_rules():
    assert sum(plan_facts_checked(s.get("plan_items", {}), s["name"]) for s in sc.SCENARIOS) >= 40


def test_corpus_plan_intervals_follow_the_rules():
    n = 0
    for kind in KINDS:
        data = load(kind)
        if kind == "timing":
            for p in data["phrasings"]:
                check_interval(p["text"], p["starts_on"], p["ends_on"], p["precision"], p["year"], p["text"])
                n += 1
            continue
        for p in data["phrasings"]:
            n += plan_facts_checked(p["facts"].get("plan_items", {}), (kind, p["text"][:50]))
    assert n >= 60


def test_timing_corpus_covers_the_forms_asked_for():
    texts = {p["text"] for p in load("timing")["phrasings"]}
    asked = {"Q3", "H2", "III quarter", "10.09.2025", "10-12.09.2025", "mid-May", "early June", "late October",
             "beginning of July", "end of November", "September/October", "September or October",
             "second half of the year", "to be determined", "TBD", "to be confirmed",
             "III квартал", "II полугодие", "первая половина марта", "сентябрь–октябрь", "по согласованию",
             "уточняется", "1 – 7 March", "13-17 May", "February", "Second half of February", "March – April",
             "September-October", "1st half of 2024", "2nd-3rd Quarter", "4th Quarter", "T.B.C.", ""}
    assert asked <= texts, sorted(asked - texts)
    plan_2025 = {cols["timing_text"] for cols in sc.PLAN_2025.values()}
    assert {t for t in asked if t and not re.search("[а-я]", t) and "2024" not in t
            and t not in {"1 – 7 March", "13-17 May", "Second half of February", "September-October",
                          "2nd-3rd Quarter", "T.B.C."}} <= plan_2025


# --- what the facts say is printed where they come from ----------------------------------------------

def _strings(cols: dict) -> list[str]:
    out = []
    for col in ("title", "lead_organizer", "timing_text", "silence_broken_by", "adopted_symbol"):
        if isinstance(cols.get(col), str) and cols[col]:
            out.append(cols[col])
    out += [o for o in cols.get("organizers") or []]
    return out


def test_scenario_strings_are_printed_in_their_files():
    for s in sc.SCENARIOS:
        text = "\n".join(text_of(f) for f in s["files"])
        flat = text.replace("  \n", " ")
        for table in ("decisions", "plan_items", "budget_lines"):
            for key, cols in s.get(table, {}).items():
                for value in _strings(cols):
                    assert value in flat, (s["name"], key, value)
        for frm, to, _ in s.get("links", []):
            assert frm in text and to in text, (s["name"], frm, to)
        for symbol in s.get("decisions", {}):
            assert symbol in text, (s["name"], symbol)


def test_corpus_strings_are_printed_in_the_phrasing_or_the_seed():
    seed = text_of("seed")
    replacing = {"plan_item_replace_text", "corrigendum_plan"}  # titles there are built from quoted words
    for kind in KINDS:
        if kind == "timing":
            continue
        data = load(kind)
        for p in data["phrasings"]:
            flat = p["text"].replace("  \n", " ")
            for table in ("decisions", "plan_items"):
                for key, cols in p["facts"].get(table, {}).items():
                    for value in _strings(cols):
                        if kind in replacing and value == cols.get("title"):
                            continue
                        assert value in flat or value in seed, (kind, key, value)


# --- unread statements -----------------------------------------------------------------------------

def test_scenario_unread_substrings_are_printed_once_and_not_in_the_seed():
    seed = text_of("seed")
    flagged = 0
    for s in sc.SCENARIOS:
        for needle in s["unread"]:
            hits = [f for f in s["files"][1:] if needle in text_of(f)]
            assert len(hits) == 1, (s["name"], needle, hits)
            assert needle not in seed, (s["name"], needle)
            flagged += 1
    assert flagged >= 3


# --- the corpus ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_corpus_kind_has_five_phrasings_russian_and_an_unknown_verb(kind):
    data = load(kind)
    assert data["kind"] == kind and data["frame"] in FRAMES
    phrasings = data["phrasings"]
    assert len(phrasings) >= 5
    assert any(p["language"] == "ru" for p in phrasings)
    assert len({p["style"] for p in phrasings}) >= 3, "mix UN, OSCE and CICA hands"
    assert len({(p["text"], p.get("year")) for p in phrasings}) == len(phrasings), "duplicate phrasing"
    assert data["unknown_verb"]
    for u in data["unknown_verb"]:
        assert u["language"] in ("en", "ru") and u["unread"] in u["text"], u["text"][:60]
        assert isinstance(u["unchanged"], dict)
    if data["frame"] == "timing":
        for p in phrasings:
            assert {"text", "year", "starts_on", "ends_on", "precision"} <= set(p), p
        return
    assert isinstance(data["date"], date)
    if data["frame"] == "decision":
        assert data.get("amends") or data.get("corrects"), kind
    if data["frame"] == "list":
        assert isinstance(data["meeting_on"], date) and isinstance(data["item_no"], int)
    for name in data.get("setup_files", []):
        assert sc.file_path(name).is_file(), name
    for p in phrasings:
        assert p["language"] in ("en", "ru", "kk") and p["text"].strip() and p["facts"], p["text"][:60]
        for key, cols in p["facts"].get("plan_items", {}).items():
            assert isinstance(key, tuple) and key[0] == 2024, key
            if "status" in cols:
                assert cols["status"] in PLAN_STATUSES, key
        for symbol, cols in p["facts"].get("decisions", {}).items():
            if "status" in cols:
                assert cols["status"] in DECISION_STATUSES, symbol
        for link in p["facts"].get("links", []):
            printed = p["text"] + text_of("seed") + (NOTE_FRAME_SYMBOL if data["frame"] == "note" else "")
            assert link[2] in LINKS and link[0] in printed and link[1] in p["text"], link
