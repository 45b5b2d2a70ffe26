"""Trip destinations read from headlines and leads."""

from __future__ import annotations

import pytest

from summarizer.trips import trip_destinations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قال الكرملين إن من المقرر أن يسافر فلاديمير بوتين إلى كوريا الشمالية في زيارة تستغرق يومين", {"KP"}),
        ("تكهنات بعزم بوتين القيام بزيارة وشيكة لكوريا الشمالية", {"KP"}),  # ل glued to the place
        ("لماذا قرر بوتين زيارة كوريا الشمالية في التوقيت الحالي؟", {"KP"}),  # direct object of زيارة
        ("غادر بالقطار بعد ظهر الأحد لزيارة روسيا الاتحادية", {"RU"}),  # the longest name wins
        ("كيم يصل إلى فلاديفوستوك بالقطار المصفح", {"RU"}),  # a city counts as its country
        ("وزير الخارجية يتوجه للعراق في أول جولة إقليمية", {"IQ"}),  # للعراق = ل + العراق
        ("وصل الملك إلى عمّان قادما من الرياض", {"JO", "OM"}),  # a name two countries share
    ],
)
def test_destinations_of_trips(text, expected):
    assert trip_destinations(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "بوتين يلتقي كيم في موسكو لبحث التعاون العسكري",  # a meeting, no trip word
        "بوتين غادر منطقة ساخا في أقصى شرق روسيا",  # where a trip starts is not where it goes
        "تعد الزيارة رحلة نادرة، وبدأ الغزو الروسي لأوكرانيا في عام 2022",  # the clause ends before the place
        "يصل عدد القتلى إلى 157 شخصا",  # not a place
    ],
)
def test_no_destination(text):
    assert trip_destinations(text) == frozenset()

