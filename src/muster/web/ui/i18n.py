"""Strings of the public pages in ru, uk and en (the questionnaire carries its own labels)."""

from __future__ import annotations

import re

LANGUAGES = ("ru", "uk", "en")

TEXT: dict[str, dict[str, str]] = {
    "apply_title": {"ru": "Заявка добровольца", "uk": "Заявка добровольця", "en": "Volunteer application"},
    "apply_intro": {
        "ru": "Заполните анкету. Мы храним только необходимое, в зашифрованном виде. После отправки вы получите код для проверки статуса.",
        "uk": "Заповніть анкету. Ми зберігаємо лише необхідне, у зашифрованому вигляді. Після надсилання ви отримаєте код для перевірки статусу.",
        "en": "Fill in the form. We keep only what is needed, encrypted. After sending you get a code to check your status.",
    },
    "required": {"ru": "обязательно", "uk": "обов'язково", "en": "required"},
    "submit": {"ru": "Отправить заявку", "uk": "Надіслати заявку", "en": "Send application"},
    "errors": {"ru": "Исправьте отмеченные поля.", "uk": "Виправте позначені поля.", "en": "Please correct the marked fields."},
    "yes": {"ru": "да", "uk": "так", "en": "yes"},
    "receipt_title": {"ru": "Заявка принята", "uk": "Заявку прийнято", "en": "Application received"},
    "receipt_intro": {
        "ru": "Ваш код. Запишите его: он показан один раз и нужен, чтобы узнать статус.",
        "uk": "Ваш код. Запишіть його: він показаний один раз і потрібен, щоб дізнатися статус.",
        "en": "Your code. Write it down: it is shown once and you need it to check your status.",
    },
    "status_title": {"ru": "Статус заявки", "uk": "Статус заявки", "en": "Application status"},
    "receipt_label": {"ru": "Код заявки", "uk": "Код заявки", "en": "Receipt code"},
    "check": {"ru": "Проверить", "uk": "Перевірити", "en": "Check"},
    "unknown_receipt": {"ru": "Заявка с таким кодом не найдена.", "uk": "Заявку з таким кодом не знайдено.",
                        "en": "No application with this code."},
    "status_received": {"ru": "Получена", "uk": "Отримана", "en": "Received"},
    "status_in_review": {"ru": "На рассмотрении", "uk": "На розгляді", "en": "In review"},
    "status_accepted": {"ru": "Принята", "uk": "Прийнята", "en": "Accepted"},
    "status_closed": {"ru": "Рассмотрение завершено", "uk": "Розгляд завершено", "en": "Closed"},
    "check_status": {"ru": "Проверить статус", "uk": "Перевірити статус", "en": "Check status"},
    "apply": {"ru": "Подать заявку", "uk": "Подати заявку", "en": "Apply"},
}


def pick_language(value: str | None) -> str:
    return value if value in LANGUAGES else "ru"


def translator(language: str):  # type: ignore[no-untyped-def]
    def t(key: str) -> str:
        return TEXT[key][language]

    return t


# The questionnaire's problems are English; the public form shows them in the applicant's language.
PROBLEMS: dict[str, dict[str, str]] = {
    "this field is required": {"ru": "обязательное поле", "uk": "обов'язкове поле"},
    "must be true or false": {"ru": "выберите да или нет", "uk": "оберіть так або ні"},
    "unknown choice": {"ru": "выберите из списка", "uk": "оберіть зі списку"},
    "must be text": {"ru": "введите текст", "uk": "введіть текст"},
    "must be a date as YYYY-MM-DD": {"ru": "дата в формате ГГГГ-ММ-ДД", "uk": "дата у форматі РРРР-ММ-ДД"},
    "must not be in the future": {"ru": "дата не может быть в будущем", "uk": "дата не може бути в майбутньому"},
    "must be after 1900": {"ru": "дата должна быть после 1900 года", "uk": "дата має бути після 1900 року"},
    "must be an e-mail address": {"ru": "введите адрес электронной почты", "uk": "введіть адресу електронної пошти"},
    "must be a phone number": {"ru": "введите номер телефона", "uk": "введіть номер телефону"},
    "must be a two-letter country code": {"ru": "двухбуквенный код страны, напр. RU", "uk": "двобуквений код країни, напр. UA"},
}
_AT_MOST = re.compile(r"at most (\d+) characters")
_AT_MOST_TEXT = {"ru": "не более {n} символов", "uk": "не більше {n} символів"}


def problem_text(problem: str, language: str) -> str:
    """`problem` in `language` (English ones pass through unchanged)."""
    if language == "en":
        return problem
    if problem in PROBLEMS:
        return PROBLEMS[problem][language]
    match = _AT_MOST.fullmatch(problem)
    if match:
        return _AT_MOST_TEXT[language].format(n=match.group(1))
    return problem
