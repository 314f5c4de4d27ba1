"""Pure functions from seqviz data to figures: Vega-Lite specs (``vega.py``) and plotly figures.

Nothing here imports streamlit or runs a model: a figure is built from numbers a test can compare with the
model's own, and a test can check a figure without a browser.
"""
