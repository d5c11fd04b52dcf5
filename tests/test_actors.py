from pathlib import Path

import pytest

from dashboard.analysis import actors
from dashboard.analysis.actors import find_actors, load_gazetteer
from dashboard.analysis.text import split_sentences
from dashboard.analysis.types import ACTOR_TYPES

SEED = Path(__file__).parent.parent / "seeds" / "000_bbedd75c2d538480.txt"


@pytest.fixture
def fresh_gazetteer(monkeypatch):
    """No extra gazetteer from the environment; the cache is rebuilt before and after the test."""
    monkeypatch.delenv(actors.ENV_VAR, raising=False)
    load_gazetteer.cache_clear()
    yield monkeypatch
    load_gazetteer.cache_clear()


def found(text: str) -> list[tuple[str, str]]:
    return [(m.actor_id, m.text) for m in find_actors(text, split_sentences(text))]


def test_seed_article_actors_and_media():
    text = SEED.read_text(encoding="utf-8")
    mentions = find_actors(text, split_sentences(text))
    by_id = {m.actor_id: m for m in mentions}
    assert set(by_id) == {
        "north_korea",
        "united_states",
        "south_korea",
        "china",
        "russia",
        "kim_jong_un",
        "joe_biden",
        "donald_trump",
        "reuters",
        "kcna",
    }
    assert {i for i, m in by_id.items() if m.type == "media"} == {"reuters", "kcna"}
    assert by_id["kim_jong_un"].country == "north_korea"
    assert by_id["kim_jong_un"].type == "person"
    assert by_id["joe_biden"].country == by_id["donald_trump"].country == "united_states"
    assert all(by_id[c].type == "country" for c in ("north_korea", "china", "russia"))
    # the "Kim Jon Un" typo is Kim Jong Un, and every spelling of him is counted
    assert "Kim Jon Un" in {m.text for m in mentions if m.actor_id == "kim_jong_un"}
    kims = [m for m in mentions if m.actor_id == "kim_jong_un"]
    assert len(kims) == text.count("Kim Jong Un") + text.count("Kim Jon Un")


