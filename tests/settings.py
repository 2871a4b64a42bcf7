"""Settings for the test run: the product's own settings, with one change for speed.

Django hashes passwords with PBKDF2 at about a million iterations, a good half second each;
the personas alone would spend minutes on it. Tests check who may do what, not the strength
of the hash, so they use a fast hasher. Nothing else differs from config/settings.py, which is
still read from the environment (pytest-env sets the test values in pyproject.toml).
"""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
