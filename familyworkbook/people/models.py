"""People, their addresses, families and the relationships between them.

A Person is anyone the record is about: a child, an unborn baby or an adult. Identifiers
(UPN, NHS number, LA child ID) are validated here because statutory returns reject bad ones.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from familyworkbook.core import clock, scoping
from familyworkbook.core.codes import Disability, Ethnicity, Sex, UpnUnknown
from familyworkbook.core.encryption import BlindIndexField, EncryptedCharField, blind_index
from familyworkbook.core.models import ArchivableQuerySet, RecordModel

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(body: str) -> str:
    """The DfE check letter for the 12 characters after it (weights 2..13)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else UPN_CHECK_LETTERS.index(char)
        total += value * weight
    return UPN_CHECK_LETTERS[total % 23]


def validate_upn(value: str) -> None:
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", value or ""):
        raise ValidationError(
            _("Enter a UPN of 13 characters: a letter, 11 digits and a digit or letter")
        )
    if value[12].isalpha() and value[12] not in UPN_CHECK_LETTERS:
        raise ValidationError(_("Enter a UPN whose last character is a valid letter"))
    if upn_check_letter(value[1:]) != value[0]:
        raise ValidationError(_("Enter a valid UPN: the check letter does not match"))


def nhs_check_digit(first_nine: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(value: str) -> None:
    digits = (value or "").replace(" ", "")
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(_("Enter an NHS number of 10 digits"))
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(_("Enter a valid NHS number: the check digit does not match"))


def validate_la_child_id(value: str) -> None:
    if not re.fullmatch(r"[A-Z0-9]{1,20}", value or ""):
        raise ValidationError(_("LA child ID must be 1 to 20 capital letters and digits"))


def validate_disabilities(value: list[str]) -> None:
    codes = set(Disability.values)
    if not isinstance(value, list) or any(code not in codes for code in value):
        raise ValidationError(_("Select disabilities from the list"))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each disability can only be selected once"))
    if Disability.NONE in value and len(value) > 1:
        raise ValidationError(_("Select 'No disability' on its own, or select the disabilities"))


class PersonKind(models.TextChoices):
    CHILD = "child", _("Child")
    UNBORN = "unborn", _("Unborn child")
    ADULT = "adult", _("Adult")


class PersonQuerySet(ArchivableQuerySet):
    def visible_to(self, user) -> PersonQuerySet:  # type: ignore[no-untyped-def]
        """People this user may see: the access policy decides (`core.scoping`, `access.policy`)."""
        return scoping.scope(self.filter(archived_at__isnull=True), user)

    def search(self, query: str) -> PersonQuerySet:
        """Match on name (whole or part), date of birth (dd/mm/yyyy or yyyy-mm-dd) or an identifier."""
        query = " ".join(query.split())
        if not query:
            return self.none()
        date_of_birth = _parse_date(query)
        if date_of_birth:
            return self.filter(
                Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth)
            )
        compact = query.replace(" ", "").upper()
        identifiers = Q(upn=compact) | Q(nhs_number=compact) | Q(la_child_id=compact)
        names = Q()
        for term in query.split():
            names &= (
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(known_as__icontains=term)
                | Q(other_names__icontains=term)
            )
        return self.filter(identifiers | names)

    def possible_duplicates(
        self,
        *,
        first_name: str,
        last_name: str,
        born_on: dt.date | None,
        nhs_number: str = "",
        upn: str = "",
    ) -> PersonQuerySet:
        """People who may be the same person: same birth date and a shared first or last name,
        or the same NHS number or UPN.

        Deliberately loose: a worker deciding "these are different people" costs a click,
        while two records for one child split the history that safeguarding depends on.
        """
        match = Q(pk__in=[])
        if born_on:
            same_name = Q(last_name__iexact=last_name.strip())
            if first_name.strip():
                same_name |= Q(first_name__iexact=first_name.strip())
            match |= (Q(date_of_birth=born_on) | Q(expected_date_of_birth=born_on)) & same_name
        if nhs_number:
            match |= Q(nhs_number=nhs_number)
        if upn:
            match |= Q(upn=upn)
        return self.filter(match)


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, not a time
        except ValueError:
            continue
    return None


