"""Reading the units (牵头单位, 协同单位) of a task table and matching them to departments by name.

Splitting: units are separated by 、，,;；/ or spaces (the seeds' tables use spaces). A separator inside brackets
does not split, so 各县（市、区）政府 stays one unit. A trailing "等有关部门" / "等部门" / "等单位" is dropped from
the last named unit (市质监局等有关部门 → 市质监局) and kept as the collective "有关部门" it stands for.

Matching, in order, against the departments of the plan's jurisdiction (and those below it):
1. the full name or the short name (简称), as typed;
2. the "core" name: without the jurisdiction's name (盐城市公安局 → 公安局) or a leading 市/县/区 (市公安局 →
   公安局), compared with the departments' core names and short names.
A name matching no department, or more than one, is kept as text (unmatched) and the import warns about it.
"""

import re
from dataclasses import dataclass, field

__all__ = ["UnitMatch", "UnitMatcher", "split_units"]

_SEPARATORS = set("、，,;；/／ \t\u3000\n")
_OPEN = set("（(【[《“")
_CLOSE = set("）)】]》”")
_COLLECTIVE_SUFFIX = re.compile(r"等(有关|相关)?(部门|单位)$")


def split_units(text) -> list[str]:
    """The unit names of a cell, in order, without duplicates; separators inside brackets do not split."""
    if text is None:
        return []
    names, current, depth = [], [], 0
    for char in str(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        if char in _SEPARATORS and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    result = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if _COLLECTIVE_SUFFIX.search(name) and not name.startswith("等"):
            stripped = _COLLECTIVE_SUFFIX.sub("", name)
            if stripped:
                for part in (stripped, "有关部门"):
                    if part not in result:
                        result.append(part)
                continue
        if name not in result:
            result.append(name)
    return result


def _normal(name: str) -> str:
    return name.replace("（", "(").replace("）", ")").replace(" ", "").strip()


@dataclass
class UnitMatch:
    """The departments a cell named, the names matching none (kept as text), and one warning per such name."""

    departments: list = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class UnitMatcher:
    """Matches unit names to a fixed set of departments (built once per import)."""

    def __init__(self, departments, jurisdiction_names=()):
        self.prefixes = sorted({name for name in jurisdiction_names if name}, key=len, reverse=True)
        self.exact: dict[str, set] = {}
        self.core: dict[str, set] = {}
        for department in departments:
            for name in (department.name, department.short_name):
                if not name:
                    continue
                self.exact.setdefault(_normal(name), set()).add(department)
                self.core.setdefault(self.core_name(name), set()).add(department)

    def core_name(self, name: str) -> str:
        """Without the jurisdiction's name or a leading 市/县/区: 盐城市公安局, 市公安局 → 公安局."""
        name = _normal(name)
        for prefix in self.prefixes:
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                name = name[len(prefix):]
                break
        if len(name) > 2 and name[0] in "市县区省" and not name.startswith(("市级", "市各", "县级", "区级")):
            name = name[1:]
        return name

    def match_one(self, name: str):
        """(department, None) or (None, reason) for one name."""
        from django.utils.translation import gettext as _

        found = self.exact.get(_normal(name))
        if not found:
            found = self.core.get(self.core_name(name))
        if not found:
            return None, _("“%(name)s”未匹配到部门，按文本保留") % {"name": name}
        if len(found) > 1:
            names = "、".join(sorted(department.name for department in found))
            return None, _("“%(name)s”匹配到多个部门（%(names)s），按文本保留") % {"name": name, "names": names}
        return next(iter(found)), None

    def match(self, text) -> UnitMatch:
        result = UnitMatch()
        for name in split_units(text):
            department, reason = self.match_one(name)
            if department is None:
                result.unmatched.append(name)
                result.warnings.append(reason)
            elif department not in result.departments:
                result.departments.append(department)
        return result
