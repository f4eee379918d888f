"""Splitting the unit cells of a task table and matching the names to departments."""

import pytest

from govshare.core.testing import make_department, make_jurisdiction
from govshare.supervision.units import UnitMatcher, split_units


def test_split_on_every_separator_but_not_inside_brackets():
    assert split_units("市经信委 市公安局") == ["市经信委", "市公安局"]
    assert split_units("市发改委、市经信委，市财政局;市审计局；市政务办,市编办") == [
        "市发改委", "市经信委", "市财政局", "市审计局", "市政务办", "市编办"]
    assert split_units("各县（市、区）政府、市开发区") == ["各县（市、区）政府", "市开发区"]
    assert split_units("市经信委、市经信委") == ["市经信委"]
    assert split_units("") == []
    assert split_units(None) == []


def test_trailing_collective_is_split_off():
    assert split_units("市发改委 市质监局等有关部门") == ["市发改委", "市质监局", "有关部门"]


@pytest.mark.django_db
def test_match_by_name_short_name_and_without_prefix():
    city = make_jurisdiction("盐城市", "320900")
    police = make_department("市公安局", city)
    jxw = make_department("盐城市经济和信息化委员会", city, short_name="市经信委")
    finance = make_department("盐城市财政局", city)
    matcher = UnitMatcher([police, jxw, finance], ["盐城市"])
    result = matcher.match("市经信委、公安局、盐城市公安局、市财政局、各县（市、区）政府")
    assert result.departments == [jxw, police, finance]
    assert result.unmatched == ["各县（市、区）政府"]
    assert "各县（市、区）政府" in result.warnings[0]


@pytest.mark.django_db
def test_an_ambiguous_name_is_kept_as_text():
    city = make_jurisdiction("盐城市", "320900")
    county = make_jurisdiction("亭湖区", "320902", level="county", parent=city)
    first = make_department("市公安局", city)
    second = make_department("区公安局", county)
    result = UnitMatcher([first, second], ["盐城市", "亭湖区"]).match("公安局")
    assert result.departments == []
    assert result.unmatched == ["公安局"]
    assert "多个部门" in result.warnings[0]


@pytest.mark.django_db
def test_collective_names_are_not_stripped_into_a_department():
    city = make_jurisdiction("盐城市", "320900")
    dept = make_department("各部门", city)
    result = UnitMatcher([dept], ["盐城市"]).match("市级各部门")
    assert result.departments == []