class Person(RecordModel):
    kind = models.CharField(_("kind"), max_length=10, choices=PersonKind.choices)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    known_as = models.CharField(_("known as"), max_length=100, blank=True)
    other_names = models.CharField(_("other names used"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    expected_date_of_birth = models.DateField(_("expected date of birth"), null=True, blank=True)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(_("gender identity"), max_length=100, blank=True)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT
    )
    disabilities = models.JSONField(
        _("disabilities"), default=list, blank=True, validators=[validate_disabilities]
    )
    upn = models.CharField(
        _("unique pupil number (UPN)"), max_length=13, blank=True, validators=[validate_upn]
    )
    upn_unknown_reason = models.CharField(
        _("reason UPN is not known"), max_length=3, choices=UpnUnknown.choices, blank=True
    )
    nhs_number = models.CharField(
        _("NHS number"), max_length=10, blank=True, validators=[validate_nhs_number]
    )
    la_child_id = models.CharField(
        _("LA child ID"), max_length=20, blank=True, validators=[validate_la_child_id]
    )
    main_language = models.CharField(_("main language"), max_length=50, default="English")
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["la_child_id"],
                condition=~Q(la_child_id=""),
                name="person_unique_la_child_id",
            ),
            models.UniqueConstraint(
                fields=["nhs_number"], condition=~Q(nhs_number=""), name="person_unique_nhs_number"
            ),
            models.CheckConstraint(
                condition=~Q(kind="unborn") | Q(date_of_birth__isnull=True),
                name="person_unborn_has_no_birth_date",
                violation_error_message=_(
                    "An unborn child has an expected date of birth, not a date of birth"
                ),
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("cases:person", args=[self.pk])

    @property
    def full_name(self) -> str:
        if self.kind == PersonKind.UNBORN and not self.first_name:
            return str(_("Unborn baby %(name)s") % {"name": self.last_name})
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, on: dt.date) -> int | None:
        if not self.date_of_birth:
            return None
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(clock.today())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == PersonKind.UNBORN:
            if not self.expected_date_of_birth:
                errors["expected_date_of_birth"] = _("Enter the expected date of birth")
        elif not self.date_of_birth and self.kind == PersonKind.CHILD:
            errors["date_of_birth"] = _("Enter the child's date of birth")
        if self.date_of_birth and self.date_of_birth > clock.today():
            errors["date_of_birth"] = _("Date of birth must be today or in the past")
        if self.date_of_death and self.date_of_birth and self.date_of_death < self.date_of_birth:
            errors["date_of_death"] = _("Date of death must be on or after the date of birth")
        if self.upn and self.upn_unknown_reason:
            errors["upn_unknown_reason"] = _("Give a UPN or a reason it is not known, not both")
        if errors:
            raise ValidationError(errors)


class AddressKind(models.TextChoices):
    HOME = "home", _("Home")
    SAFE = "safe", _("Safe address (refuge or hidden)")
    PLACEMENT = "placement", _("Placement")
    CORRESPONDENCE = "correspondence", _("Correspondence")


UK_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    compact = "".join((value or "").upper().split())
    match = UK_POSTCODE_RE.match(compact)
    if not match:
        raise ValidationError(_("Enter a real postcode, like CB3 0AP"))
    return f"{match.group(1)} {match.group(2)}"


class AddressQuerySet(ArchivableQuerySet):
    def visible_to(self, user) -> AddressQuerySet:  # type: ignore[no-untyped-def]
        """Addresses of people this user may see; protected ones only with an explicit grant."""
        return scoping.scope(self.filter(archived_at__isnull=True), user)

    def ongoing(self) -> AddressQuerySet:
        """Not archived and not ended."""
        return self.filter(archived_at__isnull=True, to_date__isnull=True)

    def with_postcode(self, postcode: str) -> AddressQuerySet:
        """Addresses at this postcode, however it is spaced or cased, found through the blind
        index (the postcode itself is encrypted)."""
        index = blind_index(postcode)
        return self.filter(postcode_index=index) if index else self.none()


