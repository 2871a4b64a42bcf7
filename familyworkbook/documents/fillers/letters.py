"""Fillers for the letter before proceedings and the pre-proceedings outcome letters.

One letter per recipient: every parent of a child in the family and everyone with parental
responsibility (`recipients`). The recipient is the document's subject (a `people.Person`),
or `options["recipient"]` (a person's id) when a caller passes it that way.

Where a letter goes (SECURITY R9, the ICO's Charnwood lessons):
- only a current address of the recipient, never a previous one;
- only an address the generating user may see (a protected address needs a grant);
- for a survivor of alleged domestic abuse, never an address she has shared with an alleged
  perpetrator (compared on the first line and postcode across every address ever recorded
  for them, whether or not the user can see it: the comparison is never shown), and if she
  has a protected address the user may not see, no address at all (the letter is handed over
  by a worker who may see it).
When no address may be used the letter says so, and the address block stays empty.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from familyworkbook.access.models import PerpetratorLink
from familyworkbook.cases.models import Allocation, Case, PreProceedings, PreProceedingsOutcome
from familyworkbook.documents.facts import Basis, Fact, FillContext, Filled, Source, Table, filler
from familyworkbook.documents.fillers import parenting as p
from familyworkbook.meetings.models import Meeting, MeetingStatus
from familyworkbook.people.models import (
    PARENTING_KINDS,
    Address,
    AddressKind,
    Person,
    PersonKind,
    Relationship,
)
from familyworkbook.workbook.models import Intervention, RiskNeedKind

HISTORY_EVENTS = 8  # a letter's short history: the latest significant events
PLO_MEETING = "legal_plo"
ADDRESS_ORDER = {
    AddressKind.CORRESPONDENCE: 0,
    AddressKind.SAFE: 1,
    AddressKind.HOME: 2,
    AddressKind.PLACEMENT: 3,
}


# --- Who gets a letter, and where it goes ----------------------------------------------------


def recipients(user: Any, family: Any) -> list[Person]:
    """Each parent of a child in the family and everyone with parental responsibility for one,
    among the people `user` may see."""
    visible = Person.objects.visible_to(user)
    kids = visible.filter(
        memberships__family=family,
        memberships__ended_on__isnull=True,
        memberships__archived_at__isnull=True,
        kind__in=p.CHILD_KINDS,
    )
    links = (
        Relationship.objects.visible_to(user)
        .ongoing()
        .filter(other__in=kids.values("pk"), kind__in=sorted(PARENTING_KINDS))
        .filter(Q(kind="parent") | Q(parental_responsibility=True))
        .filter(person__kind=PersonKind.ADULT)
        .select_related("person")
        .order_by("person__date_of_birth", "person__pk")
    )
    seen: dict[int, Person] = {}
    for link in links:
        seen.setdefault(link.person_id, link.person)
    return list(seen.values())


def _key(address: Address) -> tuple[str, str]:
    return (" ".join(address.line_1.lower().split()), address.postcode.replace(" ", "").upper())


def is_survivor(person: Person) -> bool:
    return PerpetratorLink.objects.active().filter(survivor=person).exists()


def shared_with_perpetrator(person: Person) -> set[tuple[str, str]]:
    """First line and postcode of every address ever recorded for an alleged perpetrator of
    `person` (read without access narrowing: it is only compared, never shown)."""
    perpetrators = PerpetratorLink.objects.filter(survivor=person, archived_at__isnull=True).values(
        "perpetrator_id"
    )
    return {_key(a) for a in Address.objects.filter(person__in=perpetrators)}


def letter_address(user: Any, person: Person) -> tuple[Address | None, str]:
    """The address a letter to `person` may go to, or None and the reason in words."""
    current = list(
        Address.objects.visible_to(user).filter(
            person=person, to_date__isnull=True, archived_at__isnull=True
        )
    )
    if is_survivor(person):
        hidden_protected = (
            Address.objects.filter(
                person=person, to_date__isnull=True, archived_at__isnull=True, protected=True
            )
            .exclude(pk__in=[a.pk for a in current])
            .exists()
        )
        if hidden_protected:
            return None, _(
                "No address is printed. Give this letter by hand, through a worker who may "
                "see where this person lives."
            )
        unsafe = shared_with_perpetrator(person)
        current = [a for a in current if _key(a) not in unsafe]
        if not current:
            return None, _(
                "No safe address is recorded. Give this letter by hand, through a worker who "
                "may see where this person lives."
            )
    if not current:
        return None, _("No current address is recorded. Give this letter by hand.")
    current.sort(key=lambda a: (ADDRESS_ORDER.get(a.kind, 9), -a.from_date.toordinal(), a.pk))
    return current[0], ""


def recipient_of(ctx: FillContext) -> Person | None:
    if isinstance(ctx.subject, Person):
        person = ctx.subject
    elif ctx.options.get("recipient"):
        person = Person.objects.filter(pk=ctx.options["recipient"]).first()
    else:
        return None
    if person is None or not Person.objects.visible_to(ctx.user).filter(pk=person.pk).exists():
        return None
    return person


def _children_names(ctx: FillContext) -> str:
    names = [c.first_name or c.full_name for c in p.children(ctx)]
    if len(names) > 1:
        return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
    return names[0] if names else _("your child")


# --- Sections ---------------------------------------------------------------------------------


@filler("letters.recipient")
def recipient(ctx: FillContext) -> Filled:
    """The name and address block (or why no address is printed)."""
    person = recipient_of(ctx)
    if person is None:
        return Filled(notes=[_("Choose who this letter is to.")])
    address, reason = letter_address(ctx.user, person)
    out = Filled(
        facts=[
            Fact(
                text=person.full_name,
                source=Source(
                    model="people.Person",
                    pk=person.pk,
                    date=None,
                    author="",
                    label=_("Person record %(id)s") % {"id": person.pk},
                    url=person.get_absolute_url(),
                ),
                about=person.full_name,
            )
        ]
    )
    if address is None:
        out.notes.append(reason)
        return out
    lines = [address.line_1, address.line_2, address.town, address.postcode]
    out.facts.append(
        Fact(
            text="\n".join(line for line in lines if line),
            source=Source(
                model="people.Address",
                pk=address.pk,
                date=address.from_date,
                author=p.user_name(address.created_by),
                label=_("Protected address") if address.protected else _("Address"),
            ),
            about=person.full_name,
        )
    )
    return out


@filler("letters.opening")
def opening(ctx: FillContext) -> Filled:
    names = _children_names(ctx)
    kind = ctx.options.get("letter", "before_proceedings")
    if kind == "outcome":
        notes = [
            _("We are writing to tell you what we have decided about %(names)s.")
            % {"names": names},
            _("Please read this letter carefully. Take it to your solicitor."),
        ]
    else:
        notes = [
            _("We are writing because we are very worried about %(names)s.") % {"names": names},
            _(
                "We are thinking about asking the family court to make decisions about "
                "%(names)s. This is serious."
            )
            % {"names": names},
            _(
                "We want to work with you so that this does not have to happen. This letter "
                "says what we are worried about, what needs to change, and how we will help."
            ),
            _("Please take this letter to a solicitor straight away. The advice is free."),
        ]
    return Filled(notes=notes)


@filler("letters.history")
def history(ctx: FillContext) -> Filled:
    """A short history: the children's statutory history and the latest significant events."""
    out = Filled(facts=p.episode_facts(ctx, p.children(ctx)))
    recent = list(p.entries(ctx).filter(is_significant=True).order_by("-happened_on", "-pk"))
    for e in reversed(recent[:HISTORY_EVENTS]):
        out.facts.append(
            Fact(text=f"{p.day(e.happened_on)}: {e.headline}", source=p.entry_source(e))
        )
    return out


