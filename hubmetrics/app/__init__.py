"""The Streamlit side of the dashboard: the only part of hubmetrics that imports streamlit."""
