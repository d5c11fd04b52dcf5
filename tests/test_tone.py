"""Tone in English and Indonesian: signs, negation, intensity, hedges, spans, percentages."""

from pathlib import Path

import pytest

from dashboard.analysis import analyze
from dashboard.analysis.text import split_sentences, tokenize
from dashboard.analysis.tone import LexiconError, parse_lexicon, score_tone, target_tone

SEED = Path(__file__).parent.parent / "seeds" / "000_bbedd75c2d538480.txt"


def score(text, language):
    sentences = split_sentences(text)
    return score_tone(text, tokenize(text, sentences, language), sentences, language)


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("The two leaders signed a historic peace agreement and praised the talks.", "en", 1),
        (
            "The deadly attack killed dozens of civilians and caused a humanitarian crisis.",
            "en",
            -1,
        ),
        ("Shares surged to a record high as the economy grew strongly.", "en", 1),
        ("The flood destroyed thousands of homes and left many victims.", "en", -1),
        (
            "Kedua negara menandatangani perjanjian damai dan memuji keberhasilan perundingan.",
            "id",
            1,
        ),
        ("Serangan bom menewaskan puluhan warga sipil dan memicu krisis kemanusiaan.", "id", -1),
        ("IHSG ditutup menguat dan mencetak rekor tertinggi sepanjang masa.", "id", 1),
        ("Rupiah anjlok tajam di tengah kekhawatiran resesi global.", "id", -1),
        ("Kim Jong Un mengecam AS dan mengancam akan menyerang Korea Selatan.", "id", -1),
        ("Gempa bumi dan banjir menyebabkan kerusakan parah, ratusan orang mengungsi.", "id", -1),
    ],
)
def test_sign_of_clear_sentences(text, language, sign):
    result = score(text, language)
    assert result.scored
    assert result.tone * sign > 0
    assert all(t * sign >= 0 for t in result.sentence_tones)


@pytest.mark.parametrize(
    ("plain", "negated", "language", "word"),
    [
        ("The new policy is a threat.", "The new policy is not a threat.", "en", "threat"),
        ("The plan will fail.", "The plan won't fail.", "en", "fail"),
        ("The talks were successful.", "The talks were never successful.", "en", "successful"),
        ("Korea Utara mengancam Jepang.", "Korea Utara tidak mengancam Jepang.", "id", "mengancam"),
        ("Ini ancaman bagi kawasan.", "Ini bukan ancaman bagi kawasan.", "id", "ancaman"),
        ("Upaya itu berhasil.", "Upaya itu belum berhasil.", "id", "berhasil"),
    ],
)
def test_negation_flips_and_damps(plain, negated, language, word):
    before, after = score(plain, language), score(negated, language)
    (hit,) = [s for s in after.spans if s.text == word]
    (original,) = [s for s in before.spans if s.text == word]
    assert "negated" in hit.note
    assert hit.weight * original.weight < 0  # sign flipped
    assert abs(hit.weight) < abs(original.weight)  # and weaker
    assert after.tone * before.tone < 0


def test_negation_stops_at_a_clause_break():
    result = score("There was no warning, and the attack was deadly.", "en")
    notes = {s.text: s.note for s in result.spans}
    assert "negated" in notes["warning"]
    assert "negated" not in notes["attack"]
    assert "negated" not in notes["deadly"]


@pytest.mark.parametrize(
    ("plain", "stronger", "language"),
    [
        ("The result was bad.", "The result was very bad.", "en"),
        ("The economy is strong.", "The economy is extremely strong.", "en"),
        ("Hasilnya buruk.", "Hasilnya sangat buruk.", "id"),
        ("Hasilnya buruk.", "Hasilnya buruk sekali.", "id"),
        ("Ekonomi tumbuh.", "Ekonomi semakin tumbuh.", "id"),
    ],
)
def test_intensifiers_increase_magnitude(plain, stronger, language):
    a, b = score(plain, language), score(stronger, language)
    assert a.tone * b.tone > 0
    assert abs(b.tone) > abs(a.tone)
    assert any(s.note == "intensified" for s in b.spans)


@pytest.mark.parametrize(
    ("plain", "hedged", "language"),
    [
        ("The army will attack the city.", "The army may attack the city.", "en"),
        ("The army killed two men.", "The army reportedly killed two men.", "en"),
        ("Militer akan menyerang kota itu.", "Militer mungkin akan menyerang kota itu.", "id"),
        ("Harga saham anjlok.", "Harga saham diperkirakan anjlok.", "id"),
    ],
)
def test_hedges_reduce_magnitude(plain, hedged, language):
    a, b = score(plain, language), score(hedged, language)
    assert a.tone * b.tone > 0
    assert abs(b.tone) < abs(a.tone)
    assert all("hedged" in s.note for s in b.spans)


