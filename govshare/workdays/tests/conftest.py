"""Shared test data: a 2027 calendar file (the package stops at 2026) and users of each permission level."""

import pytest

from govshare.workdays import services

CALENDAR_2027_ROWS = [
    ("2027-01-01", "休息日", "元旦"),
    ("2027-01-02", "休息日", "元旦"),
    ("2027-01-03", "休息日", "元旦"),
    *[(f"2027-02-{day:02d}", "节假日", "春节") for day in range(6, 14)],
    ("2027-02-20", "调休上班", "春节调休上班"),
]


def calendar_csv(rows, header=("日期", "类型", "名称")):
    return "\n".join(",".join(row) for row in [header, *rows]) + "\n"


@pytest.fixture
def csv_file(tmp_path):
    """Writes CSV text to a file in the given encoding and returns its path."""

    def write(text, encoding="utf-8", name="calendar.csv"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def calendar_2027(csv_file):
    result = services.import_calendar(csv_file(calendar_csv(CALENDAR_2027_ROWS)))
    assert result.ok, result.errors
    return result


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="reader", password="x")


@pytest.fixture
def platform_admin(django_user_model):
    from govshare.users.services import assign_role

    admin = django_user_model.objects.create_user(username="platform", password="x")
    assign_role(admin, "platform_admin")
    return admin
