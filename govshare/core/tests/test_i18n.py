"""The English catalogue: every Chinese source string is translated, compiled, and shown when English is chosen.

The UI is written in Simplified Chinese; English comes from govshare/locale/en/LC_MESSAGES/django.po, refreshed by
scripts/i18n.sh. A string added to the code without an English translation makes test_every_entry_is_translated
fail: run scripts/i18n.sh, fill the empty msgstr, run it again and commit the .po and the .mo.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from govshare.core.testing import login_client, make_department, make_user

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|\{[^{}]*\}")
TAG = re.compile(r"</?(?:a|abbr|b|br|code|em|i|kbd|p|small|span|strong|sub|sup|u)\b[^<>]*>")

# Navigation and page labels checked on the rendered pages: Chinese source, English translation.
LOGIN_LABELS = {"用户登录": "Log in", "请使用本人账号登录": "Log in with your own account", "密码": "Password"}
NAV_LABELS = {
    "首页": "Home",
    "资源目录": "Resource catalogue",
    "目录浏览": "Browse catalogue",
    "目录检索": "Catalogue search",
    "目录更新任务": "Catalogue update tasks",
    "组织机构": "Organisations",
    "政务部门": "Government departments",
}


def parse_po(path):
    """The entries of a .po file as dicts: msgid, maybe msgctxt and msgid_plural, msgstr (a list, one per plural
    form) and flags. Enough of the format for what makemessages writes; obsolete (#~) entries are skipped."""
    entries, entry, key = [], {}, None

    def start_entry():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                start_entry()
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            if isinstance(key, int):
                entry["msgstr"][key] += ast.literal_eval(line)
            else:
                entry[key] += ast.literal_eval(line)
            continue
        word, _space, rest = line.partition(" ")
        if word in ("msgctxt", "msgid") and "msgid" in entry:
            start_entry()
        indexed = re.fullmatch(r"msgstr(?:\[(\d+)\])?", word)
        if indexed:
            key = int(indexed.group(1) or 0)
            entry.setdefault("msgstr", {})[key] = ast.literal_eval(rest)
        else:
            key = word
            entry[key] = ast.literal_eval(rest)
    start_entry()
    for item in entries:
        item.setdefault("flags", set())
        item["msgstr"] = [text for _index, text in sorted(item.get("msgstr", {}).items())]
    return entries


@pytest.fixture(scope="module")
def po_entries():
    entries = parse_po(PO_PATH)
    assert entries and entries[0]["msgid"] == "", "the .po starts with its header"
    return entries[1:]


def _label(entry):
    return repr(entry["msgid"])


# --- the catalogue ----------------------------------------------------------------------------------------------


def test_catalogue_files_exist():
    assert PO_PATH.is_file(), "run scripts/i18n.sh"
    assert MO_PATH.is_file(), "run scripts/i18n.sh (the compiled .mo is committed: CI has no gettext)"


def test_po_parser_reads_plurals_and_continued_lines(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py\n#, python-format\nmsgid "%(n)s 个"\nmsgid_plural "%(n)s 个"\nmsgstr[0] "%(n)s item"\n'
        'msgstr[1] ""\n"%(n)s items"\n\n'
        'msgid "长"\n"句"\nmsgstr ""\n\n#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, plural, empty = parse_po(path)
    assert header["msgstr"] == ["Language: en\n"]
    assert plural["msgid_plural"] == "%(n)s 个" and plural["msgstr"] == ["%(n)s item", "%(n)s items"]
    assert "python-format" in plural["flags"]
    assert empty["msgid"] == "长句" and empty["msgstr"] == [""]


def test_every_entry_is_translated(po_entries):
    untranslated = [_label(e) for e in po_entries if not all(e["msgstr"]) or "fuzzy" in e["flags"]]
    assert not untranslated, (
        f"{len(untranslated)} untranslated or fuzzy entries in {PO_PATH}; translate them and run scripts/i18n.sh: "
        + ", ".join(untranslated[:20])
    )


def test_plural_entries_have_both_english_forms(po_entries):
    plurals = [e for e in po_entries if "msgid_plural" in e]
    assert plurals
    assert all(len(e["msgstr"]) == 2 for e in plurals), [_label(e) for e in plurals if len(e["msgstr"]) != 2]


def test_translations_keep_placeholders_and_tags(po_entries):
    wrong = []
    for entry in po_entries:
        source = entry["msgid"] + entry.get("msgid_plural", "")
        for text in entry["msgstr"]:
            if sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(source))):
                wrong.append((entry["msgid"], text, "placeholders"))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(entry["msgid"])):
                wrong.append((entry["msgid"], text, "HTML tags"))
            for edge in (str.startswith, str.endswith):
                for blank in (" ", "\n"):
                    if edge(entry["msgid"], blank) != edge(text, blank):
                        wrong.append((entry["msgid"], text, "leading/trailing blanks"))
    assert not wrong, wrong


