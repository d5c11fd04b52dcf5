"""Language identification: offline, Malay folded into Indonesian, 'und' when it cannot be told."""

from pathlib import Path

import pytest

from dashboard.analysis.language import SCORED_LANGUAGES, detect_language, normalise_language

SEED = Path(__file__).parent.parent / "seeds" / "000_bbedd75c2d538480.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("North Korea fired a ballistic missile into the sea on Monday, officials said.", "en"),
        ("Korea Utara meluncurkan rudal balistik ke laut pada hari Senin, kata pejabat.", "id"),
        # Malaysian Malay ("kerajaan", "bahawa") is scored as Indonesian
        ("Kerajaan Malaysia mengumumkan bahawa rakyat akan menerima bantuan tunai.", "id"),
        ("Die Regierung hat heute beschlossen, die Steuern deutlich zu senken.", "de"),
        ("北朝鮮は新たな弾道ミサイルを日本海に向けて発射した。", "ja"),
    ],
)
def test_detects_language(text, expected):
    language, confidence = detect_language(text)
    assert language == expected
    assert 0.5 < confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "OK", "12345 67890", "hello", "!!! ???"])
def test_too_short_or_unknown_is_und(text):
    language, confidence = detect_language(text)
    assert language == "und"
    assert 0.0 <= confidence < 0.5


def test_no_linguistic_content_is_und():
    assert detect_language("asdfgh qwerty zxcvb")[0] == "und"


def test_seed_is_indonesian():
    language, confidence = detect_language(SEED.read_text(encoding="utf-8"))
    assert language == "id"
    assert confidence > 0.9


def test_only_a_prefix_is_classified():
    # an English opening decides, however long the German tail
    text = "Officials said the talks in Geneva ended without an agreement on Monday. " * 4
    assert detect_language(text + "Die Regierung hat heute beschlossen. " * 200)[0] == "en"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ms", "id"),
        ("zsm", "id"),
        ("in", "id"),
        ("ID", "id"),
        ("id-ID", "id"),
        ("eng", "en"),
        ("en_US", "en"),
        ("EN", "en"),
        ("de", "de"),
        ("", "und"),
        ("zxx", "und"),
    ],
)
def test_normalise_language(code, expected):
    assert normalise_language(code) == expected


def test_scored_languages():
    assert frozenset({"en", "id"}) == SCORED_LANGUAGES