def test_seed_offsets_order_and_sentences():
    text = SEED.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    mentions = find_actors(text, sentences)
    assert mentions
    for m in mentions:
        assert text[m.start : m.end] == m.text
        s = sentences[m.sentence]
        assert s.start <= m.start and m.end <= s.end
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:], strict=False))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # short forms are case-sensitive; "as"/"us" are ordinary words
        ("Sanksi AS terhadap Korut", [("united_states", "AS"), ("north_korea", "Korut")]),
        ("as far as we know, tell us", []),
        ("The US warned us.", [("united_states", "US")]),
        ("Troops from the U.S. and the UK", [("united_states", "U.S."), ("united_kingdom", "UK")]),
        ("kata juru bicara A.S. dan UN", [("united_states", "A.S."), ("un", "UN")]),
        ("the un- and eu-funded programme", []),
        ("WHO warned who was at risk", [("who", "WHO")]),
        # a dollar amount is not the country; an all-capital headline is not a short form
        ("senilai US$ 5 juta", []),
        ("AS IT HAPPENS: WAR LOOMS", []),
        # the longest name wins, names never overlap
        (
            "Korea Utara dan Korea Selatan",
            [("north_korea", "Korea Utara"), ("south_korea", "Korea Selatan")],
        ),
        ("Dewan Keamanan PBB bersidang", [("un", "Dewan Keamanan PBB")]),
        (
            "Kepulauan Virgin Amerika Serikat",
            [("us_virgin_islands", "Kepulauan Virgin Amerika Serikat")],
        ),
        # the peninsula, bare "Korea" and sports teams are not actors
        ("perang bisa pecah di semenanjung Korea", []),
        ("tensions on the Korean Peninsula", []),
        ("Korea menang", []),
        ("Timnas Jepang kalah di Piala Asia", []),
        ("She won the US Open", []),
        ("alumni Seoul National University", []),
        # whole words only
        ("Raja Prusia dan pasukan Korutan", []),
        ("the Iranians and Iranian", [("iran", "Iranians"), ("iran", "Iranian")]),
        ("kembali ke perusahaan", []),
        # spelling variants: hyphens, accents, curly apostrophes, case
        (
            "Kim Jong-un dan KIM JONG UN",
            [("kim_jong_un", "Kim Jong-un"), ("kim_jong_un", "KIM JONG UN")],
        ),
        (
            "Erdoğan met Zelenskyy",
            [("recep_tayyip_erdogan", "Erdoğan"), ("volodymyr_zelensky", "Zelenskyy")],
        ),
        (
            "Democratic People’s Republic of Korea",
            [("north_korea", "Democratic People’s Republic of Korea")],
        ),
        (
            "🇷🇺Rusia🙂 «Korut» “Tiongkok”",
            [("russia", "Rusia"), ("north_korea", "Korut"), ("china", "Tiongkok")],
        ),
        ("Russia's and China’s", [("russia", "Russia"), ("china", "China")]),
        (
            "Joseph R. Biden in the U.S.A.",
            [("joe_biden", "Joseph R. Biden"), ("united_states", "U.S.A.")],
        ),
        # ambiguous surnames only in full; family members are not the leader
        ("Kim and Lee met Moon", []),
        ("Hunter Biden spoke", []),
        ("Xi Jinping in Xi'an; Xi said", [("xi_jinping", "Xi Jinping"), ("xi_jinping", "Xi")]),
        # words that are countries only when capitalised
        ("Chad and Jordan; a chad, jordan almonds", [("chad", "Chad"), ("jordan", "Jordan")]),
        # capitals and seats of government stand for their country, agencies are organisations
        ("Pyongyang dan Kremlin", [("north_korea", "Pyongyang"), ("russia", "Kremlin")]),
        ("the Pentagon, a pentagon", [("pentagon", "Pentagon")]),
        ("Tentara Pembebasan Rakyat", [("pla", "Tentara Pembebasan Rakyat")]),
        (
            "Gedung Putih dan White House",
            [("united_states", "Gedung Putih"), ("united_states", "White House")],
        ),
        # a media name containing a country is the medium only
        ("dikutip CNBC Indonesia", [("cnbc_indonesia", "CNBC Indonesia")]),
        # US states and companies named like countries
        ("a Georgia Republican from New Jersey", []),
        ("saham US Steel", []),
        # universities and academics are not actors
        ("profesor di Ewha Womans University, Leif-Eric Easley", []),
    ],
)
def test_find_actors(fresh_gazetteer, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("english", "indonesian", "actor_id"),
    [
        ("North Korea", "Korea Utara", "north_korea"),
        ("United States", "Amerika Serikat", "united_states"),
        ("China", "Tiongkok", "china"),
        ("Russia", "Rusia", "russia"),
        ("South Korea", "Korsel", "south_korea"),
        ("Ivory Coast", "Pantai Gading", "ivory_coast"),
        ("New Zealand", "Selandia Baru", "new_zealand"),
        ("United Nations", "Perserikatan Bangsa-Bangsa", "un"),
        ("European Union", "Uni Eropa", "eu"),
        ("International Atomic Energy Agency", "Badan Energi Atom Internasional", "iaea"),
        ("Hezbollah", "Hizbullah", "hezbollah"),
        ("Islamic State", "Negara Islam", "islamic_state"),
    ],
)
def test_english_and_indonesian_names_share_an_id(english, indonesian, actor_id):
    assert found(english) == [(actor_id, english)]
    assert found(indonesian) == [(actor_id, indonesian)]


@pytest.mark.parametrize(
    "name",
    ["Burkina Faso", "Côte d'Ivoire", "Côte d’Ivoire", "Pantai Gading", "Guinea-Bissau",
     "Afrika Selatan", "Kirgizstan", "Myanmar", "Burma", "Hong Kong", "Timor Leste"],
)  # fmt: skip
def test_babel_countries_are_found(name):
    [(actor_id, text)] = found(f"Delegasi {name} tiba.")
    assert text == name
    assert load_gazetteer().actors[actor_id].type == "country"


def test_gazetteer_is_consistent():
    gazetteer = load_gazetteer()
    assert len([a for a in gazetteer.actors.values() if a.type == "country"]) > 240
    for actor in gazetteer.actors.values():
        assert actor.type in ACTOR_TYPES
        assert actor.country is None or actor.country in gazetteer.actors
        if actor.type == "person":
            assert actor.country is not None, actor.id
    expected = {
        "north_korea": "country", "united_states": "country", "south_korea": "country",
        "china": "country", "russia": "country", "kim_jong_un": "person", "un": "organisation",
        "nato": "organisation", "eu": "organisation", "asean": "organisation",
        "iaea": "organisation", "reuters": "media", "kcna": "media",
    }  # fmt: skip
    assert {i: gazetteer.actors[i].type for i in expected} == expected


