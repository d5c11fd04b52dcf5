from pathlib import Path

import pytest

from dashboard.analysis.text import lemma, split_sentences, tokenize

SEED = Path(__file__).parent.parent / "seeds" / "000_bbedd75c2d538480.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        (
            "Mr. Smith met Dr. Jones in the U.S. on Monday. Talks failed.",
            ["Mr. Smith met Dr. Jones in the U.S. on Monday.", "Talks failed."],
        ),
        ("Kim J. Un spoke. Then he left.", ["Kim J. Un spoke.", "Then he left."]),
        # a run of dots followed by a lower-case word does not end the sentence
        (
            "pasukan musuh.... kata 'perang' itu. Lalu",
            ["pasukan musuh.... kata 'perang' itu.", "Lalu"],
        ),
        # closing quotes stay with their sentence
        (
            "'Perang bisa pecah,' kata dia. 'Kami siap.' Lalu",
            ["'Perang bisa pecah,' kata dia.", "'Kami siap.'", "Lalu"],
        ),
        ("Title line\n\nBody starts here", ["Title line", "Body starts here"]),
        ("   ", []),
    ],
)
def test_split_sentences(text, expected):
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == expected
    assert [s.index for s in sentences] == list(range(len(expected)))


def test_seed_sentences_cover_the_text_in_order():
    text = SEED.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) == 14
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:], strict=False))
    assert text[sentences[-1].start : sentences[-1].end].endswith("Tiongkok dan Rusia.")


@pytest.mark.parametrize(
    ("text", "language", "words", "lemmas"),
    [
        ("negara-negara lain", "id", ["negara-negara", "lain"], None),
        ("Korea's don't", "en", ["Korea's", "don't"], None),
        ("meningkatkan persenjataan", "id", None, ["tingkat", "senjata"]),
        ("Missiles were launched", "en", None, ["missile", "be", "launch"]),
        ("Die Raketen", "de", None, ["die", "raketen"]),  # not lemmatised: lower-cased only
    ],
)
def test_tokenize(text, language, words, lemmas):
    tokens = tokenize(text, split_sentences(text), language)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    if words is not None:
        assert [t.text for t in tokens] == words
    if lemmas is not None:
        assert [t.lemma for t in tokens] == lemmas


def test_tokens_carry_their_sentence():
    text = "First one here. Second one."
    assert [t.sentence for t in tokenize(text, split_sentences(text), "en")] == [0, 0, 0, 1, 1]


def test_lemma_is_lower_case():
    assert lemma("AMERIKA", "id") == lemma("amerika", "id")
