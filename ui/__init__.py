"""Streamlit helpers shared by the pages: the database handle, caching and the filters."""
