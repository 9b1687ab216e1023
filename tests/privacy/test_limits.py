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


def test_dotted_component_suite_paths_are_404(server_url):
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(server_url)
    for path in ("/_dash-component-suites/dash/../../x", "/_dash-component-suites/dash/..%2f..%2fx",
                 "/_dash-component-suites/dash/%2e%2e/%2e%2e/app.py"):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        connection.request("GET", path)  # sent as written (a browser or requests would resolve the dots)
        assert connection.getresponse().status == 404, path
        connection.close()


def test_a_300_character_upload_name_is_no_500_and_messages_show_no_server_path(staff_server, staff_session):
    from tests.conftest import ROOT

    name = "a" * 296 + ".csv"  # 300 characters: the file system takes 255
    response = staff_session.post(staff_server + "/personal/api/uppladdning",
                                  files=[("filer", (name, b"id;ar;by\n1;2019;Idre\n"))], timeout=60)
    assert response.status_code in (200, 422), response.text[:300]
    report = response.json()["report"]
    assert report and str(ROOT) not in report and "/tmp/" not in report, report[:500]


def test_a_request_over_its_time_budget_ends_with_its_worker(processed, tmp_path):
    """gthread's timeout stops no request; REQUEST_SECONDS does (web/workers.py). A client that sends its body a
    byte a second holds a request in the app: past the budget its worker stops and a new one takes over, while
    the other worker keeps answering."""
    import os
    import socket
    from urllib.parse import urlsplit

    import requests

    from .conftest import gunicorn

    env = {**os.environ, "DATA_DIR": str(processed), "WARM_SECONDS": "0", "REQUEST_SECONDS": "2"}
    with gunicorn(env, tmp_path / "gunicorn.log") as url:
        host = urlsplit(url)
        slow = socket.create_connection((host.hostname, host.port), timeout=30)
        slow.sendall(b"POST /export/story.pdf HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{")
        started = time.monotonic()
        answers = []
        ended = None
        slow.settimeout(1)
        while time.monotonic() - started < 25 and ended is None:
            try:
                slow.sendall(b" ")
                if slow.recv(1024) == b"":
                    ended = time.monotonic() - started
            except TimeoutError:
                pass
            except OSError:
                ended = time.monotonic() - started
            try:
                answers.append(requests.get(url + "/api/v1/questions", timeout=10).status_code)
            except requests.ConnectionError:  # queued on the stopping worker's own socket (reuse_port): once more
                answers.append(requests.get(url + "/api/v1/questions", timeout=10).status_code)
        slow.close()
        assert ended is not None and 2 <= ended < 16, ended  # the budget, then at most the grace period
        assert set(answers) == {200}
        assert requests.get(url + "/api/v1/questions", timeout=10).ok
        assert "request over its time budget" in (tmp_path / "gunicorn.log").read_text()
