"""The paraphrase corpus (tests/paraphrases/): each statement, as different drafting hands write it,
yields its facts, from the text and from a PDF rendering of it; in words no list knows, it is flagged.

Each phrasing is put in the frame its kind names (a cover note, an enclosed SOC decision, an
item of a list of decisions, a whole enclosed document, a timing cell), ingested after the seed
(and the kind's `setup_files`) through the reader, the log, the linker and the projections,
and the tables are compared with its facts. The PDF rendering of the same circular must yield
the same events as its text (so the same facts). `unknown_verb` variants must land in
`unread_statements`, leaving the facts they would have changed as the seed left them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest

from circulars.reading import read_circular
from circulars.reading.timing import parse_timing
from models.constants import ASTANA_ZONE as ASTANA
from tests import paraphrases
from tests.harness import State, check_facts, check_unread

pytestmark = pytest.mark.corpus  # every phrasing of the paraphrase corpus, from text and from a PDF

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "text" / "000_seed_DOC-1497.txt"
FOLLOWUPS = FIXTURES / "followups"

_spec = importlib.util.spec_from_file_location("fixture_render", FIXTURES / "render.py")
render = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = render
_spec.loader.exec_module(render)

COVER = """**SECRETARIAT OF THE CONFERENCE ON INTERACTION
AND CONFIDENCE BUILDING MEASURES IN ASIA**

**№DOC/1900**

{body}

The Secretariat avails itself of this opportunity to renew to the CICA Member States the assurances of its highest consideration.

Astana, {date}

**MEMBER STATES
OF THE CONFERENCE ON INTERACTION
AND CONFIDENCE BUILDING MEASURES
IN ASIA**
"""

COVER_RU = """**СЕКРЕТАРИАТ СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ
И МЕРАМ ДОВЕРИЯ В АЗИИ**

**№DOC/1900**

{body}

Секретариат пользуется случаем, чтобы возобновить государствам-членам СВМДА уверения в своем самом высоком уважении.

город Астана, {date}

**ГОСУДАРСТВА-ЧЛЕНЫ
СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ И
МЕРАМ ДОВЕРИЯ В АЗИИ**
"""
COVER_KK = """**АЗИЯДАҒЫ ӨЗАРА ІС-ҚИМЫЛ ЖӘНЕ СЕНІМ ШАРАЛАРЫ
ЖӨНІНДЕГІ КЕҢЕСТІҢ ХАТШЫЛЫҒЫ**

**№DOC/1900**

{body}

Хатшылық осы мүмкіндікті пайдалана отырып, АӨСШК мүше мемлекеттеріне өзінің жоғары құрметін тағы да растайды.

Астана қаласы, {date}

**АЗИЯДАҒЫ ӨЗАРА ІС-ҚИМЫЛ ЖӘНЕ СЕНІМ ШАРАЛАРЫ
ЖӨНІНДЕГІ КЕҢЕСКЕ МҮШЕ МЕМЛЕКЕТТЕР**
"""
KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
             "қараша", "желтоқсан"]
RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря"]

FORWARD = ("The Secretariat of the Conference on Interaction and Confidence Building Measures in Asia (CICA) presents its "
           "compliments to the CICA Member States and has the honour to forward the enclosed document.")

HEADINGS = {
    "SOC/2023-III/DEC/2": ("amendments to", "the CICA Plan of Implementation of Confidence Building Measures for 2024"),
    "SOC/2023-III/DEC/3": ("corrections to", "the Budget of the CICA Secretariat for 2024"),
}

DECISION = """

**CONFERENCE ON INTERACTION AND CONFIDENCE
BUILDING MEASURES IN ASIA**

SOC/2024-I/DEC/9
{date}

---

**Senior Officials Committee**

**Astana, {date}**

**DECISION OF THE SENIOR OFFICIALS COMMITTEE**

**on {relation} {title}**

{text}
"""

LIST = """

---

Senior Officials Committee

Astana, {meeting}

## DECISIONS OF THE SENIOR OFFICIALS COMMITTEE

The Senior Officials Committee (SOC) at its meeting in Astana on {meeting} agreed on the following:

