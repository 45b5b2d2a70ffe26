"""Normalisation, digits, sentence splitting and dates on small hand-made Arabic text."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.arabic import detect_language, light_stem, normalize, split_clauses, split_sentences, to_western_digits
from summarizer.dates import find_dates, is_date_line, parse_iso


def test_normalize_folds_letters_for_matching():
    assert normalize("کوریا الشمالیة") == normalize("كوريا الشمالية") == "كوريا الشماليه"
    assert normalize("أُعلِنَ إتفاق آخر") == "اعلن اتفاق اخر"
    assert normalize("مستشفى") == "مستشفي"
    assert normalize("ســـلام") == "سلام"  # tatweel
    assert normalize("مسؤول رئيس") == "مسوول رييس"


def test_digits():
    assert to_western_digits("١٢٣ و۴۵ و٣٫٥") == "123 و45 و3.5"
    assert normalize("١٫٣ مليار") == "1.3 مليار"


def test_light_stem():
    assert light_stem(normalize("والانتخابات")) == "انتخاب"
    assert light_stem(normalize("بالعاصمة")) == "عاصم"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("سرق القراصنة 1.3 مليار دولار. وقال مسؤول إنها أكبر سرقة.", ["سرق القراصنة 1.3 مليار دولار.", "وقال مسؤول إنها أكبر سرقة."]),
        ("هل تزور روسيا؟ نعم! قال ذلك.", ["هل تزور روسيا؟", "نعم!", "قال ذلك."]),
        ("قال كيم: «هذا جيد. وذاك سيئ». ثم غادر.", ["قال كيم: «هذا جيد. وذاك سيئ».", "ثم غادر."]),
        ("وصل الوفد (أ.ف.ب). والتقى د. محمد بالرئيس.", ["وصل الوفد (أ.ف.ب).", "والتقى د. محمد بالرئيس."]),
        ("الأولى منذ 24 عاما.. بوتين إلى كوريا", ["الأولى منذ 24 عاما.. بوتين إلى كوريا"]),
        ("غادر موسكو.وصل بيونغ يانغ.", ["غادر موسكو.", "وصل بيونغ يانغ."]),
        ("سطر أول\nسطر ثان.", ["سطر أول", "سطر ثان."]),
        ("بلغت النسبة ٣٫٥. وارتفعت.", ["بلغت النسبة ٣٫٥.", "وارتفعت."]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_unbalanced_quote_does_not_swallow_the_rest():
    text = "قال «شيئا. " + "وأضاف كلاما كثيرا. " * 40
    assert len(split_sentences(text)) > 10


def test_split_clauses():
    assert split_clauses("قال الرئيس، في بيان رسمي؛ إن الزيارة مهمة") == ["قال الرئيس،", "في بيان رسمي؛", "إن الزيارة مهمة"]


def test_detect_language():
    assert detect_language("قال الرئيس الروسي إن الزيارة مهمة") == "ar"
    assert detect_language("The president said that the visit was important.") == "en"
    assert detect_language("Le président a dit que la visite était importante.") == "und"
    assert detect_language("این یک متن فارسی است که برای آزمایش نوشته شده و گفته می شود") == "fa"


@pytest.mark.parametrize(
    "text, date",
    [
        ("الجمعة 22 نوفمبر 2024", dt.date(2024, 11, 22)),
        ("18 حزيران/يونيو 2024", dt.date(2024, 6, 18)),
        ("١٨ يونيو (حزيران) ٢٠٢٤", dt.date(2024, 6, 18)),
        ("13 أيلول 2023", dt.date(2023, 9, 13)),
        ("3 تشرين الأول 2023", dt.date(2023, 10, 3)),
        ("5 جوان 2024", dt.date(2024, 6, 5)),
        ("2024-06-18T10:00:00Z", dt.date(2024, 6, 18)),
        ("18/06/2024", dt.date(2024, 6, 18)),
        ("June 18, 2024", dt.date(2024, 6, 18)),
    ],
)
def test_find_dates(text, date):
    assert [f.date for f in find_dates(text)] == [date]


def test_date_lines_and_metadata():
    assert is_date_line("الثلاثاء، 18 يونيو 2024 - 10:30 ص")
    assert not is_date_line("وقع الرئيسان الاتفاق في 18 يونيو 2024 في بيونغ يانغ")
    assert parse_iso("2018-05-08T00:11:55Z") == "2018-05-08"
    assert parse_iso("not a date") is None
    assert find_dates("في 31 فبراير 2024") == []  # no such day
