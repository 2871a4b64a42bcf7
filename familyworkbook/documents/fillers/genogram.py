"""The genogram, drawn from the family record: an accessible SVG and its table equivalent.

Generations come from the parent links (a parent sits one row above their child; partners and
siblings share a row). Squares are male, circles female, diamonds not known; a cross marks
someone who has died. A solid line joins partners, a broken one former partners; thin lines
join parents to children. The SVG has a <title> and <desc>, and the same information is given
as tables (generations, partnerships, children), so nobody depends on the drawing.

Only people the generating user may see are drawn, and no address is ever read here.
"""

from __future__ import annotations

from collections import defaultdict
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from familyworkbook.core.codes import Sex
from familyworkbook.documents.facts import Basis, Fact, FillContext, Filled, Source, Table, filler
from familyworkbook.documents.fillers.parenting import CHILD_KINDS, day, user_name
from familyworkbook.people.models import Person, Relationship

UP = {"parent", "step_parent", "grandparent", "carer"}  # person is above other
LEVEL_SHIFT = {"parent": 1, "step_parent": 1, "carer": 1, "grandparent": 2, "aunt_uncle": 1}
SAME = {"sibling", "half_sibling", "step_sibling", "partner", "ex_partner"}
PARENT_LINKS = {"parent", "step_parent", "carer"}

BOX = 36
COL = 150
ROW = 110
MARGIN = 30


def _people(ctx: FillContext) -> list[Person]:
    """Everyone in the family the user may see, current and wider network alike."""
    return list(
        Person.objects.visible_to(ctx.user)
        .filter(memberships__family=ctx.family, memberships__archived_at__isnull=True)
        .distinct()
        .order_by("date_of_birth", "pk")
    )


def _links(ctx: FillContext, ids: set[int]) -> list[Relationship]:
    return list(
        Relationship.objects.visible_to(ctx.user)
        .filter(person_id__in=ids, other_id__in=ids, archived_at__isnull=True)
        .select_related("person", "other", "created_by")
        .order_by("pk")
    )


def generations(people: list[Person], links: list[Relationship]) -> dict[int, int]:
    """Generation number per person: 1 is the oldest generation drawn."""
    level: dict[int, int] = {}
    for p in people:
        if p.kind in CHILD_KINDS:
            level[p.pk] = 0
    # Relax: a parent is one above the child, partners and siblings level with each other.
    for _round in range(len(people) + 1):
        changed = False
        for r in links:
            a, b = r.person_id, r.other_id
            shift = LEVEL_SHIFT.get(r.kind)
            if shift is not None:
                if b in level and a not in level:
                    level[a] = level[b] - shift
                    changed = True
                elif a in level and b not in level:
                    level[b] = level[a] + shift
                    changed = True
            elif r.kind in SAME and a in level and b not in level:
                level[b] = level[a]
                changed = True
        if not changed:
            break
    for p in people:
        level.setdefault(p.pk, 0 if p.kind in CHILD_KINDS else -1)
    top = min(level.values(), default=0)
    return {pk: v - top + 1 for pk, v in level.items()}


def _shape(person: Person, x: float, y: float) -> str:
    label = escape(person.full_name)
    if person.sex == Sex.MALE:
        body = f'<rect x="{x - BOX / 2}" y="{y}" width="{BOX}" height="{BOX}" />'
    elif person.sex == Sex.FEMALE:
        body = f'<circle cx="{x}" cy="{y + BOX / 2}" r="{BOX / 2}" />'
    else:
        h = BOX / 2
        body = f'<polygon points="{x},{y} {x + h},{y + h} {x},{y + BOX} {x - h},{y + h}" />'
    cross = ""
    if person.date_of_death:
        cross = (
            f'<line x1="{x - BOX / 2}" y1="{y}" x2="{x + BOX / 2}" y2="{y + BOX}" />'
            f'<line x1="{x + BOX / 2}" y1="{y}" x2="{x - BOX / 2}" y2="{y + BOX}" />'
        )
    born = person.date_of_birth or person.expected_date_of_birth
    year = f"b. {born.year}" if born else ""
    return (
        f'<g class="person" fill="#ffffff" stroke="#0b0c0c" stroke-width="2">{body}{cross}</g>'
        f'<text x="{x}" y="{y + BOX + 16}" text-anchor="middle" font-size="12">{label}</text>'
        f'<text x="{x}" y="{y + BOX + 30}" text-anchor="middle" font-size="11">{year}</text>'
    )


