"""Transliteration schemes, spelling skeletons, homoglyphs and name parts."""

from __future__ import annotations

import pytest

from muster.domain.matching.normalise import (
    canonical, fold_text, name_form, name_forms, query_forms, role, skeleton, split_name, tokenise,
)
from muster.domain.matching.transliteration import detect_language, to_cyrillic, to_latin


class TestRussianTransliteration:
    @pytest.mark.parametrize(("scheme", "expected"), [
        ("icao", "iurii fedorovich shcherbakov"),
        ("bgn_ru", "yuriy fëdorovich shcherbakov"),
        ("iso9", "ûrij fëdorovič ŝerbakov"),
    ])
    def test_each_scheme_spells_a_russian_name_its_own_way(self, scheme: str, expected: str) -> None:
        assert to_latin("Юрий Фёдорович Щербаков", scheme) == expected

    def test_icao_drops_the_soft_sign_and_spells_ia_iu(self) -> None:
        assert to_latin("Наталья Валерьевна Юдина", "icao") == "natalia valerevna iudina"

    def test_latin_reads_back_into_russian_cyrillic(self) -> None:
        assert to_cyrillic("Aleksandr Yuriy Shcherbakov") == "александр юрий щербаков"

    def test_all_spellings_of_a_russian_name_fold_to_one_skeleton(self) -> None:
        spellings = ["Yuriy", "Iurii", "Jurij", "Yury", "Yuri", "Юрий"]
        assert {name_forms(s)[0].tokens for s in spellings} == {("iuri",)}

    @pytest.mark.parametrize(("a", "b"), [
        ("Fyodor", "Fedor"), ("Khrushchev", "Hrushchev"), ("Valer'yevich", "Valerievich"),
        ("Pisarevsky", "Pisarevskiy"), ("Pisarevskii", "Писаревский"), ("Sergeyevna", "Sergeevna"),
        ("Dmitriyev", "Dmitriev"), ("Artyom", "Artem"), ("Tsoi", "Tzoi"),
    ])
    def test_informal_and_scheme_variants_share_a_skeleton(self, a: str, b: str) -> None:
        assert name_forms(a)[0].tokens == name_forms(b)[0].tokens

    def test_different_names_keep_different_skeletons(self) -> None:
        assert skeleton("petrov") != skeleton("petrova")
        assert skeleton("ivanov") != skeleton("ivanenko")


class TestUkrainianTransliteration:
    @pytest.mark.parametrize(("cyrillic", "latin"), [
        ("Олександр", "oleksandr"), ("Сергій", "serhii"), ("Юлія", "yuliia"), ("Єва", "yeva"),
        ("Згурський", "zghurskyi"), ("Ґалаґан", "galagan"), ("Їжакевич", "yizhakevych"),
    ])
    def test_national_romanisation_follows_the_2010_rules(self, cyrillic: str, latin: str) -> None:
        assert to_latin(cyrillic, "ua_national") == latin

    def test_ukrainian_letters_select_the_ukrainian_schemes(self) -> None:
        assert detect_language("Сергій Мельничук") == "uk"
        assert {f.scheme for f in name_forms("Сергій Мельничук")} >= {"ua_national"}

    @pytest.mark.parametrize(("latin", "cyrillic"), [
        ("Oleksandr", "олександр"), ("Serhii", "сергій"), ("Yuliia", "юлія"), ("Hryhorii", "григорій"),
        ("Kyiv", "київ"), ("Viktoriia Serhiivna", "вікторія сергіївна"),
    ])
    def test_national_romanisation_reads_back_into_ukrainian(self, latin: str, cyrillic: str) -> None:
        assert to_cyrillic(latin, "uk") == cyrillic

    def test_the_ukrainian_form_of_a_name_meets_the_russian_one_through_the_name_table(self) -> None:
        assert canonical(skeleton("oleksandr")) == canonical(skeleton("aleksandr")) == "g:aleksandr"
        assert canonical(skeleton("serhii")) == canonical(skeleton("sergey")) == "g:sergei"