@filler("letters.support")
def support(ctx: FillContext) -> Filled:
    """The help the family has had: workers, programme sessions, intensive interventions."""
    out = Filled()
    allocations = (
        Allocation.objects.filter(
            case__in=Case.objects.visible_to(ctx.user).filter(family=ctx.family),
            archived_at__isnull=True,
        )
        .select_related("worker__user", "created_by")
        .order_by("started_on", "pk")
    )
    for a in allocations:
        if ctx.end and a.started_on > ctx.end:
            continue
        out.facts.append(
            Fact(
                text=_("%(name)s (%(role)s) has worked with your family since %(d)s.")
                % {
                    "name": a.worker.name,
                    "role": a.get_role_display().lower(),
                    "d": p.day(a.started_on),
                }
                if a.ended_on is None
                else _("%(name)s (%(role)s) worked with your family from %(s)s to %(e)s.")
                % {
                    "name": a.worker.name,
                    "role": a.get_role_display().lower(),
                    "s": p.day(a.started_on),
                    "e": p.day(a.ended_on),
                },
                source=Source(
                    model="cases.Allocation",
                    pk=a.pk,
                    date=a.started_on,
                    author=p.user_name(a.created_by),
                    label=_("Allocation %(id)s") % {"id": a.pk},
                ),
            )
        )
    rows = list(p.entries(ctx))
    table = Table(
        columns=[_("What we worked on"), _("Sessions"), _("Dates")],
        caption=_("Sessions with your family"),
    )
    modules: dict[str, list] = {}
    for e in rows:
        modules.setdefault(
            e.module.title if e.module_id else _("Visits and other contact"), []
        ).append(e)
    for title, group in modules.items():
        table.rows.append(
            [
                title,
                str(len(group)),
                Fact(
                    text=_("%(a)s to %(b)s")
                    % {"a": p.day(group[0].happened_on), "b": p.day(group[-1].happened_on)},
                    source=p.entry_source(group[-1]),
                ),
            ]
        )
    if table.rows:
        out.tables.append(table)
    for i in (
        Intervention.objects.visible_to(ctx.user)
        .filter(family=ctx.family)
        .select_related("programme", "created_by")
    ):
        out.facts.append(
            Fact(
                text=_("%(p)s from %(s)s%(e)s.")
                % {
                    "p": i.programme.title,
                    "s": p.day(i.started_on),
                    "e": _(" to %(d)s") % {"d": p.day(i.ended_on)} if i.ended_on else "",
                },
                source=intervention_source(i),
            )
        )
    if not out.facts and not out.tables:
        out.notes.append(_("No support is recorded yet."))
    return out


