"""The questionnaire as data: fields, types, choices, labels in ru/uk/en and compartments.

The intake form, the API's request schema and validation are all generated from one
`Questionnaire`, so a formation changes its questions by editing a YAML file, not code.
Parsing YAML happens in an adapter; this module takes plain dicts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from muster.domain.errors import ValidationFailed
from muster.domain.permissions import Compartment

LANGUAGES = ("ru", "uk", "en")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class FieldType(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    DATE = "date"
    EMAIL = "email"
    PHONE = "phone"
    COUNTRY = "country"
    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    BOOLEAN = "boolean"


Answer = str | bool | list[str]


@dataclass(frozen=True)
class Choice:
    value: str
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Question:
    name: str
    type: FieldType
    labels: Mapping[str, str]
    compartment: Compartment
    required: bool = False
    choices: tuple[Choice, ...] = ()
    max_length: int = 200
    help: Mapping[str, str] | None = None

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]

    def choice_values(self) -> list[str]:
        return [c.value for c in self.choices]

    def validate(self, raw: Any, today: date | None = None) -> tuple[Answer | None, str | None]:
        """Return (clean value, None) or (None, problem). An empty optional answer is (None, None).

        With `today`, a date after it is refused (nobody is born, or served, in the future)."""
        if raw is None or raw == "" or raw == []:
            return (None, "this field is required") if self.required else (None, None)
        if self.type is FieldType.BOOLEAN:
            if isinstance(raw, bool):
                return raw, None
            if str(raw).lower() in ("true", "on", "yes", "1"):
                return True, None
            if str(raw).lower() in ("false", "off", "no", "0"):
                return False, None
            return None, "must be true or false"
        if self.type is FieldType.MULTICHOICE:
            values = raw if isinstance(raw, list) else [raw]
            unknown = [v for v in values if v not in self.choice_values()]
            if unknown:
                return None, "unknown choice"
            return sorted(set(values), key=self.choice_values().index), None
        if not isinstance(raw, str):
            return None, "must be text"
        value = raw.strip()
        if not value:
            return (None, "this field is required") if self.required else (None, None)
        limit = 4000 if self.type is FieldType.LONGTEXT else self.max_length
        if len(value) > limit:
            return None, f"at most {limit} characters"
        return self._check_text(value, today)

    def _check_text(self, value: str, today: date | None) -> tuple[Answer | None, str | None]:
        if self.type is FieldType.DATE:
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                return None, "must be a date as YYYY-MM-DD"
            if today is not None and parsed > today:
                return None, "must not be in the future"
            if parsed.year < 1900:
                return None, "must be after 1900"
            return parsed.isoformat(), None
        if self.type is FieldType.EMAIL and not _EMAIL.match(value):
            return None, "must be an e-mail address"
        if self.type is FieldType.PHONE and not _PHONE.match(value):
            return None, "must be a phone number"
        if self.type is FieldType.COUNTRY:
            value = value.upper()
            if not _COUNTRY.match(value):
                return None, "must be a two-letter country code"
        if self.type is FieldType.CHOICE and value not in self.choice_values():
            return None, "unknown choice"
        return value, None


@dataclass(frozen=True)
class Questionnaire:
    version: str
    questions: tuple[Question, ...]

    def question(self, name: str) -> Question:
        return next(q for q in self.questions if q.name == name)

    def validate(self, answers: Mapping[str, Any], today: date | None = None) -> dict[str, Answer]:
        """Clean answers, or ValidationFailed naming every bad or unknown field."""
        problems: dict[str, str] = {}
        clean: dict[str, Answer] = {}
        known = {q.name for q in self.questions}
        for name in answers:
            if name not in known:
                problems[name] = "unknown field"
        for question in self.questions:
            value, problem = question.validate(answers.get(question.name), today)
            if problem:
                problems[question.name] = problem
            elif value is not None:
                clean[question.name] = value
        if problems:
            raise ValidationFailed(problems)
        return clean

    def compartment_of(self, name: str) -> Compartment:
        return self.question(name).compartment


def parse_questionnaire(data: Mapping[str, Any]) -> Questionnaire:
    """Build a Questionnaire from its plain-data form (as loaded from YAML), checking it whole."""
    problems: dict[str, str] = {}
    questions = []
    for index, item in enumerate(data.get("questions") or []):
        where = f"questions[{index}]"
        try:
            labels = dict(item["labels"])
            missing = [lang for lang in LANGUAGES if not labels.get(lang)]
            if missing:
                problems[where] = f"labels missing for {', '.join(missing)}"
                continue
            choices = tuple(Choice(str(c["value"]), dict(c["labels"])) for c in item.get("choices") or ())
            question = Question(
                name=str(item["name"]),
                type=FieldType(item["type"]),
                labels=labels,
                compartment=Compartment(item["compartment"]),
                required=bool(item.get("required", False)),
                choices=choices,
                max_length=int(item.get("max_length", 200)),
                help=dict(item["help"]) if item.get("help") else None,
            )
        except (KeyError, TypeError, ValueError) as error:
            problems[where] = f"malformed question: {error}"
            continue
        if question.type in (FieldType.CHOICE, FieldType.MULTICHOICE) and not question.choices:
            problems[where] = "a choice question needs choices"
        questions.append(question)
    names = [q.name for q in questions]
    if len(set(names)) != len(names):
        problems["questions"] = "question names must be unique"
    if not questions and "questions" not in problems:
        problems["questions"] = "a questionnaire needs at least one question"
    if problems:
        raise ValidationFailed(problems)
    return Questionnaire(version=str(data.get("version", "1")), questions=tuple(questions))
