"""Plotly figures for the dashboard: pure ``DataFrame -> Figure`` builders, no Streamlit.

Every builder takes the frame of the matching query in ``dashboard.store.queries`` and handles an
empty frame by returning a figure that says there is nothing to show. Backgrounds are transparent
and no font colour is set, so Streamlit's light or dark theme shows through; tone is always on the
same diverging red (negative) / blue (positive) scale centred at 0.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.analysis.types import THREAT_CATEGORIES

# Diverging scale for tone: red for negative, blue for positive (ColorBrewer RdBu), centred at 0.
TONE_COLORSCALE = "RdBu"
TONE_RANGE = (-1.0, 1.0)  # tone is stored in [-1, 1]
# Colour scales span +-(largest |tone| shown), at least this much, so typical small tones are not
# all washed out near white (still symmetric, so 0 stays the midpoint).
MIN_TONE_SPAN = 0.1
# One colour per threat category (Plotly's D3 palette: mid-tones readable on light and dark).
CATEGORY_COLORS = dict(
    zip(
        THREAT_CATEGORIES,
        ("#d62728", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#1f77b4", "#bcbd22", "#17becf"),
        strict=True,
    )
)
SPIKE_COLOR = "#d62728"
# Line colours for actor series (Plotly's default qualitative palette).
_PALETTE = ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3", "#ff6692", "#b6e880")
EMPTY_MESSAGE = (
    "No data for these filters: relax a filter (actors, dates, language) or add articles."
)


def _label(category: str) -> str:
    return category.replace("_", " ").capitalize()


def _layout(fig: go.Figure, title: str, **layout) -> go.Figure:
    fig.update_layout(
        title=title,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        hoverlabel={"namelength": -1},
        **layout,
    )
    return fig


def empty_figure(title: str, message: str = EMPTY_MESSAGE) -> go.Figure:
    """A figure without data that says why (shown instead of an empty plot)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 14}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title)


