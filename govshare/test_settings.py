"""Settings for the test suite: the project's settings with a throwaway data directory and eager background jobs.

The environment is set here, before the settings module reads it; a conftest runs too late for that.
"""

import os
import tempfile

os.environ.setdefault("GOVSHARE_DATA_DIR", tempfile.mkdtemp(prefix="govshare-test-"))
os.environ.setdefault("GOVSHARE_TASKS_EAGER", "1")

from govshare.settings import *  # noqa: E402,F403

# A file, not memory, so a real worker process (tests/integration) can open the test database too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