class Address(RecordModel):
    """Where a person lives or lived. A protected address is hidden by the access policy."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="addresses")
    kind = models.CharField(
        _("kind"), max_length=20, choices=AddressKind.choices, default=AddressKind.HOME
    )
    # Encrypted at rest, every row (R16; decision: data-field-encryption). SQL cannot compare
    # them: the postcode is found through `postcode_index` (`with_postcode`).
    line_1 = EncryptedCharField(_("address line 1"), max_length=200)
    line_2 = EncryptedCharField(_("address line 2"), max_length=200, blank=True)
    town = EncryptedCharField(_("town or city"), max_length=100)
    postcode = EncryptedCharField(_("postcode"), max_length=8)
    postcode_index = BlindIndexField(source="postcode")
    from_date = models.DateField(_("lived here from"))
    to_date = models.DateField(_("lived here until"), null=True, blank=True)
    protected = models.BooleanField(
        _("protected"),
        default=False,
        help_text=_(
            "A survivor's safe address or a hidden child's location: shown only to those with an explicit grant."
        ),
    )

    objects = AddressQuerySet.as_manager()

    class Meta:
        ordering = ["-from_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=models.F("from_date")),
                name="address_dates_ordered",
                violation_error_message=_(
                    "The date they left must be on or after the date they moved in"
                ),
            )
        ]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)

    @property
    def is_current(self) -> bool:
        return self.to_date is None

    def clean(self) -> None:
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)


class RegistrationKind(models.TextChoices):
    SCHOOL = "school", _("School")
    GP = "gp", _("GP practice")


URN_RE = re.compile(r"^\d{6}$")
ODS_PRACTICE_RE = re.compile(r"^[A-Z]\d{5}$")


class RegistrationQuerySet(ArchivableQuerySet):
    def visible_to(self, user) -> RegistrationQuerySet:  # type: ignore[no-untyped-def]
        """Schools and GP practices of people this user may see; a hidden child's only with a grant."""
        return scoping.scope(self.filter(archived_at__isnull=True), user)

    def ongoing(self) -> RegistrationQuerySet:
        return self.filter(archived_at__isnull=True, to_date__isnull=True)