def intervention_source(i: Intervention) -> Source:
    return Source(
        model="workbook.Intervention",
        pk=i.pk,
        date=i.started_on,
        author=p.user_name(i.created_by),
        basis=Basis.RECORDED,
        label=_("Intervention %(id)s") % {"id": i.pk},
    )


@filler("letters.must_change")
def must_change(ctx: FillContext) -> Filled:
    """A draft of what must change and by when: the recorded 'must change' items and the open
    goals with their actions (the recipient's own first). The social worker checks it."""
    out = Filled()
    out.facts.extend(
        p.risk_fact(i, prefix=False) for i in p.risk_items(ctx, RiskNeedKind.MUST_CHANGE)
    )
    person = recipient_of(ctx)
    goal_list = sorted(
        (g for g in p.goals(ctx) if g.status == "open"),
        key=lambda g: (person is None or g.person_id != person.pk, g.set_on, g.pk),
    )
    table = Table(
        columns=[_("What needs to change"), _("Whose goal"), _("What will happen"), _("By when")],
        caption=_("What needs to change, and by when"),
    )
    for goal in goal_list:
        actions = [a for a in goal.actions.all() if a.archived_at is None and a.status == "open"]
        goal_cell = Fact(
            text=goal.title,
            source=Source(
                model="workbook.Goal",
                pk=goal.pk,
                date=goal.set_on,
                author=p.user_name(goal.created_by),
                label=_("Goal %(id)s") % {"id": goal.pk},
                url=goal.get_absolute_url(),
            ),
            about=goal.person.full_name,
        )
        if not actions:
            table.rows.append(
                [goal_cell, goal.person.full_name, goal.success_looks_like or "–", "–"]
            )
        for a in actions:
            table.rows.append(
                [goal_cell, goal.person.full_name, f"{a.description} ({a.owner})", p.day(a.due_on)]
            )
    if table.rows:
        out.tables.append(table)
    out.notes.append(_("This is a draft from the family's goals. The social worker checks it."))
    return out