def test_capitalised_may_is_the_month_not_a_hedge():
    result = score("The army attacked the city in May and killed two men.", "en")
    assert result.spans
    assert all("hedged" not in s.note for s in result.spans)


@pytest.mark.parametrize(
    ("text", "language", "phrase", "sign"),
    [
        ("Pyongyang melanjutkan uji coba rudal pekan ini.", "id", "uji coba rudal", -1),
        ("Kedua pihak menyepakati gencatan senjata di Gaza.", "id", "gencatan senjata", 1),
        ("Korea Utara memperluas persenjataan nuklirnya.", "id", "senjata nuklir", -1),
        ("Both sides hope the peace talks resume soon.", "en", "peace talks", 1),
        ("Investigators documented war crimes in the region.", "en", "war crime", -1),
        # a phrase that starts with a negator is still one phrase
        ("Kim mengatakan perang tidak dapat dihindari.", "id", "tidak dapat dihindari", -1),
    ],
)
def test_phrases_are_one_span(text, language, phrase, sign):
    result = score(text, language)
    (span,) = [s for s in result.spans if s.label == phrase]
    assert span.weight * sign > 0
    assert len(span.text.split()) == len(phrase.split())


@pytest.mark.parametrize(
    ("text", "word", "label", "sign"),
    [
        # not in the project lexicon: VADER's/TextBlob's valence fills the gap
        ("The view from the summit was gorgeous.", "gorgeous", "gorgeous", 1),
        # the project lemma beats a fallback entry for the surface form
        ("Gunmen killed four people.", "killed", "kill", -1),
    ],
)
def test_english_fallback_lexicons(text, word, label, sign):
    (span,) = [s for s in score(text, "en").spans if s.text == word]
    assert span.label == label
    assert span.weight * sign > 0


@pytest.mark.parametrize(
    ("text", "word", "label", "sign"),
    [
        # news verbs of criticism and praise, matched through their lemma
        ("Critics lambasted the mayor.", "lambasted", "lambaste", -1),
        ("The board rebuked the minister.", "rebuked", "rebuke", -1),
        ("Rivals decried the ruling.", "decried", "decry", -1),
        ("Colleagues lauded the envoy.", "lauded", "laud", 1),
        # evaluative words about conduct and standing
        ("The feckless council met.", "feckless", "feckless", -1),
        ("They accused him of meddling in the vote.", "meddling", "meddling", -1),
        ("She is a distinguished diplomat.", "distinguished", "distinguished", 1),
        ("It was a heartening result.", "heartening", "heartening", 1),
    ],
)
def test_english_news_vocabulary(text, word, label, sign):
    (span,) = [s for s in score(text, "en").spans if s.text == word]
    assert span.label == label
    assert span.weight * sign > 0


def test_neutral_entry_shields_its_words():
    # "keamanan" alone is a (positive) hit; inside "Dewan Keamanan" it names an institution
    assert score("Keamanan kota terjaga.", "id").tone > 0
    result = score("Dewan Keamanan PBB bersidang pada hari Senin.", "id")
    assert result.spans == ()
    assert result.tone == 0


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (SEED.read_text(encoding="utf-8"), "id"),
        ("Title\n\nThe attack was not a surprise. Leaders welcomed the ceasefire agreement!", "en"),
        ("Harga minyak melonjak, sementara rupiah melemah tajam. Investor tetap optimistis.", "id"),
    ],
)
def test_spans_and_percentages_are_consistent(text, language):
    sentences = split_sentences(text)
    tokens = tokenize(text, sentences, language)
    result = score_tone(text, tokens, sentences, language)
    assert result.word_count == len(tokens)
    assert result.spans
    for span in result.spans:
        assert text[span.start : span.end] == span.text
        assert span.weight != 0 and -1 <= span.weight <= 1

    def words(sign):
        return sum(
            sum(span.start <= t.start < span.end for t in tokens)
            for span in result.spans
            if span.weight * sign > 0
        )

    assert result.positive == pytest.approx(100 * words(1) / len(tokens))
    assert result.negative == pytest.approx(100 * words(-1) / len(tokens))
    assert result.polarity == pytest.approx(result.positive + result.negative)
    assert len(result.sentence_tones) == len(sentences)
    assert all(-1 <= t <= 1 for t in result.sentence_tones)
    assert -1 <= result.tone <= 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Die Regierung verurteilte den Angriff scharf. Es gab viele Opfer.", "de"),
        ("北朝鮮はミサイルを発射した。政府は強く非難した。", "ja"),
        ("Anything at all.", "und"),
    ],
)
def test_unscored_language_has_no_tone(text, language):
    result = score(text, language)
    assert result.scored is False
    assert result.tone is None
    assert (result.positive, result.negative, result.polarity) == (0.0, 0.0, 0.0)
    assert result.spans == ()
    assert result.sentence_tones == (0.0,) * len(split_sentences(text))
    assert target_tone(text, 0, 3, language) is None


