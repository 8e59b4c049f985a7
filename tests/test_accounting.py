"""Nothing a circular says is dropped in silence: every operative statement ends as events or as a StatementNotRead.

For every fixture (text and every PDF rendering) the reader's ledger is complete: the
operative statements it met are exactly those that yielded events plus those not read,
and every statement not read is a StatementNotRead event with its text, page and why.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from circulars.reading import read_circular
from circulars.reading.derive import derive
from circulars.reading.text import read_text

pytestmark = pytest.mark.corpus  # every fixture's statements accounted for

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = sorted((FIXTURES / "text").glob("*.txt")) + sorted((FIXTURES / "pdf").glob("*.pdf"))

# Operative statements per fixture, by kind: the seed's 9 decisions of the list, 3 operative
# paragraphs (two "Approves", one "Decides"), 27 plan rows, 8 budget rows (6 lines, Total, Grand
# total) and the cover note's sentence that places the draft under silence procedure.
EXPECTED_STATEMENTS = {
    "000_seed_DOC-1497": {"note_sentence": 1, "list_item": 9, "operative_paragraph": 3, "plan_row": 27, "budget_row": 8},
    # the note opens the draft's silence procedure in two sentences: the forwarding one with the deadline
    # and "Should no objections be received by the above deadline, the draft decision will be considered adopted."
    "005_silence_opened_DOC-1510": {"note_sentence": 2, "operative_paragraph": 1},
    "010_silence_concluded_DOC-1503": {"note_sentence": 2, "operative_paragraph": 4},
    "011_silence_broken_DOC-1519": {"note_sentence": 3},
    "020_plan_amendment_DOC-1532": {"list_item": 5, "operative_paragraph": 1, "amendment_row": 8},
    "030_budget_revision_DOC-1560": {"list_item": 6, "operative_paragraph": 1, "budget_row": 8},
    "040_plan_2025_DOC-1601": {"list_item": 6, "operative_paragraph": 2, "plan_row": 40, "budget_row": 8},
    "900_faulty_budget_total": {"operative_paragraph": 1, "budget_row": 8},
    "901_faulty_plan_duplicate_item": {"operative_paragraph": 1, "plan_row": 12, "completeness": 1},
    "902_faulty_unknown_action": {"list_item": 4},
}
EXPECTED_UNREAD = {
    "901_faulty_plan_duplicate_item": [("numbering_gap", "numbering jumps from 9 to 11")],
    "902_faulty_unknown_action": [("unknown_action", "2. The SOC deliberated on the proposals")],
}


def _read(path: Path):
    data = path.read_bytes()
    return read_circular(data, file_name=path.name, sha256=hashlib.sha256(data).hexdigest(), reading_id="r")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_operative_statement_yields_events_or_is_not_read(path):
    reading = _read(path)
    stem = path.name.split(".")[0]
    statements = reading.statements
    assert dict(Counter(s.kind for s in statements)) == EXPECTED_STATEMENTS[stem]
    produced = [s for s in statements if s.events]
    unread = [s for s in statements if not s.events]
    assert len(statements) == len(produced) + len(unread)
    assert all(s.unread for s in unread), "a statement without events must say why"
    not_read = [e for e in reading.events if e.event_type == "StatementNotRead"]
    assert len(not_read) == sum(len(s.unread) for s in statements)
    got = [(e.why, e.text) for e in not_read]
    wanted = EXPECTED_UNREAD.get(stem, [])
    assert len(got) == len(wanted)
    for (why, text), (want_why, fragment) in zip(got, wanted, strict=True):
        assert why == want_why and fragment in text
    for event in not_read:
        assert event.page is not None and event.page >= 1 and event.text and event.statement_id.startswith("st-")


# --- a statement of each kind in words no list knows lands in StatementNotRead ---------------------------

NOTE = """**№DOC/1700**

The Secretariat of the Conference on Interaction and Confidence Building Measures in Asia (CICA) presents its \
compliments to the CICA Member States and has the honour to inform that {sentence}

The Secretariat avails itself of this opportunity to renew to the CICA Member States the assurances of its highest \
consideration.

