"""Reading inputs: encodings, formats, and every kind of bad input (one line each, the rest still read)."""

from __future__ import annotations

import io
import json
import quopri
from pathlib import Path

import pytest

from summarizer.ingest import decode_bytes
from summarizer.pipeline import load_articles
from summarizer.records import Article, Problem
from summarizer.settings import Settings

ARTICLE = (
    "وصل الرئيس الروسي فلاديمير بوتين إلى بيونغ يانغ في زيارة تستغرق يومين.\n\n"
    "ووقع الزعيمان اتفاق شراكة استراتيجية شاملة في جميع المجالات.\n"
)


def load(paths, **settings):
    items = list(load_articles([str(p) for p in paths], Settings.resolve(env={}, **settings)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256", "iso-8859-6"])
def test_encodings_are_detected_without_mojibake(tmp_path, encoding):
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    articles, problems = load([path])
    assert problems == []
    assert articles[0].text == ARTICLE.strip()


def test_windows_1256_and_iso_8859_6_are_told_apart():
    text, encoding = decode_bytes(ARTICLE.encode("cp1256"))
    assert (text, encoding) == (ARTICLE, "cp1256")
    text, encoding = decode_bytes(ARTICLE.encode("iso-8859-6"))
    assert (text, encoding) == (ARTICLE, "iso-8859-6")


def test_bad_inputs_get_one_problem_each_and_the_rest_is_read(tmp_path, monkeypatch):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "big.txt").write_bytes(("كلمة " * 300_000).encode("utf-8"))  # ~3 MB
    (tmp_path / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text(
        json.dumps({"id": "a1", "text": ARTICLE}, ensure_ascii=False) + "\n{broken\n" + json.dumps({"title": "x"}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.json").write_text('{"text": "بدون نهاية', encoding="utf-8")

    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    articles, problems = load([tmp_path, tmp_path / "missing.txt"], max_file_bytes=2 * 1024 * 1024)

    assert len(articles) == 2  # good.txt and the one good JSONL line
    assert {a.source.path for a in articles} == {str(good), str(tmp_path / "lines.jsonl")}
    reasons = {str(p.source): p.reason for p in problems}
    assert reasons[str(tmp_path / "empty.txt")] == "empty input"
    assert reasons[str(tmp_path / "blank.md")] == "empty input"
    assert "binary" in reasons[str(tmp_path / "binary.txt")]
    assert "unknown file type '.png'" in reasons[str(tmp_path / "image.png")]
    assert "over the 2 MB limit" in reasons[str(tmp_path / "big.txt")]
    assert "Permission denied" in reasons[str(tmp_path / "locked.txt")]
    assert "broken JSON line" in reasons[f"{tmp_path / 'lines.jsonl'}:2"]
    assert "no 'text'" in reasons[f"{tmp_path / 'lines.jsonl'}:3"]
    assert "broken JSON" in reasons[str(tmp_path / "broken.json")]
    assert "no such file" in reasons[str(tmp_path / "missing.txt")]
    assert len(problems) == 10
    # Each problem renders as one line that names the input, the reason and what to do.
    for problem in problems:
        line = str(problem)
        assert "\n" not in line and str(problem.source) in line and "; " in line


def test_json_records_keep_their_metadata(tmp_path):
    records = [
        {"id": "x-1", "title": "عنوان الخبر", "outlet": "skynews", "published": "2018-05-08T00:11:55Z",
         "url": "https://www.skynewsarabia.com/world/1", "text": "عنوان الخبر\n" + ARTICLE},
        {"text": "The president arrived in Pyongyang on Tuesday for a two-day visit.", "outlet": "Reuters"},
    ]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    articles, problems = load([path])
    assert problems == []
    first, second = articles
    assert (first.id, first.title, first.outlet, first.published) == ("x-1", "عنوان الخبر", "Sky News Arabia", "2018-05-08")
    assert not first.text.startswith("عنوان الخبر")  # the title repeated in the text is dropped
    assert first.source.line == 1 and second.source.line == 2
    assert (second.language, second.outlet) == ("en", "Reuters")  # unknown outlets are kept as stated


def test_json_metadata_of_the_wrong_kind_is_one_line_and_a_number_date_is_read(tmp_path):
    records = [
        {"text": ARTICLE, "title": ["عنوان"]},  # str() would have made "['عنوان']" the headline
        {"text": ARTICLE, "outlet": True},
        {"text": ARTICLE, "published": 1718755200},  # Unix seconds: 2024-06-19 00:00 UTC
        {"text": ARTICLE, "published": 1718841599999},  # JavaScript milliseconds: 2024-06-19 23:59:59.999 UTC
        {"text": ARTICLE, "published": 20240619},
        {"text": ARTICLE, "published": 20241345},  # no such day
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    articles, problems = load([path])
    assert [str(p) for p in problems] == [
        f"{path}:1: 'title' is an array, not text; give 'title' as a string, or leave it out",
        f"{path}:2: 'outlet' is true or false, not text; give 'outlet' as a string, or leave it out",
    ]
    assert [a.published for a in articles] == ["2024-06-19", "2024-06-19", "2024-06-19", None]
    assert [a.published_at for a in articles] == ["2024-06-19T00:00Z", "2024-06-19T23:59Z", None, None]  # a day alone has no time


def test_the_moment_of_publication_is_kept_in_utc_only_when_the_input_gives_a_time_and_its_zone(tmp_path):
    stated = ["2024-06-19T03:15:00+03:00", "2024-06-19T00:15:00Z", "2024-06-19T03:15:00", "2024-06-19", "Wed, 19 Jun 2024 00:15:00 GMT"]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps({"text": ARTICLE, "published": p}) for p in stated), encoding="utf-8")
    articles, _ = load([path])
    assert [a.published for a in articles] == ["2024-06-19"] * 5
    # A time without a zone (the third) cannot be ordered against another outlet's: not kept.
    assert [a.published_at for a in articles] == ["2024-06-19T00:15Z", "2024-06-19T00:15Z", None, None, "2024-06-19T00:15Z"]


@pytest.mark.parametrize("text", ["رحب كيم بالضيف.", "قال الكرملين إن بوتين سيزور كوريا الشمالية", "زيارة بوتين إلى بيونغ يانغ\n\nرحب كيم بالضيف"])
def test_a_sentence_or_two_is_read_as_given_not_as_a_page_without_a_body(tmp_path, text):
    """`echo … | summarizer translate -`: no line reads as a page's body paragraph, but the text is the article."""
    path = tmp_path / "short.txt"
    path.write_text(text, encoding="utf-8")
    (article,), _ = load([path])
    *title, body = text.split("\n\n")
    assert (article.text, article.title) == (body, title[0] if title else None)


def test_a_page_of_furniture_alone_is_still_reported(tmp_path):
    path = tmp_path / "menu.txt"
    path.write_text("الرئيسية\n\nسياسة\n\nاقتصاد\n\nرياضة\n", encoding="utf-8")
    articles, (problem,) = load([path])
    assert articles == [] and "no article text left" in problem.reason


def test_outlet_file_from_user_extends_the_known_list(tmp_path):
    outlets = tmp_path / "outlets.toml"
    outlets.write_text('[[outlet]]\nname = "Al Ain News"\naliases = ["العين الإخبارية"]\nsignatures = [\'جزيرة ام اند امز$\']\n', encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(ARTICLE + "\naXA6IDE4LjE5MS4xMDMuMTQ0IA== جزيرة ام اند امز\n", encoding="utf-8")
    articles, _ = load([page])
    assert articles[0].outlet is None
    articles, _ = load([page], outlets_file=outlets)
    assert articles[0].outlet == "Al Ain News"
    assert "امز" not in articles[0].text


HTML = """<!DOCTYPE html><html lang="ar" dir="rtl"><head>
<meta charset="utf-8"><title>بوتين يصل إلى بيونغ يانغ | سكاي نيوز عربية</title>
<meta property="og:title" content="بوتين يصل إلى بيونغ يانغ">
<meta property="og:site_name" content="سكاي نيوز عربية">
<meta property="article:published_time" content="2024-06-19T01:00:00+00:00">
</head><body>
<header><nav><a href="/">الرئيسية</a> <a href="/world">العالم</a> <a href="/sport">رياضة</a></nav></header>
<main><article>
<h1>بوتين يصل إلى بيونغ يانغ</h1>
<p>وصل الرئيس الروسي فلاديمير بوتين إلى بيونغ يانغ فجر الأربعاء في أول زيارة له إلى كوريا الشمالية منذ أربعة وعشرين عاما، حيث كان في استقباله الزعيم كيم جونغ أون في المطار.</p>
<p>ومن المتوقع أن يوقع الزعيمان اتفاق شراكة استراتيجية شاملة يشمل التعاون الأمني والاقتصادي، وفق ما أعلن الكرملين في بيان رسمي صدر قبل الزيارة.</p>
<p>تابع أحدث الأخبار عبر تطبيق google news</p>
<p>وتتهم الولايات المتحدة وكوريا الجنوبية بيونغ يانغ بتزويد موسكو بذخائر وصواريخ لاستخدامها في الحرب في أوكرانيا، وهو ما ينفيه البلدان.</p>
</article></main>
<aside><h2>مقالات ذات صلة</h2><ul><li><a href="/a">الأسد في موسكو</a></li><li><a href="/b">ترامب في الخليج</a></li></ul></aside>
<footer>جميع الحقوق محفوظة © سكاي نيوز عربية 2024</footer>
</body></html>"""


def test_html_pages_are_extracted_and_cleaned(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    articles, problems = load([path])
    assert problems == []
    a = articles[0]
    assert a.title == "بوتين يصل إلى بيونغ يانغ"
    assert a.outlet == "Sky News Arabia"
    assert (a.published, a.published_at) == ("2024-06-19", "2024-06-19T01:00Z")  # article:published_time, with its time
    assert len(a.paragraphs) == 3
    assert a.paragraphs[0].startswith("وصل الرئيس الروسي") and a.paragraphs[-1].endswith("وهو ما ينفيه البلدان.")
    for furniture in ("الرئيسية", "google news", "الأسد", "الحقوق محفوظة"):
        assert furniture not in a.text


def mhtml(html: bytes, charset: str = "") -> bytes:
    """A page saved as Chrome saves "Webpage, Single File": the HTML quoted-printable, with no charset on its part
    unless given, and an image part after it."""
    boundary = "----MultipartBoundary--x1----"
    part_type = f"text/html; charset={charset}" if charset else "text/html"
    head = (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.com/putin\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"\r\n\r\n\r\n'
        f"--{boundary}\r\nContent-Type: {part_type}\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: https://example.com/putin\r\n\r\n"
    )
    tail = f"\r\n--{boundary}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--{boundary}--\r\n"
    return head.encode() + quopri.encodestring(html).replace(b"\n", b"\r\n") + tail.encode()


@pytest.mark.parametrize("encoding", ["utf-8", "cp1256"])
def test_a_page_saved_as_a_single_file_mhtml_reads_like_the_html(tmp_path, encoding):
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "page.mhtml").write_bytes(mhtml(HTML.replace('charset="utf-8"', "").encode(encoding)))
    (tmp_path / "stated.mht").write_bytes(mhtml(HTML.encode(encoding), charset=encoding))
    (tmp_path / "images.mhtml").write_bytes(mhtml(b"").replace(b"text/html", b"text/css"))
    articles, problems = load([tmp_path])
    by_name = {Path(a.source.path).name: a for a in articles}
    html = by_name.pop("page.html")
    assert sorted(by_name) == ["page.mhtml", "stated.mht"]
    for a in by_name.values():
        assert (a.text, a.title, a.outlet, a.published) == (html.text, html.title, html.outlet, html.published)
        assert (html.url, a.url) == (None, "https://example.com/putin")  # the address the page was saved from
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'images.mhtml'}: no HTML page inside the MHTML file; save the page again, as a single file or as HTML"
    ]
    (read,) = [i for i in load_articles(["-"], Settings.resolve(env={}), stdin=io.BytesIO(mhtml(HTML.encode())))]
    assert read.text == html.text  # sniffed on standard input


def test_a_single_file_save_over_the_size_limit_is_read_from_its_page(tmp_path):
    """Images after the page make single-file saves big; the page, first in the file, is read if it ends within the limit."""
    mb = 1024 * 1024
    page = mhtml(HTML.encode())
    photos = page.replace(b"iVBORw0KGgo=", b"iVBORw0KGgo" * (mb // 5))  # 2 MB of image after the page
    styled = mhtml(HTML.replace("</head>", "<style>" + "p{}" * mb + "</style></head>").encode())  # a 3 MB page
    (tmp_path / "page.mhtml").write_bytes(page)
    (tmp_path / "photos.mhtml").write_bytes(photos)
    (tmp_path / "styled.mhtml").write_bytes(styled)
    (tmp_path / "big.txt").write_text(ARTICLE * (2 * mb // len(ARTICLE.encode())), encoding="utf-8")
    articles, problems = load([tmp_path], max_file_bytes=mb)
    by_name = {Path(a.source.path).name: a for a in articles}
    assert sorted(by_name) == ["page.mhtml", "photos.mhtml"] and by_name["photos.mhtml"].text == by_name["page.mhtml"].text
    assert sorted(str(p) for p in problems) == [
        f"{tmp_path / 'big.txt'}: file is 2.0 MB, over the 1 MB limit; split it, or raise the limit with --max-file-mb",
        f"{tmp_path / 'styled.mhtml'}: the page does not end within the first 1 MB of this MHTML file, the size limit; raise the limit with --max-file-mb",
    ]
    settings = Settings.resolve(env={}, max_file_bytes=mb)
    for data, expected in ((photos, Article), (styled, Problem), (ARTICLE.encode() * (2 * mb // len(ARTICLE.encode())), Problem)):
        (read,) = load_articles(["-"], settings, stdin=io.BytesIO(data))
        assert isinstance(read, expected)


def test_stated_publication_date_is_found_but_masthead_date_is_not(tmp_path):
    page = tmp_path / "dated.txt"
    page.write_text(
        "الجمعة 22 نوفمبر 2024\nرئيس التحرير\nفلان الفلاني\n\nبوتين يصل إلى بيونغ يانغ في زيارة نادرة\n"
        "الأربعاء 19 يونيو 2024 - 03:10 ص\n\n" + ARTICLE,
        encoding="utf-8",
    )
    articles, _ = load([page])
    assert articles[0].published == "2024-06-19"
    assert articles[0].title == "بوتين يصل إلى بيونغ يانغ في زيارة نادرة"
    assert "فلان" not in articles[0].text and "2024" not in articles[0].text


def test_read_also_box_inside_an_article_keeps_the_rest(tmp_path):
    page = tmp_path / "bbc.txt"
    page.write_text(
        "أعلن الجيش الليبي بدء عملية عسكرية لتحرير مدينة درنة من الجماعات المسلحة.\n"
        "اقرأ أيضاً:\nحفتر يعود إلى بنغازي\nالسراج يلتقي حفتر في باريس\n"
        "وتحاصر قوات الجيش مدينة درنة منذ أشهر بحسب مصادر عسكرية.\n",
        encoding="utf-8",
    )
    articles, _ = load([page])
    assert articles[0].paragraphs == [
        "أعلن الجيش الليبي بدء عملية عسكرية لتحرير مدينة درنة من الجماعات المسلحة.",
        "وتحاصر قوات الجيش مدينة درنة منذ أشهر بحسب مصادر عسكرية.",
    ]


def test_json_lines_end_at_newline_only(tmp_path):
    """U+2028/U+2029 inside a text field are characters of the record, not line ends (str.splitlines broke there)."""
    records = [{"id": "a", "text": "فقرة أولى\u2028فقرة ثانية عن زيارة بوتين"}, {"id": "b", "text": "نص\u2029آخر عن القمة في سنغافورة"}]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\r\n", encoding="utf-8")
    articles, problems = load([path])
    assert [a.id for a in articles] == ["a", "b"] and problems == []


def test_a_dateline_is_not_a_headline(tmp_path):
    page = tmp_path / "cnn.txt"
    page.write_text("دبي، الإمارات العربية المتحدة (CNN)--\nأعلن الرئيس الروسي الأربعاء أنه سيزور كوريا الشمالية في زيارة تستمر يومين.\n\n"
                    "وقال الكرملين إن الزيارة ستشهد توقيع اتفاقيات مهمة بين البلدين في مجالات عدة.\n", encoding="utf-8")
    (article,) = [a for a in load_articles([str(page)], Settings.resolve(env={})) if isinstance(a, Article)]
    assert article.title is None and article.text.startswith("أعلن الرئيس الروسي")
