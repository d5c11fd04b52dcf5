"""Acceptance of the whole engine: the user's seed article and small texts in both languages."""

import json
from pathlib import Path

import pytest

from dashboard.analysis import analyze, analyzer_version, compose_text
from dashboard.analysis.types import THREAT_CATEGORIES

SEED = Path(__file__).parent.parent / "seeds" / "000_bbedd75c2d538480.txt"
SEED_ACTORS = {
    "north_korea",
    "united_states",
    "south_korea",
    "china",
    "russia",
    "kim_jong_un",
    "joe_biden",
    "donald_trump",
}


@pytest.fixture(scope="module")
def seed():
    return analyze(SEED.read_text(encoding="utf-8"))


def test_seed_language_and_tone(seed):
    assert seed.language == "id"
    assert seed.scored
    assert seed.tone.tone < 0
    assert seed.tone.negative > seed.tone.positive


def test_seed_actors_exactly(seed):
    assert {a.actor_id for a in seed.actors} == SEED_ACTORS
    kim = next(a for a in seed.actors if a.actor_id == "kim_jong_un")
    assert (kim.type, kim.country) == ("person", "north_korea")
    assert {a.type for a in seed.actors if a.actor_id in {"north_korea", "china"}} == {"country"}
    # "dilansir Reuters", "kantor berita negara KCNA": sources, not actors
    assert {m.actor_id for m in seed.media} >= {"reuters", "kcna"}
    assert all(m.type == "media" for m in seed.media)


def test_seed_threat_categories(seed):
    counts = seed.threat.counts
    assert set(counts) == set(THREAT_CATEGORIES)
    assert counts["nuclear_threats"] > 0
    assert counts["war_threats"] > 0
    assert 0 < seed.threat.intensity <= 100


def test_every_number_has_exact_spans(seed):
    text = seed.text
    spans = [*seed.tone.spans]
    spans += [h.topic for h in seed.threat.hits] + [h.trigger for h in seed.threat.hits]
    assert seed.tone.spans and seed.threat.hits
    for span in spans:
        assert text[span.start : span.end] == span.text
    for m in (*seed.mentions, *seed.media):
        assert text[m.start : m.end] == m.text
        sentence = seed.sentences[m.sentence]
        assert sentence.start <= m.start < m.end <= sentence.end


def test_actor_tone_is_mean_of_its_sentences(seed):
    tones = seed.tone.sentence_tones
    assert len(tones) == len(seed.sentences)
    for actor in seed.actors:
        sentences = {m.sentence for m in seed.mentions if m.actor_id == actor.actor_id}
        assert actor.sentences == len(sentences)
        assert actor.tone == pytest.approx(sum(tones[i] for i in sentences) / len(sentences))


def test_dyads(seed):
    pairs = {(d.a, d.b) for d in seed.dyads}
    assert ("north_korea", "united_states") in pairs
    assert all(d.a < d.b for d in seed.dyads)
    # a leader and their own country are one side, not a dyad
    assert ("kim_jong_un", "north_korea") not in pairs
    assert ("china", "north_korea") in pairs and ("north_korea", "russia") in pairs


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("Both countries signed a peace agreement and praised the successful talks.", "en", 1),
        ("The army attacked the city, killing dozens and destroying hospitals.", "en", -1),
        (
            "Kedua negara menandatangani perjanjian damai dan memuji keberhasilan perundingan.",
            "id",
            1,
        ),
        ("Serangan rudal menewaskan puluhan warga dan menghancurkan rumah sakit.", "id", -1),
    ],
)
def test_tone_sign_both_languages(text, language, sign):
    result = analyze(text)
    assert result.language == language
    assert result.tone.tone * sign > 0


def test_unscored_language_is_not_zero():
    result = analyze("Die Regierung in Berlin kritisierte den Raketentest Nordkoreas scharf.")
    assert result.language == "de"
    assert not result.scored
    assert result.tone.tone is None
    assert all(a.tone is None for a in result.actors)
    assert all(d.tone is None for d in result.dyads)


def test_title_offsets_refer_to_composed_text():
    title, body = "Korut luncurkan rudal", "Korea Selatan mengecam peluncuran itu."
    result = analyze(body, title=title)
    assert result.text == compose_text(body, title) == f"{title}\n\n{body}"
    assert {m.text for m in result.mentions} == {"Korut", "Korea Selatan"}
    assert result.sentences[0].end <= len(title)


def test_explicit_language_overrides_detection():
    result = analyze("Korea Utara menguji rudal.", language="ms")
    assert (result.language, result.language_confidence) == ("id", 1.0)


def test_result_is_json_ready(seed):
    data = json.loads(json.dumps(seed.to_dict()))
    assert data["language"] == "id"
    assert "text" not in data
    assert len(analyzer_version()) == 12