def test_no_person_is_found_on_a_country_name():
    gazetteer = load_gazetteer()
    for actor in gazetteer.actors.values():
        if actor.type == "country":
            for name in (actor.name, *actor.aliases):
                assert all(m.type == "country" for m in find_actors(name, split_sentences(name)))


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("korut", "north_korea"),
        ("Pyongyang", "north_korea"),
        ("KOREA UTARA", "north_korea"),
        ("korea sel", "south_korea"),
        ("amerika", "united_states"),
        ("erdoğan", "recep_tayyip_erdogan"),
        ("zelensk", "volodymyr_zelensky"),
        ("pbb", "un"),
        ("jong un", "kim_jong_un"),
    ],
)
def test_search_best_first(query, first):
    results = load_gazetteer().search(query)
    assert results[0].id == first
    assert len({a.id for a in results}) == len(results)


def test_search_ranks_exact_before_prefix_before_substring():
    ids = [a.id for a in load_gazetteer().search("rusia")]
    assert ids[0] == "russia"
    assert "belarus" not in ids
    assert load_gazetteer().search("   ") == []
    assert load_gazetteer().search("zzqx") == []


def test_extra_gazetteer_from_env_is_merged(fresh_gazetteer, tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "ignore: [Korea Utara Raya, Moskow]\n"
        "actors:\n"
        "  - id: north_korea\n"
        "    aliases: [Negeri Pertapa]\n"
        "  - id: choe_son_hui\n"
        "    name: Choe Son-hui\n"
        "    type: person\n"
        "    country: north_korea\n"
        "    aliases: [Menlu Choe]\n"
        "  - id: pyongyang_city\n"
        "    name: Pyongyang\n"
        "    type: organisation\n"
        "    country: north_korea\n",
        encoding="utf-8",
    )
    fresh_gazetteer.setenv(actors.ENV_VAR, str(extra))
    load_gazetteer.cache_clear()
    text = "Negeri Pertapa, Menlu Choe dan Pyongyang; Korea Utara Raya, Moskow dan Moscow"
    assert found(text) == [
        ("north_korea", "Negeri Pertapa"),
        ("choe_son_hui", "Menlu Choe"),
        ("pyongyang_city", "Pyongyang"),
        ("russia", "Moscow"),
    ]
    gazetteer = load_gazetteer()
    assert "Negeri Pertapa" in gazetteer.actors["north_korea"].aliases
    assert "Korea Utara" in gazetteer.actors["north_korea"].aliases  # built-in names kept
    assert "Pyongyang" not in gazetteer.actors["north_korea"].aliases  # taken over
    assert "Moskow" not in gazetteer.actors["russia"].aliases  # ignored by the extra file
    assert gazetteer.actors["choe_son_hui"].name == "Choe Son-hui"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("actors:\n  - id: Bad Id\n    name: X\n    type: person\n", "'id' must be a slug"),
        ("actors:\n  - id: x\n    name: X\n    type: planet\n", "needs a 'name' and a 'type'"),
        ("actors:\n  - id: x\n    name: X\n    type: person\n    country: atlantis\n", "atlantis"),
        ("actors:\n  - id: x\n    name: X\n    type: person\n    colour: red\n", "unknown keys"),
        ("actors:\n  - id: x\n    name: X\n    type: person\n    aliases: Zed\n", "list of"),
        (
            "actors:\n  - {id: a, name: Alpha, type: person, aliases: [Zed]}\n"
            "  - {id: b, name: Beta, type: person, aliases: [zed]}\n",
            "given to both a and b",
        ),
        ("ignore_templates: [no placeholder]\n", "must contain '{}'"),
        ("actors: [\n", "cannot read"),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_bad_extra_gazetteer_names_file_and_reason(fresh_gazetteer, tmp_path, content, reason):
    extra = tmp_path / "bad.yaml"
    extra.write_text(content, encoding="utf-8")
    fresh_gazetteer.setenv(actors.ENV_VAR, str(extra))
    with pytest.raises(ValueError, match=reason) as err:
        load_gazetteer()
    assert "bad.yaml" in str(err.value)


def test_missing_extra_gazetteer_is_a_clear_error(fresh_gazetteer, tmp_path):
    fresh_gazetteer.setenv(actors.ENV_VAR, str(tmp_path / "nowhere.yaml"))
    with pytest.raises(ValueError, match="nowhere.yaml"):
        load_gazetteer()


def test_mentions_carry_their_sentence_index():
    text = "Rusia menyerang.\n\nLalu Tiongkok bicara. Putin diam."
    sentences = split_sentences(text)
    assert [(m.actor_id, m.sentence) for m in find_actors(text, sentences)] == [
        ("russia", 0),
        ("china", 1),
        ("vladimir_putin", 2),
    ]
