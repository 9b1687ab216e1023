"""The dashboard's callback requests exactly as the Dash 4 renderer POSTs them to /_dash-update-component, and a
seeded walk of realistic filter changes that produces them.

The bodies copy what headless Chromium sends (the harness checks its page-load bodies against `page_load()`):
inputs and state in the order the app declares them (read from /_dash-dependencies, so the bodies follow the app
when a callback gains an input), pattern-matching filters as a list (an empty filter's value null),
`changedPropIds` names what the user changed. A `Tab` keeps what the browser keeps between answers (the stores
the app writes and reads back, e.g. `map-drawn`), so each body is built just before it is sent.

A view is {question, wave, level, by, filters: {group: code or None}, area, lang}. `Walk` changes one control per
step as a visitor does (mostly the question, then wave, filters, level, group, a click on an area) and yields the
requests the browser would send for that change, in order: a level change first asks `choose_area` (its `area`
output is an input of the map and details callbacks, so Dash waits for it), then the map and the details.
"""
from __future__ import annotations

import copy
import json
import random
import time

# Each callback by its first output (the rest may grow: the harness reads them from /_dash-dependencies).
CALLBACKS = {"render_page": "page.children", "choose_area": "area.options", "update_map": "map.figure",
             "update_details": "bars.figure"}


def first_output(output: str) -> str:
    return output.strip(".").split("...")[0]


def _outputs(output: str) -> list[dict] | dict:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    outs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    return outs if output.startswith("..") else outs[0]


def _as_sent(outputs):
    """`outputs` as the page sends them: a dict id (a pattern-matching component's) as the dict, not its JSON."""
    def one(o: dict) -> dict:
        return {**o, "id": json.loads(o["id"])} if o["id"].startswith("{") else o
    return [one(o) for o in outputs] if isinstance(outputs, list) else one(outputs)


def _listed(outputs) -> list[dict]:
    return outputs if isinstance(outputs, list) else [outputs]


def changed_id(control: str) -> str:
    """How Dash names a changed property: 'wave.value', or the JSON id (sorted keys) of a pattern-matching one."""
    if control.startswith("filter:"):
        return json.dumps({"group": control.split(":", 1)[1], "type": "filter"}, separators=(",", ":")) + ".value"
    if "." in control:
        return control
    return f"{control}.value" if control != "map" else "map.clickData"


def search_of(view: dict) -> str:
    return "" if view["lang"] == "sv" else "?lang=en"


