"""A deterministic synthetic corpus of circulars, and a synthetic event log, for the benchmark.

Why synthetic: the benchmark needs a thousand (or ten thousand) circulars with the
variety of real ones — decision lists, plans of 10–60 events with every kind of
indicative timing, budgets whose sections add up to their totals, silence
procedures and their outcomes, plan amendments and budget revisions across the
years 2000–2030 — and only one real circular exists. The texts follow the
structure of `tests/fixtures/text/*.txt` (the converter's text of a note verbale:
EN/RU/KK cover notes, then the enclosed documents, tab-separated tables); the PDFs
are set by `tests/fixtures/render.py` in its two layouts. The same seed gives the
same bytes.

`generate(out_dir, n, seed, pdf_share, bad_share)` writes the files;
`synthetic_events(n, seed)` yields N valid domain events (as `PendingEvent`s) and
`write_event_log(path, n, seed)` appends them to a DuckDB log with the same rows
(ids, seq, stream versions, hash chain) `circulars.eventlog.append` writes.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

FIRST_YEAR, LAST_YEAR = 2000, 2030

EN_MONTHS = list(calendar.month_name)[1:]
RU_MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                 "ноября", "декабря"]
KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша",
             "желтоқсан"]

PLACES = [("Astana", "город Астана", "Астана қаласы")] * 6 + [
    ("Almaty", "город Алматы", "Алматы қаласы"),
    ("Dushanbe", "город Душанбе", "Душанбе қаласы"),
    ("Baku", "город Баку", "Баку қаласы"),
    ("Tashkent", "город Ташкент", "Ташкент қаласы"),
]

COUNTRIES = [
    ("The Republic of Kazakhstan", "Ministry of Foreign Affairs of the Republic of Kazakhstan"),
    ("The Republic of Türkiye", "Turkish International Academy Against Drugs and Organized Crime (TADOC)"),
    ("The Russian Federation", "Federal Agency for Youth Affairs"),
    ("The People’s Republic of China", "Yangling Agricultural High-tech Industry Demonstration Zone Management Committee"),
    ("The Republic of Azerbaijan", "Ministry of Digital Development and Transport of the Republic of Azerbaijan"),
    ("The Kingdom of Thailand", "Thailand International Cooperation Agency (TICA)"),
    ("The People’s Republic of Bangladesh", "Bangladesh Computer Council"),
    ("The Republic of Uzbekistan", "Youth Affairs Agency of the Republic of Uzbekistan"),
    ("The Kyrgyz Republic", "Ministry of Emergency Situations of the Kyrgyz Republic"),
    ("The Republic of Tajikistan", "Ministry of Energy and Water Resources of the Republic of Tajikistan"),
    ("The Republic of Korea", "Korea International Cooperation Agency (KOICA)"),
    ("The Islamic Republic of Pakistan", "Ministry of Interior of the Islamic Republic of Pakistan"),
    ("The Islamic Republic of Iran", "Iranian Space Agency"),
    ("The State of Qatar", "Qatar Tourism"),
    ("The United Arab Emirates", "Ministry of Climate Change and Environment"),
    ("The Socialist Republic of Viet Nam", "Ministry of Culture, Sports and Tourism of Viet Nam"),
    ("The Republic of Iraq", "Ministry of Culture, Tourism and Antiquities of the Republic of Iraq"),
    ("Mongolia", "National Emergency Management Agency of Mongolia"),
    ("The Republic of India", "Ministry of External Affairs of the Republic of India"),
    ("The Kingdom of Cambodia", "Ministry of Tourism of the Kingdom of Cambodia"),
]
PARTNERS = ["CICA Secretariat", "UN ESCAP Secretariat", "UN ESCWA Secretariat", "UNODC Regional Office",
            "Association of Volunteer Centers"]

TOPICS = [
    "Risk Analysis and Search Techniques", "Crime Intelligence Analysis", "Surveillance Techniques",
    "Cross-Border Digital Commerce", "Information Technology", "Smart Agriculture and Agriculture Industry Development",
    "Water Resources Management", "Green Economy and Renewable Energy", "Emergency Response and Disaster Risk Reduction",
    "Sustainable Tourism", "Combating Illicit Trafficking in Cultural Property", "Countering the Financing of Terrorism",
    "ICT security and personal data protection", "the peaceful uses of outer space", "food security",
    "epidemiological security and public health", "transport corridors and logistics", "youth policy",
    "women in peace and security", "energy security", "environment protection", "natural disaster management",
    "migration management", "cybercrime investigation", "border security", "customs cooperation",
    "traditional medicine", "smart cities and urban resilience", "the development of small and medium enterprises",
    "drug demand reduction", "financial technologies", "interfaith dialogue",
]
EVENT_FORMS = [
    "CICA seminar on {t}", "CICA Training on {t}", "CICA Training Program on {t}", "Online CICA experts meeting on {t}",
    "CICA Workshop on {t}", "CICA Round Table on {t}", "CICA Conference on {t}", "Online CICA seminar “{T}”",
    "CICA – UNESCAP side event on “{T}”", "Panel session for the CICA Member States on “{T}”",
]
BUDGET_SECTIONS = [
    "CAPITAL INVESTMENT EXPENSES", "OPERATIONAL EXPENSES", "TRAVEL EXPENSES", "PERSONNEL EXPENSES",
    "CICA EVENTS AND PROJECTS", "RELOCATION TO AND EQUIPPING THE NEW CICA HEADQUARTERS", "COMMUNICATION AND IT SERVICES",
    "TRANSLATION AND INTERPRETATION",
]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
DRAFT_SUBJECTS = [
    ("granting CICA Observer Status to {c}", "MC"),
    ("the establishment of the CICA Fund for {t}", "SOC"),
    ("partnership relations with the {o}", "SOC"),
    ("the Regulations of the CICA Working Group on {t}", "SOC"),
    ("the concept paper in the priority area “{T}”", "SOC"),
    ("granting the status of CICA Partner Organization to the {o}", "MC"),
]
ORGANISATIONS = ["United Nations Office of Counter-Terrorism", "Economic Cooperation Organization",
                 "Shanghai Cooperation Organisation", "Eurasian Economic Union", "Asian Development Bank",
                 "International Organization for Migration", "World Customs Organization"]
LIST_ITEMS = [
    "The SOC took note of the annual report of the CICA Secretary General on the activities of the CICA Secretariat in {y}.",
    "The SOC took note of the information of the CICA Secretariat on the implementation of the CICA Plan of Implementation "
    "of Confidence Building Measures for {y}.",
    "The SOC approved the concept paper in the priority area “{T}”.",
    "The SOC supported the initiative of {c} to hold the CICA {T} Forum in {p} in {y1}.",
    "The SOC welcomed the offer of {c} to host the CICA Conference on {t} in {y1}.",
    "The SOC endorsed the proposal of the CICA Secretariat to hold the CICA Think Tank Forum in {p}.",
    "The SOC requested the CICA Secretariat to submit the draft CICA Plan of Implementation of CBMs for {y1} "
    "to the Member States.",
    "The SOC agreed to hold its next meeting in {p}.",
    "The SOC decided to establish an open-ended working group on {t}.",
    "The SOC took note of the dialogue commenced between the Secretariats of CICA and the {o}.",
]


def _d(day: date) -> str:
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def _d_ru(day: date) -> str:
    return f"{day.day} {RU_MONTHS_GEN[day.month - 1]} {day.year}"


def _d_kk(day: date) -> str:
    return f"{day.year} жылғы {day.day} {KK_MONTHS[day.month - 1]}"


def _amount(value: int, style: str) -> str:
    text = f"{value:,}"
    return text.replace(",", " ") if style == "space" else text


# --- the parts of a circular -----------------------------------------------------------------


@dataclass
class Circular:
    """One synthetic circular: its number, date, kind and text."""

    number: int
    issued_on: date
    kind: str
    text: str
    title: str


@dataclass
class _Year:
    """What the corpus has said about one year so far, so later circulars refer to it."""

    plan_symbol: str | None = None
    plan_items: list[tuple[int, str, str]] = field(default_factory=list)  # (no, title, organisers)
    budget_symbol: str | None = None
    budget_sections: list[str] = field(default_factory=list)
    budget_revisions: int = 0
    session: int = 0
    drafts: list[tuple[str, str, str, date, str]] = field(default_factory=list)  # (symbol, subject, body, deadline, doc)
    decisions: int = 0


class _Writer:
    """Writes circulars one after the other, remembering the plans, budgets and drafts it issued."""

    def __init__(self, rng: random.Random, first_number: int):
        self.rng = rng
        self.number = first_number
        self.years: dict[int, _Year] = {}

    # -- vocabulary ------------------------------------------------------------
    def topic(self) -> str:
        return self.rng.choice(TOPICS)

    def fill(self, template: str, year: int, place: str = "Astana") -> str:
        topic = self.topic()
        return template.format(
            t=topic, T=topic[0].upper() + topic[1:], y=year, y1=year + 1, p=place,
            c=self.rng.choice(COUNTRIES)[0].replace("The ", "the "), o=self.rng.choice(ORGANISATIONS),
        )

    def organisers(self) -> str:
        country, agency = self.rng.choice(COUNTRIES)
        parts = [country]
        if self.rng.random() < 0.75:
            parts.append(agency)
        if self.rng.random() < 0.3:
            parts.append(self.rng.choice(PARTNERS))
        return ", ".join(parts)

    def timing(self, year: int) -> str:
        r = self.rng
        month = r.randrange(12)
        name = EN_MONTHS[month]
        choice = r.random()
        if choice < 0.30:
            start = r.randint(1, 20)
            return f"{start} – {start + r.randint(1, 6)} {name}" if r.random() < 0.7 else f"{start}-{start + r.randint(1, 5)} {name}"
        if choice < 0.38 and month < 11:
            return f"{r.randint(24, 28)} {name} – {r.randint(1, 5)} {EN_MONTHS[month + 1]}"
        if choice < 0.55:
            return name
        if choice < 0.65:
            return f"{r.choice(['First', 'Second'])} half of {name}"
        if choice < 0.72 and month < 11:
            return f"{name} – {EN_MONTHS[month + 1]}" if r.random() < 0.5 else f"{name}-{EN_MONTHS[month + 1]}"
        if choice < 0.82:
            q = r.randint(1, 4)
            return f"{q}{'st nd rd th'.split()[q - 1]} Quarter" if r.random() < 0.8 or q == 4 else f"{q}{'st nd rd'.split()[q - 1]}-{q + 1}{'nd rd th'.split()[q - 1]} Quarter"
        if choice < 0.88:
            return f"{r.choice(['First', 'Second', '1st', '2nd'])} half of {year}"
        if choice < 0.91:
            return str(year)
        if choice < 0.96:
            return "T.B.C."
        return ""

    def event_title(self) -> str:
        form = self.rng.choice(EVENT_FORMS)
        topic = self.topic()
        if self.rng.random() < 0.04:
            n = self.rng.randint(2, 15)
            return f"{n} <sup>th</sup> CICA Business Forum"
        return form.format(t=topic, T=topic[0].upper() + topic[1:])

    # -- common parts ----------------------------------------------------------
    def letterhead(self, symbol: str) -> str:
        return (
            "**SECRETARIAT OF THE CONFERENCE ON INTERACTION  \nAND CONFIDENCE BUILDING MEASURES IN ASIA**\n\n"
            "**СЕКРЕТАРИАТ СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ  \nИ МЕРАМ ДОВЕРИЯ В АЗИИ**\n\n"
            f"**№{symbol}**\n\n"
        )

    def cover(self, symbol: str, issued: date, pages: int, en: str, ru: str, kk: str | None, place) -> str:
        en_place, ru_place, kk_place = place
        parts = [
            "\n\n\n\n" + self.letterhead(symbol),
            f"*Enclosure:  \nas stated,  \non {pages} p.*\n\n",
            "The Secretariat of the Conference on Interaction and Confidence Building Measures in Asia (CICA) presents "
            f"its compliments to the CICA Member States and {en}\n\n",
            "The Secretariat avails itself of this opportunity to renew to the CICA Member States the assurances of its "
            "highest consideration.\n\n",
            f"{en_place}, {_d(issued)}\n\n",
            "**MEMBER STATES  \nOF THE CONFERENCE ON INTERACTION  \nAND CONFIDENCE BUILDING MEASURES  \nIN ASIA**\n\n\n\n",
            self.letterhead(symbol),
            "Секретариат Совещания по взаимодействию и мерам доверия в Азии (СВМДА) свидетельствует свое уважение "
            f"государствам-членам СВМДА и {ru}\n\n",
            f"*Приложение:  \nупомянутое,  \nна {pages} л.*\n\n",
            "Секретариат пользуется случаем, чтобы возобновить государствам-членам СВМДА уверения в своем самом "
            "высоком уважении.\n\n",
            f"{ru_place}, {_d_ru(issued)} г.\n\n",
            "**ГОСУДАРСТВА-ЧЛЕНЫ  \nСОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ И  \nМЕРАМ ДОВЕРИЯ В АЗИИ**\n\n",
        ]
        if kk:
            parts += [
                f"Қосымша:  \nаталған {pages} п.\n\n",
                "Азиядағы өзара іс-қимыл және сенім шаралары кеңесінің (Азия Кеңесінің) Хатшылығы Азия Кеңесіне мүше "
                f"мемлекеттерге өзінің зор ілтипатын білдіреді және {kk}\n\n",
                "Хатшылық осы мүмкіндікті пайдалана отырып, Азия Кеңесіне мүше мемлекеттерге өзінің зор ілтипатын "
                "тағы да растайды.\n\n",
                f"{kk_place}, {_d_kk(issued)}\n\n",
                "**АЗИЯДАҒЫ ӨЗАРА ІС-ҚИМЫЛ ЖӘНЕ  \nСЕНІМ ШАРАЛАРЫ КЕҢЕСІНЕ  \nМҮШЕ МЕМЛЕКЕТТЕР**\n\n",
            ]
        return "".join(parts)

    def document_head(self, symbol: str, day: date, body: str, place: str, banner: str | None = None) -> str:
        committee = "Senior Officials Committee" if body == "SOC" else "Ministerial Council"
        bold = self.rng.random() < 0.5
        symbol_line = f"**{symbol}  \n{_d(day)}**" if bold else f"{symbol}  \n{_d(day)}"
        head = (
            "\n\n**CONFERENCE ON INTERACTION AND CONFIDENCE  \nBUILDING MEASURES IN ASIA**\n\n"
            f"{symbol_line}\n\n**СОВЕЩАНИЕ ПО ВЗАИМОДЕЙСТВИЮ И  \nМЕРАМ ДОВЕРИЯ В АЗИИ**\n\n---\n\n"
        )
        head += f"**{banner}**\n\n" if banner else f"**{committee}**\n\n**{place}, {_d(day)}**\n\n"
        return head

    def decision_list(self, day: date, place: str, items: list[str]) -> str:
        numbered = "\n".join(f"{i}. {text}" for i, text in enumerate(items, start=1))
        return (
            f"\n\n---\n\nSenior Officials Committee\n\n{place}, {_d(day)}\n\n## DECISIONS OF THE SENIOR OFFICIALS COMMITTEE\n\n"
            f"The Senior Officials Committee (SOC) at its meeting in {place} on {_d(day)} agreed on the following:\n\n"
            f"{numbered}\n"
        )

    def session_symbol(self, year: int, kind: str, number: int, body: str = "SOC") -> str:
        if body == "MC":
            return f"MC/{year}/{kind}/{number}"
        return f"SOC/{year}-{_roman(self.years[year].session)}/{kind}/{number}"

    def next_number(self) -> int:
        self.number += 1
        return self.number

    # -- the kinds of circular -------------------------------------------------
    def annual(self, issued: date, plan_year: int) -> Circular:
        """Decisions of a meeting adopting next year's plan (10–60 events) and budget."""
        r, year = self.rng, issued.year
        state, target = self.years[year], self.years.setdefault(plan_year, _Year())
        state.session += 1
        place = r.choice(PLACES)
        meeting = issued - timedelta(days=r.randint(1, 3))
        plan_symbol = self.session_symbol(year, "DEC", 2)
        budget_symbol = self.session_symbol(year, "DEC", 3)
        items = [
            f"The SOC took note of the annual report of the CICA Secretary General on the activities of the CICA "
            f"Secretariat in {year}.",
            f"The SOC adopted the decision on the CICA Plan of Implementation of Confidence Building Measures (CBMs) "
            f"for {plan_year} (document {plan_symbol}).",
            f"The SOC adopted the decision on the {plan_year} Budget of the CICA Secretariat (document {budget_symbol}).",
        ] + [self.fill(t, year, place[0]) for t in r.sample(LIST_ITEMS[2:], r.randint(1, 4))]
        rows, plan_items = [], []
        for no in range(1, r.randint(10, 60) + 1):
            title, organisers = self.event_title(), self.organisers()
            plan_items.append((no, title, organisers))
            rows.append(f"{no}.\t{title}\t{organisers}\t{self.timing(plan_year)}")
        sections = r.sample(BUDGET_SECTIONS, r.randint(3, 6))
        budget = self.budget_table(sections, f"BUDGET OF THE CICA SECRETARIAT FOR {plan_year}", "Budget")
        target.plan_symbol, target.plan_items = plan_symbol, plan_items
        target.budget_symbol, target.budget_sections, target.budget_revisions = budget_symbol, sections, 0
        body = (
            self.decision_list(meeting, place[0], items)
            + self.document_head(plan_symbol, meeting, "SOC", place[0])
            + "**DECISION OF THE SENIOR OFFICIALS COMMITTEE**\n\n**on the CICA Plan of Implementation of Confidence  \n"
            f"Building Measures for {plan_year}**\n\nThe Senior Officials Committee\n\nApproves the CICA Plan of "
            f"Implementation of Confidence Building Measures for {plan_year} as contained in the Annex.\n\n"
            f"**CICA PLAN OF IMPLEMENTATION OF CONFIDENCE BUILDING MEASURES FOR {plan_year}**\n\n"
            "No.\tExpected title of the event\tOrganizer (s)\tIndicative timing\n" + "\n".join(rows) + "\n"
            + self.document_head(budget_symbol, meeting, "SOC", place[0])
            + "**DECISION OF THE SENIOR OFFICIALS COMMITTEE**\n\n"
            f"**on the Budget of the CICA Secretariat for {plan_year}**\n\nThe Senior Officials Committee\n\n"
            f"Approves the budget of the CICA Secretariat for {plan_year} as contained in the Annex.\n\n" + budget
        )
        number = self.next_number()
        pages = 3 + len(rows) // 9
        en = (f"has the honour to forward the decisions of the Senior Officials Committee (SOC) meeting of {_d(meeting)}, "
              f"including the SOC decisions on the CICA Plan of Implementation of Confidence Building Measures (CBMs) for "
              f"{plan_year} and on the budget of the CICA Secretariat for {plan_year}.")
        ru = (f"имеет честь препроводить решения заседания Комитета старших должностных лиц (КСДЛ) от {_d_ru(meeting)} "
              f"года, включая решения КСДЛ о Плане реализации мер доверия СВМДА на {plan_year} год и о бюджете "
              f"Секретариата СВМДА на {plan_year} год.")
        kk = (f"{_d_kk(meeting)}дағы Аға лауазымды тұлғалар комитеті (АЛТК) отырысының шешімдерін, оның ішінде Азия "
              f"Кеңесінің {plan_year} жылға арналған сенім шараларын іске асыру жоспары және бюджеті туралы АЛТК "
              f"шешімдерін жолдауды өзіне мәртебе санайды.")
        text = self.cover(f"DOC/{number}", issued, pages, en, ru, kk if r.random() < 0.8 else None, place) + body
        return Circular(number, issued, "annual", text, f"Plan and budget for {plan_year}")

    def budget_table(self, sections: list[str], heading: str, column: str, base: dict[str, int] | None = None) -> str:
        r = self.rng
        style = r.choice(["comma", "space"])
        misc = "MISCELLANEOUS"
        amounts = {s: (base or {}).get(s) or r.randint(20, 1800) * 1000 + r.randint(0, 999) for s in sections}
        misc_amount = r.randint(5, 40) * 1000 + r.randint(0, 999)
        lines = [f"## {heading}\n\n(US dollars)\n\nNº\tEXPENDITURES\t{column}"]
        for i, section in enumerate(sections, start=1):
            lines.append(f"{i}\t<b>{ROMAN[i - 1]} - {section}</b>\t<b>{_amount(amounts[section], style)}</b>")
        subtotal = sum(amounts.values())
        with_subtotal = r.random() < 0.7
        if with_subtotal:
            lines.append(f"\t<i>Total</i>\t<b>{_amount(subtotal, style)}</b>")
            lines.append(f"{len(sections) + 1}\t<b>{ROMAN[len(sections)]} - {misc}</b>\t<b>{_amount(misc_amount, style)}</b>")
            grand = subtotal + misc_amount
        else:
            grand = subtotal
        lines.append(f"\t<i>Grand total</i>\t<b>{_amount(grand, style)}</b>")
        return "\n".join(lines) + "\n"

    def new_draft(self, issued: date) -> tuple[str, str, str, date]:
        r, year = self.rng, issued.year
        template, body = r.choice(DRAFT_SUBJECTS)
        subject = self.fill(template, year)
        state = self.years[year]
        state.decisions += 1
        symbol = f"MC/{year}/DRAFT/{state.decisions}" if body == "MC" else f"SOC/{year}-{_roman(max(state.session, 1))}/DRAFT/{state.decisions}"
        deadline = issued + timedelta(days=r.randint(7, 21))
        return symbol, subject, body, deadline

    def silence_opened(self, issued: date) -> Circular:
        r = self.rng
        symbol, subject, body, deadline = self.new_draft(issued)
        clock, clock_ru = r.choice([("12 noon", "12:00"), ("18:00", "18:00"), ("15:00", "15:00")])
        number = self.next_number()
        self.years[issued.year].drafts.append((symbol, subject, body, deadline, f"DOC/{number}"))
        place = PLACES[0]
        committee = "SOC" if body == "SOC" else "MC"
        en = (f"has the honour to forward the draft {committee} decision on {subject} (document {symbol}), which is placed "
              f"under silence procedure with the deadline of {_d(deadline)}, {clock} by Astana time.\n\n"
              "Should no objections be received by the above deadline, the draft decision will be considered adopted.")
        ru = (f"имеет честь препроводить проект решения (документ {symbol}), подлежащий утверждению через процедуру "
              f"умолчания со сроком до {_d_ru(deadline)} года {clock_ru} по времени Астаны.")
        kk = (f"{_d_kk(deadline)} Астана уақыты бойынша сағат {clock_ru}-ге дейін үнсіз келісім сақтау тәртібі арқылы "
              f"бекітуге жататын шешімнің жобасын ({symbol} құжаты) жолдауды өзіне мәртебе санайды.")
        committee_name = "SENIOR OFFICIALS COMMITTEE" if body == "SOC" else "MINISTERIAL COUNCIL"
        document = (
            self.document_head(symbol, issued, body, place[0], banner=f"Chairmanship of {r.choice(['Kazakhstan', 'Azerbaijan'])}")
            .replace("---\n\n", "Distr: Member States only\n\n---\n\n", 1)
            + f"**Subject to adoption by silence procedure  \nwith the deadline of {_d(deadline)}  \n({clock} by Astana time)**\n\n"
            f"**DRAFT DECISION OF THE {committee_name}**\n\n**on {subject}**\n\n"
            f"The {'Senior Officials Committee' if body == 'SOC' else 'Ministerial Council'},\n\n"
            f"Recalling the discussions held at its previous meeting,\n\nDecides to {self.fill('support cooperation on {t}', issued.year)} "
            "and requests the CICA Secretariat to take the necessary steps to that end.\n"
        )
        text = self.cover(f"DOC/{number}", issued, 1, en, ru, kk if r.random() < 0.8 else None, place) + document
        return Circular(number, issued, "silence_opened", text, f"Draft decision on {subject}")

    def silence_outcome(self, issued: date, draft: tuple[str, str, str, date, str], broken: bool) -> Circular:
        r = self.rng
        symbol, subject, body, deadline, opening_note = draft
        number = self.next_number()
        place = PLACES[0]
        opened_on = deadline - timedelta(days=14)
        if broken:
            country, _ = r.choice(COUNTRIES)
            country_in = country.replace("The ", "the ")
            broke_on = deadline - timedelta(days=r.randint(1, 5))
            en = (f"with reference to its note №{opening_note}, has the honour to inform that on {_d(broke_on)} {country_in} "
                  f"broke silence on the draft decision on {subject} (document {symbol}), placed under silence procedure "
                  f"with the deadline of {_d(deadline)}. A copy of the note of the Embassy is enclosed.\n\n"
                  "Accordingly, the draft decision has not been adopted.")
            ru = (f"ссылаясь на свою ноту №{opening_note}, имеет честь сообщить, что {_d_ru(broke_on)} года прервана "
                  f"процедура умолчания по проекту решения (документ {symbol}). Соответственно, проект решения не принят.")
            document = (
                f"\n\n**EMBASSY OF {country.replace('The ', '').upper()}  \nASTANA**\n\nNo. AST/POL/{r.randint(10, 999)}/{deadline.year}\n\n"
                f"The Embassy presents its compliments to the Secretariat of the Conference on Interaction and Confidence "
                f"Building Measures in Asia (CICA) and, with reference to the Secretariat's note №{opening_note}, has the "
                f"honour to inform that {country_in} breaks silence on the draft decision on {subject} (document {symbol}).\n\n"
                "The Embassy avails itself of this opportunity to renew to the Secretariat of CICA the assurances of its "
                f"highest consideration.\n\nAstana, {_d(broke_on)}\n\n**Secretariat of the Conference on Interaction  \n"
                "and Confidence Building Measures in Asia  \nAstana**\n"
            )
            return Circular(number, issued, "silence_broken",
                            self.cover(f"DOC/{number}", issued, 1, en, ru, None, place) + document, f"Silence broken on {symbol}")
        state = self.years[deadline.year] if deadline.year in self.years else self.years[issued.year]
        state.decisions += 1
        adopted = symbol.replace("/DRAFT/", "/DEC/").rsplit("/", 1)[0] + f"/{state.decisions + 100}"
        en = (f"with reference to its note №{opening_note} of {_d(opened_on)}, has the honour to inform that no objections "
              f"were received by the deadline of {_d(deadline)}, 12 noon by Astana time, to the draft decision on {subject} "
              f"(document {symbol}), placed under silence procedure.\n\nAccordingly, the decision is considered adopted as "
              f"document {adopted}. The text of the adopted decision is enclosed.")
        ru = (f"ссылаясь на свою ноту №{opening_note}, имеет честь сообщить, что возражений в отношении проекта решения "
              f"(документ {symbol}) не поступило. Соответственно, решение считается принятым в качестве документа {adopted}.")
        committee_name = "SENIOR OFFICIALS COMMITTEE" if body == "SOC" else "MINISTERIAL COUNCIL"
        document = (
            self.document_head(adopted, deadline, body, place[0], banner="Chairmanship of Kazakhstan")
            + f"**Adopted by silence procedure  \non {_d(deadline)}  \n(12 noon by Astana time)**\n\n"
            f"**DECISION OF THE {committee_name}**\n\n**on {subject}**\n\n"
            f"The {'Senior Officials Committee' if body == 'SOC' else 'Ministerial Council'},\n\n"
            f"Decides to {self.fill('support cooperation on {t}', deadline.year)}.\n"
        )
        return Circular(number, issued, "silence_concluded",
                        self.cover(f"DOC/{number}", issued, 1, en, ru, None, place) + document, f"Adopted: {subject}")

    def plan_amendment(self, issued: date, plan_year: int) -> Circular:
        r, year = self.rng, issued.year
        state, plan = self.years[year], self.years[plan_year]
        state.session += 1
        place = r.choice(PLACES)
        meeting = issued - timedelta(days=r.randint(1, 3))
        symbol = self.session_symbol(year, "DEC", 2)
        changed = sorted(r.sample(plan.plan_items, min(len(plan.plan_items), r.randint(2, 8))))
        rows = []
        for no, title, organisers in changed:
            if r.random() < 0.7:
                rows.append(f"{no}.\t{title}\t{organisers}\tRescheduled\t{self.timing(plan_year)}")
            else:
                rows.append(f"{no}.\t{title}\t{organisers}\tCancelled\t")
        next_no = max(no for no, _, _ in plan.plan_items) + 1
        for offset in range(r.randint(0, 3)):
            title, organisers = self.event_title(), self.organisers()
            plan.plan_items.append((next_no + offset, title, organisers))
            rows.append(f"{next_no + offset}.\t{title}\t{organisers}\tNew event\t{self.timing(plan_year)}")
        items = [
            f"The SOC took note of the information of the CICA Secretary General on the implementation of the CICA Plan "
            f"of Implementation of Confidence Building Measures (CBMs) for {plan_year}.",
            f"The SOC adopted the decision on amendments to the CICA Plan of Implementation of Confidence Building "
            f"Measures for {plan_year} (document {symbol}).",
        ] + [self.fill(t, year, place[0]) for t in r.sample(LIST_ITEMS[2:], r.randint(0, 3))]
        body = (
            self.decision_list(meeting, place[0], items)
            + self.document_head(symbol, meeting, "SOC", place[0])
            + "**DECISION OF THE SENIOR OFFICIALS COMMITTEE**\n\n**on amendments to the CICA Plan of Implementation  \n"
            f"of Confidence Building Measures for {plan_year}**\n\nThe Senior Officials Committee,\n\nRecalling its decision "
            f"{plan.plan_symbol} on the CICA Plan of Implementation of Confidence Building Measures for {plan_year},\n\n"
            f"Approves the amendments to the CICA Plan of Implementation of Confidence Building Measures for {plan_year} "
            f"as contained in the Annex.\n\n**AMENDMENTS TO THE CICA PLAN OF IMPLEMENTATION OF CBMs FOR {plan_year}**\n\n"
            "No.\tEvent\tOrganizer (s)\tAmendment\tIndicative timing\n" + "\n".join(rows) + "\n"
        )
        number = self.next_number()
        en = (f"has the honour to forward the decisions of the Senior Officials Committee (SOC) meeting of {_d(meeting)}, "
              f"including the SOC decision on amendments to the CICA Plan of Implementation of Confidence Building Measures "
              f"(CBMs) for {plan_year} (document {symbol}).")
        ru = (f"имеет честь препроводить решения заседания Комитета старших должностных лиц (КСДЛ) от {_d_ru(meeting)} года, "
              f"включая решение КСДЛ о внесении изменений в План реализации мер доверия СВМДА на {plan_year} год "
              f"(документ {symbol}).")
        text = self.cover(f"DOC/{number}", issued, 2 + len(rows) // 8, en, ru, None, place) + body
        return Circular(number, issued, "plan_amendment", text, f"Amendments to the plan for {plan_year}")

    def budget_revision(self, issued: date, budget_year: int) -> Circular:
        r, year = self.rng, issued.year
        state, budget = self.years[year], self.years[budget_year]
        state.session += 1
        place = r.choice(PLACES)
        meeting = issued - timedelta(days=r.randint(1, 3))
        symbol = self.session_symbol(year, "DEC", 3)
        old = budget.budget_symbol
        budget.budget_revisions += 1
        sections = list(budget.budget_sections)
        if r.random() < 0.3 and len(sections) < 6:
            sections.append(r.choice([s for s in BUDGET_SECTIONS if s not in sections]))
        table = self.budget_table(sections, f"REVISED BUDGET OF THE CICA SECRETARIAT FOR {budget_year}", "Revised budget")
        items = [
            f"The SOC adopted the decision on the revised {budget_year} Budget of the CICA Secretariat (document {symbol}).",
        ] + [self.fill(t, year, place[0]) for t in r.sample(LIST_ITEMS, r.randint(1, 4))]
        body = (
            self.decision_list(meeting, place[0], items)
            + self.document_head(symbol, meeting, "SOC", place[0])
            + f"**DECISION OF THE SENIOR OFFICIALS COMMITTEE**\n\n**on the revised Budget of the CICA Secretariat for "
            f"{budget_year}**\n\nThe Senior Officials Committee,\n\nRecalling its decision {old} on the Budget of the CICA "
            f"Secretariat for {budget_year},\n\nApproves the revised budget of the CICA Secretariat for {budget_year} as "
            f"contained in the Annex, which supersedes the budget approved by decision {old}.\n\n" + table
        )
        budget.budget_symbol, budget.budget_sections = symbol, sections
        number = self.next_number()
        en = (f"has the honour to forward the decisions of the Senior Officials Committee (SOC) meeting of {_d(meeting)}, "
              f"including the SOC decision on the revised budget of the CICA Secretariat for {budget_year} "
              f"(document {symbol}), which supersedes the budget approved by decision {old}.")
        ru = (f"имеет честь препроводить решения заседания КСДЛ от {_d_ru(meeting)} года, включая решение КСДЛ об "
              f"уточненном бюджете Секретариата СВМДА на {budget_year} год (документ {symbol}).")
        text = self.cover(f"DOC/{number}", issued, 3, en, ru, None, place) + body
        return Circular(number, issued, "budget_revision", text, f"Revised budget for {budget_year}")

    def decisions_only(self, issued: date) -> Circular:
        r, year = self.rng, issued.year
        self.years[year].session += 1
        place = r.choice(PLACES)
        meeting = issued - timedelta(days=r.randint(1, 3))
        items = [self.fill(t, year, place[0]) for t in r.sample(LIST_ITEMS, r.randint(3, 9))]
        number = self.next_number()
        en = f"has the honour to forward the decisions of the Senior Officials Committee (SOC) meeting of {_d(meeting)}."
        ru = f"имеет честь препроводить решения заседания Комитета старших должностных лиц (КСДЛ) от {_d_ru(meeting)} года."
        kk = f"{_d_kk(meeting)}дағы Аға лауазымды тұлғалар комитеті (АЛТК) отырысының шешімдерін жолдауды өзіне мәртебе санайды."
        text = self.cover(f"DOC/{number}", issued, 1, en, ru, kk, place) + self.decision_list(meeting, place[0], items)
        return Circular(number, issued, "decisions", text, f"Decisions of the SOC meeting of {_d(meeting)}")


def _roman(value: int) -> str:
    out = []
    for number, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def circulars(n: int, seed: int = 7, first_number: int = 1000) -> Iterator[Circular]:
    """N circulars in date order across 2000–2030 (fewer years when N is small), each kind in proportion."""
    rng = random.Random(seed)
    writer = _Writer(rng, first_number)
    years = max(2, min(LAST_YEAR - FIRST_YEAR + 1, -(-n // 10)))
    per_year = [n // years + (1 if i < n % years else 0) for i in range(years)]
    for offset, count in enumerate(per_year):
        year = FIRST_YEAR + offset
        writer.years.setdefault(year, _Year())
        days = sorted(rng.sample(range(8, 350), min(count, 342)) + [rng.randrange(8, 350) for _ in range(count - 342)])
        for index, day_of_year in enumerate(days):
            issued = date(year, 1, 1) + timedelta(days=day_of_year)
            state = writer.years[year]
            if offset == 0 and index == 0:
                yield writer.annual(issued, year)
            elif index == count - 1 and count > 1:
                yield writer.annual(issued, year + 1)
            else:
                choice = rng.random()
                due = [d for d in state.drafts if d[3] < issued]
                if due and choice < 0.35:
                    draft = due[0]
                    state.drafts.remove(draft)
                    yield writer.silence_outcome(issued, draft, broken=rng.random() < 0.25)
                elif choice < 0.55:
                    yield writer.silence_opened(issued)
                elif choice < 0.75 and state.plan_items:
                    yield writer.plan_amendment(issued, year)
                elif choice < 0.85 and state.budget_symbol:
                    yield writer.budget_revision(issued, year)
                else:
                    yield writer.decisions_only(issued)


# --- files ----------------------------------------------------------------------------------------

BAD_KINDS = ("empty", "html", "truncated")


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    kind: str  # circular kind, or bad:<what>
    media: str  # pdf | text | bad


def generate(out_dir: str | Path, n: int = 1000, seed: int = 7, pdf_share: float = 0.5, bad_share: float = 0.02) -> list[CorpusFile]:
    """Write n files into out_dir: circulars as text or PDF (two layouts), and a share of bad files."""
    from tests.fixtures.render import LAYOUTS, register_fonts, render

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    register_fonts()
    rng = random.Random(seed * 7919 + 1)
    bad = round(n * bad_share)
    good = n - bad
    files: list[CorpusFile] = []
    layouts = sorted(LAYOUTS)
    last_pdf: bytes | None = None  # the bytes a truncated bad file is cut from
    for index, circular in enumerate(circulars(good, seed)):
        stem = f"{index:05d}_{circular.kind}_DOC-{circular.number}"
        if rng.random() < pdf_share:
            layout = layouts[index % len(layouts)]
            target = out / f"{stem}.{layout}.pdf"
            render(circular.text, LAYOUTS[layout], target, title=circular.title)
            files.append(CorpusFile(target, circular.kind, "pdf"))
            last_pdf = target.read_bytes()
        else:
            target = out / f"{stem}.txt"
            target.write_text(circular.text, encoding="utf-8")
            files.append(CorpusFile(target, circular.kind, "text"))
    for index in range(bad):
        what = BAD_KINDS[index % len(BAD_KINDS)]
        target = out / f"{good + index:05d}_bad_{what}.pdf"
        if what == "empty":
            target.write_bytes(b"")
        elif what == "html":
            target.write_bytes(
                b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
                + f"<p>The requested document DOC/{9000 + index} was not found on this server.</p>".encode()
                + b"</body></html>\n"
            )
        else:
            if last_pdf is None:  # a corpus of texts only: render one circular to cut
                source = io.BytesIO()
                render(next(circulars(1, seed)).text, LAYOUTS[layouts[0]], source, title="source")
                last_pdf = source.getvalue()
            target.write_bytes(last_pdf[: len(last_pdf) // 2 - index])
        files.append(CorpusFile(target, f"bad:{what}", "bad"))
    return files


# --- a synthetic event log -------------------------------------------------------------------------


def synthetic_events(n: int, seed: int = 7) -> Iterator["PendingEvent"]:  # noqa: F821
    """N valid domain events, as a log of many circulars would hold them: receipts, readings, documents,
    decisions, silence procedures, plans with their items and amendments, budgets with their lines."""
    from circulars.eventlog import PendingEvent
    from circulars.ingest import stream_for
    from models import events as ev

    rng = random.Random(seed)
    writer = _Writer(rng, 100_000)
    produced = 0
    circular_no = 0
    while produced < n:
        circular_no += 1
        year = FIRST_YEAR + (circular_no * 7) % (LAST_YEAR - FIRST_YEAR + 1)
        issued = date(year, 1, 1) + timedelta(days=rng.randrange(0, 360))
        valid = datetime(issued.year, issued.month, issued.day, 6, tzinfo=UTC)
        sha = hashlib.sha256(f"synthetic:{seed}:{circular_no}".encode()).hexdigest()
        reading = f"{sha[:16]}.r1"
        common = {"circular_sha256": sha, "valid_at": valid}
        batch: list = [
            ev.CircularReceived(**common, file_name=f"DOC-{circular_no}.pdf", size=rng.randint(20_000, 400_000),
                                media_type="application/pdf", page_count=rng.randint(2, 12)),
            ev.CircularIdentified(**common, page=1, reading_id=reading, reader_version="1", symbol=f"DOC/{circular_no}",
                                  issued_on=issued, place="Astana", languages=["en", "ru", "kk"], page_count=6),
            ev.DocumentIdentified(**common, page=1, reading_id=reading, symbol=f"DOC/{circular_no}", kind="cover_note",
                                  body=None, title=None, issued_on=issued, place="Astana"),
        ]
        session = f"SOC/{year}-{_roman(circular_no % 300 + 1)}"
        for item in range(1, rng.randint(3, 9)):
            action = rng.choice(["took_note", "adopted", "approved", "supported", "welcomed", "requested", "agreed"])
            batch.append(ev.DecisionRecorded(
                **common, page=3, reading_id=reading, decision_id=f"SOC/{issued.isoformat()}/item-{item}/{circular_no}",
                symbol=None, body="SOC", meeting_on=issued, item_no=item, action=action,
                subject=writer.fill(rng.choice(LIST_ITEMS), year)[8:]))
        kind = rng.random()
        if kind < 0.35:
            plan_symbol = f"{session}/DEC/2"
            batch.append(ev.PlanAdopted(**common, page=4, reading_id=reading, plan_symbol=plan_symbol, plan_year=year,
                                        title=f"CICA Plan of Implementation of CBMs for {year}"))
            for no in range(1, rng.randint(10, 60) + 1):
                start = date(year, rng.randint(1, 12), rng.randint(1, 20))
                batch.append(ev.PlanItemScheduled(
                    **common, page=4 + no // 10, reading_id=reading, plan_symbol=plan_symbol, plan_year=year, item_no=no,
                    title=writer.event_title(), organizers=[writer.organisers()], lead_organizer=rng.choice(COUNTRIES)[0],
                    timing_text=f"{start.day} – {start.day + 4} {EN_MONTHS[start.month - 1]}", starts_on=start,
                    ends_on=start + timedelta(days=4), timing_precision="day"))
        elif kind < 0.55:
            budget_symbol = f"{session}/DEC/3"
            batch.append(ev.BudgetApproved(**common, page=8, reading_id=reading, budget_symbol=budget_symbol,
                                           budget_year=year, title=f"Budget of the CICA Secretariat for {year}"))
            total = 0
            for position, section in enumerate(rng.sample(BUDGET_SECTIONS, 5)):
                amount = rng.randint(20_000, 1_800_000)
                total += amount
                batch.append(ev.BudgetLineSet(**common, page=8, reading_id=reading, budget_symbol=budget_symbol,
                                              budget_year=year, line_no=position + 1, position=position,
                                              section=ROMAN[position], title=section, amount_usd=amount,
                                              line_kind="expenditure"))
            batch.append(ev.BudgetLineSet(**common, page=8, reading_id=reading, budget_symbol=budget_symbol,
                                          budget_year=year, line_no=None, position=5, section=None, title="Grand total",
                                          amount_usd=total, line_kind="grand_total"))
        elif kind < 0.8:
            draft = f"{session}/DRAFT/1"
            deadline = datetime(issued.year, issued.month, issued.day, 12, tzinfo=UTC) + timedelta(days=14)
            batch.append(ev.SilenceProcedureOpened(**common, page=2, reading_id=reading, decision_id=draft, symbol=draft,
                                                   body="SOC", subject=writer.fill("cooperation on {t}", year),
                                                   deadline_local=deadline, deadline_utc=deadline))
            if rng.random() < 0.75:
                batch.append(ev.SilenceProcedureConcluded(**common, page=1, reading_id=reading, draft_symbol=draft,
                                                          adopted_symbol=draft.replace("DRAFT", "DEC"),
                                                          adopted_on=deadline.date()))
            else:
                batch.append(ev.SilenceBroken(**common, page=1, reading_id=reading, draft_symbol=draft,
                                              broken_by=rng.choice(COUNTRIES)[0], broken_on=deadline.date()))
        for index, event in enumerate(batch):
            if produced >= n:
                return
            identity = f"{reading}|{index}" if index else sha
            yield PendingEvent(stream_for(sha), identity, event)
            produced += 1


def write_event_log(database: str | Path, n: int, seed: int = 7, *, batch: int = 100_000,
                    recorded_at: datetime | None = None) -> int:
    """Append n synthetic events to the DuckDB file's log; returns the last seq.

    The rows are exactly those `circulars.eventlog.append` writes (same event ids,
    canonical payloads, stream versions and hash chain — a test checks it), but they
    are inserted through a DataFrame: `append` inserts with `executemany`, ~600 rows/s,
    which would take most of an hour for a million events.
    """
    import duckdb
    import pandas as pd

    from circulars import eventlog

    # In the past, as every recorded_at is: the as-of macros only see what had been recorded by now().
    recorded_at = recorded_at or datetime(2025, 6, 1, tzinfo=UTC)
    con = duckdb.connect(str(database))
    try:
        con.execute("SET TimeZone = 'UTC'")
        eventlog.ensure_schema(con)
        last = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev_hash = (last[0], last[1]) if last else (0, eventlog.GENESIS_HASH)
        versions: dict[str, int] = {}
        rows: list[tuple] = []

        def flush() -> None:
            if rows:
                frame = pd.DataFrame(rows, columns=list(eventlog.COLUMNS))  # noqa: F841 - read by DuckDB
                con.execute(f"INSERT INTO events SELECT {', '.join(eventlog.COLUMNS)} FROM frame")
                rows.clear()

        for item in synthetic_events(n, seed):
            seq += 1
            versions[item.stream_id] = versions.get(item.stream_id, 0) + 1
            event = item.event
            row = {
                "seq": seq, "event_id": item.event_id, "event_type": event.event_type, "stream_id": item.stream_id,
                "stream_version": versions[item.stream_id], "circular_sha256": event.circular_sha256,
                "valid_at": event.valid_at, "recorded_at": recorded_at, "payload": eventlog.canonical_payload(event),
                "prev_hash": prev_hash,
            }
            row["hash"] = prev_hash = eventlog.compute_hash(row)
            rows.append(tuple(row[c] for c in eventlog.COLUMNS))
            if len(rows) >= batch:
                flush()
        flush()
        return seq
    finally:
        con.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the synthetic corpus")
    parser.add_argument("out_dir")
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pdf-share", type=float, default=0.5)
    parser.add_argument("--bad-share", type=float, default=0.02)
    arguments = parser.parse_args()
    written = generate(arguments.out_dir, arguments.n, arguments.seed, arguments.pdf_share, arguments.bad_share)
    print(f"{len(written)} files in {arguments.out_dir}")
