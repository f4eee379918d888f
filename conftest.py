"""Test-wide settings: a throwaway data directory, eager background jobs, fast password hashing."""

import os
import tempfile

os.environ.setdefault("GOVSHARE_DATA_DIR", tempfile.mkdtemp(prefix="govshare-test-"))
os.environ.setdefault("GOVSHARE_TASKS_EAGER", "1")
