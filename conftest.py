"""Test-wide settings: a throwaway data directory, eager background jobs, fast password hashing."""

import os
import tempfile

import pytest

os.environ.setdefault("GOVSHARE_DATA_DIR", tempfile.mkdtemp(prefix="govshare-test-"))
os.environ.setdefault("GOVSHARE_TASKS_EAGER", "1")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
