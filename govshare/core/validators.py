"""Checks for the national codes the platform relies on: credit codes (GB 32100) and division codes (GB/T 2260)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CREDIT_CODE_CHARSET",
    "credit_code_check_char",
    "credit_code_error",
    "division_code_error",
    "id_number_error",
    "make_credit_code",
    "organization_code_check_char",
    "validate_credit_code",
    "validate_division_code",
    "validate_id_number",
]

# GB 32100-2015: the 31 characters allowed (no I, O, S, V, Z) and the weights of positions 1-17.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997: the organization code (positions 9-17 of a credit code) has its own check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# GB/T 2260 province-level codes (first two digits of a division code).
PROVINCE_CODES = frozenset((
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
))


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code whose first 17 characters are given."""
    total = sum(CREDIT_CODE_CHARSET.index(ch) * weight for ch, weight in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def organization_code_check_char(first8: str) -> str:
    total = sum(_ORG_CHARSET.index(ch) * weight for ch, weight in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def credit_code_error(code: str):
    """None when the code is a valid unified social credit code, otherwise a message saying what is wrong."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return _("统一社会信用代码应为18位，当前为%(n)d位") % {"n": len(code)}
    bad = [ch for ch in code if ch not in CREDIT_CODE_CHARSET]
    if bad:
        return _("统一社会信用代码含有不允许的字符“%(ch)s”（不使用I、O、S、V、Z）") % {"ch": bad[0]}
    if not code[2:8].isdigit() or code[2:4] not in PROVINCE_CODES:
        return _("统一社会信用代码第3-8位应为有效的行政区划代码")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”") % {
            "expected": expected,
            "actual": code[17],
        }
    return None


def validate_credit_code(code: str) -> None:
    error = credit_code_error(code)
    if error:
        raise ValidationError(error, code="credit_code")


def division_code_error(code: str):
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return _("行政区划代码应为6位数字")
    if code[:2] not in PROVINCE_CODES:
        return _("行政区划代码前两位“%(p)s”不是有效的省级代码") % {"p": code[:2]}
    return None


def validate_division_code(code: str) -> None:
    error = division_code_error(code)
    if error:
        raise ValidationError(error, code="division_code")


def make_credit_code(division_code: str, serial: int, registry: str = "1", kind: str = "1") -> str:
    """A valid credit code for a government body (登记管理部门 1 = 机构编制, 类别 1 = 机关), for demo data and tests."""
    digits = f"{serial:08d}"[-8:]
    org_code = digits + organization_code_check_char(digits)
    first17 = f"{registry}{kind}{division_code}{org_code}"
    return first17 + credit_code_check_char(first17)


# GB 11643-1999: weights of the first 17 digits of a resident ID number, and the check characters by remainder.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"


def id_number_error(number: str):
    """None when the value is a valid 18-character resident ID number (GB 11643), otherwise what is wrong."""
    import datetime

    number = (number or "").strip().upper()
    if len(number) != 18:
        return _("公民身份号码应为18位，当前为%(n)d位") % {"n": len(number)}
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return _("公民身份号码前17位应为数字，第18位为数字或X")
    if number[:2] not in PROVINCE_CODES:
        return _("公民身份号码前6位应为有效的行政区划代码")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1800 or birth > datetime.date.today():
        return _("公民身份号码第7-14位不是有效的出生日期")
    total = sum(int(ch) * weight for ch, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    expected = _ID_CHECK_CHARS[total % 11]
    if number[17] != expected:
        return _("公民身份号码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”") % {
            "expected": expected,
            "actual": number[17],
        }
    return None


def validate_id_number(number: str) -> None:
    error = id_number_error(number)
    if error:
        raise ValidationError(error, code="id_number")
