"""The unified social credit code (GB 32100-2015): the check character against an independent
implementation of the standard, real published codes, generated codes, and the field-named
errors the API gives for a wrong check character, a forbidden character or a wrong length."""

import random

import pytest
from django.core.exceptions import ValidationError

from anjian.enterprises.models import Enterprise
from anjian.enterprises.validators import credit_code_check_char, credit_code_error, validate_credit_code
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import credit_code
from anjian.portal.testing.mixins import (
    act_as,
    api_url,
)

# The standard written out independently of the code under test: 31 characters (no I, O, S, V, Z),
# weight of position i is 3**i mod 31, check = (31 - Σ value×weight mod 31) mod 31.
GB32100_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb32100_check(first17: str) -> str:
    total = sum(GB32100_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return GB32100_ALPHABET[(31 - total % 31) % 31]


# Codes published by the enterprises themselves (business licences / public credit records),
# each verified with gb32100_check above before being trusted here.
REAL_CODES = [
    "91350100M000100Y43",  # the example code printed in GB 32100 guidance
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    # given a real published code, then the independent check and the validator both accept it
    assert gb32100_check(code[:17]) == code[17]
    assert credit_code_error(code) is None
    validate_credit_code(code)


def test_check_character_matches_the_standard_on_random_bodies():
    # given many random 17-character bodies over the whole alphabet (seeded: reproducible)
    rng = random.Random(32100)
    bodies = ["".join(rng.choice(GB32100_ALPHABET) for _ in range(17)) for _ in range(500)]
    # when the check character is computed, then it agrees with the independent implementation
    for body in bodies:
        assert credit_code_check_char(body) == gb32100_check(body)


def test_generated_codes_are_valid_and_distinct():
    # given codes from the test factory, then each is valid and none repeats
    codes = [credit_code() for _ in range(50)]
    assert all(credit_code_error(c) is None for c in codes)
    assert len(set(codes)) == 50


def test_lower_case_and_spaces_are_tolerated():
    # given a valid code typed in lower case with spaces around, then it is valid
    assert credit_code_error("  91350100m000100y43 ") is None


def with_check(body: str, wrong: bool = False) -> str:
    check = gb32100_check(body)
    if wrong:
        check = GB32100_ALPHABET[(GB32100_ALPHABET.index(check) + 1) % 31]
    return body + check


BAD_CODES = {
    "wrong-check": "91350100M000100Y44",
    "another-wrong-check": with_check("91110108551385082", wrong=True),
    "forbidden-letter-I": "91350100M00010IY43",
    "forbidden-letter-O": "9135010OM000100Y43",
    "forbidden-letter-S": "9135010SM000100Y43",
    "chinese-character": "91350100M000100Y4号",
    "punctuation": "91350100-000100Y43",
    "letters-in-division-code": with_check("9135A100M000100Y4"),
    "too-short": "91350100M000100Y4",
    "too-long": "91350100M000100Y433",
    "empty": "",
}


@pytest.mark.parametrize("code", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_bad_codes_are_refused_with_a_reason(code):
    # given a malformed code, then the validator explains why and refuses it
    assert credit_code_error(code)
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_each_fault_has_its_own_message():
    # given one code per kind of fault, then the messages differ (the user learns what to fix)
    messages = {credit_code_error(BAD_CODES[k]) for k in ("wrong-check", "forbidden-letter-I", "too-short",
                                                          "letters-in-division-code")}
    assert len(messages) == 4


# --- through the API: 400 naming credit_code ----------------------------------------------


def enterprise_payload(world, code: str) -> dict:
    return {"name": "信用代码测试有限公司", "credit_code": code, "region": world.township_a.code,
            "industry": "0504"}


@pytest.mark.django_db
@pytest.mark.parametrize("code", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_api_create_names_credit_code(world, api, code):
    # given a regulator posting an enterprise with a malformed credit code
    before = Enterprise.objects.count()
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("enterprise"), enterprise_payload(world, code),
                                                             format="json")
    # then 400 names the credit_code field with a message, and nothing is written
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["credit_code"]
    assert response.json()["credit_code"][0]
    assert Enterprise.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("code", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_api_update_names_credit_code(world, api, code):
    # given a regulator changing an enterprise's code to a malformed one
    old = world.ent_a.credit_code
    response = act_as(api, world.users[Role.REGULATOR]).patch(api_url("enterprise", world.ent_a.pk),
                                                              {"credit_code": code}, format="json")
    # then 400 names credit_code and the stored code is unchanged
    assert response.status_code == 400, response.content
    assert "credit_code" in response.json()
    world.ent_a.refresh_from_db()
    assert world.ent_a.credit_code == old


@pytest.mark.django_db
def test_api_stores_a_real_code_in_upper_case(world, api):
    # given a real code typed in lower case
    response = act_as(api, world.users[Role.REGULATOR]).post(
        api_url("enterprise"), enterprise_payload(world, "91350100m000100y43"), format="json")
    # then it is accepted and stored in the canonical upper case
    assert response.status_code == 201, response.content
    assert Enterprise.objects.get(pk=response.json()["id"]).credit_code == "91350100M000100Y43"


@pytest.mark.django_db
@pytest.mark.parametrize("variant", ["91350100M000100Y43", "91350100m000100y43"], ids=["same", "lower-case"])
def test_api_refuses_a_duplicate_code(world, api, variant):
    # given an enterprise holding a code
    Enterprise.objects.filter(pk=world.ent_b.pk).update(credit_code="91350100M000100Y43")
    # when another enterprise is registered with the same code (in any case)
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("enterprise"),
                                                             enterprise_payload(world, variant), format="json")
    # then 400 names credit_code — even though the holder is outside the caller's jurisdiction
    assert response.status_code == 400, response.content
    assert "credit_code" in response.json()
