"""Same seed, same county; and seed_demo leaves a database that already holds one alone."""

from __future__ import annotations

import contextlib
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase, override_settings

from familyworkbook.demo import builders
from familyworkbook.demo.digest import data_digest
from familyworkbook.demo.seeding import seed_county
from familyworkbook.people.models import Family
from familyworkbook.teams.models import Team, User

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _RollbackError(Exception):
    pass


def digest_of_a_fresh_seed(*, seed: int, anchor: dt.date = dt.date(2026, 11, 1)) -> str:
    """Seed an empty database, fingerprint it, and roll it all back, leaving the database empty."""
    assert not Family.objects.exists()
    digest = ""
    with contextlib.suppress(_RollbackError), transaction.atomic():
        seed_county(families=20, seed=seed, anchor=anchor)
        digest = data_digest()
        raise _RollbackError
    assert not Family.objects.exists() and not Team.objects.exists()
    return digest


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class DeterminismTests(TestCase):
    def test_the_same_seed_gives_the_same_county(self) -> None:
        assert digest_of_a_fresh_seed(seed=11) == digest_of_a_fresh_seed(seed=11)

    def test_a_different_seed_gives_a_different_county(self) -> None:
        assert digest_of_a_fresh_seed(seed=11) != digest_of_a_fresh_seed(seed=12)

    def test_the_anchor_date_not_the_clock_decides_the_dates(self) -> None:
        earlier = dt.date(2025, 6, 30)
        assert digest_of_a_fresh_seed(seed=11, anchor=earlier) != digest_of_a_fresh_seed(seed=11)

    def test_the_digest_notices_a_changed_field(self) -> None:
        with contextlib.suppress(_RollbackError), transaction.atomic():
            seed_county(families=5, seed=3)
            before = data_digest()
            family = Family.objects.order_by("reference").first()
            Family.objects.filter(pk=family.pk).update(name="Changed family")
            assert data_digest() != before
            raise _RollbackError


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class ExistingDatabaseTests(TestCase):
    def test_if_empty_leaves_a_database_with_families_alone(self) -> None:
        builders.family("Okafor")
        users = User.objects.count()
        out = StringIO()
        call_command("seed_demo", families=5, seed=1, if_empty=True, stdout=out)
        assert "left it alone" in out.getvalue()
        assert Family.objects.count() == 1
        assert not Team.objects.exists() and User.objects.count() == users

    def test_if_empty_seeds_an_empty_database(self) -> None:
        call_command("seed_demo", families=5, seed=1, if_empty=True, quiet=True, stdout=StringIO())
        assert Family.objects.count() == 5

    def test_without_if_empty_it_refuses_to_seed_over_a_county(self) -> None:
        builders.team("North Family Safeguarding Team")
        with pytest.raises(CommandError, match="already holds"):
            call_command("seed_demo", families=5, seed=1, stdout=StringIO())
        assert not Family.objects.exists()

    def test_quiet_prints_nothing(self) -> None:
        out = StringIO()
        call_command("seed_demo", families=2, seed=1, quiet=True, stdout=out)
        assert out.getvalue() == ""

    def test_it_refuses_an_anchor_date_in_the_future(self) -> None:
        with pytest.raises(CommandError, match="future"):
            call_command(
                "seed_demo", families=2, seed=1, today=dt.date(2999, 1, 1), stdout=StringIO()
            )

    def test_demo_logins_says_when_there_are_no_demo_users(self) -> None:
        out = StringIO()
        call_command("demo_logins", stdout=out)
        assert "run `manage.py seed_demo` first" in out.getvalue()