def test_compiled_catalogue_matches_the_po(po_entries):
    """The committed .mo is the compiled .po: no translation edited without running scripts/i18n.sh."""
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in po_entries:
        msgid = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            got = [compiled.ngettext(msgid, entry["msgid_plural"], n) for n in (1, 2)]
        else:
            got = [compiled.gettext(msgid)]
        if got != entry["msgstr"]:
            stale.append(_label(entry))
    assert not stale, f"django.mo is out of date for {len(stale)} entries; run scripts/i18n.sh: {stale[:10]}"


def test_django_uses_the_english_catalogue():
    with translation.override("en"):
        assert translation.gettext("资源目录") == "Resource catalogue"
        assert translation.gettext("无条件共享") == "Shared unconditionally"
        assert translation.ngettext("%(days)d 天", "%(days)d 天", 2) % {"days": 2} == "2 days"
    with translation.override("zh-hans"):
        assert translation.gettext("资源目录") == "资源目录"


# --- the pages --------------------------------------------------------------------------------------------------


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _text_nodes(html):
    return {node.strip() for node in re.split(r"<[^>]*>", html) if node.strip()}


@pytest.mark.django_db
def test_login_page_in_english(client):
    html = _english(client).get(reverse("login")).content.decode()
    nodes = _text_nodes(html)
    assert 'lang="en"' in html
    for chinese, english in LOGIN_LABELS.items():
        assert english in nodes, english
        assert chinese not in nodes, chinese


@pytest.mark.django_db
def test_login_page_in_chinese_by_default(client):
    html = client.get(reverse("login")).content.decode()
    nodes = _text_nodes(html)
    assert 'lang="zh-CN"' in html
    for chinese in LOGIN_LABELS:
        assert chinese in nodes, chinese


@pytest.fixture
def reader():
    department = make_department("市大数据局", competent=True)
    return make_user("reader", department)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "catalog:resource_list"])
def test_dashboard_and_catalogue_in_english(reader, page):
    client = _english(login_client(reader))
    response = client.get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    nodes = _text_nodes(html)
    assert 'lang="en"' in html
    for chinese, english in NAV_LABELS.items():
        assert english in nodes, english
        assert chinese not in nodes, chinese


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "catalog:resource_list"])
def test_dashboard_and_catalogue_in_chinese_by_default(reader, page):
    html = login_client(reader).get(reverse(page)).content.decode()
    nodes = _text_nodes(html)
    for chinese, english in NAV_LABELS.items():
        assert chinese in nodes, chinese
        assert english not in nodes, english


@pytest.mark.django_db
def test_translated_page_text_has_no_untranslated_label(reader):
    """Every text node of the English dashboard that is a catalogue msgid has been replaced by its translation."""
    msgids = {entry["msgid"] for entry in parse_po(PO_PATH)[1:] if HAN.search(entry["msgid"])}
    msgids -= {"简体中文"}  # the language switch names each language in that language
    client = _english(login_client(reader))
    for page in ("home", "catalog:resource_list"):
        leftovers = _text_nodes(client.get(reverse(page)).content.decode()) & msgids
        assert not leftovers, (page, leftovers)
