"""Equivalent given names: Russian, Ukrainian and Belarusian forms, common Latin spellings and diminutives.

One line per name: the canonical (Russian, Latin) form first, then its other forms. Transliteration
variants that the skeleton already folds (Yuri/Iurii/Yuriy, Fyodor/Fedor) need not be listed; what is
listed are the forms a spelling rule cannot reach: language forms (Oleksandr, Aliaksandr, Siarhei),
Western forms (Alexander, Michael) and diminutives (Sasha, Sanya, Shura); and the common romanisations
of frequent Arabic names (Muhammad, Mohammed, Mohamed), which the sanctions lists are full of. Patronymics are derived
from the same table (Aleksandrovich ~ Oleksandrovych ~ Aliaksandravich).
"""

from __future__ import annotations

from collections.abc import Callable

GIVEN_NAME_TABLE = """
aleksandr alexander oleksandr aliaksandr alyaksandr alexandre alessandro sasha sanya shura sashko sania sashok
aleksandra alexandra oleksandra aliaksandra alyaksandra sasha shura lesya
aleksei alexey aleksey alexei oleksii oleksiy aliaksei aliaksey alyaksey lesha alesha lyosha alex
anatolii anatoly anatoliy anatol tolya tolik
andrei andrey andrii andriy andriej andrew andreas andrzej andrei andryusha andrusha
anna hanna ganna anya anechka annushka
boris barys borys borya
vadim vadym vadzim
valentin valentyn valiantsin valya
valerii valeriy valery valerij valer valera
vasilii vasily vasiliy vasyl vasil vasily vasia vasya
viktor victor viktar vitya
vitalii vitaly vitaliy vital vitalia vitalik
vladimir volodymyr uladzimir vladzimir uladimir wladimir volodya vova volodia
vladislav vladyslav uladzislau vladzislau vlad slava
viacheslav vyacheslav viachaslau slava
gennadii gennady gennadiy hennadii henadz gena
georgii georgy georgiy heorhii george zhora gosha
grigorii grigory grigoriy hryhorii ryhor hryhory grisha
dmitrii dmitry dmitriy dmytro dzmitry dzmitryi dmitri dima mitya
evgenii evgeny evgeniy yevhen yauhen yauheni eugene zhenya
evgeniia evgenia yevheniia yauheniia zhenya
ekaterina yekaterina kateryna katsiaryna katerina catherine katya
elena yelena olena alena helen lena
ivan ivanko vanya
igor ihor ihar igor
ilia ilya illia ilja
iosif josef yosyp iosif osip
irina iryna iryna ira
kirill kyrylo kiryl kiril
konstantin kostiantyn kanstantsin kostya
leonid leanid leonid lyonya
lyudmila liudmila ludmila lyudmyla liudmyla mila
maksim maxim maksym maksim max
marina maryna
mariia maria mariya marya masha
mikhail mykhailo mikhas michael misha
nikolai nikolay mykola mikalai nicholas kolya
nadezhda nadiia nadzeia nadya
natalia natalya nataliya natallia natasha
oleg oleh aleh
olga olha volha olya
pavel pavlo paval paul pasha
petr pyotr petro piotr peter petya
roman raman roma
svetlana svitlana sviatlana sveta
sergei sergey serhii serhiy siarhei sergiy serge seryozha serezha
stanislav stanislau stanislaw stas
tatiana tatyana tetiana tatsiana tanya
yurii yury yuri iurii yuras yura
fedor fyodor fedir fiodar fedya
yakov yakiv yakau jacob yasha
muhammad mohammed mohamed mohammad muhamad mohamad muhammed mohamud mehmet
ahmad ahmed ahmet
husayn hussein hussain husain hossein husein
hasan hassan
abdallah abdullah abdulla abdalla abdellah
abd abdul abdel abdol abdal
umar omar
uthman othman osman usman
yusuf yousef yousif youssef yusif yousuf
ibrahim ebrahim
khalid khaled
said saeed sayed sayid saied
mahmud mahmoud
mustafa mostafa moustafa
salih saleh
yahya yahia
isa issa eesa
jafar jaafar jafer
abdulrahman abdurrahman abdelrahman abdalrahman abdurahman
""".strip()

# Patronymic endings as the skeleton spells them (see normalise.skeleton): Russian, Ukrainian, Belarusian.
MALE_PATRONYMIC_SUFFIXES = ("ovich", "evich", "avich")
FEMALE_PATRONYMIC_SUFFIXES = ("ovna", "evna", "avna", "auna", "ivna", "ichna")
PATRONYMIC_SUFFIXES = MALE_PATRONYMIC_SUFFIXES + FEMALE_PATRONYMIC_SUFFIXES


def build_equivalences(fold: Callable[[str], str]) -> dict[str, str]:
    """Map folded given names to ``g:<canonical>`` and folded patronymics to ``p:<canonical>`` (a son's)
    or ``pf:<canonical>`` (a daughter's: Yurevich and Yurevna are brother and sister, not one person).

    ``fold`` is the skeleton function. Patronymics are generated from every form of a name:
    Sergei -> Sergeevich / Sergeevna, Serhii -> Serhiiovych / Serhiivna, Aliaksandr -> Aliaksandravich.
    """
    table: dict[str, str] = {}
    for line in GIVEN_NAME_TABLE.splitlines():
        forms = [fold(word) for word in line.split()]
        canonical = forms[0]
        for form in forms:
            table.setdefault(form, f"g:{canonical}")
        for form in forms[: max(1, len(forms))]:
            stems = {form, form[:-1]} if form[-1] in "aeiou" else {form}
            for stem in stems:
                for suffix in PATRONYMIC_SUFFIXES:
                    kind = "pf" if suffix in FEMALE_PATRONYMIC_SUFFIXES else "p"
                    table.setdefault(fold(stem + suffix), f"{kind}:{canonical}")
    return table
