"""The catalogue's rules, in one place, used by forms, the API, the importer and the services alike."""

from django.utils.translation import gettext as _

from .choices import OpenTypeChoices, ResourceCategoryChoices, ShareModeChoices, ShareTypeChoices

__all__ = ["entry_rule_errors"]


def entry_rule_errors(fields: dict, items: list[dict], category: str | None) -> dict[str, list[str]]:
    """Check an entry's fields and info items against the guideline's rules.

    Returns {field: [messages]}; item errors are keyed `items.<index>.<field>`. Empty when the entry is valid.
    `category` is the 类 of its classification ("1" base, "2" topic, "3" department).
    """
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    share_type = fields.get("share_type")
    open_type = fields.get("open_type")
    if share_type == ShareTypeChoices.CONDITIONAL and not (fields.get("share_condition") or "").strip():
        add("share_condition", _("有条件共享的资源必须填写共享条件"))
    if share_type == ShareTypeChoices.NOT_SHARED and not (fields.get("share_basis") or "").strip():
        add("share_basis", _("不予共享的资源必须注明法律、行政法规或党中央、国务院政策依据"))
    if share_type in (ShareTypeChoices.UNCONDITIONAL, ShareTypeChoices.CONDITIONAL) and not fields.get("share_mode"):
        add("share_mode", _("可共享的资源必须选择共享方式"))
    if share_type == ShareTypeChoices.NOT_SHARED and fields.get("share_mode") in (
        ShareModeChoices.TABLE, ShareModeChoices.FILE, ShareModeChoices.API
    ):
        add("share_mode", _("不予共享的资源不能设置平台共享方式"))
    if open_type == OpenTypeChoices.CONDITIONAL and not (fields.get("open_condition") or "").strip():
        add("open_condition", _("有条件开放的资源必须填写开放条件"))
    if (
        share_type == ShareTypeChoices.NOT_SHARED
        and open_type in (OpenTypeChoices.UNCONDITIONAL, OpenTypeChoices.CONDITIONAL)
    ):
        add("open_type", _("不予共享的资源不能向社会开放"))

    if not items:
        add("items", _("至少需要一个信息项"))
    seen_names: dict[str, int] = {}
    resource_share = ShareTypeChoices.OPENNESS.get(share_type, 2)
    resource_open = OpenTypeChoices.OPENNESS.get(open_type, 2)
    for index, item in enumerate(items):
        prefix = f"items.{index}."
        name = (item.get("name") or "").strip()
        if name in seen_names:
            add(prefix + "name", _("信息项名称“%(name)s”与第%(n)d项重复") % {"name": name, "n": seen_names[name] + 1})
        else:
            seen_names[name] = index
        item_share = item.get("share_type")
        item_open = item.get("open_type")
        if ShareTypeChoices.OPENNESS.get(item_share, 0) > resource_share:
            add(prefix + "share_type", _("信息项“%(name)s”的共享类型不能比资源更开放") % {"name": name})
        if OpenTypeChoices.OPENNESS.get(item_open, 0) > resource_open:
            add(prefix + "open_type", _("信息项“%(name)s”的开放属性不能比资源更开放") % {"name": name})
        if item_share == ShareTypeChoices.CONDITIONAL and not (
            (item.get("share_condition") or "").strip() or (fields.get("share_condition") or "").strip()
        ):
            add(prefix + "share_condition", _("有条件共享的信息项必须填写共享条件"))
        if (
            category == ResourceCategoryChoices.BASE
            and item.get("is_basic")
            and item_share != ShareTypeChoices.UNCONDITIONAL
        ):
            add(prefix + "share_type", _("基础信息资源的基本信息项“%(name)s”必须无条件共享") % {"name": name})
    if category == ResourceCategoryChoices.BASE and share_type == ShareTypeChoices.NOT_SHARED:
        add("share_type", _("基础信息资源不能设为不予共享，其基本信息项必须无条件共享"))
    return errors
