"""Add articles: upload files or paste URLs and feeds; see what was stored and what was rejected."""

import pandas as pd
import streamlit as st

from dashboard import ui

st.title("Add articles")
st.caption(
    "Files: plain text, Markdown, HTML, CSV or JSON Lines (columns title, text, url, published, "
    "source, language), or .gz of any of them. URLs: article pages or RSS/Atom feeds, one per "
    "line. Articles already stored are skipped; changed ones are re-scored."
)
with st.form("add_articles"):
    uploads = st.file_uploader("Files", accept_multiple_files=True, key="uploads")
    pasted = st.text_area("URLs or feeds", placeholder="https://example.org/feed.xml", key="urls")
    submitted = st.form_submit_button("Add", type="primary")

if submitted:
    urls, rejected = ui.split_url_lines(pasted)
    sources = [(upload.name, upload.getvalue()) for upload in uploads or ()] + urls
    if not sources and not rejected:
        st.warning("Choose files or paste URLs first.")
    if sources:
        bar = st.progress(0.0, text="Analysing…")
        report = ui.run_ingest(
            sources,
            progress=lambda done, total: bar.progress(
                done / total if total else 1.0, text=f"{done:,} of {total:,} articles"
            ),
        )
        bar.progress(1.0, text="Done")
        st.success("Done: " + ui.ingest_summary(report) + ".")
        rejected += [(r.where, r.reason) for r in report.rejected]
    if rejected:
        st.warning(f"{len(rejected)} item(s) rejected:")
        st.dataframe(pd.DataFrame(rejected, columns=["item", "reason"]), hide_index=True)
