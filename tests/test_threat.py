"""Threat language: GPR categories in English and Indonesian, negation, exclusions, intensity."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dashboard.analysis import threat
from dashboard.analysis.text import split_sentences, tokenize
from dashboard.analysis.types import THREAT_CATEGORIES, ThreatResult

SEED = Path(__file__).parent.parent / "seeds" / "000_bbedd75c2d538480.txt"
ACTS = set(THREAT_CATEGORIES[5:])


def score(text: str, language: str) -> ThreatResult:
    sentences = split_sentences(text)
    return threat.score_threat(text, tokenize(text, sentences, language), sentences, language)


def assert_exact(text: str, result: ThreatResult) -> None:
    for hit in result.hits:
        for span in (hit.topic, hit.trigger):
            assert text[span.start : span.end] == span.text
    for span in result.excluded:
        assert text[span.start : span.end] == span.text


def test_seed_article_has_nuclear_and_war_threats():
    text = SEED.read_text(encoding="utf-8")
    result = score(text, "id")
    assert result.counts["nuclear_threats"] > 0
    assert result.counts["war_threats"] > 0
    assert 0 < result.intensity <= 100
    assert set(result.counts) == set(THREAT_CATEGORIES)
    assert sum(result.counts.values()) == len(result.hits)
    assert_exact(text, result)
    sentences = split_sentences(text)
    for hit in result.hits:
        sentence = sentences[hit.sentence]
        assert sentence.start <= hit.topic.start and hit.topic.end <= sentence.end
        assert sentence.start <= hit.trigger.start and hit.trigger.end <= sentence.end
    topics = {hit.topic.text.lower() for hit in result.hits if hit.category == "nuclear_threats"}
    assert "kapal selam bersenjata nuklir" in topics  # multi-word topic matched on lemmas


@pytest.mark.parametrize(
    ("language", "text", "category", "topic", "trigger"),
    [
        ("en", "Officials warned of the growing threat of war.", "war_threats", "war", "threat"),
        (
            "en",
            "The ceasefire collapsed after two days.",
            "peace_threats",
            "ceasefire",
            "collapsed",
        ),
        ("en", "Peace talks stalled again.", "peace_threats", "Peace talks", "stalled"),
        ("en", "Russia is massing troops on the border.", "military_buildups", "troops", "massing"),
        (
            "en",
            "North Korea threatened to use nuclear weapons.",
            "nuclear_threats",
            "nuclear weapons",
            "use",
        ),
        ("en", "Police warned of a terror threat.", "terror_threats", "terror", "threat"),
        ("en", "Russia declared war on its neighbour.", "beginning_of_war", "war", "declared"),
        ("en", "War broke out on Monday.", "beginning_of_war", "War", "broke out"),
        ("en", "Russian troops invaded in February.", "beginning_of_war", "troops", "invaded"),
        (
            "en",
            "Fighting intensified near the front.",
            "escalation_of_war",
            "Fighting",
            "intensified",
        ),
        ("en", "Iran launched missiles at Israel.", "escalation_of_war", "missiles", "launched"),
        ("en", "A suicide bomber killed twelve people.", "terror_acts", "suicide bomber", "killed"),
        ("en", "Militants attacked a checkpoint.", "terror_acts", "Militants", "attacked"),
        ("id", "Iran memperingatkan ancaman perang.", "war_threats", "perang", "ancaman"),
        ("id", "Perang tidak dapat dihindari.", "war_threats", "Perang", "tidak dapat dihindari"),
        (
            "id",
            "Gencatan senjata terancam runtuh.",
            "peace_threats",
            "Gencatan senjata",
            "terancam",
        ),
        ("id", "Perundingan damai gagal.", "peace_threats", "Perundingan damai", "gagal"),
        (
            "id",
            "China mengerahkan kapal perang ke Laut China Selatan.",
            "military_buildups",
            "kapal perang",
            "mengerahkan",
        ),
        ("id", "Korut melakukan uji coba rudal.", "military_buildups", "rudal", "uji coba"),
        (
            "id",
            "Pyongyang meningkatkan persenjataan nuklirnya.",
            "nuclear_threats",
            "persenjataan nuklirnya",
            "meningkatkan",
        ),
        ("id", "Polisi mewaspadai ancaman teror.", "terror_threats", "teror", "ancaman"),
        (
            "id",
            "Rusia menyatakan perang terhadap Ukraina.",
            "beginning_of_war",
            "perang",
            "menyatakan",
        ),
        ("id", "Perang pecah di perbatasan.", "beginning_of_war", "Perang", "pecah"),
        ("id", "Pasukan Rusia menginvasi Ukraina.", "beginning_of_war", "Pasukan", "menginvasi"),
        ("id", "Konflik meningkat tajam.", "escalation_of_war", "Konflik", "meningkat"),
        ("id", "Hamas menembakkan roket ke Israel.", "escalation_of_war", "roket", "menembakkan"),
        (
            "id",
            "Bom bunuh diri menewaskan 12 orang.",
            "terror_acts",
            "Bom bunuh diri",
            "menewaskan",
        ),
        ("id", "Bom meledak di depan kedutaan.", "terror_acts", "Bom", "meledak"),
    ],
)
def test_category_hits(language, text, category, topic, trigger):
    result = score(text, language)
    assert_exact(text, result)
    found = [(h.topic.text, h.trigger.text) for h in result.hits if h.category == category]
    assert (topic, trigger) in found
    hit = next(h for h in result.hits if h.category == category)
    assert hit.kind == ("act" if category in ACTS else "threat")
    assert result.counts[category] == len(found)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "It is not a threat of war."),
        ("en", "There is no threat of war."),
        ("en", "The minister said it was never a nuclear threat."),
        ("id", "Rusia tidak mengancam akan perang."),
        ("id", "Itu bukan ancaman perang."),
        ("id", "Latihan itu tidak mengancam perdamaian."),
    ],
)
def test_negation_moves_hit_to_excluded(language, text):
    result = score(text, language)
    assert result.hits == ()
    assert result.intensity == 0
    assert [s.note for s in result.excluded] and {s.note for s in result.excluded} == {"negated"}
    assert_exact(text, result)


@pytest.mark.parametrize(
    ("language", "text", "category"),
    [
        ("en", "He could not ignore the threat of war.", "war_threats"),
        ("en", "They not only threatened war but mobilised troops.", "war_threats"),
        ("id", "Kim tidak bisa mengabaikan ancaman perang.", "war_threats"),
        ("id", "Perang tak terhindarkan, kata Kim.", "war_threats"),
        ("id", "Rusia tidak menutup kemungkinan serangan nuklir.", "nuclear_threats"),
    ],
)
def test_negator_that_does_not_negate(language, text, category):
    assert score(text, language).counts[category] == 1


@pytest.mark.parametrize(
    ("language", "text", "note"),
    [
        ("en", "The smartphone price war heated up as brands warned of losses.", "commercial"),
        ("en", "Analysts warned the trade war would escalate.", "commercial"),
        ("id", "Perang harga ponsel makin memanas.", "commercial"),
        ("id", "Perang melawan narkoba terus memanas.", "crime"),
        ("en", "The war movie premiere drew fears of long queues.", "entertainment"),
        ("id", "Film perang itu memicu kekhawatiran penonton.", "entertainment"),
        (
            "en",
            "Crowds marked the 70th anniversary of the Korean War, which began in 1950.",
            "history",
        ),
        ("en", "Veterans of World War II warned the young.", "history"),
        ("id", "Warga memperingati 70 tahun Perang Korea yang pecah pada 1950.", "history"),
        (
            "id",
            "Dalam peringatan ke-70 Perang Korea yang pecah pada 1950, veteran berkumpul.",
            "history",
        ),
        ("en", "The striker attacked as the derby became a war that escalated late on.", "sports"),
        ("id", "Laga derbi itu menjadi perang yang memanas di babak kedua.", "sports"),
        ("en", "SpaceX will launch a rocket from Florida.", "civil_space"),
        ("en", "A think tank warned of rising risks.", "idiom"),
        ("id", "Konflik internal partai makin memanas.", "idiom"),
        ("id", "Warga mengeluhkan teror pinjol yang makin mengancam.", "crime"),
    ],
)
def test_exclusion_contexts(language, text, note):
    result = score(text, language)
    assert result.hits == ()
    assert result.excluded
    assert {s.note for s in result.excluded} == {f"excluded: {note}"}
    assert_exact(text, result)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The striker attacked the goal."),
        ("en", "He suffered a heart attack after the price war."),
        ("en", "The museum tour covered the war."),
        ("en", "The law forces firms to increase prices."),
        ("en", "Critics launched a scathing attack on the plan."),
    ],
)
def test_no_geopolitical_threat(language, text):
    assert score(text, language).hits == ()


@pytest.mark.parametrize(
    ("text", "hits"),
    [("Iran memperingatkan perang.", 1), ("Warga memperingati perang.", 0)],
)
def test_surface_form_separates_warn_from_commemorate(text, hits):
    # simplemma gives "ingat" for both memperingatkan (warn) and memperingati (commemorate)
    result = score(text, "id")
    assert result.counts["war_threats"] == hits
    assert result.excluded == ()


@pytest.mark.parametrize("filler", [0, 1, threat.WINDOW - 1, threat.WINDOW, threat.WINDOW + 4])
@pytest.mark.parametrize(
    ("language", "template", "word"),
    [("en", "The war {} threatens.", "then"), ("id", "Perang {} mengancam.", "lalu")],
)
def test_window_limit(language, template, word, filler):
    text = " ".join(template.format(" ".join([word] * filler)).split())
    # topic and trigger are filler + 1 tokens apart
    expected = 1 if filler + 1 <= threat.WINDOW else 0
    assert score(text, language).counts["war_threats"] == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "There was war. Threats followed."), ("id", "Itu perang. Ancaman menyusul.")],
)
def test_pairs_stay_inside_one_sentence(language, text):
    assert score(text, language).hits == ()


@pytest.mark.parametrize(
    ("language", "text", "threat_category", "act_category"),
    [
        ("en", "War could break out at any moment.", "war_threats", "beginning_of_war"),
        ("id", "Perang bisa pecah kapan saja.", "war_threats", "beginning_of_war"),
        ("en", "Militants threaten to attack the airport.", "terror_threats", "terror_acts"),
        ("id", "Pasukan Rusia akan menginvasi Ukraina.", "military_buildups", "beginning_of_war"),
        ("en", "Police raised the threat of a terrorist attack.", "terror_threats", "terror_acts"),
        ("id", "Polisi mewaspadai ancaman serangan teroris.", "terror_threats", "terror_acts"),
    ],
)
def test_hypothetical_act_is_a_threat(language, text, threat_category, act_category):
    result = score(text, language)
    assert result.counts[threat_category] == 1
    assert result.counts[act_category] == 0
    assert all(h.kind == "threat" for h in result.hits)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The war escalated as Israel launched airstrikes on Gaza."),
        ("id", "Konflik meningkat setelah Israel melancarkan serangan udara ke Gaza."),
    ],
)
def test_act_word_goes_to_nearest_topic(language, text):
    result = score(text, language)
    launched = [h for h in result.hits if h.trigger.text.lower() in {"launched", "melancarkan"}]
    assert [h.topic.text.lower() for h in launched] in (["airstrikes"], ["serangan udara"])
    assert result.counts["beginning_of_war"] == 0
    assert result.counts["escalation_of_war"] == 2


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "A terrorist attack in Moscow killed 140 people."),
        ("id", "Serangan teroris di Moskow menewaskan 140 orang."),
        # a second attack word is not the act word of the first one
        ("id", "Serangan udara itu balasan atas serangan Israel yang menewaskan 20 orang."),
        # "fighting" is the act word of nothing but the fighting
        ("en", "Russian forces advanced as fighting intensified."),
    ],
)
def test_one_act_counts_once(language, text):
    # "serangan" (attack) is a topic too, but here it is the act word of "teroris"
    result = score(text, language)
    assert len(result.hits) == 1


@pytest.mark.parametrize(
    ("language", "text", "category"),
    [
        (
            "id",
            "Kim siap menggunakan bom nuklir sebagai respons terhadap serangan.",
            "nuclear_threats",
        ),
        ("en", "Troops watched the air strikes from afar.", None),
    ],
)
def test_trigger_inside_a_topic_is_not_a_trigger(language, text, category):
    # "bom" (bomb) and "strikes" are act words, but here part of "bom nuklir" and "air strikes"
    result = score(text, language)
    assert [h.category for h in result.hits] == ([category] if category else [])


@pytest.mark.parametrize("language", ["fr", "de", "und", "ko"])
def test_other_languages_get_no_hits(language):
    text = "The threat of war grows. Perang pecah. War broke out."
    assert score(text, "en").hits  # the same text scores in English
    result = score(text, language)
    assert result.hits == () and result.excluded == ()
    assert result.counts == dict.fromkeys(THREAT_CATEGORIES, 0)
    assert result.intensity == 0


def test_empty_text():
    result = score("", "en")
    assert result.hits == () and result.intensity == 0
    assert set(result.counts) == set(THREAT_CATEGORIES)


@pytest.mark.parametrize(
    ("weaker", "stronger"),
    [
        ("The weather was mild.", "Officials warned of war."),
        ("Officials warned of war.", "Officials warned of war. Leaders feared war."),
        ("Officials warned of war.", "Officials warned of nuclear war."),
        ("Officials warned of war.", "War broke out on Monday."),
        ("War broke out on Monday.", "Fighting escalated on Monday."),
        ("Pejabat memperingatkan perang.", "Perang pecah pada hari Senin."),
        ("Perang pecah.", "Perang pecah. Konflik meningkat. Bom meledak."),
    ],
)
def test_intensity_grows_with_more_and_stronger_hits(weaker, stronger):
    language = "id" if "Perang" in weaker + stronger else "en"
    low, high = score(weaker, language), score(stronger, language)
    assert 0 <= low.intensity < high.intensity <= 100


def test_intensity_is_normalised_by_length():
    core = "Officials warned of war. War broke out on Monday. Fighting escalated."
    padding = " The weather was mild and the markets were calm." * 200
    short, long = score(core, "en"), score(core + padding, "en")
    assert len(short.hits) == len(long.hits) > 0
    assert 0 < long.intensity < short.intensity
    flood = score(" ".join([core] * 100), "en")  # saturates instead of growing without bound
    assert short.intensity < flood.intensity <= 100


def _break_rules(config: dict) -> None:
    config["rules"]["war"][0]["triggers"] = ["no_such_group"]


def _break_negators(config: dict) -> None:
    config["negators"]["en"] = [False]  # what YAML makes of a bare `no`


def _duplicate_topic(config: dict) -> None:
    config["topics"]["peace"]["en"].append("war")


@pytest.mark.parametrize(
    ("breaks", "reason"),
    [
        (_break_rules, "unknown trigger group 'no_such_group'"),
        (_break_negators, "is not a string"),
        (_duplicate_topic, "'war' is already a topic of 'war'"),
    ],
)
def test_bad_rules_file_names_file_and_reason(tmp_path, monkeypatch, breaks, reason):
    config = yaml.safe_load(threat._PATH.read_text(encoding="utf-8"))
    breaks(config)
    path = tmp_path / "threat.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(threat, "_PATH", path)
    threat._config.cache_clear()
    threat._lexicon.cache_clear()
    try:
        with pytest.raises(ValueError, match=reason) as error:
            score("The threat of war grows.", "en")
        assert str(path) in str(error.value)
    finally:
        threat._config.cache_clear()
        threat._lexicon.cache_clear()