Astana, 5 April 2024

**MEMBER STATES OF THE CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA**
"""

DECISION = """**№DOC/1701**

The Secretariat has the honour to forward the decision of the Senior Officials Committee.

Astana, 12 April 2024

**MEMBER STATES OF THE CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA**

**CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA**

SOC/2024-I/DEC/7
10 April 2024

---

**Senior Officials Committee**

**DECISION OF THE SENIOR OFFICIALS COMMITTEE**

**on amendments to the CICA Plan of Implementation of Confidence Building Measures for 2024**

The Senior Officials Committee,

Recalling its decision SOC/2023-III/DEC/2 of 12 December 2023,

{paragraphs}
"""

LIST = """**№DOC/1702**

The Secretariat has the honour to forward the decisions of the Senior Officials Committee (SOC) meeting of 10 April 2024.

Astana, 12 April 2024

**MEMBER STATES OF THE CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA**

---

Senior Officials Committee

Astana, 10 April 2024

## DECISIONS OF THE SENIOR OFFICIALS COMMITTEE

The Senior Officials Committee (SOC) at its meeting in Astana on 10 April 2024 agreed on the following:

1. The SOC took note of the report of the CICA Secretary General.
2. {item}
"""

TABLE = """**№DOC/1703**

The Secretariat has the honour to forward the decision of the Senior Officials Committee.

Astana, 12 April 2024

**MEMBER STATES OF THE CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA**

**CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA**

SOC/2024-I/DEC/8
10 April 2024

---

**Senior Officials Committee**

**DECISION OF THE SENIOR OFFICIALS COMMITTEE**

**on amendments to the CICA Plan of Implementation of Confidence Building Measures for 2024**

The Senior Officials Committee,

Recalling its decision SOC/2023-III/DEC/2 of 12 December 2023,

Approves the amendments to the CICA Plan for 2024 as contained in the Annex.

**AMENDMENTS TO THE CICA PLAN OF IMPLEMENTATION OF CBMs FOR 2024**

No.\tEvent\tOrganizer (s)\tAmendment\tIndicative timing
9.\tCICA Seminar on Cross-Border Digital Commerce\tThe People’s Republic of Bangladesh\tRescheduled\t23 – 25 April
12.\tOnline CICA experts meeting on ICT security\tThe Republic of Kazakhstan\t{change}\tMay
"""

UNKNOWN_VERB_CASES = {
    "silence outcome": (NOTE.format(sentence="the draft SOC decision on the establishment of the CICA Fund "
                                             "(SOC/2024-I/DRAFT/1) was transmogrified by the silence procedure."),
                        "note_sentence"),
    "silence extension": (NOTE.format(sentence="the silence procedure on the draft SOC decision (SOC/2024-I/DRAFT/1) "
                                               "has been elongated indefinitely."), "note_sentence"),
    "list item": (LIST.format(item="The SOC pondered the proposals of the Member States on the CICA Fund."), "list_item"),
    "prose amendment": (DECISION.format(paragraphs="Approves the amendments to the Plan as follows:\n\n"
                                                   "1. Item 12 is hereby transmogrified into a webinar."),
                        "operative_paragraph"),
    "amendment row": (TABLE.format(change="Transmogrified"), "amendment_row"),
    "operative paragraph": (DECISION.format(paragraphs="Expostulates the Secretariat to consider the budget."),
                            "operative_paragraph"),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN_VERB_CASES))
def test_a_statement_in_unknown_words_is_not_read_never_dropped(case):
    text, kind = UNKNOWN_VERB_CASES[case]
    events, statements = derive("e" * 64, read_text(text.encode()), reading_id="r", reader_version="test")
    unread = [e for e in events if e.event_type == "StatementNotRead" and e.statement_kind == kind]
    assert unread, f"{case}: {[(s.kind, s.text[:60], s.events, s.unread) for s in statements]}"
    assert all(e.why in ("not_understood", "unknown_action", "unknown_change", "no_target") for e in unread)
    assert unread[0].page == 1 and unread[0].text
