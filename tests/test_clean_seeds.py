"""The five saved news pages in seeds/: furniture gone, every main paragraph kept, metadata found."""

from __future__ import annotations

from summarizer.arabic import normalize


def paragraphs_of(path) -> list[str]:
    return [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_000_cnn_ends_with_kremlin_hope_and_drops_other_articles(seed_articles):
    a = seed_articles["000"]
    assert a["outlet"] == "CNN Arabic"
    assert a["text"].endswith("بحسب وسائل الإعلام الرسمية الروسية.")
    assert "في جميع المجالات الممكنة" in a["text"].split("\n\n")[-1]
    for furniture in ("بايدن", "البابا", "مقالات مشابهة", "كلمات دلالية", "قراصنة", "المصدر"):
        assert furniture not in a["text"]


def test_004_arabi21_without_trump_tour_or_tags(seed_articles):
    a = seed_articles["004"]
    assert a["outlet"] == "Arabi21"
    for furniture in ("ترامب", "الخليجية", "كلمات دلالية", "سياسة اقتصاد رياضة", "مقالات مشابهة", "عربي21"):
        assert furniture not in a["text"]
    assert a["text"].endswith("لمحاولة احتلال أراض تابعة لدولة أخرى ذات سيادة\".")


def test_001_keeps_headline_once_and_no_related_articles(seed_articles):
    a = seed_articles["001"]
    headline = "كوريا الشمالية تتباهى بعلاقات «لا تقهر» مع روسيا وسط أنباء عن زيارة وشيكة لبوتين"
    assert a["title"] == headline
    assert headline not in a["text"]  # once: as the title, not again in the body
    for furniture in ("الأسد", "آسيان", "الصين", "TT", "(أ.ف.ب)", "(رويترز)", "مقالات ذات صلة"):
        assert furniture not in a["text"]
    assert a["outlet"] == "Asharq Al-Awsat"


def test_002_drops_masthead_and_its_date(seed_articles):
    a = seed_articles["002"]
    for furniture in ("رئيس التحرير", "عبدالرحيم علي", "داليا عبدالرحيم", "22 نوفمبر 2024", "google news", "بوتين وكيم\n"):
        assert furniture not in a["text"]
    assert a["title"] == "توقعات بتعاون دفاعي جديد.. لماذا قرر بوتين زيارة كوريا الشمالية في التوقيت الحالي؟"
    assert a["published"] is None  # the masthead's "today" is not a publication date
    assert a["text"].startswith("أجرى الرئيس الروسي فلاديمير بوتين")


def test_003_ends_before_tracking_token(seed_articles):
    a = seed_articles["003"]
    assert a["text"].endswith("المفروضة على موسكو.")
    assert "aXA6" not in a["text"] and "امز" not in a["text"]
    assert a["title"].startswith("الأولى منذ 24 عاما")
    assert a["outlet"] is None  # no outlet is stated on the page: unknown, not guessed


def test_no_seed_loses_a_main_paragraph(seed_articles, seeds_dir):
    # The main article of each seed: the lines up to where the page furniture starts.
    main_ends = {"000": "وقال الكرملين إن روسيا تأمل", "001": "ووجّه مسؤولون في كوريا الجنوبية", "002": "ويخضع البلدان لعقوبات",
                 "003": "وزودت سول أوكرانيا", "004": "وقالت واشنطن إن روسيا"}
    starts = {"000": "(CNN)--", "001": "ذكرت «وكالة", "002": "أجرى الرئيس", "003": "في زيارة نادرة", "004": "توجه الزعيم"}
    for key, article in seed_articles.items():
        lines = paragraphs_of(next(seeds_dir.glob(f"{key}_*.txt")))
        first = next(i for i, line in enumerate(lines) if line.startswith(starts[key]))
        last = next(i for i, line in enumerate(lines) if line.startswith(main_ends[key]))
        kept = article["text"].split("\n\n")
        captions = {"بوتين وكيم خلال محادثاتهما المشتركة في فلاديفوستوك (رويترز)",
                    "بوتين وكيم يشاهدان منصة لإطلاق الصواريخ لدى اجتماعهما في قاعدة «فوستوشني» بأقصى الشرق الروسي سبتمبر الماضي (أ.ب)"}
        main = [line for line in lines[first : last + 1] if line not in captions]
        if key == "003":
            main[-1] = main[-1].split(" aXA6")[0]
        assert kept == main, key


def test_ids_are_stable_hashes_of_normalised_text(seed_articles):
    ids = {a["id"] for a in seed_articles.values()}
    assert len(ids) == 5 and all(len(i) == 16 for i in ids)
    from summarizer.clean import article_id

    a = seed_articles["000"]
    assert article_id(a["text"]) == a["id"]
    # Diacritics and letter forms do not change the id.
    assert article_id("أَعلنَ الرئيس") == article_id("اعلن الرئيس")
    assert normalize("أَعلنَ") == normalize("اعلن")


def test_seeds_are_arabic_and_undated(seed_articles):
    for a in seed_articles.values():
        assert a["language"] == "ar"
        assert a["published"] is None  # none of the saved pages states its publication date