class Callbacks:
    """The app's server-side callbacks as /_dash-dependencies declares them; `body()` fills in a view's values in
    the declared order, so the bodies follow the app when a callback gains an input or a state."""

    def __init__(self, dependencies: list[dict], groups: list[str]):
        self.deps = {d["output"]: d for d in dependencies if not d.get("clientside_function")}
        self.by_first = {first_output(o): o for o in self.deps}
        self.groups = groups
        # Values the browser keeps and sends back: a server callback's output that is another's state (map-drawn).
        states = {(x["id"], x["property"]) for d in self.deps.values() for x in d.get("state", [])}
        outputs = {(o["id"], o["property"]) for d in self.deps.values()
                   for o in (lambda v: v if isinstance(v, list) else [v])(_outputs(d["output"]))}
        self.kept = states & outputs - {("area", "value")}
        # The callbacks (by name) whose answers write a kept store: the only answers a simulated tab must read.
        self.keeping = {name for name, first in CALLBACKS.items() if first in self.by_first and self.kept & {
            (o["id"], o["property"]) for o in _listed(_outputs(self.by_first[first]))}}
        # What clientside callbacks write (e.g. map-painted, a time): sent with the time now, as a browser does.
        self.clientside = {(o["id"], o["property"]) for d in dependencies if d.get("clientside_function")
                           for o in (lambda v: v if isinstance(v, list) else [v])(_outputs(d["output"]))}

    def _entry(self, spec: dict, view: dict, click: dict | None, extra: dict):
        id_, prop = spec["id"], spec["property"]
        if id_.startswith("{"):
            pattern = json.loads(id_)
            if pattern.get("type") != "filter":
                return []
            if prop == "id":
                return [{"id": {"group": g, "type": "filter"}, "property": "id",
                         "value": {"type": "filter", "group": g}}
                        for g in self.groups]
            return [{"id": {"group": g, "type": "filter"}, "property": prop, "value": view["filters"].get(g)}
                    for g in self.groups]
        entry = {"id": id_, "property": prop}
        known = {("url", "pathname"): "/", ("url", "search"): extra.get("search", search_of(view)),
                 ("question", "value"): view["question"], ("wave", "value"): view["wave"],
                 ("level", "value"): view["level"], ("by", "value"): view["by"], ("lang", "data"): view["lang"]}
        if (id_, prop) in known:
            entry["value"] = known[(id_, prop)]
        elif (id_, prop) == ("area", "value"):
            entry["value"] = view["area"]
        elif (id_, prop) == ("map", "clickData"):
            if click is not None:
                entry["value"] = click
        elif (id_, prop) in extra:
            entry["value"] = extra[(id_, prop)]
        elif (id_, prop) in self.clientside and (id_, prop) != ("url", "search"):
            entry["value"] = int(time.time() * 1000)  # as the browser's: map-painted is the time the map was drawn
        return entry

    def body(self, callback: str, view: dict, changed: list[str], click: dict | None = None,
             extra: dict | None = None) -> dict:
        """The JSON body of one callback request for `view`; `changed` are controls ('wave', 'filter:kon', 'map'...)."""
        output = self.by_first[CALLBACKS[callback]] if callback in CALLBACKS else callback
        dep, extra = self.deps[output], extra or {}
        props = [changed_id(c) for c in changed]
        out = {"output": output, "outputs": _as_sent(_outputs(output)),
               "inputs": [self._entry(i, view, click, extra) for i in dep["inputs"]]}
        if dep.get("state"):
            out["state"] = [self._entry(s, view, click, extra) for s in dep["state"]]
        out["changedPropIds"] = props
        out["parsedChangedPropsIds"] = props
        return out


def default_view(meta: dict, lang: str = "sv") -> dict:
    return {"question": meta["questions"][0], "wave": meta["waves"][-1], "level": meta["levels"][0], "by": "",
            "filters": {g: None for g in meta["groups"]}, "area": None, "lang": lang}


def url_search(view: dict, meta: dict) -> str:
    """The query string the page writes into the URL for a view (only what differs from the default view)."""
    default = default_view(meta)
    parts = [(k, str(view[k])) for k in ("question", "wave", "level", "by") if view[k] and view[k] != default[k]]
    parts += [(g, str(c)) for g, c in view["filters"].items() if c]
    if view["area"]:
        parts.append(("area", view["area"]))
    return ("?" + "&".join(f"{k}={v}" for k, v in parts)) if parts else ""


class Tab:
    """One browser tab: what it keeps between callbacks (the stores the app writes, e.g. `map-drawn`), so each body
    is built just before it is sent, with the values the earlier answers left, as the renderer does."""

    def __init__(self, callbacks: Callbacks):
        self.callbacks, self.kept = callbacks, {}

    def request(self, callback: str, view: dict, changed: list[str], click: dict | None = None,
                extra: dict | None = None):
        """(callback name, a function giving its body now)."""
        return callback, lambda: self.callbacks.body(callback, view, changed, click, {**self.kept, **(extra or {})})

    def receive(self, body: bytes) -> None:
        """Keep what an answer wrote into the kept stores."""
        if not body or not self.callbacks.kept:
            return
        answer = json.loads(body).get("response", {})
        for id_, prop in self.callbacks.kept:
            if id_ in answer and prop in answer[id_]:
                self.kept[(id_, prop)] = answer[id_][prop]


def page_load(tab: Tab, meta: dict, lang: str = "sv") -> list:
    """The requests of a first page load, as the renderer sends them (initial calls: area set to None first)."""
    view = default_view(meta, lang)
    return [tab.request("render_page", view, ["url.pathname", "url.search"]),
            tab.request("choose_area", view, []),
            tab.request("update_map", view, ["area"]),
            tab.request("update_details", view, ["area"])]  # after the map: it waits for map-drawn


