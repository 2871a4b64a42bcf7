"""What the recording screens need to know about each instrument the scorer supports.

The scorer (``measures.scoring``) owns the rules; this module owns the words on screen: the
instrument's name, who may complete it, the printed response options (never the item
wording: see docs/decisions/measures-licensing.md), which scores to show, and in which band
scheme. It ships no item wording. ``ITEM_WORDING`` is where wording would go for an instrument
whose licence allows it on screen, copied unmodified from the publisher's form; it is empty, so
every form shows item numbers and response options only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from familyworkbook.measures.scoring import INSTRUMENTS, sdq


class InstrumentCode(models.TextChoices):
    SDQ = "sdq", _("Strengths and Difficulties Questionnaire (SDQ)")
    SCORE15 = "score-15", _("SCORE-15 family functioning")
    IDA = "ida", _("Adult Wellbeing Scale (IDA)")
    WEMWBS = "wemwbs", _("Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)")
    SWEMWBS = "swemwbs", _("Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)")
    URICA = "urica", _("URICA readiness for change")


class Informant(models.TextChoices):
    PARENT = "parent", _("Parent or carer")
    TEACHER = "teacher", _("Teacher")
    SELF = "self", _("The person themselves")
    PRACTITIONER = "practitioner", _("The practitioner")


class CollectionPoint(models.TextChoices):
    ASSESSMENT = "assessment", _("At assessment")
    REVIEW = "review", _("Six-monthly review")
    CLOSURE = "closure", _("At closure")
    FOLLOW_UP = "follow_up", _("Six months after closure")
    OTHER = "other", _("Other, for example a change of team")


@dataclass(frozen=True)
class Score:
    """One score to show: its key in the scorer's result, its label, and where its band is."""

    key: str
    label: Any
    band_path: tuple[str, ...] = ()  # keys into the scores, e.g. ("bands_4", "emotional")
    decimals: int = 0


@dataclass(frozen=True)
class InstrumentInfo:
    code: str
    short_name: Any
    who: Any  # hint: who completes it, and at what age
    informants: tuple[str, ...]
    options: tuple[tuple[int, Any], ...]  # printed code -> response option label
    scores: tuple[Score, ...]  # the first is the headline score
    chart_range: tuple[float, float]  # y axis of the headline chart
    chart_series: tuple[str, ...] = ()  # extra series on one chart (IDA subscales)
    band_note: Any = ""
    lower_is_better: bool = False
    min_age: int | None = None
    max_age: int | None = None  # inclusive
    self_min_age: int | None = None  # SDQ self-report starts older
    wording_allowed: bool = False  # may item wording be shown on screen (licence note)
    option_hint: Any = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def items(self) -> int:
        return INSTRUMENTS[self.code].items

    @property
    def codes(self) -> tuple[int, ...]:
        return INSTRUMENTS[self.code].codes

    @property
    def headline(self) -> Score:
        return self.scores[0]


SDQ_BAND_NOTE = _(
    "Bands use the SDQ four-band scheme (close to average, slightly raised, high, very high; "
    "for prosocial: slightly lowered, low, very low) on the informant's cut-points."
)

_SDQ_SCALES = (
    ("total_difficulties", _("Total difficulties (0 to 40)")),
    ("emotional", _("Emotional symptoms (0 to 10)")),
    ("conduct", _("Conduct problems (0 to 10)")),
    ("hyperactivity", _("Hyperactivity and inattention (0 to 10)")),
    ("peer", _("Peer problems (0 to 10)")),
    ("prosocial", _("Prosocial behaviour (0 to 10, higher is better)")),
    ("impact", _("Impact")),
)

_AGREE = (
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Undecided")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
)
_TIME = (
    (1, _("None of the time")),
    (2, _("Rarely")),
    (3, _("Some of the time")),
    (4, _("Often")),
    (5, _("All of the time")),
)