{item_no}. {text}
"""


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def circular(corpus: dict, text: str, language: str = "en") -> str:
    """The whole circular the kind's frame makes of one phrasing (a note in the phrasing's language)."""
    frame, day = corpus["frame"], corpus["date"]
    text = text.strip()
    if frame == "note":
        if language == "ru":
            return COVER_RU.format(body=text, date=f"{day.day} {RU_MONTHS[day.month - 1]} {day.year} г.")
        if language == "kk":
            return COVER_KK.format(body=text, date=f"{day.year} жылғы {day.day} {KK_MONTHS[day.month - 1]}")
        return COVER.format(body=text, date=_long(day))
    cover = COVER.format(body=FORWARD, date=_long(day))
    if frame == "enclosure":
        return cover + "\n\n" + text + "\n"
    if frame == "decision":
        target = corpus.get("amends") or corpus.get("corrects")
        relation, title = HEADINGS[target]
        if corpus.get("corrects") and "Plan" in title:
            relation = "corrections to"
        return cover + DECISION.format(date=_long(day), relation=relation, title=title, text=text)
    if frame == "list":
        return cover + LIST.format(meeting=_long(corpus["meeting_on"]), item_no=corpus.get("item_no", 1), text=text)
    raise ValueError(f"unknown frame {frame!r}")


def _setup(corpus: dict) -> list[Path]:
    names = corpus.get("setup_files") or ["seed"]
    return [SEED if name == "seed" else FOLLOWUPS / name for name in names]


def _now(corpus: dict) -> datetime:
    now = corpus.get("now")
    if isinstance(now, datetime):
        return now
    return datetime.combine(corpus["date"], time(12), ASTANA) if now is None else now


def _ingest(tmp_path: Path, corpus: dict, text: str, language: str = "en") -> State:
    state = State(tmp_path / "circulars.duckdb")
    for path in _setup(corpus):
        state.add(path.name, path.read_bytes())
    state.add("statement.txt", circular(corpus, text, language).encode())
    state.project(_now(corpus))
    return state


def _list_item_facts(state: State, facts: dict) -> list[str]:
    """Decisions of a list are keyed [item, N]: the item of the list this circular carries."""
    problems: list[str] = []
    sha = state.shas[-1]
    for key, wanted in (facts.get("decisions") or {}).items():
        if not (isinstance(key, tuple) and key[0] == "item"):
            continue
        rows = state.rows("SELECT * FROM decisions WHERE item_no = ? AND circular_sha256 = ?", [key[1], sha])
        if not rows:
            problems.append(f"decision item {key[1]}: no such row")
            continue
        for column, value in wanted.items():
            if column == "subject_start":
                if not str(rows[0]["subject"]).startswith(value):
                    problems.append(f"item {key[1]}: subject {rows[0]['subject']!r} does not start with {value!r}")
            elif rows[0][column] != value:
                problems.append(f"item {key[1]}.{column}: got {rows[0][column]!r}, wanted {value!r}")
    return problems


def _facts_problems(state: State, facts: dict, *, unchanged: bool = False) -> list[str]:
    symbol_facts = {k: v for k, v in (facts.get("decisions") or {}).items() if not isinstance(k, tuple)}
    return check_facts(state, {**facts, "decisions": symbol_facts}, unchanged=unchanged) + _list_item_facts(state, facts)


CASES = [
    (kind, index)
    for kind in paraphrases.KINDS if kind != "timing"
    for index in range(len(paraphrases.load(kind)["phrasings"]))
]
UNKNOWN = [
    (kind, index)
    for kind in paraphrases.KINDS if kind != "timing"
    for index in range(len(paraphrases.load(kind).get("unknown_verb") or []))
]


def _id(case) -> str:
    kind, index = case
    phrasing = paraphrases.load(kind)["phrasings"][index]
    return f"{kind}-{index}-{phrasing.get('style', '')}-{phrasing.get('language', '')}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_phrasing_yields_its_facts(case, tmp_path):
    kind, index = case
    corpus = paraphrases.load(kind)
    phrasing = corpus["phrasings"][index]
    state = _ingest(tmp_path, corpus, phrasing["text"], phrasing.get("language", "en"))
    try:
        problems = _facts_problems(state, phrasing["facts"]) + check_unread(state, [], [state.shas[-1]])
    finally:
        state.close()
    assert not problems, "\n".join(problems)


def _comparable(events) -> list[dict]:
    rows = []
    for event in events:
        data = event.model_dump(mode="json")
        for key in ("page", "circular_sha256", "reading_id", "page_count", "statement_id", "media_type"):
            data.pop(key, None)
        rows.append(data)
    return rows


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_phrasing_reads_the_same_from_a_pdf(case):
    kind, index = case
    corpus = paraphrases.load(kind)
    phrasing = corpus["phrasings"][index]
    text = circular(corpus, phrasing["text"], phrasing.get("language", "en"))
    layout = render.LAYOUTS["a4serif" if index % 2 else "lettersans"]
    render.register_fonts()
    buffer = io.BytesIO()
    render.render(text, layout, buffer, title=f"{kind}-{index}")
    pdf, data = buffer.getvalue(), text.encode()
    from_pdf = read_circular(pdf, file_name="statement.pdf", sha256=hashlib.sha256(pdf).hexdigest(), reading_id="r")
    from_text = read_circular(data, file_name="statement.txt", sha256=hashlib.sha256(data).hexdigest(), reading_id="r")
    assert _comparable(from_pdf.events) == _comparable(from_text.events)


@pytest.mark.parametrize("case", UNKNOWN, ids=[f"{k}-{i}" for k, i in UNKNOWN])
def test_unknown_verb_is_flagged_and_changes_nothing(case, tmp_path):
    kind, index = case
    corpus = paraphrases.load(kind)
    variant = corpus["unknown_verb"][index]
    state = _ingest(tmp_path, corpus, variant["text"], variant.get("language", "en"))
    try:
        flagged = state.rows("SELECT text, why FROM unread_statements WHERE circular_sha256 = ?", [state.shas[-1]])
        problems = [] if any(variant["unread"] in row["text"] for row in flagged) else [
            f"not flagged: {variant['unread']!r} (flagged: {flagged})"]
        problems += _facts_problems(state, variant.get("unchanged") or {}, unchanged=True)
    finally:
        state.close()
    assert not problems, "\n".join(problems)


TIMINGS = paraphrases.load("timing")


@pytest.mark.parametrize("phrasing", TIMINGS["phrasings"], ids=lambda p: f"{p['text'] or 'empty'}-{p['year']}")
def test_timing_phrasing(phrasing):
    timing = parse_timing(phrasing["text"], phrasing["year"])
    assert (timing.text, timing.starts_on, timing.ends_on, timing.precision) == (
        phrasing["text"].strip(), phrasing["starts_on"], phrasing["ends_on"], phrasing["precision"])


@pytest.mark.parametrize("variant", TIMINGS.get("unknown_verb") or [], ids=lambda p: p["text"])
def test_unknown_timing_stays_unknown(variant):
    timing = parse_timing(variant["text"], variant.get("year", 2024))
    assert (timing.starts_on, timing.ends_on, timing.precision) == (None, None, "unspecified")