class Registration(RecordModel):
    """A person's school or GP practice. For a hidden child (`hidden`), the name and code are
    protected fields: the access policy leaves the row out for anyone without a grant, and
    never shows it to a domestic abuse perpetrator worker (rules held in access.ProtectionRule)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registrations")
    kind = models.CharField(_("kind"), max_length=10, choices=RegistrationKind.choices)
    # Encrypted at rest, every row (R16): a hidden child's school names where the child is.
    name = EncryptedCharField(_("name"), max_length=200)
    code = EncryptedCharField(
        _("URN or ODS code"),
        max_length=10,
        blank=True,
        help_text=_("A school's 6-digit URN or a GP practice's ODS code, like A81001"),
    )
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("until"), null=True, blank=True)
    hidden = models.BooleanField(
        _("hidden child"),
        default=False,
        help_text=_(
            "The child is hidden from someone: this school or GP is shown only to those with an explicit grant."
        ),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-from_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=models.F("from_date")),
                name="registration_dates_ordered",
            )
        ]
        verbose_name = _("school or GP practice")
        verbose_name_plural = _("schools and GP practices")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    def clean(self) -> None:
        self.code = "".join((self.code or "").split()).upper()
        if self.code:
            pattern = URN_RE if self.kind == RegistrationKind.SCHOOL else ODS_PRACTICE_RE
            if not pattern.match(self.code):
                message = (
                    _("Enter the school's URN as 6 digits, like 110123")
                    if self.kind == RegistrationKind.SCHOOL
                    else _("Enter the practice's ODS code as a letter and 5 digits, like A81001")
                )
                raise ValidationError({"code": message})


class FamilyQuerySet(ArchivableQuerySet):
    def visible_to(self, user) -> FamilyQuerySet:  # type: ignore[no-untyped-def]
        """Families this user may see: the access policy decides (`core.scoping`, `access.policy`)."""
        return scoping.scope(self.filter(archived_at__isnull=True), user)

    def search(self, query: str) -> FamilyQuerySet:
        """Match on the family name (every word, in part) or the family reference (exactly)."""
        query = " ".join(query.split())
        if not query:
            return self.none()
        names = Q()
        for term in query.split():
            names &= Q(name__icontains=term)
        return self.filter(names | Q(reference__iexact=query.replace(" ", "")))


class Family(RecordModel):
    name = models.CharField(_("family name"), max_length=200)
    reference = models.CharField(_("family reference"), max_length=20, unique=True)
    members = models.ManyToManyField(Person, through="FamilyMembership", related_name="families")

    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("cases:family", args=[self.pk])


class MembershipKind(models.TextChoices):
    HOUSEHOLD = "household", _("Lives in the household")
    NETWORK = "network", _("Wider family or network")


class ContactFrequency(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    OCCASIONAL = "occasional", _("Now and then")
    NONE = "none", _("No contact")


class FamilyMembershipQuerySet(ArchivableQuerySet):
    def visible_to(self, user) -> FamilyMembershipQuerySet:  # type: ignore[no-untyped-def]
        """Memberships where this user may see both the family and the person."""
        return self.filter(
            archived_at__isnull=True,
            family__in=Family.objects.visible_to(user),
            person__in=Person.objects.visible_to(user),
        )

    def ongoing(self) -> FamilyMembershipQuerySet:
        """Not archived and not ended."""
        return self.filter(archived_at__isnull=True, ended_on__isnull=True)


class FamilyMembership(RecordModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(_("how they belong"), max_length=20, choices=MembershipKind.choices)
    contact = models.CharField(
        _("how often they are in contact"),
        max_length=20,
        choices=ContactFrequency.choices,
        default=ContactFrequency.DAILY,
    )
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = FamilyMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["family", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "person"],
                condition=Q(ended_on__isnull=True) & Q(archived_at__isnull=True),
                name="membership_one_current_per_family",
            ),
        ]
        verbose_name = _("family membership")
        verbose_name_plural = _("family memberships")

    def __str__(self) -> str:
        return f"{self.person} in {self.family}"


class RelationshipKind(models.TextChoices):
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    STEP_PARENT = "step_parent", _("Step-parent")
    STEP_CHILD = "step_child", _("Step-child")
    SIBLING = "sibling", _("Sibling")
    HALF_SIBLING = "half_sibling", _("Half-sibling")
    STEP_SIBLING = "step_sibling", _("Step-sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    NIECE_NEPHEW = "niece_nephew", _("Niece or nephew")
    PARTNER = "partner", _("Partner")
    EX_PARTNER = "ex_partner", _("Former partner")
    CARER = "carer", _("Carer (kinship or foster)")
    CARED_FOR = "cared_for", _("Cared for by")
    FRIEND = "friend", _("Family friend")

    @classmethod
    def inverse_of(cls, kind: str) -> str:
        return _INVERSES[kind]


_INVERSES = {
    "parent": "child",
    "child": "parent",
    "step_parent": "step_child",
    "step_child": "step_parent",
    "sibling": "sibling",
    "half_sibling": "half_sibling",
    "step_sibling": "step_sibling",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "aunt_uncle": "niece_nephew",
    "niece_nephew": "aunt_uncle",
    "partner": "partner",
    "ex_partner": "ex_partner",
    "carer": "cared_for",
    "cared_for": "carer",
    "friend": "friend",
}
PARENTING_KINDS = {"parent", "step_parent", "grandparent", "aunt_uncle", "carer"}


class RelationshipQuerySet(ArchivableQuerySet):
    def visible_to(self, user) -> RelationshipQuerySet:  # type: ignore[no-untyped-def]
        """Relationships between two people this user may see."""
        people = Person.objects.visible_to(user)
        return self.filter(archived_at__isnull=True, person__in=people, other__in=people)

    def ongoing(self) -> RelationshipQuerySet:
        """Not archived and not ended."""
        return self.filter(archived_at__isnull=True, ended_on__isnull=True)


class Relationship(RecordModel):
    """`person` is the `kind` of `other` ("Sam is the parent of Ava"). Stored with its inverse.

    Parental responsibility and main carer sit on the row where `person` cares for `other`.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("relationship"), max_length=20, choices=RelationshipKind.choices)
    inverse = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parental_responsibility = models.BooleanField(_("has parental responsibility"), default=False)
    is_main_carer = models.BooleanField(_("is the main carer"), default=False)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["person", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=models.F("other")),
                name="relationship_not_with_self",
                violation_error_message=_("A person cannot have a relationship with themselves"),
            ),
            models.UniqueConstraint(
                fields=["person", "other", "kind"],
                condition=Q(archived_at__isnull=True) & Q(ended_on__isnull=True),
                name="relationship_unique_current",
            ),
            models.CheckConstraint(
                condition=Q(parental_responsibility=False) | Q(kind__in=sorted(PARENTING_KINDS)),
                name="relationship_pr_only_for_carers",
                violation_error_message=_(
                    "Only a parent or carer can have parental responsibility"
                ),
            ),
        ]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")

    def __str__(self) -> str:
        return f"{self.person} is {self.get_kind_display().lower()} of {self.other}"

    def clean(self) -> None:
        if self.person_id and self.person_id == self.other_id:
            raise ValidationError(_("A person cannot be their own parent or relative"))
        if self.parental_responsibility and self.kind not in PARENTING_KINDS:
            raise ValidationError(
                {
                    "parental_responsibility": _(
                        "Only a parent or carer can have parental responsibility"
                    )
                }
            )
