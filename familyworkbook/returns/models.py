"""Data-quality snapshots: which children's records would fail a return today.

Derived data, rebuilt in the background from the record (`returns.tasks`); never edited by
hand. Only the latest few snapshots are kept: they are a cache of a computation, not records.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from familyworkbook.cases.models import Case
from familyworkbook.people.models import Person
from familyworkbook.teams.models import Team, Worker


class QualitySnapshot(models.Model):
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    year = models.PositiveSmallIntegerField(_("collection year ending 31 March"))
    children_checked = models.PositiveIntegerField(_("children checked"), default=0)
    seconds = models.FloatField(_("seconds to compute"), default=0)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        get_latest_by = ["taken_at", "pk"]
        verbose_name = _("data-quality snapshot")

    def __str__(self) -> str:
        return f"Data quality {self.taken_at:%d/%m/%Y %H:%M}"


class QualityIssue(models.Model):
    """One rule one child's record would break, attributed to the team and lead worker."""

    snapshot = models.ForeignKey(QualitySnapshot, on_delete=models.CASCADE, related_name="issues")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.SET_NULL, null=True, related_name="+")
    return_name = models.CharField(_("return"), max_length=20)
    rule = models.CharField(_("DfE rule"), max_length=12)
    field = models.CharField(_("field"), max_length=100)
    message = models.CharField(_("what to fix"), max_length=300)

    class Meta:
        ordering = ["team_id", "worker_id", "child_id", "return_name", "rule", "pk"]
        indexes = [
            models.Index(fields=["snapshot", "team"], name="quality_issue_team_idx"),
            models.Index(fields=["snapshot", "worker"], name="quality_issue_worker_idx"),
        ]
        verbose_name = _("data-quality issue")

    def __str__(self) -> str:
        return f"{self.return_name} {self.rule}: {self.message}"

    @property
    def fix_url(self) -> str:
        """The page that fixes it: the form for the missing fact, or the child's page."""
        from familyworkbook.returns.problems import fix_url

        return fix_url(self.rule, self.field, self.child_id)