INFO: dict[str, InstrumentInfo] = {
    "sdq": InstrumentInfo(
        code="sdq",
        short_name=_("SDQ"),
        who=_(
            "Ages 4 to 17: completed by a parent or carer, or a teacher; ages 11 to 17 also "
            "by the young person."
        ),
        informants=("parent", "teacher", "self"),
        options=((0, _("Not true")), (1, _("Somewhat true")), (2, _("Certainly true"))),
        scores=tuple(Score(key, label, ("bands_4", key)) for key, label in _SDQ_SCALES)
        + (
            Score("externalising", _("Externalising (0 to 20, no bands)")),
            Score("internalising", _("Internalising (0 to 20, no bands)")),
        ),
        chart_range=(0, 40),
        band_note=SDQ_BAND_NOTE,
        min_age=4,
        max_age=17,
        self_min_age=11,
        option_hint=_("Enter each tick as printed: the reversed items are scored for you."),
    ),
    "score-15": InstrumentInfo(
        code="score-15",
        short_name=_("SCORE-15"),
        who=_("Completed by each family member aged 12 or over about their family."),
        informants=("self",),
        options=(
            (1, _("Describes us: very well")),
            (2, _("Describes us: well")),
            (3, _("Describes us: partly")),
            (4, _("Describes us: not well")),
            (5, _("Describes us: not at all")),
        ),
        scores=(
            Score("total", _("Total (15 to 75, lower is better)")),
            Score("total_mean", _("Mean item score (1 to 5)"), decimals=2),
            Score("strengths_adaptability", _("Strengths and adaptability (5 to 25)")),
            Score("overwhelmed_by_difficulties", _("Overwhelmed by difficulties (5 to 25)")),
            Score("disrupted_communication", _("Disrupted communication (5 to 25)")),
        ),
        chart_range=(15, 75),
        band_note=_(
            "SCORE-15 has no published bands. Lower scores mean healthier family functioning."
        ),
        lower_is_better=True,
        min_age=12,
        wording_allowed=True,
        option_hint=_("Enter the number ticked for each item, as printed."),
    ),
    "ida": InstrumentInfo(
        code="ida",
        short_name=_("Adult Wellbeing Scale"),
        who=_(
            "Completed by an adult about themselves (the IDA scale in the Family Pack of "
            "Questionnaires and Scales)."
        ),
        informants=("self",),
        options=(
            (1, _("First option")),
            (2, _("Second option")),
            (3, _("Third option")),
            (4, _("Fourth option")),
        ),
        scores=(
            Score("depression", _("Depression (0 to 15)"), ("bands", "depression")),
            Score("anxiety", _("Anxiety (0 to 15)"), ("bands", "anxiety")),
            Score(
                "outward_irritability",
                _("Outward irritability (0 to 12)"),
                ("bands", "outward_irritability"),
            ),
            Score(
                "inward_irritability",
                _("Inward irritability (0 to 12)"),
                ("bands", "inward_irritability"),
            ),
        ),
        chart_range=(0, 15),
        chart_series=("depression", "anxiety", "outward_irritability", "inward_irritability"),
        band_note=_(
            "Bands: normal, borderline, high. The cut-points are still to be confirmed "
            "against the published scoring sheet."
        ),
        option_hint=_(
            "Enter the position of the option ticked, counting from the first "
            "printed: the scale's key is applied for you."
        ),
    ),
    "wemwbs": InstrumentInfo(
        code="wemwbs",
        short_name=_("WEMWBS"),
        who=_("Completed by a person about themselves."),
        informants=("self",),
        options=_TIME,
        scores=(Score("total", _("Total (14 to 70, higher is better)"), ("band",)),),
        chart_range=(14, 70),
        band_note=_("Wellbeing bands from the Warwick guidance; WEMWBS is not a diagnosis."),
    ),
    "swemwbs": InstrumentInfo(
        code="swemwbs",
        short_name=_("SWEMWBS"),
        who=_("Completed by a person about themselves."),
        informants=("self",),
        options=_TIME,
        scores=(
            Score("metric", _("Metric score (7 to 35, higher is better)"), ("band",), 2),
            Score("raw", _("Raw score (7 to 35)")),
        ),
        chart_range=(7, 35),
        band_note=_("Wellbeing bands on the metric score; SWEMWBS is not a diagnosis."),
    ),
    "urica": InstrumentInfo(
        code="urica",
        short_name=_("URICA"),
        who=_("Completed by a person about the problem they are working on."),
        informants=("self",),
        options=_AGREE,
        scores=(
            Score("readiness", _("Readiness (-2 to 14)"), ("nearest_stage",), 2),
            Score("precontemplation", _("Precontemplation mean (1 to 5)"), decimals=2),
            Score("contemplation", _("Contemplation mean (1 to 5)"), decimals=2),
            Score("action", _("Action mean (1 to 5)"), decimals=2),
            Score("maintenance", _("Maintenance mean (1 to 5)"), decimals=2),
        ),
        chart_range=(-2, 14),
        band_note=_(
            "The stage shown is the nearest group mean on the scoring sheet; group means "
            "differ between populations."
        ),
    ),
}

