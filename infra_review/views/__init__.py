"""Plotly figures and ipywidgets built from the graph and findings (never load files)."""
