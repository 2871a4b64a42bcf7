"""The document engine: build a document's content from the record, render it as HTML, PDF
(WeasyPrint, tagged PDF/UA-1) and Word (python-docx), and count its pages against its limit.

`build()` returns plain JSON-safe content: for each section of the document type either the
facts and tables its filler returned (every fact with its source, basis and a link to the
record) or the professional's written text, or a required gap ("To be written by ...").
The engine never writes prose. The same content renders every output, so a frozen version
(content + HTML) reproduces its PDF and Word files exactly as they were.

Protected fields. Fillers read through the generating user's access, so they leave out what
that user may not see. The engine checks again, for the *reader*: every protected address of
the family's members (the access policy's ProtectionRule fields) that the reader may not see
is searched for in every fact, cell, note and written text; a fact or row that holds one is
left out, and written text has the value replaced. A document rendered for a family member
keeps only that person's own protected address; one for a professional outside the service
keeps none.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from familyworkbook.core import clock
from familyworkbook.documents import schemas
from familyworkbook.documents.facts import FILLERS, Basis, Fact, FillContext, Filled, Source, Table

logger = logging.getLogger(__name__)

WITHHELD = "[withheld]"
WARN_AT = 0.8  # warn when a document reaches 80% of its page limit
DEFAULT_WINDOW_MONTHS = 24

BASIS_LABELS = dict(Basis.choices)
# How a fact's text is introduced, so an allegation is never read as a fact.
BASIS_PREFIX = {
    Basis.REPORTED: "Reported",
    Basis.DISPUTED: "Disputed",
    Basis.FINDING: "Court finding",
}


@dataclass(frozen=True)
class Reader:
    """Who the rendered document is for: the generating user, a family member or a
    professional outside the service. Decides which protected fields may appear."""

    user: Any = None  # a User reading on screen or downloading
    person: Any = None  # a family member it is shared with
    label: str = ""  # a professional or organisation it is shared with
    # People whose protected details this share may include: each has an approved request
    # (access.ProtectedAccessRequest, R7: a second approver) for this document and reader.
    approved_for: frozenset = frozenset()

    @property
    def description(self) -> str:
        if self.person is not None:
            return self.person.full_name
        if self.label:
            return self.label
        return ""


def source_ref(source: Source | dict) -> str:
    if isinstance(source, dict):
        return f"{source['model']}:{source['pk']}"
    return f"{source.model}:{source.pk}"


def default_window(doc_type: schemas.DocumentType, today: dt.date | None = None) -> tuple:
    today = today or clock.today()
    months = doc_type.window_months or DEFAULT_WINDOW_MONTHS
    year, month = today.year, today.month - months
    while month <= 0:
        month += 12
        year -= 1
    day = min(today.day, 28)
    return dt.date(year, month, day), today


# --- Protected values --------------------------------------------------------------------


def _protected_models() -> list[Any]:
    """Models with field-level protection rules (the policy's baseline and its rules table)
    whose rows belong to a person."""
    from django.apps import apps

    from familyworkbook.access import policy
    from familyworkbook.access.models import ProtectionRule

    labels = {r.model_label for r in policy.BASELINE_RULES}
    labels |= set(
        ProtectionRule.objects.filter(archived_at__isnull=True).values_list(
            "model_label", flat=True
        )
    )
    found = []
    for label in sorted(labels):
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if any(f.name == "person" for f in model._meta.get_fields()):
            found.append(model)
    return found


@dataclass
class Protected:
    """The protected values (a safe address, a hidden child's school or GP) of the family's
    members that one reader may not see, and what the engine left out because of them.

    `withheld` collects the people whose protected rows were left out of the content for
    this reader, matched by a fact's source (the row itself) or by a value found in text.
    """

    # Each value's pattern, with every (person id, row ref) that holds that value: a mother
    # and child at one safe address share it.
    patterns: list[tuple[re.Pattern, list[tuple[int, str]]]] = field(default_factory=list)
    refs: dict[str, int] = field(default_factory=dict)  # "people.address:12" -> person id
    withheld: dict[int, set[str]] = field(default_factory=dict)  # person id -> row refs

    def _hit(self, owners: list[tuple[int, str]]) -> None:
        for person_id, ref in owners:
            self.withheld.setdefault(person_id, set()).add(ref)

    def holds(self, text: str) -> bool:
        found = False
        for pattern, owners in self.patterns:
            if pattern.search(text or ""):
                self._hit(owners)
                found = True
        return found

    def scrub(self, text: str) -> str:
        for pattern, owners in self.patterns:
            text, n = pattern.subn(WITHHELD, text)
            if n:
                self._hit(owners)
        return text

    def from_protected_row(self, source: dict) -> bool:
        ref = f"{str(source['model']).lower()}:{source['pk']}"
        if ref in self.refs:
            self._hit([(self.refs[ref], ref)])
            return True
        return False


def _protected_rows(family: Any) -> list[tuple[Any, list[str]]]:
    """Every row of the family's members whose protection flag is set, with its fields."""
    from familyworkbook.access import policy

    members = family.memberships.filter(archived_at__isnull=True).values("person_id")
    found = []
    for model in _protected_models():
        rows = model._default_manager.filter(person__in=members)
        if any(f.name == "archived_at" for f in model._meta.get_fields()):
            rows = rows.filter(archived_at__isnull=True)
        for row in rows.select_related("person"):
            fields = policy.redacted_fields(row)
            if fields:
                found.append((row, fields))
    return found


def _hidden_from(reader: Reader, rows: list[tuple[Any, list[str]]]) -> list[tuple[Any, list]]:
    """The rows among `rows` that this reader may not see."""
    from familyworkbook.access import policy

    allowed: dict[int, bool] = {}
    hidden = []
    for row, fields in rows:
        if row.person_id in reader.approved_for:
            continue
        if reader.person is not None:
            if row.person_id == reader.person.pk:
                continue
        elif reader.user is not None and not reader.label:
            if row.person_id not in allowed:
                allowed[row.person_id] = policy.may_see_protected_of(reader.user, row.person)
            if allowed[row.person_id]:
                continue
        hidden.append((row, fields))
    return hidden


def _protected_values(family: Any, reader: Reader, rows: list | None = None) -> Protected:
    """Patterns for each protected field value (a safe address, a hidden child's school or
    GP) of the family's members that the reader may not see."""
    protected = Protected()
    values: dict[str, list[tuple[int, str]]] = {}
    if rows is None:
        rows = _protected_rows(family)
    for row, fields in _hidden_from(reader, rows):
        ref = f"{row._meta.label_lower}:{row.pk}"
        protected.refs[ref] = row.person_id
        for name in fields:
            value = str(getattr(row, name, "") or "").strip()
            if len(value) >= 3:
                values.setdefault(value, []).append((row.person_id, ref))
                if name == "postcode":
                    values.setdefault(value.replace(" ", ""), []).append((row.person_id, ref))
    protected.patterns = [
        (
            re.compile(r"(?<!\w)" + re.escape(v).replace(r"\ ", r"\s*") + r"(?!\w)", re.IGNORECASE),
            values[v],
        )
        for v in sorted(values, key=len, reverse=True)
    ]
    return protected


def _holds(text: str, protected: Protected) -> bool:
    return protected.holds(text)


def _scrub(text: str, protected: Protected) -> str:
    return protected.scrub(text)


# --- Building ----------------------------------------------------------------------------


def _source_json(source: Source) -> dict:
    return {
        "model": source.model,
        "pk": source.pk,
        "date": source.date.isoformat() if source.date else None,
        "author": source.author,
        "basis": str(source.basis),
        "label": source.label,
        "url": source.url,
        "reference": source.reference(),
    }


def _fact_json(fact: Fact, statuses: dict[str, str]) -> dict:
    src = _source_json(fact.source)
    basis = statuses.get(source_ref(fact.source), src["basis"])
    src["basis"] = basis
    return {
        "text": fact.text,
        "about": fact.about,
        "basis": basis,
        "basis_label": str(BASIS_LABELS.get(basis, basis)),
        "prefix": BASIS_PREFIX.get(basis, ""),
        "ref": source_ref(fact.source),
        "source": src,
    }


def _cell_json(cell: str | Fact, statuses: dict[str, str]) -> dict:
    if isinstance(cell, Fact):
        return {"fact": _fact_json(cell, statuses)}
    return {"text": str(cell)}


def _table_json(table: Table, statuses: dict[str, str]) -> dict:
    return {
        "caption": table.caption,
        "columns": list(table.columns),
        "rows": [[_cell_json(c, statuses) for c in row] for row in table.rows],
    }


def _cell_text(cell: dict) -> str:
    return cell["fact"]["text"] if "fact" in cell else cell["text"]


def _run_filler(name: str, ctx: FillContext) -> tuple[Filled, str]:
    try:
        result = FILLERS[name](ctx)
    except Exception as exc:  # a broken filler must not take the document down with it
        logger.exception("Document filler %s failed", name)
        return Filled(), f"This section could not be filled from the record ({type(exc).__name__})."
    return result, ""


@dataclass
class Built:
    content: dict
    doc_type: schemas.DocumentType
    warnings: list[str] = field(default_factory=list)
    # For a shared rendering: the people whose protected details the generating user could
    # see, and the content held, but which were left out for the reader (person id -> rows).
    # Non-empty means including them would be a new disclosure of protected details (R7).
    withheld: dict[int, set[str]] = field(default_factory=dict)


def context_for(document: Any, user: Any, *, options: dict | None = None) -> FillContext:
    subject = None
    if document.subject_type and document.subject_id:
        from django.apps import apps

        try:
            model = apps.get_model(document.subject_type)
            subject = model._default_manager.filter(pk=document.subject_id).first()
        except (LookupError, ValueError):
            subject = None
    return FillContext(
        user=user,
        family=document.family,
        case=document.case,
        child=document.child,
        subject=subject,
        start=document.window_start,
        end=document.window_end,
        options=options or {},
    )


def build(document: Any, user: Any, *, reader: Reader | None = None) -> Built:
    """The document's content now, generated by `user`, rendered for `reader` (default: user)."""
    reader = reader or Reader(user=user)
    doc_type = schemas.get(document.type_key, document.schema_version)
    protected_rows = _protected_rows(document.family)
    patterns = _protected_values(document.family, reader, protected_rows)
    written = {w.key: w for w in document.written.select_related("written_by")}
    statuses = dict(
        document.fact_statuses.filter(archived_at__isnull=True).values_list("source_ref", "basis")
    )
    redactions = list(document.redactions.filter(archived_at__isnull=True))
    shared = reader.person is not None or bool(reader.label)
    comments = [
        {
            "by": c.person.full_name,
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "section": c.section_key,
            "text": _scrub(c.text, patterns),
            "on": c.received_on.isoformat(),
        }
        for c in document.comments.filter(archived_at__isnull=True).select_related("person")
    ]
    sections = []
    for section in doc_type.sections:
        item: dict[str, Any] = {
            "key": section.key,
            "heading": section.heading,
            "kind": section.kind,
            "hint": section.hint,
            "guidance": section.guidance,
            "written_by": section.written_by,
            "summary": section.summary,
            "facts": [],
            "tables": [],
            "svgs": [],
            "notes": [],
            "text": "",
            "author": "",
            "gap": False,
            "redacted": [],
            "comments": [c for c in comments if c["section"] == section.key],
        }
        whole = [r for r in redactions if r.section_key == section.key and not r.source_ref]
        if whole and shared:
            item["redacted"] = [{"what": "section", "reason": r.reason} for r in whole]
            item["withheld"] = True
            sections.append(item)
            continue
        item["redactions_recorded"] = [
            {"what": r.source_ref or "section", "reason": r.reason, "agreed_by": r.agreed_by}
            for r in redactions
            if r.section_key == section.key
        ]
        if section.is_written:
            ws = written.get(section.key)
            text = (ws.text if ws else "").strip()
            if text:
                item["text"] = _scrub(text, patterns)
                item["author"] = ws.written_by.get_full_name() if ws and ws.written_by else ""
                item["written_on"] = timezone.localtime(ws.modified_at).date().isoformat()
                item["written_version"] = ws.version
            else:
                item["gap"] = True
        else:
            ctx = context_for(document, user, options=dict(section.options))
            filled, failure = _run_filler(section.filler, ctx)
            dropped = {
                r.source_ref for r in redactions if r.section_key == section.key and r.source_ref
            }
            for fact in filled.facts:
                ref = source_ref(fact.source)
                if shared and ref in dropped:
                    continue
                data = _fact_json(fact, statuses)
                if patterns.from_protected_row(data["source"]):
                    continue
                if _holds(data["text"], patterns) or _holds(data["about"], patterns):
                    continue
                item["facts"].append(data)
            for table in filled.tables:
                data = _table_json(table, statuses)
                rows = []
                for row in data["rows"]:
                    if any(
                        "fact" in c and patterns.from_protected_row(c["fact"]["source"])
                        for c in row
                    ):
                        continue
                    if any(_holds(_cell_text(c), patterns) for c in row):
                        continue
                    if shared and any("fact" in c and c["fact"]["ref"] in dropped for c in row):
                        continue
                    rows.append(row)
                if (
                    data["columns"]
                    and data["columns"][0] == "No."
                    and len(rows) != len(data["rows"])
                ):
                    # Serial numbers stay unbroken, so a left-out row leaves no trace.
                    for n, row in enumerate(rows, start=1):
                        row[0] = {"text": str(n)}
                data["rows"] = rows
                item["tables"].append(data)
            item["svgs"] = [s for s in filled.svgs if not _holds(s, patterns)]
            item["notes"] = [_scrub(n, patterns) for n in filled.notes]
            if failure:
                item["notes"].append(failure)
            if shared and any(r.source_ref for r in redactions if r.section_key == section.key):
                item["redacted"] = [
                    {"what": "fact", "reason": r.reason}
                    for r in redactions
                    if r.section_key == section.key and r.source_ref
                ]
        sections.append(item)
    family = document.family
    content = {
        "document_id": document.pk,
        "type": doc_type.key,
        "schema_version": doc_type.version,
        "title": document.title,
        "type_title": doc_type.title,
        "audience": doc_type.audience,
        "language": doc_type.language,
        "family": family.name,
        "family_reference": family.reference,
        "child": document.child.full_name if document.child_id else "",
        "window": [
            document.window_start.isoformat() if document.window_start else None,
            document.window_end.isoformat() if document.window_end else None,
        ],
        "event_on": document.event_on.isoformat() if document.event_on else None,
        "generated_by": user.get_full_name() if user is not None else "",
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "recipient": reader.description,
        "page_limit": doc_type.page_limit,
        "summary_limit": doc_type.summary_limit,
        "sections": sections,
        "comments": comments,
    }
    withheld: dict[int, set[str]] = {}
    if shared and patterns.withheld and user is not None:
        # Only what the generating user could see is a new disclosure: a value hidden from
        # them as well was never theirs to give.
        hidden_from_user = {
            f"{row._meta.label_lower}:{row.pk}"
            for row, _fields in _hidden_from(Reader(user=user), protected_rows)
        }
        for person_id, refs in patterns.withheld.items():
            if refs - hidden_from_user:
                withheld[person_id] = refs - hidden_from_user
    return Built(content=content, doc_type=doc_type, withheld=withheld)


def gaps(content: dict) -> list[dict]:
    return [s for s in content["sections"] if s.get("gap")]


def sources(content: dict) -> list[dict]:
    """Every fact's source in the content (facts and table cells)."""
    found = []
    for s in content["sections"]:
        found += [f["source"] for f in s["facts"]]
        for t in s["tables"]:
            found += [c["fact"]["source"] for row in t["rows"] for c in row if "fact" in c]
    return found


def fact_texts(content: dict) -> list[tuple[dict, str]]:
    """(source, text) for every fact in the content, in order."""
    found = []
    for s in content["sections"]:
        found += [(f["source"], f["text"]) for f in s["facts"]]
        for t in s["tables"]:
            found += [
                (c["fact"]["source"], c["fact"]["text"])
                for row in t["rows"]
                for c in row
                if "fact" in c
            ]
    return found


# --- Rendering ---------------------------------------------------------------------------


def _dates(content: dict) -> dict:
    def parse(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    start, end = content["window"]
    return {
        "window_start": parse(start),
        "window_end": parse(end),
        "event_on": parse(content.get("event_on")),
        "generated_at": dt.datetime.fromisoformat(content["generated_at"]),
    }


def render_body(content: dict, *, links: bool = True) -> str:
    """The document itself (no page chrome): for the screen page and inside the print page."""
    return render_to_string(
        "documents/includes/body.html", {"doc": content, "links": links, **_dates(content)}
    )


def render_html(content: dict, *, sections: list[str] | None = None) -> str:
    """A whole HTML page with print CSS: what PDF is made from and what a version freezes."""
    if sections is not None:
        content = {**content, "sections": [s for s in content["sections"] if s["key"] in sections]}
    return render_to_string(
        "documents/print.html",
        {"doc": content, "body": render_body(content), **_dates(content)},
    )


@dataclass
class Pdf:
    data: bytes
    pages: int


def render_pdf(html: str) -> Pdf:
    from weasyprint import HTML

    rendered = HTML(string=html).render()
    return Pdf(data=rendered.write_pdf(pdf_variant="pdf/ua-1"), pages=len(rendered.pages))


def count_pages(html: str) -> int:
    from weasyprint import HTML

    return len(HTML(string=html).render().pages)


def page_warnings(content: dict, pages: int, summary_pages: int | None = None) -> list[str]:
    """Warnings to show before the document is filed or shared (PD27A limits)."""
    out = []
    limit = content.get("page_limit")
    if limit:
        if pages > limit:
            out.append(
                f"This document is {pages} pages long: over its limit of {limit} pages. "
                "Shorten it before filing, or the court must agree a longer document."
            )
        elif pages >= WARN_AT * limit:
            out.append(f"This document is {pages} pages long: close to its limit of {limit} pages.")
    slimit = content.get("summary_limit")
    if slimit and summary_pages is not None:
        if summary_pages > slimit:
            out.append(
                f"The summary is {summary_pages} pages long: over its limit of {slimit} pages."
            )
        elif summary_pages >= WARN_AT * slimit:
            out.append(
                f"The summary is {summary_pages} pages long: close to its limit of {slimit} pages."
            )
    return out


def measure(content: dict) -> tuple[int, int | None, list[str]]:
    """(pages, summary pages, warnings) for the content as it would print."""
    pages = count_pages(render_html(content))
    summary_keys = [s["key"] for s in content["sections"] if s.get("summary")]
    summary_pages = (
        count_pages(render_html(content, sections=summary_keys)) if summary_keys else None
    )
    return pages, summary_pages, page_warnings(content, pages, summary_pages)


def fact_line(fact: dict) -> str:
    prefix = f"{fact['prefix']}: " if fact.get("prefix") else ""
    about = f"{fact['about']}: " if fact.get("about") else ""
    return f"{prefix}{about}{fact['text']}"


def render_docx(content: dict) -> bytes:
    """Editable Word: the title, each section as a heading, facts with their references,
    tables, written text, and gaps marked so nobody files them unfilled."""
    import docx
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    d = docx.Document()
    props = d.core_properties
    props.title = content["title"]
    props.language = content.get("language", "en-GB")
    props.author = content.get("generated_by", "")
    d.add_heading(content["title"], level=0)
    meta = d.add_paragraph()
    meta.add_run("OFFICIAL-SENSITIVE. ").bold = True
    meta.add_run(f"{content['family']} ({content['family_reference']})")
    if content.get("child"):
        meta.add_run(f". About {content['child']}")
    start, end = content["window"]
    if start and end:
        meta.add_run(f". Covering {start} to {end}")
    if content.get("recipient"):
        meta.add_run(f". Prepared for {content['recipient']}")
    for section in content["sections"]:
        d.add_heading(section["heading"], level=1)
        if section.get("withheld"):
            reasons = "; ".join(r["reason"] for r in section["redacted"])
            d.add_paragraph(f"This section is withheld. Reason recorded: {reasons}")
            continue
        if section["kind"] == "written":
            if section["gap"]:
                p = d.add_paragraph()
                run = p.add_run(f"[Gap: to be written by {section['written_by']}]")
                run.bold = True
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
                if section.get("guidance"):
                    d.add_paragraph(section["guidance"]).runs[0].italic = True
            else:
                for para in section["text"].split("\n\n"):
                    d.add_paragraph(para.strip())
                if section.get("author"):
                    d.add_paragraph(f"Written by {section['author']}").runs[0].italic = True
        for fact in section["facts"]:
            p = d.add_paragraph(style="List Bullet")
            p.add_run(fact_line(fact))
            ref = p.add_run(f" [{fact['source']['reference']}; {fact['basis_label']}]")
            ref.font.size = Pt(8)
        for table in section["tables"]:
            if table["caption"]:
                d.add_paragraph(table["caption"]).runs[0].bold = True
            t = d.add_table(rows=1, cols=len(table["columns"]))
            t.style = "Table Grid"
            for cell, name in zip(t.rows[0].cells, table["columns"], strict=False):
                cell.text = name
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in table["rows"]:
                cells = t.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    if "fact" in value:
                        cell.text = fact_line(value["fact"])
                        small = cell.paragraphs[0].add_run(
                            f" [{value['fact']['source']['reference']}]"
                        )
                        small.font.size = Pt(8)
                    else:
                        cell.text = value["text"]
        for note in section["notes"]:
            d.add_paragraph(note).runs[0].italic = True
        if section.get("svgs"):
            d.add_paragraph("(Diagram: see the PDF version; the table above holds the same data.)")
        for r in section.get("redacted", []):
            d.add_paragraph(f"Information withheld. Reason recorded: {r['reason']}")
        for c in section["comments"]:
            d.add_paragraph(f"{c['kind_label']} from {c['by']} ({c['on']}): {c['text']}")
    unplaced = [c for c in content["comments"] if not c["section"]]
    if unplaced:
        d.add_heading("Comments from the family", level=1)
        for c in unplaced:
            d.add_paragraph(f"{c['kind_label']} from {c['by']} ({c['on']}): {c['text']}")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
