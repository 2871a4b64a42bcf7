"""Settings for the test run: the product's own settings, with two test-only changes.

Django hashes passwords with PBKDF2 at about a million iterations, a good half second each;
the personas alone would spend minutes on it. Tests check who may do what, not the strength
of the hash, so they use a fast hasher.

On PostgreSQL, pytest-django creates the test database `test_familyworkbook`. Two checkouts
testing against one server at once would drop each other's database, so
FWB_TEST_DATABASE_NAME may name another one (test runs only; the product never reads it).

Nothing else differs from config/settings.py, which is still read from the environment
(pytest-env sets the test values in pyproject.toml).
"""

import os

from config.settings import *  # noqa: F403
from config.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("FWB_TEST_DATABASE_NAME") and "TEST" in DATABASES["default"]:
    DATABASES["default"]["TEST"]["NAME"] = os.environ["FWB_TEST_DATABASE_NAME"]
