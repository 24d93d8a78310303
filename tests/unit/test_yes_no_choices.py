"""A yes-or-no question's choice and the answer it stands for, both ways."""

from __future__ import annotations

from tenderflow.web.forms import YES_NO, YES_NO_UNKNOWN, answer_of, choice_for


def test_each_choice_gives_its_answer_and_anything_else_none() -> None:
    assert [answer_of(value) for value, _ in YES_NO_UNKNOWN] == [True, False, None]
    assert answer_of(None) is None and answer_of("") is None and answer_of("maybe") is None


def test_an_answer_is_shown_as_its_choice_and_an_unknown_one_as_asked() -> None:
    assert [choice_for(True), choice_for(False), choice_for(None)] == ["yes", "no", None]
    assert choice_for(None, "unknown") == "unknown"
    assert {choice_for(a, "unknown") for a in (True, False, None)} == {v for v, _ in YES_NO_UNKNOWN}
    assert [v for v, _ in YES_NO] == ["yes", "no"]
