"""A Dash callback called as the page calls it: the body built from /_dash-dependencies and the values given."""
from __future__ import annotations

import json

import requests


def dependency(url: str, output_part: str) -> dict:
    """The callback whose output names `output_part` (e.g. "story-list.children")."""
    return next(d for d in requests.get(url + "/_dash-dependencies", timeout=10).json() if output_part in d["output"])


def callback_body(dep: dict, values: dict, changed: str) -> str:
    """The request body; `values` by "id.property" (missing ones are None; a wildcard input is an empty list)."""
    def entry(spec):
        if spec["id"].startswith("{"):
            return values.get(f"{spec['id']}.{spec['property']}", [])
        return {"id": spec["id"], "property": spec["property"], "value": values.get(f"{spec['id']}.{spec['property']}")}
    return json.dumps({
        "output": dep["output"],
        "outputs": [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1].split("@")[0]}
                    for o in dep["output"].strip(".").split("...")],
        "inputs": [entry(i) for i in dep["inputs"]], "state": [entry(s) for s in dep.get("state", [])],
        "changedPropIds": [changed]})


def call(url: str, dep: dict, values: dict, changed: str, status: int = 200) -> requests.Response:
    response = requests.post(url + "/_dash-update-component", data=callback_body(dep, values, changed),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == status, response.text[:300]
    return response
