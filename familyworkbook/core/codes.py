"""The DfE code lists and local code lists the record uses, as Django choices.

Anything a statutory return or a KPI counts is one of these codes, never free text.
Sources: the CIN census 2025/26 and SSDA903 2025/26 guides (see docs/glossary.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """Statutory sex, as the CIN census (from 2024/25) and SSDA903 record it."""

    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Not known or not recorded")


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", _("White British")
    WIRI = "WIRI", _("White Irish")
    WIRT = "WIRT", _("Traveller of Irish heritage")
    WOTH = "WOTH", _("Any other White background")
    WROM = "WROM", _("Gypsy/Roma")
    MWBC = "MWBC", _("White and Black Caribbean")
    MWBA = "MWBA", _("White and Black African")
    MWAS = "MWAS", _("White and Asian")
    MOTH = "MOTH", _("Any other mixed background")
    AIND = "AIND", _("Indian")
    APKN = "APKN", _("Pakistani")
    ABAN = "ABAN", _("Bangladeshi")
    AOTH = "AOTH", _("Any other Asian background")
    BCRB = "BCRB", _("Black Caribbean")
    BAFR = "BAFR", _("Black African")
    BOTH = "BOTH", _("Any other Black background")
    CHNE = "CHNE", _("Chinese")
    OOTH = "OOTH", _("Any other ethnic group")
    REFU = "REFU", _("Refused")
    NOBT = "NOBT", _("Information not yet obtained")


class Disability(models.TextChoices):
    NONE = "NONE", _("No disability")
    MOB = "MOB", _("Mobility")
    HAND = "HAND", _("Hand function")
    PC = "PC", _("Personal care")
    INC = "INC", _("Incontinence")
    COMM = "COMM", _("Communication")
    LD = "LD", _("Learning")
    HEAR = "HEAR", _("Hearing")
    VIS = "VIS", _("Vision")
    BEH = "BEH", _("Behaviour")
    CON = "CON", _("Consciousness")
    AUT = "AUT", _("Autism or Asperger syndrome")
    DDA = "DDA", _("Other disability (Equality Act)")


class UpnUnknown(models.TextChoices):
    UN1 = "UN1", _("Child is aged under 6 years old and is not yet attending school")
    UN2 = "UN2", _("Child has never attended a school in England")
    UN3 = "UN3", _("Child is educated outside of school")
    UN4 = "UN4", _("Child is newly arrived and UPN not yet known")
    UN5 = "UN5", _("Sources collating UPNs reflect discrepancy")
    UN6 = "UN6", _("Child is aged 6 years or over and not yet attending school")
    UN7 = "UN7", _("Child is unaccompanied asylum-seeking child")


class ReferralSource(models.TextChoices):
    S1A = "1A", _("Individual: family member, relative or carer")
    S1B = "1B", _("Individual: acquaintance")
    S1C = "1C", _("Individual: self")
    S1D = "1D", _("Individual: other")
    S2A = "2A", _("Schools")
    S2B = "2B", _("Education services")
    S3A = "3A", _("Health: GP")
    S3B = "3B", _("Health: health visitor")
    S3C = "3C", _("Health: school nurse")
    S3D = "3D", _("Health: other primary health services")
    S3E = "3E", _("Health: A&E")
    S3F = "3F", _("Health: other")
    S4 = "4", _("Housing")
    S5A = "5A", _("LA services: social care")
    S5B = "5B", _("LA services: other internal")
    S5C = "5C", _("LA services: external, for example from another LA")
    S5D = "5D", _("LA services: early help")
    S6 = "6", _("Police")
    S7 = "7", _("Other legal agency")
    S8 = "8", _("Other")
    S9 = "9", _("Anonymous")
    S10 = "10", _("Unknown")


class PrimaryNeed(models.TextChoices):
    N1 = "N1", _("Abuse or neglect")
    N2 = "N2", _("Child's disability")
    N3 = "N3", _("Parental disability or illness")
    N4 = "N4", _("Family in acute stress")
    N5 = "N5", _("Family dysfunction")
    N6 = "N6", _("Socially unacceptable behaviour")
    N7 = "N7", _("Low income")
    N8 = "N8", _("Absent parenting")
    N9 = "N9", _("Cases other than children in need")
    N0 = "N0", _("Not stated")


class SecondaryNeed(models.TextChoices):
    """Local secondary categories of need, as Cambridgeshire recorded them (seed 004)."""

    ABUSE_NEGLECT = "ABN", _("Abuse or neglect")
    MENTAL_HEALTH = "MH", _("Mental health")
    DOMESTIC_ABUSE = "DA", _("Domestic abuse or violence")
    SUBSTANCE_MISUSE = "SM", _("Substance misuse")
    LEARNING_DISABILITY = "LD", _("Learning disability")
    YOUNG_CARER = "YC", _("Young carer")
    SOCIALLY_UNACCEPTABLE = "SUB", _("Socially unacceptable behaviour")
    PHYSICAL_DISABILITY = "PD", _("Physical disability or illness")
    SELF_HARM = "SH", _("Self harm")
    CSE = "CSE", _("Child sexual exploitation")
    GANGS = "GANG", _("Gangs")
    FAITH = "FAITH", _("Abuse linked to faith or belief")
    OTHER = "OTH", _("Other")


class CinClosureReason(models.TextChoices):
    RC1 = "RC1", _("Adopted")
    RC2 = "RC2", _("Died")
    RC3 = "RC3", _("Child arrangements order")
    RC4 = "RC4", _("Special guardianship order")
    RC5 = "RC5", _("Transferred to another local authority")
    RC6 = "RC6", _("Transferred to adult social care")
    RC7 = "RC7", _("Services ceased for any other reason")
    RC8 = "RC8", _("Case closed after assessment, no further action")
    RC9 = "RC9", _("Case closed after assessment, referred to early help")


class AbuseCategory(models.TextChoices):
    NEG = "NEG", _("Neglect")
    PHY = "PHY", _("Physical abuse")
    SAB = "SAB", _("Sexual abuse")
    EMO = "EMO", _("Emotional abuse")
    MUL = "MUL", _("Multiple")


class AssessmentFactor(models.TextChoices):
    F1A = "1A", _("Alcohol misuse: child")
    F1B = "1B", _("Alcohol misuse: parent or carer")
    F1C = "1C", _("Alcohol misuse: other person in household")
    F2A = "2A", _("Drug misuse: child")
    F2B = "2B", _("Drug misuse: parent or carer")
    F2C = "2C", _("Drug misuse: other person in household")
    F3A = "3A", _("Domestic abuse: child")
    F3B = "3B", _("Domestic abuse: parent or carer")
    F3C = "3C", _("Domestic abuse: other person in household")
    F4A = "4A", _("Mental health: child")
    F4B = "4B", _("Mental health: parent or carer")
    F4C = "4C", _("Mental health: other person in household")
    F5A = "5A", _("Learning disability: child")
    F5B = "5B", _("Learning disability: parent or carer")
    F5C = "5C", _("Learning disability: other person in household")
    F6A = "6A", _("Physical disability or illness: child")
    F6B = "6B", _("Physical disability or illness: parent or carer")
    F6C = "6C", _("Physical disability or illness: other person in household")
    F7A = "7A", _("Young carer")
    F8B = "8B", _("Private fostering: overseas child, parents overseas")
    F8C = "8C", _("Private fostering: overseas child, parents in UK")
    F8D = "8D", _("Private fostering: UK child, educational")
    F8E = "8E", _("Private fostering: UK child, parents' choice")
    F8F = "8F", _("Private fostering: other")
    F9A = "9A", _("Unaccompanied asylum-seeking child")
    F10A = "10A", _("Missing")
    F11A = "11A", _("Child sexual exploitation")
    F12A = "12A", _("Trafficking")
    F13A = "13A", _("Gangs")
    F14A = "14A", _("Socially unacceptable behaviour")
    F15A = "15A", _("Self-harm")
    F16A = "16A", _("Neglect")
    F17A = "17A", _("Emotional abuse")
    F18B = "18B", _("Physical abuse: by a child")
    F18C = "18C", _("Physical abuse: by an adult")
    F19B = "19B", _("Sexual abuse: by a child")
    F19C = "19C", _("Sexual abuse: by an adult")
    F20 = "20", _("Other")
    F21 = "21", _("No factors identified")
    F22A = "22A", _("Female genital mutilation")
    F23A = "23A", _("Abuse linked to faith or belief")
    F24A = "24A", _("Child criminal exploitation")


class LegalStatus(models.TextChoices):
    C1 = "C1", _("Interim care order")
    C2 = "C2", _("Full care order")
    D1 = "D1", _("Freeing order granted")
    E1 = "E1", _("Placement order granted")
    V2 = "V2", _("Single period of accommodation under section 20")
    V3 = "V3", _("Accommodated under an agreed series of short-term breaks (single placements)")
    V4 = "V4", _("Accommodated under an agreed series of short-term breaks (multiple placements)")
    J1 = "J1", _("Remanded to local authority accommodation or youth detention")
    J2 = "J2", _("Placed in local authority accommodation under PACE")
    J3 = "J3", _("Sentenced to a child arrangements order with residence requirement")
    L1 = "L1", _("Under police protection and in local authority accommodation")
    L2 = "L2", _("Emergency protection order")
    L3 = "L3", _("Under child assessment order and in local authority accommodation")


class ReasonNewEpisode(models.TextChoices):
    S = "S", _("Started to be looked after")
    L = "L", _("Change of legal status only")
    P = "P", _("Change of placement and carer(s) only")
    T = "T", _("Change of placement only, same carer(s)")
    B = "B", _("Change of legal status and placement and carer(s) at the same time")
    U = "U", _("Change of legal status and change of placement, same carer(s)")


class PlacementType(models.TextChoices):
    A3 = "A3", _("Placed for adoption with parental consent, with current foster carer(s)")
    A4 = "A4", _("Placed for adoption with parental consent, not with current foster carer(s)")
    A5 = "A5", _("Placed for adoption with placement order, with current foster carer(s)")
    A6 = "A6", _("Placed for adoption with placement order, not with current foster carer(s)")
    K1 = "K1", _("Secure children's home")
    K2 = "K2", _("Children's home")
    K3 = "K3", _("Supported accommodation (16 and over)")
    P1 = "P1", _("Placed with own parent(s) or other person(s) with parental responsibility")
    P3 = "P3", _("Residential employment")
    R1 = "R1", _("Residential care home")
    R2 = "R2", _("NHS or health trust or other establishment providing medical or nursing care")
    R3 = "R3", _("Family centre or mother and baby unit")
    R5 = "R5", _("Young offender institution or prison")
    S1 = (
        "S1",
        _("All residential schools, except where dual-registered as a school and children's home"),
    )
    T0 = "T0", _("Temporary placement: all types of temporary move")
    T1 = "T1", _("Temporary periods in hospital")
    T2 = "T2", _("Temporary absences of the child on holiday")
    T3 = "T3", _("Temporary accommodation whilst normal foster carer(s) is/are on holiday")
    T4 = "T4", _("Temporary accommodation of seven days or less")
    U1 = "U1", _("Foster placement with relative(s) or friend(s): long-term fostering")
    U2 = (
        "U2",
        _(
            "Foster placement with relative(s) or friend(s) who is/are also an approved adopter(s): fostering for adoption or concurrent planning"
        ),
    )
    U3 = (
        "U3",
        _(
            "Foster placement with relative(s) or friend(s): not long-term or FFA/concurrent planning"
        ),
    )
    U4 = "U4", _("Foster placement with other foster carer(s): long-term fostering")
    U5 = (
        "U5",
        _(
            "Foster placement with other foster carer(s) who is/are also an approved adopter(s): fostering for adoption or concurrent planning"
        ),
    )
    U6 = (
        "U6",
        _("Foster placement with other foster carer(s): not long-term or FFA/concurrent planning"),
    )
    Z11 = "Z11", _("Other placements: living independently")
    Z12 = "Z12", _("Other placements: other arrangements")
    Z13 = "Z13", _("Other placements: unregulated")
    Z14 = "Z14", _("Other placements: unregistered")


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", _("Parent(s) or other person(s) with parental responsibility")
    PR1 = "PR1", _("Own provision (by the council)")
    PR2 = "PR2", _("Other local authority provision")
    PR3 = "PR3", _("Other public provision (for example, a primary care trust)")
    PR4 = "PR4", _("Private provision")
    PR5 = "PR5", _("Voluntary or third sector provision")


class ReasonEpisodeCeased(models.TextChoices):
    E11 = "E11", _("Adopted: application for an adoption order unopposed")
    E12 = "E12", _("Adopted: consent dispensed with by the court")
    E2 = "E2", _("Died")
    E3 = "E3", _("Care taken over by another local authority in the UK")
    E4A = "E4A", _("Returned home to live with parent(s) as part of the care planning process")
    E4B = "E4B", _("Returned home to live with parent(s) not as part of the care planning process")
    E13 = (
        "E13",
        _(
            "Left care to live with parent(s), relative(s), or other person(s) with no parental responsibility"
        ),
    )
    E41 = "E41", _("Residence order or child arrangements order granted")
    E45 = (
        "E45",
        _(
            "Special guardianship order made to former foster carer(s), who was/are a relative(s) or friend(s)"
        ),
    )
    E46 = (
        "E46",
        _(
            "Special guardianship order made to former foster carer(s), other than relative(s) or friend(s)"
        ),
    )
    E47 = (
        "E47",
        _(
            "Special guardianship order made to carer(s), other than former foster carer(s), who was/are a relative(s) or friend(s)"
        ),
    )
    E48 = (
        "E48",
        _(
            "Special guardianship order made to carer(s), other than former foster carer(s), other than relative(s) or friend(s)"
        ),
    )
    E5 = "E5", _("Moved into independent living arrangement with supportive accommodation")
    E6 = "E6", _("Moved into independent living arrangement without formalised support")
    E7 = "E7", _("Transferred to residential care funded by adult social care")
    E9 = "E9", _("Sentenced to custody")
    E14 = "E14", _("Accommodation on remand ended")
    E15 = "E15", _("Age assessment determined child is aged 18 or over")
    E16 = "E16", _("Child moved abroad")
    E17 = "E17", _("Aged 18 (or over) and remained with current carers (staying put)")
    E8 = "E8", _("Period of being looked after ceased for any other reason")
    X1 = "X1", _("Episode ceases, and new episode begins on same day, for any reason")


class ReasonPlaceChange(models.TextChoices):
    CARPL = "CARPL", _("Change to, or implementation of, care plan")
    CLOSE = "CLOSE", _("Resignation or closure of provision")
    ALLEG = "ALLEG", _("Allegation (section 47)")
    STAND = "STAND", _("Standards of care concern")
    APPRR = "APPRR", _("Approval removed")
    CREQB = "CREQB", _("Carer(s) requests placement end due to child's behaviour")
    CREQO = "CREQO", _("Carer(s) requests placement end other than due to child's behaviour")
    CHILD = "CHILD", _("Child requests placement end")
    LAREQ = "LAREQ", _("Responsible or area authority requests placement end")
    PLACE = "PLACE", _("Change in the status of placement only")
    CUSTOD = "CUSTOD", _("Custody arrangement")
    OTHER = "OTHER", _("Other")


# --- Plain wording for people ---------------------------------------------------------------
#
# The labels above are the DfE's official wording: the returns, the validators and the admin
# use them, and they stay exactly as the guides print them. Pages, chronologies and documents
# written for people (families, courts, conferences) show these plain-English labels instead.
# A code missing here falls back to the official wording (see `plain`).

PLAIN_WORDING: dict[type[models.TextChoices], dict[str, str]] = {
    ReasonNewEpisode: {
        "S": _("Started to be looked after"),
        "L": _("Legal status changed"),
        "P": _("Moved to a new home with new carers"),
        "T": _("Moved to a new home with the same carers"),
        "B": _("Legal status changed and moved to a new home with new carers"),
        "U": _("Legal status changed and moved to a new home with the same carers"),
    },
    ReasonEpisodeCeased: {
        "E11": _("Adopted (the adoption was not opposed)"),
        "E12": _("Adopted (the court decided without a parent's consent)"),
        "E2": _("Died"),
        "E3": _("Another council took over their care"),
        "E4A": _("Went home to their parents, as planned"),
        "E4B": _("Went home to their parents, not as planned"),
        "E13": _("Went to live with a parent, relative or someone else, without a court order"),
        "E41": _("A child arrangements order was made"),
        "E45": _("A special guardianship order was made to foster carers (family or friends)"),
        "E46": _("A special guardianship order was made to their foster carers"),
        "E47": _("A special guardianship order was made to family or friends"),
        "E48": _("A special guardianship order was made to other carers"),
        "E5": _("Moved to live independently, with support"),
        "E6": _("Moved to live independently, without formal support"),
        "E7": _("Moved to residential care from adult social care"),
        "E9": _("Sentenced to custody"),
        "E14": _("Remand ended"),
        "E15": _("An age assessment found they are 18 or over"),
        "E16": _("Moved abroad"),
        "E17": _("Turned 18 and stayed with their carers (staying put)"),
        "E8": _("Stopped being looked after for another reason"),
        "X1": _("Still looked after: their legal status or home changed that day"),
    },
    ReasonPlaceChange: {
        "CARPL": _("The care plan changed, or was carried out"),
        "CLOSE": _("The carer stopped caring or the home closed"),
        "ALLEG": _("An allegation was made (section 47 enquiry)"),
        "STAND": _("Concern about the standard of care"),
        "APPRR": _("The carer's approval was removed"),
        "CREQB": _("The carer asked for the move because of the child's behaviour"),
        "CREQO": _("The carer asked for the move for another reason"),
        "CHILD": _("The child asked to move"),
        "LAREQ": _("The council asked for the move"),
        "PLACE": _("The home's status changed, not the home"),
        "CUSTOD": _("Custody arrangement"),
        "OTHER": _("Another reason"),
    },
    CinClosureReason: {
        "RC1": _("Adopted"),
        "RC2": _("Died"),
        "RC3": _("A child arrangements order was made"),
        "RC4": _("A special guardianship order was made"),
        "RC5": _("Moved to another council's area"),
        "RC6": _("Moved to adult social care"),
        "RC7": _("Support from children's social care ended"),
        "RC8": _("Closed after the assessment: no further action"),
        "RC9": _("Closed after the assessment: referred to early help"),
    },
}


def plain(choices: type[models.TextChoices], code: str) -> str:
    """The plain-English wording of a DfE code, for people; the official wording if none.

    An empty code gives "". Returns and validators use the code and `choices(code).label`.
    """
    if not code:
        return ""
    wording = PLAIN_WORDING.get(choices, {}).get(code)
    if wording is not None:
        return str(wording)
    try:
        return str(choices(code).label)
    except ValueError:
        return code
