"""The dashboard: `streamlit run dashboard/app.py` from the repository root.

Opens on the database at $TENSION_DB (default data/tension.duckdb), filling it with seeds/ and
data/samples/ on first start. The sidebar filters apply to every page and live in the URL.
"""

import sys
from pathlib import Path

# `streamlit run` puts only dashboard/ on sys.path; the package imports need the repository root.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import ui  # noqa: E402

st.set_page_config(page_title="Geopolitical tension", page_icon=":material/public:", layout="wide")

ui.load_default_data()

page = st.navigation(
    [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True
        ),
        st.Page("app_pages/actors.py", title="Actors", icon=":material/groups:"),
        st.Page("app_pages/threats.py", title="Threats", icon=":material/warning:"),
        st.Page("app_pages/articles.py", title="Articles", icon=":material/article:"),
        st.Page("app_pages/add_articles.py", title="Add articles", icon=":material/upload_file:"),
        st.Page("app_pages/export.py", title="Export", icon=":material/download:"),
    ]
)
ui.sidebar_filters()
page.run()
