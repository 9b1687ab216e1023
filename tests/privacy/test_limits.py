"""Issue 22, every request bounded: each callback that takes a story checks its length (MAX_STORY, the story file
import's limit) and says so on the page; a list value of over MAX_LIST elements is refused at the edge in
milliseconds (a 300,000-view story took 43 s and 2 GB of a worker before)."""
from __future__ import annotations

import json
import time

from views.story import MAX_STORY
from web.security import MAX_LIST

from .dash_call import call, dependency

VIEW = {"question": "q_otrygg_kvall", "wave": "2019", "level": "by"}
TOO_LONG = "Presentationen har 60 vyer, högst 50 går: ta bort några."


def test_a_300000_view_story_is_refused_at_once(server_url):
    dep = dependency(server_url, "story-list.children")
    started = time.perf_counter()
    response = call(server_url, dep, {"story.data": [0] * 300_000, "lang.data": "sv"}, "story.data", status=400)
    elapsed = time.perf_counter() - started
    assert "story.data: 300000 element, högst 500" in response.json()["error"]
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    call(server_url, dep, {"story.data": [VIEW] * (MAX_LIST + 1), "lang.data": "sv"}, "story.data", status=400)


def test_every_story_callback_checks_the_story_length(server_url):
    story = [VIEW] * 60
    listing = call(server_url, dependency(server_url, "story-list.children"),
                   {"story.data": story, "lang.data": "sv"}, "story.data").json()["response"]
    assert TOO_LONG in json.dumps(listing["story-list"]["children"], ensure_ascii=False)
    slide = call(server_url, dependency(server_url, "slide-counter.children"),
                 {"story.data": story, "slide-index.data": 3, "lang.data": "sv"}, "story.data").json()["response"]
    assert slide["slide-counter"]["children"] == TOO_LONG
    edit = dependency(server_url, "story-status.children")
    values = {"story.data": story, "lang.data": "en", "story-add.n_clicks": 1, "question.value": "q_otrygg_kvall",
              "wave.value": "2019", "level.value": "by"}
    answer = call(server_url, edit, values, "story-add.n_clicks").json()["response"]
    assert answer["story-status"]["children"] == "The presentation has 60 views; at most 50 are allowed: remove some."
    full = call(server_url, edit, {**values, "story.data": [VIEW] * MAX_STORY}, "story-add.n_clicks").json()
    assert "story" not in full["response"] and "at most 50" in full["response"]["story-status"]["children"]
    cleared = call(server_url, edit, {**values, "story-clear.n_clicks": 1}, "story-clear.n_clicks").json()
    assert cleared["response"]["story"]["data"] == []
    start = call(server_url, dependency(server_url, "story-job.data"),
                 {"story.data": story, "story-pdf.n_clicks": 1, "lang.data": "sv"}, "story-pdf.n_clicks").json()
    assert start["response"]["story-file-status"]["children"] == TOO_LONG
