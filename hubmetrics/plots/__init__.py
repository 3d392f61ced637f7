"""The dashboard's interactive charts (plotly), drawn from figures already as a person may see them."""