class TestBelarusianTransliteration:
    @pytest.mark.parametrize(("cyrillic", "latin"), [
        ("Аляксандр", "aliaksandr"), ("Сяргей", "siarhei"), ("Лукашэнка", "lukashenka"), ("Ўладзімір", "uladzimir"),
    ])
    def test_passport_rules_spell_belarusian_names(self, cyrillic: str, latin: str) -> None:
        assert to_latin(cyrillic, "by_passport") == latin

    def test_belarusian_letters_select_the_belarusian_schemes(self) -> None:
        assert detect_language("Аляксандр Рыгоравіч Лукашэнка") == "be"
        assert name_forms("Аляксандр Рыгоравіч Лукашэнка")[0].scheme == "by_passport"

    def test_belarusian_patronymic_meets_the_russian_one(self) -> None:
        assert canonical(skeleton("aliaksandravich")) == canonical(skeleton("aleksandrovich")) == "p:aleksandr"


class TestHomoglyphs:
    def test_cyrillic_letters_inside_a_latin_word_become_latin(self) -> None:
        assert fold_text("Pеtrоv") == "petrov"  # е and о are Cyrillic

    def test_latin_letters_inside_a_cyrillic_word_become_cyrillic(self) -> None:
        assert fold_text("Пeтpов") == "петров"  # e and p are Latin

    def test_a_mixed_script_query_gets_the_same_forms_as_a_clean_one(self) -> None:
        assert name_forms("Пeтpов Иван")[0].tokens == name_forms("Петров Иван")[0].tokens

    def test_nfkc_and_case_folding_apply(self) -> None:
        assert fold_text("ＰＥＴＲＯＶ") == "petrov"
        assert name_forms("Pétrov")[0].tokens == name_forms("PETROV")[0].tokens


class TestNameParts:
    def test_roles_are_guessed_from_the_word(self) -> None:
        assert [role(t) for t in name_forms("Писаревский Евгений Леонидович")[0].tokens] == ["family", "given", "patronymic"]
        assert role(skeleton("a")) == "initial"

    def test_diminutives_and_western_forms_share_the_canonical_name(self) -> None:
        names = ["Sasha", "Sanya", "Shura", "Alexander", "Aliaksandr", "Александр"]
        assert {canonical(name_forms(n)[0].tokens[0]) for n in names} == {"g:aleksandr"}

    def test_comma_and_brackets_give_separate_readings(self) -> None:
        assert split_name("SHKOLKINA, Nadezhda") == ["SHKOLKINA Nadezhda"]
        assert split_name("Выдрин Дмитрий (Видрін Дмитро)") == ["Выдрин Дмитрий", "Видрін Дмитро"]

    def test_apostrophes_and_hyphens_join_words(self) -> None:
        assert tokenise("vital'yevich al-bakkur") == ["vitalyevich", "albakkur"]

    def test_a_cyrillic_name_has_one_form_per_distinct_scheme_spelling(self) -> None:
        forms = name_forms("Щербаков Юрий")
        assert len({f.tokens for f in forms}) == len(forms)
        assert all(f.words for f in forms)


class TestQueryForms:
    def test_neighbouring_words_of_a_long_query_are_also_tried_joined(self) -> None:
        forms = query_forms("ABUBAKAR, Abdul Patta Escalon")
        joined = [f for f in forms if f.scheme == "latin+joined"]
        assert ("abubakar", "abdulpata", "escalon") in {f.tokens for f in joined}
        assert forms[0].scheme == "latin"

    def test_two_word_queries_are_not_joined(self) -> None:
        assert [f.scheme for f in query_forms("Ivan Petrov")] == ["latin"]

    def test_common_romanisations_of_arabic_names_share_the_canonical_name(self) -> None:
        assert {canonical(skeleton(n)) for n in ("Mohammed", "Muhammad", "Mohamed")} == {"g:muhamad"}


class TestPatronymicGender:
    def test_a_sons_and_a_daughters_patronymic_are_different_names(self) -> None:
        assert canonical(skeleton("yurevich")) == "p:iuri"
        assert canonical(skeleton("yurevna")) == "pf:iuri"
        assert role(skeleton("yurevna")) == "patronymic"


class TestRebuildingOneForm:
    @pytest.mark.parametrize("name", [
        "Выдрин Дмитрий Игнатьевич (Видрін Дмитро Гнатович)", "LUKASHENKA, Aliaksandr Ryhoravich",
        "Аляксандр Рыгоравіч Лукашэнка", "Олександр Сергійович Мельничук",
    ])
    def test_a_form_rebuilt_from_its_reading_and_scheme_equals_the_indexed_one(self, name: str) -> None:
        for form in name_forms(name):
            assert name_form(name, form.reading, form.scheme) == form
