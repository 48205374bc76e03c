from pathlib import Path

import pytest
import yaml

from muster.domain.errors import ValidationFailed
from muster.domain.permissions import Compartment
from muster.domain.questionnaire import LANGUAGES, parse_questionnaire

DEFAULT = Path(__file__).parents[3] / "src" / "muster" / "questionnaires" / "default.yaml"


@pytest.fixture(scope="module")
def questionnaire():
    return parse_questionnaire(yaml.safe_load(DEFAULT.read_text(encoding="utf-8")))


def minimal(**extra):
    return {"family_name": "Шевченко", "given_name": "Олександр", "birth_date": "1990-02-03", "citizenship": "ua",
            "languages": ["uk"], "military_experience": "none", **extra}


class TestShippedQuestionnaire:
    def test_every_question_has_labels_in_all_three_languages(self, questionnaire):
        for question in questionnaire.questions:
            assert all(question.labels[lang] for lang in LANGUAGES), question.name

    def test_every_compartment_is_used(self, questionnaire):
        assert {q.compartment for q in questionnaire.questions} == set(Compartment)


class TestValidation:
    def test_minimal_answers_are_cleaned(self, questionnaire):
        clean = questionnaire.validate(minimal(patronymic="  Петрович "))
        assert clean["citizenship"] == "UA"
        assert clean["patronymic"] == "Петрович"
        assert "email" not in clean

    def test_missing_required_fields_are_all_named(self, questionnaire):
        with pytest.raises(ValidationFailed) as error:
            questionnaire.validate({"family_name": "X"})
        assert set(error.value.problems) == {"given_name", "birth_date", "citizenship", "languages", "military_experience"}

    @pytest.mark.parametrize("field, value", [
        ("birth_date", "03.02.1990"),
        ("email", "not-an-address"),
        ("phone", "call me"),
        ("citizenship", "Russia"),
        ("military_experience", "general"),
        ("languages", ["ru", "klingon"]),
        ("relatives_in_russia", "perhaps"),
        ("family_name", "x" * 101),
        ("motivation", "x" * 4001),
    ])
    def test_bad_values_are_refused_by_field(self, questionnaire, field, value):
        with pytest.raises(ValidationFailed) as error:
            questionnaire.validate(minimal(**{field: value}))
        assert list(error.value.problems) == [field]

    def test_dates_in_the_future_or_before_1900_are_refused(self, questionnaire):
        from datetime import date

        today = date(2026, 6, 1)
        for born in ("2026-06-02", "1899-12-31"):
            with pytest.raises(ValidationFailed) as error:
                questionnaire.validate(minimal(birth_date=born), today=today)
            assert list(error.value.problems) == ["birth_date"]
        assert questionnaire.validate(minimal(birth_date="2026-06-01"), today=today)["birth_date"] == "2026-06-01"

    def test_unknown_fields_are_refused(self, questionnaire):
        with pytest.raises(ValidationFailed) as error:
            questionnaire.validate(minimal(ip_address="10.0.0.1"))
        assert error.value.problems == {"ip_address": "unknown field"}

    def test_multichoice_keeps_declared_order_without_duplicates(self, questionnaire):
        assert questionnaire.validate(minimal(languages=["en", "ru", "en"]))["languages"] == ["ru", "en"]

    def test_booleans_accept_form_spellings(self, questionnaire):
        assert questionnaire.validate(minimal(relatives_in_russia="on"))["relatives_in_russia"] is True
        assert questionnaire.validate(minimal(relatives_in_russia=False))["relatives_in_russia"] is False


class TestParsing:
    def test_a_question_without_all_labels_is_refused(self):
        with pytest.raises(ValidationFailed) as error:
            parse_questionnaire({"questions": [{"name": "a", "type": "text", "compartment": "identity",
                                                "labels": {"en": "A", "ru": "А"}}]})
        assert error.value.problems["questions[0]"] == "labels missing for uk"

    def test_duplicate_names_and_unknown_types_are_refused(self):
        labels = {"en": "A", "ru": "А", "uk": "А"}
        with pytest.raises(ValidationFailed) as error:
            parse_questionnaire({"questions": [
                {"name": "a", "type": "text", "compartment": "identity", "labels": labels},
                {"name": "a", "type": "text", "compartment": "identity", "labels": labels},
                {"name": "b", "type": "colour", "compartment": "identity", "labels": labels},
            ]})
        assert set(error.value.problems) == {"questions", "questions[2]"}

    def test_an_empty_questionnaire_is_refused(self):
        with pytest.raises(ValidationFailed):
            parse_questionnaire({"questions": []})