@filler("letters.meeting")
def meeting(ctx: FillContext) -> Filled:
    """The pre-proceedings meeting: from the PLO record or a planned legal planning meeting."""
    out = Filled()
    kids = [c.pk for c in p.children(ctx)]
    planned = (
        Meeting.objects.visible_to(ctx.user)
        .filter(family=ctx.family, type__slug=PLO_MEETING, status=MeetingStatus.PLANNED)
        .select_related("chair__user", "type")
        .order_by("starts_at")
        .first()
    )
    if planned:
        when = planned.starts_at
        out.facts.append(
            Fact(
                text=_("We would like to meet you on %(d)s at %(t)s%(where)s.")
                % {
                    "d": p.day(when.date()),
                    "t": when.strftime("%-I:%M%p").lower(),
                    "where": _(", at %(w)s") % {"w": planned.location} if planned.location else "",
                },
                source=Source(
                    model="meetings.Meeting",
                    pk=planned.pk,
                    date=when.date(),
                    author=p.worker_name(planned.chair),
                    label=_("Meeting %(id)s") % {"id": planned.pk},
                    url=planned.get_absolute_url(),
                ),
            )
        )
    else:
        plo = (
            PreProceedings.objects.filter(child_id__in=kids, archived_at__isnull=True)
            .select_related("created_by")
            .order_by("-started_on")
            .first()
        )
        if plo:
            out.facts.append(
                Fact(
                    text=_("The pre-proceedings meeting is on %(d)s.")
                    % {"d": p.day(plo.started_on)},
                    source=p.statutory_source(plo, "cases.PreProceedings", plo.started_on),
                )
            )
        else:
            out.notes.append(_("The date of the meeting is not recorded yet."))
    out.notes.append(
        _(
            "Please bring your solicitor to the meeting. If you need an interpreter or any other "
            "help to take part, tell us before the meeting."
        )
    )
    return out


DEFAULT_SOLICITOR_ADVICE = {
    "name": "Find a children law solicitor",
    "detail": "The Law Society lists solicitors accredited in children law: "
    "https://solicitors.lawsociety.org.uk",
}


@filler("letters.legal_advice")
def legal_advice(ctx: FillContext) -> Filled:
    """Non-means-tested legal aid, advice to take the letter to a solicitor, and the council's
    list of solicitors (section option `solicitors`: a list of {name, detail})."""
    out = Filled(
        notes=[
            _("Take this letter to a solicitor as soon as you can."),
            _(
                "Because you have this letter, you can get free legal advice from a solicitor. "
                "This is called legal aid. It does not depend on your income or savings."
            ),
            _("The solicitor must be one who does children law (care cases)."),
        ]
    )
    solicitors = ctx.options.get("solicitors") or [DEFAULT_SOLICITOR_ADVICE]
    table = Table(
        columns=[_("Solicitor"), _("How to contact them")], caption=_("Solicitors who can help")
    )
    for s in solicitors:
        table.rows.append([str(s.get("name", "")), str(s.get("detail", ""))])
    out.tables.append(table)
    return out


OUTCOME_TEXT = {
    PreProceedingsOutcome.PROCEEDINGS: gettext_noop(
        "We have decided to ask the family court to make decisions about %(names)s. "
        "This means care proceedings have started."
    ),
    PreProceedingsOutcome.DIVERTED: gettext_noop(
        "We have decided not to go to court. Things have got better. We will keep working "
        "with you, but the pre-proceedings stage has ended."
    ),
    PreProceedingsOutcome.OTHER: gettext_noop("The pre-proceedings stage has ended."),
}


@filler("letters.outcome")
def outcome(ctx: FillContext) -> Filled:
    """What was decided at the end of pre-proceedings: proceedings issued, stepped down, or
    continuing (the record's outcome; the reasons are written)."""
    kids = [c.pk for c in p.children(ctx)]
    plo = (
        PreProceedings.objects.filter(child_id__in=kids, archived_at__isnull=True)
        .select_related("created_by")
        .order_by("-started_on", "-pk")
        .first()
    )
    names = _children_names(ctx)
    if plo is None:
        return Filled(notes=[_("No pre-proceedings (PLO) record is held for the children.")])
    if plo.ended_on is None:
        text = _(
            "Pre-proceedings will continue. We will keep working with you and review again soon."
        )
        on = plo.started_on
    else:
        text = _(OUTCOME_TEXT.get(plo.outcome, OUTCOME_TEXT[PreProceedingsOutcome.OTHER])) % {
            "names": names
        }
        on = plo.ended_on
    return Filled(
        facts=[
            Fact(
                text=text,
                source=Source(
                    model="cases.PreProceedings",
                    pk=plo.pk,
                    date=on,
                    author=p.user_name(plo.created_by),
                    basis=Basis.RECORDED,
                    label=_("Pre-proceedings record %(id)s") % {"id": plo.pk},
                ),
            )
        ]
    )


def letters_for(
    user: Any, family: Any, on: dt.date | None = None
) -> list[tuple[Person, Address | None, str]]:
    """Every letter to send: recipient, the address it may go to (or None) and why not."""
    return [(r, *letter_address(user, r)) for r in recipients(user, family)]
