"""Export: the filtered articles and every aggregate behind the charts, as CSV.

(Each chart also has Plotly's own PNG download in its toolbar.)"""

import streamlit as st

from dashboard import ui

f = ui.current_filters()
st.title("Export")
if ui.show_empty_state(f):
    st.stop()

active = ui.active_filters(f)
st.caption("Filtered by " + ", ".join(active) + "." if active else "No filter: everything.")
st.download_button(
    "Articles (CSV, without the text)",
    ui.export_csv("export_articles", f),
    file_name="articles.csv",
    mime="text/csv",
    type="primary",
)
st.subheader("Aggregates")
for name, label in ui.EXPORTS.items():
    st.download_button(label, ui.export_csv(name, f), file_name=f"{name}.csv", mime="text/csv")
