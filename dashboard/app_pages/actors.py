"""Actors: who is in the news, the tone toward each, over time, and who appears with whom."""

import streamlit as st

from dashboard import ui
from dashboard.charts import figures

f = ui.current_filters()
st.title("Actors")
if ui.show_empty_state(f):
    st.stop()

mentions = ui.query("actor_mentions", f)
left, right = st.columns(2)
with left:
    st.subheader("Mentions")
    st.caption("Articles naming each actor. Click a bar to add the actor to the filter.")
    ui.plotly_chart(figures.actor_bar(mentions), key="actor_bar", click_to_filter=True)
with right:
    st.subheader("Tone toward each actor")
    st.caption(
        "Mean tone of the sentences naming the actor, with its 95% interval and article count. "
        "Click a dot to filter."
    )
    ui.plotly_chart(figures.actor_tone_figure(mentions), key="actor_tone", click_to_filter=True)

st.subheader("Tone and threat over time")
if not f.actors:
    st.caption("Showing the most covered actors; select actors in the sidebar to choose.")
ui.plotly_chart(figures.actor_timeline_figure(ui.query("actor_timeline", f)), key="actor_timeline")

st.subheader("Who appears with whom")
st.caption("Pairs of actors named in one sentence; colour = mean tone of those sentences.")
ui.plotly_chart(figures.dyad_heatmap(ui.query("dyad_matrix", f)), key="dyads")
