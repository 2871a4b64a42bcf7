"""Meetings that drive the work: types as data, the meeting record, attendance, contributions,
decisions, actions carried forward, amendments after sign-off, Family Group Conferences.

A meeting type is a row (`MeetingType`), not code: types that differ only in which parts of
the record they use, or how often they fall due, differ only in their flags.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.models import Case
from familyworkbook.core.models import ArchivableQuerySet, RecordModel
from familyworkbook.people.models import Family, Person
from familyworkbook.teams.models import Role, Team, Worker
from familyworkbook.workbook.models import Chapter, Entry

GROUP_SUPERVISION = "group_case_supervision"
FGC = "family_group_conference"


class MeetingType(models.Model):
    """A kind of meeting. Seeded by a data migration; a council may add rows."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    per_family = models.BooleanField(_("about one family"), default=True)
    due_every_days = models.PositiveSmallIntegerField(
        _("due every (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the meeting is not held to a schedule"),
    )
    needs_adult_specialist = models.BooleanField(
        _("due only while an adult specialist is allocated"), default=False
    )
    records_rag = models.BooleanField(_("records a RAG rating"), default=False)
    records_cycle_of_change = models.BooleanField(_("records Cycle of Change"), default=False)
    takes_contributions = models.BooleanField(_("takes written contributions"), default=True)
    minutes_due_hours = models.PositiveSmallIntegerField(
        _("minutes due within (hours)"), null=True, blank=True
    )
    invite_disciplines = models.JSONField(
        _("invite only these disciplines"),
        default=list,
        blank=True,
        help_text=_("Empty: every professional involved is invited. The chair always is."),
    )
    ordering = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("meeting type")
        verbose_name_plural = _("meeting types")

    def __str__(self) -> str:
        return self.name

    def invites(self, role: str) -> bool:
        """Whether someone of this discipline is invited to meetings of this type."""
        return not self.invite_disciplines or role in self.invite_disciplines


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held: record not signed off")
    SIGNED_OFF = "signed_off", _("Signed off")


class Rag(models.TextChoices):
    RED = "red", _("Red: significant concern")
    AMBER = "amber", _("Amber: some concern")
    GREEN = "green", _("Green: progressing well")


class MeetingQuerySet(ArchivableQuerySet):
    def visible_to(self, user: Any) -> MeetingQuerySet:
        """Meetings about families this user may see (the access policy decides), and team
        meetings (unit meetings, huddles) of the teams the user works in."""
        return self.filter(
            Q(family__in=Family.objects.visible_to(user).values("pk"))
            | Q(family__isnull=True, team__in=Team.objects.of_user(user).values("pk")),
            archived_at__isnull=True,
        )

    def held(self) -> MeetingQuerySet:
        return self.filter(status__in=[MeetingStatus.HELD, MeetingStatus.SIGNED_OFF])


