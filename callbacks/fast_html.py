"""Plain html elements as the JSON Dash sends for them, built without Dash's component classes.

A component object costs about 40 µs to construct (argument checks, deprecation checks); the dashboard's table
has hundreds of cells, so building them as objects was most of the details callback's time (bench/README.md).
`element("Td", "12 %", className="num")` is exactly what `html.Td("12 %", className="num").to_plotly_json()`
gives, and Dash accepts it wherever a component goes (tests/unit/test_fast_html.py compares them).
"""
from __future__ import annotations


def element(tag: str, children=None, **props) -> dict:
    """The JSON of dash.html.<tag>(children, **props) (a prop given as None is kept as null, as Dash does)."""
    return {"props": {"children": children, **props} if children is not None else dict(props), "type": tag,
            "namespace": "dash_html_components"}
