import pytest

from govshare.core.validators import credit_code_error, division_code_error, make_credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", make_credit_code("320900", 7), make_credit_code("410600", 123)])
def test_valid_credit_codes(code):
    assert credit_code_error(code) is None


def test_wrong_check_character_names_the_expected_one():
    message = str(credit_code_error("91350100M000100Y44"))
    assert "校验位" in message and "“3”" in message


@pytest.mark.parametrize(
    ("code", "fragment"),
    [("9135010", "18位"), ("91350100M000100YI3", "不允许的字符"), ("91990100M000100Y43", "行政区划")],
)
def test_malformed_credit_codes(code, fragment):
    assert fragment in str(credit_code_error(code))


def test_division_codes():
    assert division_code_error("320900") is None
    assert "6位" in str(division_code_error("3209"))
    assert "省级" in str(division_code_error("990900"))
