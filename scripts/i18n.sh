#!/usr/bin/env bash
# Refreshes the English message catalogue from the Chinese source strings and compiles it.
#
#   scripts/i18n.sh            extract (makemessages) + compile (compilemessages)
#   scripts/i18n.sh compile    compile only (no extraction)
#
# Output: govshare/locale/en/LC_MESSAGES/django.po and django.mo (both committed: CI needs no gettext).
# Needs GNU gettext (xgettext, msgmerge, msgfmt). Only the govshare package is scanned, not the venv,
# tests, migrations, benchmarks or data. After extracting, translate every empty msgstr in the .po
# (govshare/core/tests/test_i18n.py fails on untranslated entries), then run this script again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/govshare"

export GOVSHARE_DATA_DIR="${GOVSHARE_DATA_DIR:-/tmp/gsdata-i18n}"
DJANGO_ADMIN="$ROOT/.venv/bin/django-admin"
mkdir -p locale/en/LC_MESSAGES

if [[ "${1:-}" != "compile" ]]; then
    "$DJANGO_ADMIN" makemessages -l en --settings=govshare.settings --no-obsolete --add-location=file \
        --ignore='static/*' --ignore='migrations/*' --ignore='*/migrations/*' \
        --ignore='tests/*' --ignore='*/tests/*' --ignore='testing.py' --ignore='*/testing.py' \
        --ignore='test_settings.py' --ignore='locale/*' --ignore='demo/*'
fi

"$DJANGO_ADMIN" compilemessages -l en --settings=govshare.settings --ignore='static'
msgfmt --check --statistics -o /dev/null locale/en/LC_MESSAGES/django.po
