"""Overview: how much, how hostile, how threatening; the daily tension index and its spikes."""

import streamlit as st

from dashboard import ui
from dashboard.charts import figures
from dashboard.store.queries import spikes

f = ui.current_filters()
st.title("Overview")
if ui.show_empty_state(f):
    st.stop()

summary = ui.query("overview", f)
articles, threat_share = summary["articles"], summary["threat_share"]
c1, c2, c3, c4 = st.columns(4)
c1.metric("Articles", f"{articles:,}", help=f"{summary['scored']:,} in a language we score")
c2.metric(
    "Mean tone",
    ui.format_tone(summary["mean_tone"]),
    help="Mean document tone of the scored articles, -1 hostile … +1 friendly.",
)
c3.metric(
    "Threatening",
    "n/a" if threat_share is None else f"{threat_share:.0%}",
    help="Share of articles with at least one threat or act-of-war phrase.",
)
c4.metric("Actors", f"{summary['actors']:,}")

st.subheader("Daily tension index")
st.caption(
    "Share of each actor's articles that day with a threat hit (the selected actors, else the five "
    "most covered). Markers flag spikes: days far above the actor's previous week."
)
if summary["undated"]:
    st.caption(
        f"{summary['undated']:,} of the {articles:,} articles in this view have no publication "
        "date: they count in the numbers above but not in the daily series."
    )
index = ui.query("tension_index", f)
ui.plotly_chart(figures.tension_figure(index), key="tension_chart", click_to_filter=True)

st.subheader("Spikes")
found = spikes(index)
if found.empty:
    st.info("No spikes in this view: no day stands out from the days before it.")
else:
    st.dataframe(
        found[["day", "name", "index", "baseline", "articles", "threatening"]],
        hide_index=True,
        column_config={
            "name": "actor",
            "index": st.column_config.NumberColumn("index", format="%.2f"),
            "baseline": st.column_config.NumberColumn("baseline", format="%.2f"),
        },
    )
