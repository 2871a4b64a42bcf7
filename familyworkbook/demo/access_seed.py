"""Demo county access set-up: an authenticator (TOTP) device per demo user, the partners'
information-sharing agreements, and the information-governance demo user.

Demo users' TOTP secrets are derived from their usernames, so the secrets `demo_logins`
prints stay the same however often the county is rebuilt. Never used outside the demo: real
accounts set up their own authenticator at first sign-in (access.signin.set_up).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyworkbook.access.models import Category, SharingAgreement
from familyworkbook.teams.models import Organisation, OrganisationKind, Role, User

DEVICE_NAME = "Demo authenticator"


def demo_key(username: str) -> bytes:
    return hashlib.sha256(f"family-workbook-demo-totp:{username}".encode()).digest()[:20]


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


@transaction.atomic
def ensure_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, name=DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=demo_key(user.username).hex(), confirmed=True
        )
    return device


@transaction.atomic
def ensure_agreements() -> int:
    """Each partner organisation may see the family record and statutory episodes."""
    made = 0
    for org in Organisation.objects.exclude(kind=OrganisationKind.COUNCIL):
        _, created = SharingAgreement.objects.get_or_create(
            organisation=org,
            name=f"{org.name}: Family Safeguarding information-sharing agreement",
            defaults={
                "categories": [Category.FAMILY_RECORD, Category.STATUTORY],
                "starts_on": dt.date(2020, 4, 1),
            },
        )
        made += created
    return made


def ensure_information_governance(username: str = Role.PERFORMANCE) -> None:
    group = Group.objects.filter(name="Information governance").first()
    user = User.objects.filter(username=username).first()
    if group and user:
        user.groups.add(group)