class Meeting(RecordModel):
    type = models.ForeignKey(
        MeetingType, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("type")
    )
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="meetings", null=True, blank=True
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="meetings", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="meetings", null=True, blank=True
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("previous meeting"),
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    location = models.CharField(_("where"), max_length=200, blank=True)
    video_link = models.URLField(_("video call link"), blank=True)
    late_reason = models.TextField(_("why it is later than the statutory timescale"), blank=True)
    chair = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="chaired_meetings", verbose_name=_("chair")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    held_on = models.DateField(_("date held"), null=True, blank=True)
    working_well = models.TextField(_("what is working well"), blank=True)
    worries = models.TextField(_("what we are worried about"), blank=True)
    childs_voice = models.TextField(_("the child's voice"), blank=True)
    rag = models.CharField(_("RAG rating"), max_length=10, choices=Rag.choices, blank=True)
    rag_reason = models.TextField(_("why this rating"), blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["family", "type", "held_on"], name="meeting_family_type_idx"),
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.type} {self.starts_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def is_signed_off(self) -> bool:
        return self.status == MeetingStatus.SIGNED_OFF

    @property
    def minutes_due_at(self) -> Any:
        hours = self.type.minutes_due_hours
        if hours is None:
            return None
        return self.starts_at + dt.timedelta(hours=hours)

    def minutes_overdue(self, now: Any) -> bool:
        due = self.minutes_due_at
        return due is not None and self.status == MeetingStatus.PLANNED and now > due


class MeetingSnapshot(models.Model):
    """What a signed-off record showed, kept from the moment of sign-off (issue 22).

    A record is partly derived from other rows: the previous meeting (its RAG, and where
    "since the last meeting" starts), goal ratings in the Workbook, actions whose status moves
    on at the next meeting, attendance and people's names. Read live, a signed-off record
    kept changing; so sign-off stores what it showed (`meetings.snapshots`), and the page, the
    printable record and the PDF render from this row. Written once, never updated:
    corrections are amendments beside the record."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="snapshot")
    as_of = models.DateField(_("as of"))
    data = models.JSONField(_("what the record showed"))
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        verbose_name = _("signed-off record snapshot")
        verbose_name_plural = _("signed-off record snapshots")

    def __str__(self) -> str:
        return f"Snapshot of meeting {self.meeting_id} as of {self.as_of:%d/%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("A signed-off record's snapshot never changes: add an amendment")
        super().save(*args, **kwargs)


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    PRESENT = "present", _("Present in the room")
    VIRTUAL = "virtual", _("Present by video or phone")
    APOLOGY = "apology", _("Sent apologies")
    ABSENT = "absent", _("Did not attend")


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.VIRTUAL)


class Attendance(RecordModel):
    """An invitation and what became of it. Discipline is kept as it was on the day."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="attendances", null=True, blank=True
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="meeting_attendances", null=True, blank=True
    )
    discipline = models.CharField(_("discipline"), max_length=30, choices=Role.choices, blank=True)
    status = models.CharField(
        _("attendance"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.INVITED,
    )
    invited_at = models.DateTimeField(_("invitation emailed at"), null=True, blank=True)
    invited_to = models.EmailField(_("invitation emailed to"), blank=True)

    class Meta:
        ordering = ["discipline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "worker"],
                condition=Q(worker__isnull=False),
                name="attendance_one_per_worker",
            ),
            models.CheckConstraint(
                condition=Q(worker__isnull=False) | Q(person__isnull=False),
                name="attendance_worker_or_person",
            ),
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self) -> str:
        who = self.worker.name if self.worker_id else str(self.person)
        return f"{who}: {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


class Contribution(RecordModel):
    """Written beforehand by an involved professional, from their chapter of the Workbook.

    Kept as part of the record whether or not its author attends."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="contributions")
    author = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="contributions")
    chapter = models.CharField(_("chapter"), max_length=30, choices=Chapter.choices)
    drawn_from = models.ForeignKey(
        Entry,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Workbook entry drawn from"),
    )
    text = models.TextField(_("your contribution"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"{self.author.name}: {self.get_chapter_display()}"


class Decision(RecordModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("decision"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done: no longer needed")
    CARRIED = "carried", _("Carried forward to the next meeting")


class Action(RecordModel):
    """An action set at a meeting. While open it is carried to the next meeting of the same kind
    as a new row pointing back here, so every meeting's record stays as it was on the day."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="meeting_actions", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    outcome = models.TextField(_("what happened, or why not"), blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="carried_to",
        null=True,
        blank=True,
        verbose_name=_("carried forward from"),
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.text


class Amendment(RecordModel):
    """A correction to a signed-off record: the record itself is not changed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="amendments")
    text = models.TextField(_("amendment"))
    reason = models.TextField(_("why the record is amended"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return self.text[:60]


class CaseDiscussion(RecordModel):
    """A case discussed at a team meeting (the weekly unit meeting): what was said and agreed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="discussions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="discussions")
    note = models.TextField(_("discussion and what was agreed"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="discussion_once_per_meeting")
        ]
        indexes = [models.Index(fields=["case", "created_at"], name="discussion_case_idx")]
        verbose_name = _("case discussion")
        verbose_name_plural = _("case discussions")

    def __str__(self) -> str:
        return f"{self.case} at {self.meeting}"


class FamilyGroupConference(RecordModel):
    """Referral, preparation, invitations the victim decides, children's views, private family
    time, the family's own plan and its review."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="fgc")
    referred_by = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField(_("date referred"))
    coordinator = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    da_victim = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("domestic abuse victim"),
    )
    alleged_perpetrator = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("alleged perpetrator"),
    )
    victim_requests_perpetrator = models.BooleanField(
        _("the victim has asked for the alleged perpetrator to attend"), default=False
    )
    childrens_views = models.TextField(_("the children's views"), blank=True)
    private_time_held = models.BooleanField(_("the family had private time"), default=False)
    family_plan = models.TextField(_("the family's plan, in their words"), blank=True)
    review_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="reviews",
        null=True,
        blank=True,
        verbose_name=_("review of"),
    )

    class Meta:
        verbose_name = _("Family Group Conference")
        verbose_name_plural = _("Family Group Conferences")

    def __str__(self) -> str:
        return f"FGC {self.meeting}"