def test_malay_is_scored_as_indonesian():
    analysis = analyze(
        "Kerajaan Malaysia mengecam serangan itu dan bimbang ancaman perang semakin meningkat."
    )
    assert analysis.language == "id"
    assert analysis.scored
    assert analysis.tone.tone < 0


def test_seed_tone_is_negative():
    text = SEED.read_text(encoding="utf-8")
    result = score(text, "id")
    assert result.tone < 0
    assert result.negative > result.positive
    assert analyze(text).tone.tone < 0


@pytest.mark.parametrize(
    ("text", "near_good", "near_bad", "language"),
    [
        ("Voters praised Smith, but the scandal destroyed Jones.", "Smith", "Jones", "en"),
        (
            "Warga memuji Ahmad, sementara skandal korupsi menghancurkan Budi.",
            "Ahmad",
            "Budi",
            "id",
        ),
    ],
)
def test_target_tone_follows_nearby_words(text, near_good, near_bad, language):
    def tone_of(name):
        start = text.index(name)
        return target_tone(text, start, start + len(name), language)

    assert tone_of(near_good) > tone_of(near_bad)
    assert tone_of(near_bad) < 0


@pytest.mark.parametrize(
    ("word_before", "word_after"),
    [
        # the same word, four words away from "Smith" on either side
        ("Condemned was the old plan Smith saw.", "Smith saw the old plan condemned."),
        ("Praised was the old plan Smith saw.", "Smith saw the old plan praised."),
    ],
)
def test_target_tone_weighs_words_after_the_target_more(word_before, word_after):
    def tone_of(text):
        start = text.index("Smith")
        return target_tone(text, start, start + len("Smith"), "en")

    before, after = tone_of(word_before), tone_of(word_after)
    assert before * after > 0  # same sign
    assert abs(after) > abs(before)


def test_target_tone_needs_a_word():
    with pytest.raises(ValueError, match="no word"):
        target_tone("Voters praised Smith.", 6, 6, "en")


@pytest.mark.parametrize(
    ("lexicon_line", "modifier_line", "message"),
    [
        ("perang\tabc", "", "lexicon.tsv:2: 'abc' is not a number"),
        ("perang\t2.0", "", "lexicon.tsv:2: 2.0 outside"),
        ("perang", "", "lexicon.tsv:2: expected 2 tab-separated fields"),
        ("perang\t-0.7", "booster\tsangat\t1.5", "modifiers.tsv:2: unknown kind 'booster'"),
        ("perang\t-0.7", "negator\ttidak", "modifiers.tsv:2: expected 3 tab-separated fields"),
        ("perang\t-0.7\nPerang\t-0.5", "", "lexicon.tsv:3: duplicate of line 2"),
        ("perang\t-0.7", "hedge\tmungkin\t0.6\nhedge\tmungkin\t0.5", "modifiers.tsv:3: duplicate"),
    ],
)
def test_bad_lexicon_lines_name_file_and_line(tmp_path, lexicon_line, modifier_line, message):
    lexicon_path, modifiers_path = tmp_path / "lexicon.tsv", tmp_path / "modifiers.tsv"
    lexicon_path.write_text(f"# header\n{lexicon_line}\n", encoding="utf-8")
    modifiers_path.write_text(f"# header\n{modifier_line}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(lexicon_path, modifiers_path)


def test_parsed_lexicon_keeps_phrases_longest_first(tmp_path):
    lexicon_path, modifiers_path = tmp_path / "lexicon.tsv", tmp_path / "modifiers.tsv"
    lexicon_path.write_text("uji coba\t-0.2\nuji coba rudal\t-0.7\nrudal\t-0.4\n", encoding="utf-8")
    modifiers_path.write_text("negator\ttidak\t1\nhedge\tmungkin\t0.6\n", encoding="utf-8")
    lex = parse_lexicon(lexicon_path, modifiers_path)
    assert [p for p, _ in lex.phrases["uji"]] == [("uji", "coba", "rudal"), ("uji", "coba")]
    assert lex.words == {"rudal": -0.4}
    assert lex.negators == frozenset({"tidak"})
    assert lex.hedges == {"mungkin": 0.6}
