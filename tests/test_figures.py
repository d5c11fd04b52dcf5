"""Figure builders: traces, orders, ids and colour scales from small hand-built frames."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.analysis.types import THREAT_CATEGORIES
from dashboard.charts import figures

DAYS = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])


def _index_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [*DAYS, *DAYS],
            "actor_id": ["north_korea"] * 3 + ["russia"] * 3,
            "name": ["North Korea"] * 3 + ["Russia"] * 3,
            "articles": [4, 5, 6, 2, 2, 2],
            "threatening": [1, 1, 6, 0, 1, 0],
            "index": [0.25, 0.2, 1.0, 0.0, 0.5, 0.0],
            "baseline": [None, 0.25, 0.225, None, 0.0, 0.25],
            "std": [None, None, 0.035, None, None, 0.35],
            "spike": [False, False, True, False, False, False],
        }
    )


def _mentions_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "actor_id": ["united_states", "north_korea", "kim_jong_un"],
            "name": ["United States", "North Korea", "Kim Jong Un"],
            "type": ["country", "country", "person"],
            "articles": [30, 20, 5],
            "mentions": [45, 31, 7],
            "tone": [0.1, -0.4, None],
            "tone_low": [0.05, -0.5, None],
            "tone_high": [0.15, -0.3, None],
        }
    )


def _dyad_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "actor_a": ["north_korea", "china", "china"],
            "name_a": ["North Korea", "China", "China"],
            "actor_b": ["united_states", "north_korea", "russia"],
            "name_b": ["United States", "North Korea", "Russia"],
            "sentences": [10, 4, 1],
            "articles": [8, 3, 1],
            "tone": [-0.5, 0.2, None],
        }
    )


def _threat_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [DAYS[0], DAYS[0], DAYS[1]],
            "category": ["terror_acts", "nuclear_threats", "nuclear_threats"],
            "hits": [1, 3, 2],
        }
    )


def _phrases_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["nuclear_threats", "military_buildups", "nuclear_threats"],
            "phrase": ["senjata nuklir ancam", "missile launch", "nuclear test warning"],
            "hits": [9, 5, 2],
        }
    )


def _timeline_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": [*DAYS, DAYS[0]],
            "actor_id": ["north_korea"] * 3 + ["china"],
            "name": ["North Korea"] * 3 + ["China"],
            "articles": [3, 4, 5, 1],
            "tone": [-0.2, -0.3, 0.1, 0.0],
            "threat_share": [0.3, 0.5, 0.0, 1.0],
        }
    )


def _rgb(colour: str) -> tuple[int, ...]:
    return tuple(int(c) for c in colour.removeprefix("rgb(").removesuffix(")").split(","))


BUILDERS = [
    (figures.tension_figure, _index_df),
    (figures.actor_bar, _mentions_df),
    (figures.actor_tone_figure, _mentions_df),
    (figures.actor_timeline_figure, _timeline_df),
    (figures.dyad_heatmap, _dyad_df),
    (figures.threat_timeline_figure, _threat_df),
    (figures.top_phrases_figure, _phrases_df),
]


@pytest.mark.parametrize(("build", "make"), BUILDERS)
def test_empty_frame_gives_an_explanatory_annotation(build, make):
    fig = build(make().iloc[0:0])
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 0
    assert len(fig.layout.annotations) == 1
    assert fig.layout.annotations[0].text.startswith("No ")


@pytest.mark.parametrize(("build", "make"), BUILDERS)
def test_backgrounds_are_transparent_so_the_theme_shows(build, make):
    fig = build(make())
    assert len(fig.data) > 0
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"
    assert fig.layout.plot_bgcolor == "rgba(0,0,0,0)"
    assert fig.layout.title.text


def test_tension_figure_has_a_line_per_actor_and_spike_markers():
    fig = figures.tension_figure(_index_df())
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["North Korea", "Russia"]
    assert lines[0].line.color != lines[1].line.color
    assert list(lines[0].y) == [0.25, 0.2, 1.0]
    assert list(lines[0].x) == list(DAYS)
    (spike,) = [t for t in fig.data if t.mode == "markers"]
    assert list(spike.y) == [1.0]
    assert spike.customdata[0][0] == "north_korea"
    assert fig.layout.yaxis.tickformat == ".0%"


def test_tension_figure_without_spikes_has_no_marker_trace():
    df = _index_df().assign(spike=False)
    assert all(t.mode == "lines+markers" for t in figures.tension_figure(df).data)


def test_actor_bar_keeps_order_and_carries_actor_ids():
    fig = figures.actor_bar(_mentions_df())
    (bar,) = fig.data
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.y) == ["United States", "North Korea", "Kim Jong Un"]
    assert list(bar.x) == [30, 20, 5]
    assert list(bar.customdata) == ["united_states", "north_korea", "kim_jong_un"]
    assert fig.layout.yaxis.autorange == "reversed"  # most articles on top
    assert bar.marker.cmid == 0
    assert bar.marker.cmin == -bar.marker.cmax


def test_actor_tone_figure_error_bars_span_the_interval():
    fig = figures.actor_tone_figure(_mentions_df())
    (dots,) = fig.data
    # the unscored actor (tone None) has no dot
    assert list(dots.customdata) == ["united_states", "north_korea"]
    assert list(dots.text) == ["n=30", "n=20"]
    assert dots.error_x.array == pytest.approx([0.05, 0.1])
    assert dots.error_x.arrayminus == pytest.approx([0.05, 0.1])
    assert dots.marker.cmid == 0


def test_actor_tone_figure_with_only_unscored_actors_explains():
    fig = figures.actor_tone_figure(_mentions_df().iloc[2:])
    assert len(fig.data) == 0
    assert "scored" in fig.layout.annotations[0].text


def test_actor_timeline_has_tone_and_threat_rows_per_actor():
    fig = figures.actor_timeline_figure(_timeline_df())
    assert len(fig.data) == 4  # 2 actors x (tone, threat)
    tone_traces = [t for t in fig.data if t.yaxis == "y"]
    threat_traces = [t for t in fig.data if t.yaxis == "y2"]
    assert [t.name for t in tone_traces] == ["North Korea", "China"]
    assert list(tone_traces[0].y) == [-0.2, -0.3, 0.1]
    assert list(threat_traces[0].y) == [0.3, 0.5, 0.0]
    # one legend entry per actor, same colour in both rows
    assert [t.showlegend for t in threat_traces] == [False, False]
    assert tone_traces[1].line.color == threat_traces[1].line.color


def test_dyad_heatmap_is_symmetric_and_centred_at_zero():
    fig = figures.dyad_heatmap(_dyad_df())
    (heat,) = fig.data
    assert heat.type == "heatmap"
    assert heat.zmid == 0 and heat.zmin == -heat.zmax
    # negative tone red, positive blue
    low, high = heat.colorscale[0][1], heat.colorscale[-1][1]
    assert _rgb(low)[0] > _rgb(low)[2] and _rgb(high)[2] > _rgb(high)[0]
    labels = list(heat.x)
    assert labels == list(heat.y)
    # ordered by shared sentences: North Korea (14) before China (5) and Russia (1)
    assert labels[0] == "North Korea" and labels[-1] == "Russia"
    i, j = labels.index("North Korea"), labels.index("United States")
    assert heat.z[i][j] == heat.z[j][i] == -0.5
    assert heat.text[i][j] == "10"
    assert heat.z[i][i] is None  # no self-pairs
    k = labels.index("Russia")
    assert heat.z[k][labels.index("China")] is None  # unscored pair: no colour
    assert heat.customdata[i][j] == "north_korea|united_states"


def test_threat_timeline_stacks_categories_in_their_fixed_order():
    fig = figures.threat_timeline_figure(_threat_df())
    assert fig.layout.barmode == "stack"
    names = [t.name for t in fig.data]
    assert names == ["Nuclear threats", "Terror acts"]
    nuclear = fig.data[0]
    assert list(nuclear.y) == [3, 2]
    assert nuclear.marker.color == figures.CATEGORY_COLORS["nuclear_threats"]


def test_top_phrases_bars_are_coloured_by_category():
    fig = figures.top_phrases_figure(_phrases_df())
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"Nuclear threats", "Military buildups"}
    assert list(by_name["Nuclear threats"].y) == ["senjata nuklir ancam", "nuclear test warning"]
    assert fig.layout.yaxis.categoryorder == "total ascending"  # most hits on top
    colours = {t.marker.color for t in fig.data}
    assert len(colours) == 2


def test_top_phrases_escape_article_words():
    df = pd.DataFrame({"category": ["war_threats"], "phrase": ["<b>war</b> & threat"], "hits": [1]})
    (bar,) = figures.top_phrases_figure(df).data
    assert list(bar.y) == ["&lt;b&gt;war&lt;/b&gt; &amp; threat"]


def test_every_category_has_a_distinct_colour():
    assert set(figures.CATEGORY_COLORS) == set(THREAT_CATEGORIES)
    assert len(set(figures.CATEGORY_COLORS.values())) == len(THREAT_CATEGORIES)