def tension_figure(index_df: pd.DataFrame) -> go.Figure:
    """The daily tension index per actor, one line each, with spikes marked."""
    title = "Tension index: share of articles with threat language"
    if index_df.empty:
        return empty_figure(title)
    fig = go.Figure()
    for i, (actor_id, series) in enumerate(index_df.groupby("actor_id", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=series["day"],
                y=series["index"],
                mode="lines+markers",  # days without articles are gaps, not zeros: show the points
                line={"color": _PALETTE[i % len(_PALETTE)], "width": 1},
                marker={"size": 5},
                name=str(series["name"].iloc[0]),
                customdata=series[["actor_id", "articles", "threatening"]].to_numpy(),
                hovertemplate="%{x|%Y-%m-%d}: %{y:.0%} of %{customdata[1]} articles"
                " (%{customdata[2]} threatening)<extra>%{fullData.name}</extra>",
                legendgroup=str(actor_id),
            )
        )
    hits = index_df[index_df["spike"].astype(bool)]
    if not hits.empty:
        fig.add_trace(
            go.Scatter(
                x=hits["day"],
                y=hits["index"],
                mode="markers",
                name="Spike",
                marker={"symbol": "triangle-up", "size": 11, "color": SPIKE_COLOR},
                customdata=hits[["actor_id", "name", "baseline"]].to_numpy(),
                hovertemplate="Spike for %{customdata[1]} on %{x|%Y-%m-%d}: %{y:.0%}"
                " (baseline %{customdata[2]:.0%})<extra></extra>",
            )
        )
    fig.update_yaxes(title="Threatening articles", tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(title="Day")
    return _layout(fig, title, hovermode="closest")


def _tone_span(tones: pd.Series) -> float:
    largest = tones.abs().max()
    return float(min(TONE_RANGE[1], max(MIN_TONE_SPAN, 0.0 if pd.isna(largest) else largest)))


def _tone_marker(tones: pd.Series) -> dict:
    span = _tone_span(tones)
    return {
        "color": tones.fillna(0).to_numpy(),
        "colorscale": TONE_COLORSCALE,
        "cmid": 0,
        "cmin": -span,
        "cmax": span,
        "colorbar": {"title": "Tone"},
        "line": {"color": "gray", "width": 1},
    }


def _rows_height(rows: int) -> int:
    # Enough room per bar/dot label for horizontal charts.
    return max(300, 26 * rows + 120)


def actor_bar(mentions_df: pd.DataFrame) -> go.Figure:
    """Articles per actor as horizontal bars (most first), coloured by mean tone.

    ``customdata`` is the actor id, for click-to-filter.
    """
    title = "Articles per actor"
    if mentions_df.empty:
        return empty_figure(title)
    fig = go.Figure(
        go.Bar(
            x=mentions_df["articles"],
            y=mentions_df["name"],
            orientation="h",
            customdata=mentions_df["actor_id"],
            marker=_tone_marker(mentions_df["tone"]),
            text=mentions_df["mentions"],
            hovertext=[f"{t:+.2f}" if pd.notna(t) else "unscored" for t in mentions_df["tone"]],
            hovertemplate="%{y}: %{x} articles, %{text} mentions, tone %{hovertext}<extra></extra>",
            textposition="none",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title="Articles")
    return _layout(fig, title, clickmode="event+select", height=_rows_height(len(mentions_df)))


def actor_tone_figure(mentions_df: pd.DataFrame) -> go.Figure:
    """Mean tone toward each actor with its 95% interval; the label is the number of articles."""
    title = "Tone toward each actor (95% interval)"
    scored = mentions_df.dropna(subset=["tone"]) if not mentions_df.empty else mentions_df
    if scored.empty:
        return empty_figure(title, "No scored articles mention these actors.")
    fig = go.Figure(
        go.Scatter(
            x=scored["tone"],
            y=scored["name"],
            mode="markers+text",
            customdata=scored["actor_id"],
            text=[f"n={n}" for n in scored["articles"]],
            textposition="middle right",
            textfont={"size": 10},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (scored["tone_high"] - scored["tone"]).to_numpy(),
                "arrayminus": (scored["tone"] - scored["tone_low"]).to_numpy(),
                "color": "gray",
            },
            marker={**_tone_marker(scored["tone"]), "size": 10, "showscale": False},
            hovertemplate="%{y}: tone %{x:+.2f} (%{text})<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"dash": "dot", "width": 1, "color": "gray"})
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title="Mean tone (-1 negative, +1 positive)", zeroline=False)
    return _layout(fig, title, clickmode="event+select", height=_rows_height(len(scored)))


def actor_timeline_figure(df: pd.DataFrame) -> go.Figure:
    """Tone (top) and share of threatening articles (bottom) over time, one line per actor."""
    title = "Tone and threat over time"
    if df.empty:
        return empty_figure(title)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, subplot_titles=("Tone", "Threat")
    )
    for i, (actor_id, series) in enumerate(df.groupby("actor_id", sort=False)):
        name = str(series["name"].iloc[0])
        common = {
            "x": series["day"],
            "name": name,
            "legendgroup": str(actor_id),
            "mode": "lines+markers",
        }
        common["line"] = {"color": _PALETTE[i % len(_PALETTE)]}
        fig.add_trace(
            go.Scatter(
                y=series["tone"],
                customdata=series["articles"],
                hovertemplate="%{x|%Y-%m-%d}: tone %{y:+.2f} (%{customdata} articles)"
                "<extra>%{fullData.name}</extra>",
                **common,
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                y=series["threat_share"],
                customdata=series["articles"],
                hovertemplate="%{x|%Y-%m-%d}: %{y:.0%} of %{customdata} articles threatening"
                "<extra>%{fullData.name}</extra>",
                showlegend=False,
                **common,
            ),
            row=2,
            col=1,
        )
    fig.update_yaxes(title="Mean tone", zeroline=True, row=1, col=1)
    fig.update_yaxes(title="Threatening", tickformat=".0%", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title="Day", row=2, col=1)
    return _layout(fig, title)


def dyad_heatmap(dyad_df: pd.DataFrame) -> go.Figure:
    """Actor-by-actor matrix: colour = mean tone of the shared sentences, text = sentences."""
    title = "Who is named with whom (colour: tone of the shared sentences)"
    if dyad_df.empty:
        return empty_figure(title, "No two actors are named in the same sentence here.")
    names = dict(zip(dyad_df["actor_a"], dyad_df["name_a"], strict=True))
    names.update(zip(dyad_df["actor_b"], dyad_df["name_b"], strict=True))
    weight = (
        pd.concat(
            [
                dyad_df.groupby("actor_a")["sentences"].sum(),
                dyad_df.groupby("actor_b")["sentences"].sum(),
            ]
        )
        .groupby(level=0)
        .sum()
    )
    order = sorted(names, key=lambda a: (-weight[a], a))
    pos = {a: i for i, a in enumerate(order)}
    size = len(order)
    z: list[list[float | None]] = [[None] * size for _ in range(size)]
    text = [[""] * size for _ in range(size)]
    ids = [[f"{a}|{b}" for b in order] for a in order]
    for row in dyad_df.itertuples(index=False):
        i, j = pos[row.actor_a], pos[row.actor_b]
        tone = None if pd.isna(row.tone) else float(row.tone)
        for r, c in ((i, j), (j, i)):
            z[r][c] = tone
            text[r][c] = str(row.sentences)
    labels = [names[a] for a in order]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            text=text,
            texttemplate="%{text}",
            customdata=ids,
            colorscale=TONE_COLORSCALE,
            zmid=0,
            zmin=-_tone_span(dyad_df["tone"]),
            zmax=_tone_span(dyad_df["tone"]),
            colorbar={"title": "Tone"},
            hoverongaps=False,
            hovertemplate="%{y} + %{x}: %{text} shared sentences, tone %{z:+.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title)


def threat_timeline_figure(df: pd.DataFrame) -> go.Figure:
    """Threat hits per day, stacked by category (in the categories' fixed order)."""
    title = "Threat language per category"
    if df.empty:
        return empty_figure(title, "No threat language in these articles.")
    fig = go.Figure()
    for rows, style in _by_category(df):
        fig.add_trace(
            go.Bar(
                x=rows["day"],
                y=rows["hits"],
                hovertemplate="%{x|%Y-%m-%d}: %{y} hits<extra>%{fullData.name}</extra>",
                **style,
            )
        )
    fig.update_yaxes(title="Hits")
    fig.update_xaxes(title="Day")
    return _layout(fig, title, barmode="stack")


def _category_order(category: str) -> int:
    return THREAT_CATEGORIES.index(category) if category in THREAT_CATEGORIES else 99


def _by_category(df: pd.DataFrame) -> Iterator[tuple[pd.DataFrame, dict]]:
    """Each threat category's rows (fixed category order) with its trace name and colour."""
    for category in sorted(df["category"].unique(), key=_category_order):
        style = {
            "name": _label(category),
            "marker": {"color": CATEGORY_COLORS.get(category, "gray")},
        }
        yield df[df["category"] == category], style


def top_phrases_figure(df: pd.DataFrame) -> go.Figure:
    """The most frequent threat phrases as horizontal bars (most first), coloured by category."""
    title = "Top threat phrases"
    if df.empty:
        return empty_figure(title, "No threat language in these articles.")
    fig = go.Figure()
    for rows, style in _by_category(df):
        fig.add_trace(
            go.Bar(
                x=rows["hits"],
                # words from article text: escaped, as Plotly renders some HTML in labels
                y=[html.escape(p) for p in rows["phrase"]],
                orientation="h",
                hovertemplate="%{y}: %{x} hits<extra>%{fullData.name}</extra>",
                **style,
            )
        )
    fig.update_yaxes(categoryorder="total ascending", title=None)
    fig.update_xaxes(title="Hits")
    return _layout(
        fig,
        title,
        barmode="stack",
        legend={"traceorder": "normal"},
        height=_rows_height(df["phrase"].nunique()),
    )
