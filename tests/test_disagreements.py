"""Numbers that differ between articles of one story: what a figure counts, when two figures can both be true, dates."""

from __future__ import annotations

import pytest

from summarizer.compare import compare
from summarizer.disagreements import figures
from summarizer.records import Article, Source
from summarizer.render import comparison_dict, comparison_markdown


def article(id_: str, outlet: str, text: str, at: str | None = None) -> Article:
    return Article(id_, outlet, None, "2018-04-13", None, "ar", text, Source(id_), published_at=at)


def said(text: str) -> list[tuple[str, str]]:
    return [(f.quantity, f.shown) for f in figures(text)]


@pytest.mark.parametrize("text, expected", [
    # the event beside a number says what it counts; "since" makes a total of its own; a part and an age are none
    ("ومنذ ذلك التاريخ قتل 33 فلسطينيا وأصيب نحو 2800 آخرين.", [("killed, since", "33"), ("wounded, since", "about 2800")]),
    ("أن 112 مواطناً أصيبوا بالرصاص الحي من بينهم 10 من الطواقم الطبية.", [("wounded", "112")]),
    ("وقالت الوزارة إن ثمانية مواطنين أصيبوا برصاص الجيش.", [("wounded", "8")]),
    ("وبهذا يرتفع عدد قتلى الفلسطينيين في التظاهرات المستمرة منذ أسبوعين إلى 28.", [("killed, since", "28")]),
    ("بدأ الجندي الذي كان يبلغ 19 عاما قضاء عقوبته في 9 آب/أغسطس 2017.", []),
    # units with their plurals and the accusative alif; ranges; at least; the whole a part is counted in
    ("خفضت عقوبته من 18 شهرا إلى 4 أشهر.", [("شهر", "18"), ("شهر", "4")]),
    ("ساريات بارتفاع 20 إلى 30 مترا.", [("متر", "20-30")]),
    ("وصل أكثر من 600 مهاجر.", [("مهاجر", "more than 600")]),
    ("وحصلت على 101 مقعد من 329 مقعدا.", [("مقعد", "101"), ("مقعد, in all", "329")]),
    ("ارتفعت البطالة إلى 12% و5 في المئة.", [("%", "12"), ("%", "5")]),
    # years, ordinals, days of a month and model numbers count nothing
    ("عند الرابعة فجرا في العام 2018 يوم 14 نيسان أطلقت منظومة S-200 صواريخها.", []),
])
def test_what_a_figure_counts(text, expected):
    assert said(text) == expected


def test_counts_of_one_thing_in_sentences_that_are_not_aligned_disagree():
    story = [article("a", "Outlet A", "فازت كتلة الصدر بالمركز الأول في الانتخابات الأخيرة، وحصلت كل منهما على 101 مقعد من 329 مقعدا.\n\n"
                                      "وقال زعيم التيار إن الحكومة ستشكل قريبا."),
             article("b", "Outlet B", "فاجأ ائتلاف سائرون الجميع بتصدره نتائج الانتخابات بـ54 مقعدا، بينما حل ثانيا بـ47 مقعدا ائتلاف الفتح.\n\n"
                                      "ويجري العامري مشاورات مع الكتل الأخرى في بغداد.")]
    (difference,) = compare(story).numbers
    assert difference.quantity == "مقعد" and difference.values == {0: ["101"], 1: ["54", "47"]}
    assert {a for a, _ in difference.claim.reports} == {0, 1}  # the sentences that say it, one of each article


def test_figures_that_can_both_be_true_do_not_disagree():
    story = [article("a", "Outlet A", "وصلت سفينة تقل 629 مهاجرا إلى ميناء فالنسيا الإسباني صباح الأحد.\n\nورفعت الأعلام على ساريات طولها 25 مترا."),
             article("b", "Outlet B", "أنقذت السفينة أكثر من 600 مهاجر في البحر المتوسط الأسبوع الماضي.\n\nوجهز المحتجون ساريات بارتفاع 20 إلى 30 مترا."),
             article("c", "Outlet C", "وتقل السفينة نحو 630 مهاجرا بينهم 123 قاصرا غير مصحوبين.\n\nوقال قبطان السفينة إن الرحلة طويلة.")]
    assert compare(story).numbers == ()


