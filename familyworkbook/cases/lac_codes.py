"""The DfE code lists of the SSDA903 facts a looked-after child's record holds (2025/26).

Typed choices for `cases/lac_models.py`; the values are the codes the return carries, so the
exporter writes them as stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AdopterLegalStatus",
    "Adopters",
    "CareLeaverAccommodation",
    "CareLeaverActivity",
    "CareLeaverContact",
    "MissingKind",
    "PlacedForAdoptionCeased",
    "PreviousPermanenceKind",
    "ReviewParticipation",
    "SdqReason",
    "SocialWorkerChangeReason",
]


class ReviewParticipation(models.TextChoices):
    PN0 = "PN0", _("Child aged under 4 at the time of the review")
    PN1 = "PN1", _("Child physically attended and spoke for themselves")
    PN2 = "PN2", _("Child physically attended and an advocate spoke for them")
    PN3 = "PN3", _("Child attended and conveyed their view symbolically")
    PN4 = "PN4", _("Child physically attended but did not speak for themselves")
    PN5 = "PN5", _("Child did not attend but briefed an advocate to speak for them")
    PN6 = "PN6", _("Child did not attend but conveyed their feelings by a facilitative medium")
    PN7 = "PN7", _("Child did not attend or contribute to the review")


class MissingKind(models.TextChoices):
    MISSING = "M", _("Missing from placement")
    AWAY = "A", _("Away from placement without authorisation")


class SdqReason(models.TextChoices):
    SDQ1 = "SDQ1", _("No form returned: child or young person refused to complete")
    SDQ2 = "SDQ2", _("No form returned: carer refused to complete")
    SDQ3 = "SDQ3", _("No form returned: not possible to complete due to severity of disability")
    SDQ4 = "SDQ4", _("No form returned: other")
    SDQ5 = "SDQ5", _("Form returned but not fully completed")


class CareLeaverContact(models.TextChoices):
    YES = "YES", _("In touch")
    NO = "NO", _("Not in touch")
    DIED = "DIED", _("Died")
    REFU = "REFU", _("Refuses contact")
    NREQ = "NREQ", _("No longer requires services")
    RHOM = "RHOM", _("Returned home to parents for more than 6 months")


class CareLeaverActivity(models.TextChoices):
    F1 = "F1", _("Full-time higher education")
    P1 = "P1", _("Part-time higher education")
    F2 = "F2", _("Full-time education other than higher education")
    P2 = "P2", _("Part-time education other than higher education")
    F4 = "F4", _("Full-time training or employment")
    P4 = "P4", _("Part-time training or employment")
    F5 = "F5", _("Full-time apprenticeship")
    P5 = "P5", _("Part-time apprenticeship")
    G4 = "G4", _("Not in education, employment or training: illness or disability")
    G5 = "G5", _("Not in education, employment or training: other reasons")
    G6 = "G6", _("Not in education, employment or training: pregnancy or parenting")
    UNKNOWN = "0", _("Information not known")


class CareLeaverAccommodation(models.TextChoices):
    B1 = "B1", _("With parents or relatives: suitable")
    B2 = "B2", _("With parents or relatives: not suitable")
    C1 = "C1", _("Community home or residential care: suitable")
    C2 = "C2", _("Community home or residential care: not suitable")
    D1 = "D1", _("Semi-independent, transitional accommodation: suitable")
    D2 = "D2", _("Semi-independent, transitional accommodation: not suitable")
    E1 = "E1", _("Supported lodgings: suitable")
    E2 = "E2", _("Supported lodgings: not suitable")
    G1 = "G1", _("Gone abroad: suitable")
    G2 = "G2", _("Gone abroad: not suitable")
    H1 = "H1", _("Deported: suitable")
    H2 = "H2", _("Deported: not suitable")
    K1 = "K1", _("Ordinary lodgings, without formal support: suitable")
    K2 = "K2", _("Ordinary lodgings, without formal support: not suitable")
    R1 = "R1", _("Residence not known: suitable")
    R2 = "R2", _("Residence not known: not suitable")
    S2 = "S2", _("No fixed abode or homeless: not suitable")
    T1 = "T1", _("Foyers and similar supported accommodation: suitable")
    T2 = "T2", _("Foyers and similar supported accommodation: not suitable")
    U1 = "U1", _("Independent living: suitable")
    U2 = "U2", _("Independent living: not suitable")
    V1 = "V1", _("Emergency accommodation: suitable")
    V2 = "V2", _("Emergency accommodation: not suitable")
    W1 = "W1", _("Bed and breakfast: suitable")
    W2 = "W2", _("Bed and breakfast: not suitable")
    X2 = "X2", _("In custody: not suitable")
    Y1 = "Y1", _("Other accommodation: suitable")
    Y2 = "Y2", _("Other accommodation: not suitable")
    Z1 = "Z1", _("With former foster carers: suitable")
    Z2 = "Z2", _("With former foster carers: not suitable")
    UNKNOWN = "0", _("Information not known")


class PlacedForAdoptionCeased(models.TextChoices):
    RD1 = "RD1", _("The child's interests are no longer best served by adoption")
    RD2 = "RD2", _("The child was placed with a special guardian")
    RD3 = "RD3", _("The child was placed under a child arrangements order")
    RD4 = "RD4", _("Any other reason")


class Adopters(models.TextChoices):
    M1 = "M1", _("Single male adopter")
    F1 = "F1", _("Single female adopter")
    MM = "MM", _("Two male adopters")
    FF = "FF", _("Two female adopters")
    MF = "MF", _("A male and a female adopter")


class AdopterLegalStatus(models.TextChoices):
    # As the DfE's rules pair them with the adopters' sexes (SSDA903 rules 514-524).
    L0 = "L0", _("A single adopter")
    L11 = "L11", _("A couple of different sexes, married to each other")
    L12 = "L12", _("A couple of the same sex, married to each other")
    L2 = "L2", _("A couple in a civil partnership")
    L3 = "L3", _("A couple of different sexes, not married or in a civil partnership")
    L4 = "L4", _("A couple of the same sex, not married or in a civil partnership")


class PreviousPermanenceKind(models.TextChoices):
    P1 = "P1", _("Adoption")
    P2 = "P2", _("Special guardianship order")
    P3 = "P3", _("Child arrangements order (or residence order) naming with whom the child lives")
    Z1 = "Z1", _("Not known, or no previous permanence")


class SocialWorkerChangeReason(models.TextChoices):
    FCONTA = "FCONTA", _("First contact: the child's first social worker")
    MANAGE = "MANAGE", _("Management decision")
    LEFTRL = "LEFTRL", _("Social worker left the role")
    ORGRST = "ORGRST", _("Organisational restructure")
    TSPROC = "TSPROC", _("Transfer between teams or processes")
    ABSENC = "ABSENC", _("Social worker absent (illness, leave)")
    CHCHAN = "CHCHAN", _("Child asked for a change")
    PCCHAN = "PCCHAN", _("Parent or carer asked for a change")
    SWDIED = "SWDIED", _("Social worker died")
    OTHERS = "OTHERS", _("Other reason")