def metadata(results) -> dict:
    """What the walk needs to know about a build: questions, waves, levels, groups and their codes, areas per level."""
    cb = results.codebook
    return {"questions": [q.id for q in cb.single_choice] + [i.id for i in cb.indices],
            "waves": list(results.waves), "levels": list(results.levels),
            "groups": {g.id: [o.code for o in g.shown] for g in cb.groups},
            "areas": {lv: list(results.area_ids(lv)) for lv in results.levels}}


# How often a visitor changes each control (weights), from watching the dashboard used at a meeting: mostly the
# question, then the year and the group filters.
MOVES = {"question": 40, "wave": 15, "filter": 15, "by": 10, "level": 10, "map": 10}


class Walk:
    """A seeded random walk through the views, one control at a time; `fresh=True` never revisits a view
    (every request then misses the per-view caches: the cold case)."""

    def __init__(self, tab: Tab, meta: dict, seed: int = 1, fresh: bool = True, url_sync=None):
        self.tab, self.meta, self.rng, self.fresh = tab, meta, random.Random(seed), fresh
        self.url_sync = url_sync  # view → the query string the page writes into the URL (None: not sent)
        self.groups = list(meta["groups"])
        self.view = default_view(meta)
        self.seen = {self._key(self.view)}

    @staticmethod
    def _key(view: dict) -> str:
        return json.dumps(view, sort_keys=True)

    def _move(self) -> tuple[dict, list[str], dict | None]:
        view, rng, meta = copy.deepcopy(self.view), self.rng, self.meta
        move = rng.choices(list(MOVES), weights=list(MOVES.values()))[0]
        click = None
        if move == "question":
            view["question"] = rng.choice([q for q in meta["questions"] if q != view["question"]])
            changed = ["question"]
        elif move == "wave":
            view["wave"] = rng.choice([w for w in meta["waves"] if w != view["wave"]])
            changed = ["wave"]
        elif move == "filter":
            group = rng.choice(self.groups)
            current = view["filters"][group]
            view["filters"][group] = (None if current is not None and rng.random() < 0.5
                                      else rng.choice(meta["groups"][group]))
            changed = [f"filter:{group}"]
        elif move == "by":
            view["by"] = rng.choice([g for g in ["", *self.groups] if g != view["by"]])
            changed = ["by"]
        elif move == "level":
            view["level"] = rng.choice([lv for lv in meta["levels"] if lv != view["level"]])
            changed = ["level"]
        else:  # a click on an area of the map (not on the whole-municipality level)
            areas = meta["areas"][view["level"]]
            if view["level"] == meta["levels"][-1] or not areas:
                return self._move()
            view["area"] = rng.choice(areas)
            click = {"points": [{"curveNumber": 0, "pointNumber": 0, "location": view["area"]}]}
            changed = ["map"]
        return view, changed, click

    def step(self) -> list:
        """The next change as the requests the browser sends for it, in order: (name, body function) pairs."""
        for _ in range(200):
            view, changed, click = self._move()
            if not self.fresh or self._key(view) not in self.seen:
                break
        self.seen.add(self._key(view))
        body, requests = self.tab.request, []
        if changed == ["level"]:
            # The area chooser answers first; a chosen area of another level is cleared.
            requests.append(body("choose_area", view, ["level"]))
            if self.view["area"] is not None:
                view["area"] = None
                changed = ["level", "area"]
        elif changed == ["map"]:
            previous = {**view, "area": self.view["area"]}
            requests.append(body("choose_area", previous, ["map"], click))
            changed = ["area"]
        if changed != ["by"]:
            requests.append(body("update_map", view, changed))
        requests.append(body("update_details", view, changed))
        if self.url_sync is not None:
            # The page writes the view into the URL (a clientside callback); the server's page callback sees the
            # new url.search, finds it is the view it shows and answers "no update".
            search = self.url_sync(view)
            requests.append(body("render_page", view, ["url.search"],
                                 extra={"search": search, ("view-search", "data"): "/" + search}))
        self.view = view
        return requests