def test_durations_are_compared_only_when_the_articles_agree_on_one_of_them():
    term = "وكانت المحكمة قد حكمت على الجندي بالسجن 18 شهرا، ثم خفضت العقوبة إلى {}.\n\n"
    story = [article("a", "Outlet A", term.format("14 شهرا") + "وقالت منظمة حقوقية إن عقوبة القتل غير العمد تصل إلى 20 عاما."),
             article("b", "Outlet B", term.format("4 أشهر") + "وصدرت بحق أطفال فلسطينيين رشقوا الحجارة أحكام بالسجن ثلاثة أعوام.")]
    (difference,) = compare(story).numbers  # months: both say 18, then 14 against 4; the years have no such anchor
    assert difference.quantity == "شهر" and difference.values == {0: ["18", "14"], 1: ["18", "4"]}


def test_a_number_only_a_few_of_a_big_story_s_articles_give_is_not_compared():
    filler = "وتواصلت ردود الفعل الدولية على الضربة في العواصم الأوروبية والعربية طوال اليوم."
    story = [article("a", "Outlet A", "وشاركت 4 طائرات من طراز تورنادو في الهجوم على المنشأة.\n\n" + filler),
             article("b", "Outlet B", "وتستطيع حاملة الطائرات حمل 90 طائرة في شرق المتوسط.\n\n" + filler)]
    assert len(compare(story).numbers) == 1  # two articles of two: the story's own number
    others = [article(f"x{k}", "Outlet X", "وقال المتحدث إن الاجتماع انتهى دون بيان ختامي في العاصمة.") for k in range(9)]
    assert compare(story + others).numbers == ()  # two of eleven: a background number each


def test_one_event_dated_differently_is_a_date_disagreement():
    story = [article("a", "Outlet A", "وقد حكمت محكمة إسرائيلية في فبراير/شباط العام الماضي على الجندي بالسجن 18 شهرا.\n\nوأطلق سراحه اليوم."),
             article("b", "Outlet B", "وفي نهاية يونيو/ حزيران 2017، أدانت محكمة عسكرية الجندي وقضت بسجنه 18 شهرا.\n\nوخرج الجندي من السجن اليوم.")]
    dates = [d for d in compare(story).numbers if d.quantity == "date"]
    assert [d.values for d in dates] == [{0: ["February"], 1: ["June"]}]
    same = [story[0], article("c", "Outlet C", "وقضت المحكمة في شباط الماضي بسجن الجندي 18 شهرا.\n\nوأطلق سراحه اليوم.")]
    assert [d for d in compare(same).numbers if d.quantity == "date"] == []


def test_markdown_and_json_say_what_the_numbers_count_and_where():
    story = [article("a", "Outlet A", "وبدأت الاحتجاجات في 30 مارس، ومنذ ذلك التاريخ قتل 33 فلسطينيا.\n\nوتجمع المتظاهرون قرب السياج."),
             article("b", "Outlet B", "وبهذا يرتفع عدد قتلى الفلسطينيين في التظاهرات المستمرة منذ أسبوعين إلى 28.\n\nوأحرق المحتجون الإطارات.")]
    c = compare(story)
    md = comparison_markdown(c, "s1", "غزة", {}, [])
    assert "- **people killed, a total since an earlier date**: Outlet A [\\[1\\]](#art-1): 33; Outlet B [\\[2\\]](#art-2): 28" in md
    assert "  - Outlet B [\\[2\\]](#art-2): <span" in md and "إلى 28" in md
    (entry,) = comparison_dict(c, "s1", "غزة", {}, [])["numbers_differ"]
    assert entry["quantity"] == "killed, since" and entry["by_article"] == {"1": ["33"], "2": ["28"]}
    assert [r["article"] for r in entry["reports"]] == [1, 2] and "33" in entry["reports"][0]["sentence"]


def test_month_names_that_are_also_words_count_only_beside_a_date():
    from summarizer.arabic import normalize
    from summarizer.dates import months_named

    assert months_named(normalize("مارس الرئيس ضغوطا على الحكومة في شهر حزيران")) == {6}
    assert months_named(normalize("وفي مارس/ آذار أقر مجلس العفو، وفي 9 آب/أغسطس بدأ عقوبته")) == {3, 8}
