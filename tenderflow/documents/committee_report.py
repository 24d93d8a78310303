"""Reports to the commissioning body, in the council shape (Kent's committee papers).

By / To / Subject / Classification, a summary, the recommendations ("The Commissioning Body is
asked to ..."), numbered sections of numbered paragraphs, a conclusion, the recommendations
again, background documents and the contact officer. Sections hold any prose, tables and
charts, so the same builder serves award reports and capital-bid priority lists.
"""

from __future__ import annotations

from functools import partial

from tenderflow.documents.content import (
    Block,
    Bullets,
    Document,
    Heading,
    KeyValue,
    NumberedSection,
    Paragraph,
)
from tenderflow.documents.formatting import format_date
from tenderflow.documents.inputs import CommitteeReportInput, Person, ReportSection
from tenderflow.documents.prose import number_sections, prose_blocks

KIND = "committee-report"


def build_committee_report(data: CommitteeReportInput) -> Document:
    """Build a committee report from any numbered sections, in the council shape."""
    if not data.recommendations:
        raise ValueError("a committee report needs at least one recommendation")
    asked = _recommendations(data)
    makers = [partial(_section, section) for section in data.sections]
    if data.conclusion:
        makers.append(partial(_section, ReportSection("Conclusion", data.conclusion)))
    makers.append(lambda number: NumberedSection(number, "Recommendations", asked))
    blocks: list[Block] = [
        KeyValue(
            (
                ("By", data.by),
                ("To", f"{data.to} – {format_date(data.meeting_date)}"),
                ("Subject", data.subject),
                ("Classification", data.classification),
            )
        ),
        Heading("Summary", 1),
        *(Paragraph.of(text) for text in data.summary),
        Heading("Recommendations", 1),
        *asked,
        *number_sections(makers),
        Heading("Background documents", 1),
        Bullets.of(*data.background_documents)
        if data.background_documents
        else Paragraph.of("None"),
        *_people(data),
    ]
    return Document(kind=KIND, title=data.subject, blocks=tuple(blocks), dated=data.meeting_date)


def _recommendations(data: CommitteeReportInput) -> tuple[Block, ...]:
    return (
        Paragraph.of(f"The {data.body} is asked to {data.asked_to}:"),
        Bullets.of(*data.recommendations, numbered=True),
    )


def _section(section: ReportSection, number: str) -> NumberedSection:
    return NumberedSection(number, section.title, prose_blocks(section.content, numbered=True))


def _people(data: CommitteeReportInput) -> list[Block]:
    blocks: list[Block] = []
    if data.author and data.author != data.contact:
        blocks += [Heading("Report author", 1), _person(data.author)]
    return blocks + [Heading("Contact officer", 1), _person(data.contact)]


def _person(person: Person) -> KeyValue:
    pairs = [("Name", person.name), ("Job title", person.role)]
    pairs += [("Address", person.address)] if person.address else []
    pairs += [("Telephone", person.phone)] if person.phone else []
    pairs += [("Email", person.email)] if person.email else []
    return KeyValue(tuple(pairs))
