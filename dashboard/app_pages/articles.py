"""Articles: the filtered articles as a sortable table; a selected one is shown with the words
behind its scores highlighted and explained."""

import streamlit as st

from dashboard import ui

f = ui.current_filters()
st.title("Articles")
if ui.show_empty_state(f):
    st.stop()

table = ui.query("articles_table", f)
st.caption(
    f"The {len(table):,} newest articles in this view. Click a column to sort, select a row to "
    "read the article with its scores explained."
)
event = st.dataframe(
    ui.articles_for_display(table),
    key="articles",
    on_select="rerun",
    selection_mode="single-row",
    hide_index=True,
    column_order=ui.ARTICLE_COLUMNS,
    column_config=ui.article_column_config(),
)

article_id = ui.selected_article(table, event.selection.rows)
if article_id is None:
    st.info("Select a row to read the article with its actors, tone words and threats marked.")
    st.stop()
detail = ui.query("article_detail", article_id)
if detail is None:
    st.warning("That article is not in the database (any more). Select another row.")
    st.stop()

analysis = ui.analyse_article(detail)
st.caption(ui.article_meta(detail))
text_column, why_column = st.columns([3, 2])
with text_column:
    st.html(ui.HIGHLIGHT_CSS + ui.HIGHLIGHT_LEGEND)
    st.html(ui.highlight_html(analysis.text, ui.marks_from_analysis(analysis)))
with why_column:
    st.subheader("Why this score")
    st.markdown("\n".join(f"- {line}" for line in ui.explanation_lines(ui.explain(analysis))))
