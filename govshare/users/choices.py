from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["RoleChoices"]


class RoleChoices(ChoiceSet):
    CATALOGUER = "cataloguer"
    REVIEWER = "reviewer"
    DATA_PROVIDER = "data_provider"
    DATA_CONSUMER = "data_consumer"
    DEPARTMENT_ADMIN = "department_admin"
    AUTHORITY_OFFICER = "authority_officer"
    PLATFORM_ADMIN = "platform_admin"
    SYSTEM_ADMIN = "system_admin"
    SECURITY_ADMIN = "security_admin"
    AUDIT_ADMIN = "audit_admin"
    CHOICES = [
        (CATALOGUER, _("编目员"), "blue"),
        (REVIEWER, _("审核员"), "purple"),
        (DATA_PROVIDER, _("数据提供方"), "teal"),
        (DATA_CONSUMER, _("数据使用方"), "cyan"),
        (DEPARTMENT_ADMIN, _("部门管理员"), "orange"),
        (AUTHORITY_OFFICER, _("主管部门工作人员"), "red"),
        (PLATFORM_ADMIN, _("平台管理员"), "grey"),
        (SYSTEM_ADMIN, _("系统管理员"), "dark"),
        (SECURITY_ADMIN, _("安全管理员"), "dark"),
        (AUDIT_ADMIN, _("审计管理员"), "dark"),
    ]
    # 三员分立: one account may hold at most one of these three.
    SEPARATED_DUTIES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
    # Accounts holding these are out of a department admin's reach.
    PRIVILEGED = (PLATFORM_ADMIN, SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
    # Who manages accounts, jurisdictions and departments of the whole platform (a department admin: only its own).
    ACCOUNT_MANAGERS = (PLATFORM_ADMIN, SYSTEM_ADMIN)
    ORGANIZATION_ADMINS = ACCOUNT_MANAGERS
    # Who may read every account: to assign roles (security admin) and to audit (audit admin).
    ACCOUNT_READERS = (PLATFORM_ADMIN, SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
