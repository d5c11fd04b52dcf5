"""Threats: threat language per category over time, and the phrases that matched."""

import streamlit as st

from dashboard import ui
from dashboard.charts import figures

f = ui.current_filters()
st.title("Threats")
if ui.show_empty_state(f):
    st.stop()

st.subheader("Threat hits per category")
st.caption(
    "The eight geopolitical-risk categories (Caldara & Iacoviello): five kinds of threat, then "
    "three kinds of act."
)
ui.plotly_chart(figures.threat_timeline_figure(ui.query("threat_timeline", f)), key="threats")

st.subheader("Top matched phrases")
phrases = ui.query("top_phrases", f)
ui.plotly_chart(figures.top_phrases_figure(phrases), key="phrases")
if not phrases.empty:
    st.dataframe(
        phrases.assign(category=phrases["category"].map(ui.format_category)),
        hide_index=True,
    )
