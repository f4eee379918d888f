"""Forms of the mount page. Saving goes through `services`; the secrets (the API's auth header value, the pull's
connection URL) are write-only: never rendered back, and a blank field keeps what is stored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govshare.core.forms import FormStyleMixin
from govshare.datastore.choices import LoadModeChoices

from .choices import PullModeChoices
from .services import HTTP_METHODS

__all__ = ["ApiEndpointForm", "DataFileForm", "PullSourceForm", "TableUploadForm", "apply_errors"]


def apply_errors(form, error):
    """Put a services ValidationError back on the form's fields (unknown keys on the form itself)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        for err in errors:
            for message in err.messages:
                form.add_error(key if key in form.fields else None, message)


class TableUploadForm(FormStyleMixin, forms.Form):
    """Upload a CSV/XLSX/JSON file into the resource's table."""

    file = forms.FileField(
        label=_("数据文件"), help_text=_("CSV（UTF-8 或 GBK）、XLSX、JSON；表头为信息项名称或代码"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.json,.jsonl"}),
    )
    mode = forms.ChoiceField(label=_("加载方式"), choices=LoadModeChoices.choices, initial=LoadModeChoices.REPLACE)
    key_item = forms.ModelChoiceField(
        label=_("主键信息项"), queryset=None, required=False, empty_label=_("（不指定）"),
        help_text=_("按主键更新时必填；查询、核验也按它查找"),
    )

    def __init__(self, *args, resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_item"].queryset = resource.items.order_by("position", "id")
        data_table = getattr(resource, "data_table", None) if _has(resource, "data_table") else None
        if data_table is not None and data_table.key_item_id:
            self.fields["key_item"].initial = data_table.key_item_id


class DataFileForm(FormStyleMixin, forms.Form):
    """Mount a file (any format)."""

    file = forms.FileField(label=_("文件"))
    name = forms.CharField(label=_("文件名称"), max_length=255, required=False, help_text=_("留空则用上传的文件名"))
    description = forms.CharField(label=_("说明"), max_length=500, required=False)


class ApiEndpointForm(FormStyleMixin, forms.Form):
    """Register or edit the provider's API."""

    base_url = forms.URLField(label=_("接口地址"), max_length=500, assume_scheme="https")
    allowed_methods = forms.MultipleChoiceField(
        label=_("允许的方法"), choices=[(m, m) for m in HTTP_METHODS], initial=["GET"],
        widget=forms.CheckboxSelectMultiple,
    )
    auth_header_name = forms.CharField(label=_("认证头名称"), max_length=100, required=False,
                                       help_text=_("例如 Authorization 或 X-Api-Key"))
    auth_header_value = forms.CharField(
        label=_("认证头取值"), max_length=1000, required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_secret = forms.BooleanField(label=_("清除已保存的认证头取值"), required=False)
    timeout_seconds = forms.IntegerField(label=_("超时（秒）"), min_value=1, max_value=300, initial=10)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    description = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, endpoint=None, **kwargs):
        if endpoint is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "base_url": endpoint.base_url, "allowed_methods": endpoint.methods,
                "auth_header_name": endpoint.auth_header_name, "timeout_seconds": endpoint.timeout_seconds,
                "is_active": endpoint.is_active, "description": endpoint.description,
            }
        super().__init__(*args, **kwargs)
        secret = self.fields["auth_header_value"]
        if endpoint is not None and endpoint.has_secret:
            secret.help_text = _("已保存（不显示）；留空保持不变，填写则替换")
            secret.widget.attrs["placeholder"] = _("已保存，留空保持不变")
        else:
            del self.fields["clear_secret"]
            secret.help_text = _("平台代理调用时添加；保存后不再显示")

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "base_url": data["base_url"], "allowed_methods": ",".join(data["allowed_methods"]),
            "auth_header_name": data["auth_header_name"], "auth_header_value": data["auth_header_value"] or None,
            "clear_secret": data.get("clear_secret", False), "timeout_seconds": data["timeout_seconds"],
            "is_active": data["is_active"], "description": data["description"],
        }


class PullSourceForm(FormStyleMixin, forms.Form):
    """Configure the scheduled pull; one source-column field per info item (`map_<item id>`)."""

    connection_url = forms.CharField(
        label=_("数据库连接"), max_length=1000, required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("postgresql://用户:密码@主机:端口/数据库；请使用只读账号"),
    )
    source_table = forms.CharField(label=_("源表名"), max_length=200, required=False,
                                   help_text=_("表名或 模式名.表名；与查询语句二选一"))
    query = forms.CharField(label=_("查询语句"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("一条 SELECT 语句"))
    mode = forms.ChoiceField(label=_("抽取方式"), choices=PullModeChoices.choices, initial=PullModeChoices.FULL)
    key_column = forms.CharField(label=_("主键列"), max_length=100, required=False,
                                 help_text=_("按主键增量：只抽取主键大于上次水位的行，并按主键更新"))
    timestamp_column = forms.CharField(label=_("时间戳列"), max_length=100, required=False,
                                       help_text=_("按时间戳增量：只抽取该列晚于上次水位的行；填写主键列则按主键更新"))
    interval_minutes = forms.IntegerField(label=_("抽取间隔（分钟）"), min_value=1, initial=1440)
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)
    description = forms.CharField(label=_("说明"), max_length=500, required=False)

    FIELDS = ("source_table", "query", "mode", "key_column", "timestamp_column", "interval_minutes", "enabled",
              "description")

    def __init__(self, *args, resource, source=None, **kwargs):
        if source is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(source, name) for name in self.FIELDS}
        super().__init__(*args, **kwargs)
        self.items = list(resource.items.order_by("position", "id"))
        mapping = (source.column_mapping or {}) if source is not None else {}
        for item in self.items:
            self.fields[f"map_{item.pk}"] = forms.CharField(
                label=item.name, max_length=100, required=False, initial=mapping.get(str(item.pk), ""),
                widget=forms.TextInput(attrs={"placeholder": (item.code or "").lower()}),
            )
        if source is not None and source.connection_url:
            self.fields["connection_url"].help_text = _("已保存（不显示）；留空保持不变，填写则替换")
            self.fields["connection_url"].widget.attrs["placeholder"] = _("已保存，留空保持不变")

    @property
    def mapping_fields(self):
        return [self[f"map_{item.pk}"] for item in self.items]

    @property
    def main_fields(self):
        return [self[name] for name in ("connection_url", *self.FIELDS)]

    def service_arguments(self):
        data = self.cleaned_data
        arguments = {name: data[name] for name in self.FIELDS}
        arguments["connection_url"] = data["connection_url"] or None
        arguments["column_mapping"] = {str(item.pk): data.get(f"map_{item.pk}", "") for item in self.items}
        return arguments


def _has(resource, name):
    try:
        getattr(resource, name)
    except Exception:  # a missing reverse one-to-one
        return False
    return True
