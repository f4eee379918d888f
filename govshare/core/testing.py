"""Shared test data builders and base cases, so each app's tests supply data only."""

import itertools

from django.test import Client

from govshare.core.validators import make_credit_code

__all__ = [
    "api_client",
    "catalog_fields",
    "catalog_items",
    "ensure_seed_data",
    "login_client",
    "make_department",
    "make_jurisdiction",
    "make_user",
]

_serial = itertools.count(1000)


def ensure_seed_data():
    """Put back the classification the migrations seed, after a transactional test flushed the tables."""
    import importlib

    from django.apps import apps

    from govshare.catalog.models import Classification

    if not Classification.objects.exists():
        importlib.import_module("govshare.catalog.migrations.0002_seed_classification").seed(apps, None)


def make_jurisdiction(name="盐城市", division_code="320900", level="city", parent=None):
    from govshare.organizations.models import Jurisdiction

    jurisdiction, _created = Jurisdiction.objects.get_or_create(
        division_code=division_code, defaults={"name": name, "level": level, "parent": parent}
    )
    return jurisdiction


def make_department(name=None, jurisdiction=None, competent=False, **extra):
    from govshare.organizations.models import Department

    jurisdiction = jurisdiction or make_jurisdiction()
    serial = next(_serial)
    return Department.objects.create(
        name=name or f"测试部门{serial}",
        credit_code=make_credit_code(jurisdiction.division_code, serial),
        jurisdiction=jurisdiction,
        is_competent_authority=competent,
        **extra,
    )


def make_user(username, department=None, roles=(), password="Govshare#2026", **extra):  # noqa: S107 - test data
    from govshare.users.models import User
    from govshare.users.services import set_roles

    user = User.objects.create_user(username=username, password=password, department=department, **extra)
    if roles:
        set_roles(user, roles)
    return User.objects.get(pk=user.pk)


def api_client(user=None):
    """A DRF test client, authenticated as the user when one is given."""
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def login_client(user):
    """A test client logged in as the user (force_login: django-axes wants a real request for password logins)."""
    client = Client()
    client.force_login(user)
    return client


def catalog_fields(provider, classification_code="201", **overrides):
    """Valid fields of an unconditional topic entry; override what a test is about."""
    from govshare.catalog.models import Classification

    fields = {
        "classification": Classification.objects.get(full_code=classification_code),
        "name": "企业登记信息",
        "provider": provider,
        "abstract": "记录本市企业的登记注册信息，包括名称、统一社会信用代码、法定代表人等。",
        "format_category": "database",
        "format_type": "PostgreSQL",
        "share_type": "unconditional",
        "share_mode": "table",
        "open_type": "not_open",
        "update_cycle": "daily",
    }
    fields.update(overrides)
    return fields


def catalog_items(*names, share_type="unconditional", open_type="not_open"):
    names = names or ("统一社会信用代码", "企业名称", "法定代表人")
    return [
        {"name": name, "code": f"F{index:03d}", "data_type": "C", "length": 50, "share_type": share_type,
         "open_type": open_type}
        for index, name in enumerate(names, start=1)
    ]
