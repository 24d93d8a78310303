"""The CPV and ITL codes shipped for the notices are well formed and name their source."""

import re

import yaml

from tenderflow.domain.notice_codes import CODES_FILE, CPV_PATTERN, cpv_codes, itl_regions


def test_every_cpv_code_has_eight_digits_a_check_digit_and_a_title():
    codes = cpv_codes()
    assert "85311000-2" in codes
    assert all(CPV_PATTERN.match(code) and title for code, title in codes.items())


def test_every_itl_code_is_uk_or_a_tl_code_and_each_list_states_its_source():
    assert all(re.fullmatch(r"UK|TL[C-N]\w{0,2}", code) for code in itl_regions())
    data = yaml.safe_load(CODES_FILE.read_text(encoding="utf-8"))
    assert "213/2008" in data["cpv"]["source"]
    assert "Office for National Statistics" in data["itl"]["source"]