def draw(
    ctx: FillContext, people: list[Person], links: list[Relationship], gen: dict[int, int]
) -> str:
    rows: dict[int, list[Person]] = defaultdict(list)
    for p in people:
        rows[gen[p.pk]].append(p)
    # Partners side by side: order each row by the first partner link, then birth date.
    pos: dict[int, tuple[float, float]] = {}
    width = max((len(r) for r in rows.values()), default=1) * COL + 2 * MARGIN
    height = max(rows, default=1) * ROW + 2 * MARGIN
    for g, members in sorted(rows.items()):
        for i, p in enumerate(members):
            pos[p.pk] = (MARGIN + COL / 2 + i * COL, MARGIN + (g - 1) * ROW)
    lines: list[str] = []
    drawn: set[frozenset[int]] = set()
    for r in links:
        pair = frozenset((r.person_id, r.other_id))
        if pair in drawn or r.person_id not in pos or r.other_id not in pos:
            continue
        (x1, y1), (x2, y2) = pos[r.person_id], pos[r.other_id]
        if r.kind in ("partner", "ex_partner"):
            dash = ' stroke-dasharray="6 4"' if r.kind == "ex_partner" or r.ended_on else ""
            lines.append(
                f'<line x1="{x1}" y1="{y1 + BOX / 2}" x2="{x2}" y2="{y2 + BOX / 2}" '
                f'stroke="#0b0c0c" stroke-width="2"{dash} />'
            )
            drawn.add(pair)
        elif r.kind in PARENT_LINKS:
            lines.append(
                f'<line x1="{x1}" y1="{y1 + BOX + 34}" x2="{x2}" y2="{y2}" '
                f'stroke="#505a5f" stroke-width="1" />'
            )
            drawn.add(pair)
    title_id = f"genogram-title-{ctx.family.pk}"
    desc_id = f"genogram-desc-{ctx.family.pk}"
    desc = _(
        "%(n)s people over %(g)s generations. Squares are male, circles female, diamonds not "
        "known; a cross marks someone who has died. Solid lines join partners, broken lines "
        "former partners; thin lines join parents to children. The tables below give the same "
        "information."
    ) % {"n": len(people), "g": len(rows)}
    shapes = "".join(_shape(p, *pos[p.pk]) for p in people)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="Arial, sans-serif">'
        f'<title id="{title_id}">{escape(_("Genogram of the %(name)s") % {"name": ctx.family.name})}</title>'
        f'<desc id="{desc_id}">{escape(desc)}</desc>'
        f"{''.join(lines)}{shapes}</svg>"
    )


def _rel_source(r: Relationship) -> Source:
    return Source(
        model="people.Relationship",
        pk=r.pk,
        date=r.started_on or r.created_at.date(),
        author=user_name(r.created_by),
        basis=Basis.RECORDED,
        label=_("Relationship %(id)s") % {"id": r.pk},
    )


@filler("genogram.family")
def genogram(ctx: FillContext) -> Filled:
    people = _people(ctx)
    ids = {p.pk for p in people}
    links = _links(ctx, ids)
    gen = generations(people, links)
    out = Filled(svgs=[draw(ctx, people, links, gen)])

    by_gen = Table(
        columns=[_("Generation"), _("Name"), _("Born"), _("Sex")],
        caption=_("People, by generation"),
    )
    for p in sorted(
        people,
        key=lambda p: (
            gen[p.pk],
            p.date_of_birth or p.expected_date_of_birth or p.created_at.date(),
            p.pk,
        ),
    ):
        born = p.date_of_birth or p.expected_date_of_birth
        died = _(" (died %(d)s)") % {"d": day(p.date_of_death)} if p.date_of_death else ""
        by_gen.rows.append(
            [
                str(gen[p.pk]),
                p.full_name,
                f"{day(born) if born else '–'}{died}",
                p.get_sex_display(),
            ]
        )
    out.tables.append(by_gen)

    partners = Table(
        columns=[_("Partner"), _("Partner"), _("Relationship"), _("From"), _("Until")],
        caption=_("Partnerships"),
    )
    seen: set[frozenset[int]] = set()
    for r in links:
        pair = frozenset((r.person_id, r.other_id))
        if r.kind in ("partner", "ex_partner") and pair not in seen:
            seen.add(pair)
            partners.rows.append(
                [
                    r.person.full_name,
                    r.other.full_name,
                    Fact(text=str(r.get_kind_display()), source=_rel_source(r)),
                    day(r.started_on) if r.started_on else "–",
                    day(r.ended_on) if r.ended_on else "–",
                ]
            )
    if partners.rows:
        out.tables.append(partners)
    else:
        out.notes.append(_("No partnerships are recorded."))

    kids = Table(
        columns=[_("Child"), _("Parent or carer"), _("Relationship"), _("Parental responsibility")],
        caption=_("Children and their parents"),
    )
    for r in links:
        if r.kind in PARENT_LINKS | {"grandparent", "aunt_uncle"} and r.other.kind in CHILD_KINDS:
            kids.rows.append(
                [
                    r.other.full_name,
                    r.person.full_name,
                    Fact(text=str(r.get_kind_display()), source=_rel_source(r)),
                    _("Yes") if r.parental_responsibility else _("No"),
                ]
            )
    out.tables.append(kids)
    return out
