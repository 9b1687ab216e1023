"""The body of the map callback's request for a view, as the page sends it (for server tests)."""
from __future__ import annotations

import json

import requests

GROUPS = ("kon", "alder", "boende")


def map_request(url: str, question: str, wave: int, level: str) -> str:
    """The JSON body of /_dash-update-component for the map of a view on a new page (no map drawn yet)."""
    layout = requests.get(url + "/_dash-dependencies", timeout=10).json()
    output = next(d["output"] for d in layout if d["output"].startswith("..map.figure"))
    return json.dumps({
        "output": output,
        "outputs": [{"id": json.loads(o.rsplit(".", 1)[0]) if o.startswith("{") else o.rsplit(".", 1)[0],
                     "property": o.rsplit(".", 1)[1]} for o in output.strip(".").split("...")],  # a dict id: JSON
        "inputs": [{"id": "question", "property": "value", "value": question},
                   {"id": "wave", "property": "value", "value": wave},
                   {"id": "level", "property": "value", "value": level},
                   [{"id": {"group": g, "type": "filter"}, "property": "value", "value": None} for g in GROUPS],
                   {"id": "area", "property": "value", "value": None}],
        "state": [[{"id": {"group": g, "type": "filter"}, "property": "id", "value": {"type": "filter", "group": g}}
                   for g in GROUPS],
                  {"id": "lang", "property": "data", "value": "sv"}, {"id": "map-drawn", "property": "data"}],
        "changedPropIds": ["wave.value"], "parsedChangedPropsIds": ["wave.value"]})


def details_request(url: str, question: str, wave: int, level: str, painted: int, changed: str) -> str:
    """The JSON body of the details callback's request as the page sends it: after the map was painted at the time
    `painted` (ms, the store map-painted), with `changed` the input that changed."""
    dependency = next(d for d in requests.get(url + "/_dash-dependencies", timeout=10).json()
                      if d["output"].startswith("..bars.figure"))
    values = {"question": question, "wave": wave, "level": level, "by": "", "area": None, "map-painted": painted,
              "lang": "sv"}

    def entry(spec: dict):
        if spec["id"].startswith("{"):  # the filters (ALL): their values, or their ids
            return [{"id": {"group": g, "type": "filter"}, "property": spec["property"],
                     "value": {"type": "filter", "group": g} if spec["property"] == "id" else None} for g in GROUPS]
        return {"id": spec["id"], "property": spec["property"], "value": values[spec["id"]]}

    output = dependency["output"]
    return json.dumps({
        "output": output,
        "outputs": [{"id": json.loads(o.rsplit(".", 1)[0]) if o.startswith("{") else o.rsplit(".", 1)[0],
                     "property": o.rsplit(".", 1)[1]} for o in output.strip(".").split("...")],  # a dict id: JSON
        "inputs": [entry(i) for i in dependency["inputs"]], "state": [entry(s) for s in dependency["state"]],
        "changedPropIds": [changed, "map-painted.data"], "parsedChangedPropsIds": [changed, "map-painted.data"]})
