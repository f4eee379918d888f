"""What an info item holds, read from its name and code: drives the domain checks of a load and the masking rule.

Kept in one place so the loader (which checks ID numbers and credit codes) and the data plane (which masks them)
can never disagree about which column is which.
"""

import re

__all__ = ["ItemKind", "item_kind"]


class ItemKind:
    ID_NUMBER = "id_number"  # 公民身份号码, GB 11643
    CREDIT_CODE = "credit_code"  # 统一社会信用代码, GB 32100
    PERSON_NAME = "person_name"  # 姓名
    PHONE = "phone"  # 联系电话 / 手机号码
    ADDRESS = "address"  # 住址 / 地址


_RULES = [
    (ItemKind.ID_NUMBER, re.compile(r"身份证|身份号码|证件号码|sfzh|idcard|id_?number|id_?no", re.IGNORECASE)),
    (ItemKind.CREDIT_CODE, re.compile(r"信用代码|tyshxydm|credit_?code|uscc", re.IGNORECASE)),
    (ItemKind.PHONE, re.compile(r"电话|手机|phone|mobile|lxdh|sjhm", re.IGNORECASE)),
    (ItemKind.PERSON_NAME, re.compile(r"^(?!.*(单位|企业|机构|部门|项目|资源|事项)).*姓名|^xm$|^name$", re.IGNORECASE)),
    (ItemKind.ADDRESS, re.compile(r"住址|地址|address|dz$", re.IGNORECASE)),
]


def item_kind(name: str, code: str = "") -> str | None:
    """The ItemKind of an info item named `name` with code `code`, or None for an ordinary field."""
    for kind, pattern in _RULES:
        if pattern.search(name or "") or (code and pattern.search(code)):
            return kind
    return None
