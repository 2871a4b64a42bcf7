from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyworkbook.access.models import SharingAgreement
from familyworkbook.demo import access_seed, builders
from familyworkbook.teams.models import Organisation, OrganisationKind, Role


def test_demo_logins_prints_a_working_authenticator_secret_per_user(db):
    builders.worker("social_worker", role=Role.SOCIAL_WORKER)
    builders.worker("performance", role=Role.PERFORMANCE)
    Organisation.objects.create(name="Probation Service", kind=OrganisationKind.PROBATION)
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    device = TOTPDevice.objects.get(user__username="social_worker", confirmed=True)
    assert access_seed.secret_of(device) in text
    row = next(line for line in text.splitlines() if " social_worker " in line)
    code = row.split()[-2]  # the code column, before the team
    assert device.verify_token(code)
    # Same secret on every run: the demo's printed secrets stay valid.
    assert device.bin_key == access_seed.demo_key("social_worker")
    call_command("demo_logins", stdout=StringIO())
    assert TOTPDevice.objects.filter(user__username="social_worker").count() == 1
    assert SharingAgreement.objects.filter(organisation__name="Probation Service").exists()
    from django.contrib.auth.models import Group

    assert (
        Group.objects.get(name="Information governance")
        .user_set.filter(username="performance")
        .exists()
    )