# Printed wording per instrument and item, shown only when ``wording_allowed``. Empty: the
# project ships no instrument text (SCORE-15 may be shown unmodified, from the AFT pack).
ITEM_WORDING: dict[str, dict[int, str]] = {}

BAND_LABELS: dict[str, Any] = {
    # SDQ
    "close_to_average": _("close to average"),
    "slightly_raised": _("slightly raised"),
    "slightly_lowered": _("slightly lowered"),
    "high": _("high"),
    "very_high": _("very high"),
    "low": _("low"),
    "very_low": _("very low"),
    "normal": _("normal"),
    "borderline": _("borderline"),
    "abnormal": _("abnormal"),
    # WEMWBS and SWEMWBS
    "probable_depression": _("probable depression"),
    "possible_depression": _("possible depression"),
    "average": _("average"),
    # URICA nearest stage
    "precontemplation": _("nearest: precontemplation"),
    "contemplation": _("nearest: contemplation"),
    "action": _("nearest: action"),
}

# The SDQ impact supplement: parent and self-report forms ask about home, friendships and
# leisure; the teacher form asks about peer relations instead and not home or leisure.
SDQ_IMPACT_FIELDS: tuple[tuple[str, Any], ...] = (
    ("ebddiff", _("Overall, does the child have difficulties?")),
    ("distres", _("Distress")),
    ("imphome", _("Home life (parent and self-report forms)")),
    ("impfrie", _("Friendships, or peer relations on the teacher form")),
    ("impclas", _("Classroom learning")),
    ("impleis", _("Leisure activities (parent and self-report forms)")),
)
SDQ_EBDDIFF_OPTIONS = (
    (0, _("No")),
    (1, _("Yes, minor difficulties")),
    (2, _("Yes, definite difficulties")),
    (3, _("Yes, severe difficulties")),
)
SDQ_IMPACT_OPTIONS = (
    (0, _("Not at all")),
    (1, _("Only a little")),
    (2, _("Quite a lot")),
    (3, _("A great deal")),
)
SDQ_TEACHER_ONLY_SKIPS = ("imphome", "impleis")


def impact_for_scorer(
    informant: str, answers: dict[str, int | None]
) -> dict[str, int | None] | None:
    """The impact mapping the scorer takes for ``informant``, or None when none was answered.

    ``answers`` is keyed by the form's names (SDQ_IMPACT_FIELDS). On the teacher form the
    friendships question is peer relations (``imppeer``).
    """
    if all(value is None for value in answers.values()):
        return None
    wanted = ("ebddiff", *sdq.IMPACT_ITEMS[informant])
    result: dict[str, int | None] = {}
    for name in wanted:
        source = "impfrie" if name == "imppeer" else name
        result[name] = answers.get(source)
    return result


def info(code: str) -> InstrumentInfo:
    return INFO[code]


def band_label(value: object) -> str:
    return str(BAND_LABELS.get(str(value), value)) if value else ""


def dig(scores: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = scores
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
