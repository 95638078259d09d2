"""Given names that are one name in the languages and transliterations of one region.

The lists write a Russian, Ukrainian or Belarusian person under each language's form of the
same given name, transliterated by English, Polish, Czech, Swedish or German rules: ``Sergey``
/ ``Serhii`` / ``Siarhei``, ``Yevgeny`` / ``Yevhen`` / ``Yauhen``, ``Nikita`` / ``Mykyta``,
``Elena`` / ``Jelena`` / ``Alena``. No spelling rule finds these (``g`` ↔ ``h``, ``e`` ↔ ``ia``,
``n`` ↔ ``m`` are different letters), so they are a table: one family per line, the first form
its name (a family may take several lines); a token belongs to a family when its
transliteration-variant key (:func:`prosper.names.variants.variant_key`) is the key of one of
the family's forms.

>>> same_given_name("serhii", "sergey"), same_given_name("yauhen", "evgeny")
(True, True)
>>> same_given_name("sergey", "yevgeny")
False
"""

from __future__ import annotations

from functools import lru_cache

from prosper.names.variants import variant_key

_FAMILIES = """
sergey sergei sergej serhii serhiy serhij siarhei siarhiej sergiy
yevgeny evgeny evgeniy yevgeniy evgenii jevgenij yevhen yevhenii yevheniy jevhen javhen
yevgeny yauhen yauheni eugeniy ewgenij
yuri yury yuriy yurii jurij juri iurii jury juriy
nikita mykyta mikita
gennady gennadiy gennadii genadiy genadij gennadij henadz henadzi genadzi hennadiy hennadii gennadi
igor ihor ihar
elena yelena jelena alena alyona olena helena
valentina valiantsina valentyna walentina
yulia yuliya julija julia yuliia iuliia
mikhail michail mijail mykhailo michal mikhal mikhailo
nikolay nikolai mykola mikola mikalai nikolaj mikalaj kolya
aleksandr alexander aleksander oleksandr aliaksandr aljaksandr alyaksandr alexandr
aleksey alexei aleksei oleksii oleksiy aliaksei aliaksey aljaksej alexej aleksej
dmitry dmitriy dmytro dzmitry dzmitryi dmitrij dmitri
vladimir volodymyr uladzimir uladzimier wladimir
andrey andrei andriy andrii andrej andrzej
oleg oleh aleh
olga olha volha
tatiana tatyana tetiana tatsiana tatjana
natalia natalya nataliya natallia natalja
svetlana sviatlana svitlana swetlana
pavel pavlo pawel paval
petr pyotr petro piotr pjotr
grigory grigoriy hryhoriy ryhor grigorij hrihoriy
vasily vasyl vasil vasili vasilij
viktor victor wiktor viktar
anatoly anatoliy anatolii anatol anatolij
vitaly vitaliy vitalii vitali vital vitalij
valery valeriy valerii valeri valer valerij
konstantin kostiantyn kanstantsin konstantyn
leonid leanid
stanislav stanislau
vyacheslav viacheslav vyachaslau viachaslau
boris borys barys
artem artyom artiom artsiom
kirill kiryl kyrylo
roman raman
yan jan
yekaterina ekaterina katerina katsiaryna kateryna jekaterina
irina iryna
lyudmila ludmila liudmila ljudmila
galina halina galyna halyna
nadezhda nadzeya nadiia nadiya
lyubov liubov ljubov lubov
yaroslav jaroslaw yaraslau
yakov jakov yakiv
semyon semen semion siamion
fyodor fedor fiodar fedir
timofey timofei tsimafei
yegor egor jegor
maria mariya marya mariia
"""


@lru_cache(maxsize=1)
def _family_of() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _FAMILIES.strip().splitlines():
        forms = line.split()
        for form in forms:
            out.setdefault(form, forms[0])
            out.setdefault(variant_key(form), forms[0])
    return out


def given_name_family(token: str, key: str = "") -> str | None:
    """The family (its first form) of a normalised given-name token, or ``None``; ``key`` is
    the token's variant key when the caller has it (prepared names carry it)."""
    families = _family_of()
    found = families.get(token)
    if found is None:
        found = families.get(key or variant_key(token))
    return found


def same_given_name(a: str, b: str, a_key: str = "", b_key: str = "") -> bool:
    """``a`` and ``b`` are forms of one given name (see the module docstring)."""
    fa = given_name_family(a, a_key)
    return fa is not None and fa == given_name_family(b, b_key)
