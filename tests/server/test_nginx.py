"""Scaling out: two app instances behind nginx on loopback, with the shared response cache in Redis (deploy/).

Any instance answers any request with the same answer: round robin alternates between them, and a callback answer
one instance computed is served by the other from Redis. Skipped, with the reason, only when nginx (or
redis-server) is not installed: `make test` installs nginx-light and redis-server when it runs as root.
"""
from __future__ import annotations

import json

import pytest
import requests

from deploy.cluster import cluster, nginx_binary, redis_binary

pytestmark = [
    pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (as root: apt-get install nginx-light; "
                                                       "`make test` does it)"),
    pytest.mark.skipif(redis_binary() is None, reason="redis-server is not installed (as root: apt-get install "
                                                      "redis-server; `make test` does it)"),
]


@pytest.fixture(scope="module")
def two_instances(processed, tmp_path_factory):
    with cluster(processed, instances=2, workers=1, folder=tmp_path_factory.mktemp("cluster"),
                 env={"WARM_SECONDS": "0"}) as running:
        yield running


def test_requests_alternate_between_the_instances_with_identical_answers(two_instances):
    url = two_instances["url"] + "/api/v1/results"
    params = {"question": "q_otrygg_kvall", "wave": "2019", "level": "deso", "by": "kon"}
    answers = [requests.get(url, params=params, timeout=10) for _ in range(6)]
    assert all(a.status_code == 200 for a in answers)
    names = [a.headers["X-Instance"] for a in answers]
    assert set(names) == {"a", "b"} and all(x != y for x, y in zip(names, names[1:])), names  # round robin
    assert len({a.content for a in answers}) == 1  # the same answer, whoever gives it


def test_a_callback_is_answered_alike_and_shared_through_redis(two_instances):
    session = requests.Session()
    layout = session.get(two_instances["url"] + "/_dash-dependencies", timeout=10).json()
    output = next(d["output"] for d in layout if d["output"].startswith("..map.figure"))
    body = {"output": output, "outputs": [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
                                          for o in output.strip(".").split("...")],
            "inputs": [{"id": "question", "property": "value", "value": "p_fortkorning"},
                       {"id": "wave", "property": "value", "value": 2016},
                       {"id": "level", "property": "value", "value": "deso"},
                       [{"id": {"group": g, "type": "filter"}, "property": "value", "value": None}
                        for g in ("kon", "alder", "boende")],
                       {"id": "area", "property": "value", "value": None}],
            "state": [[{"id": {"group": g, "type": "filter"}, "property": "id", "value": {"type": "filter", "group": g}}
                       for g in ("kon", "alder", "boende")],
                      {"id": "lang", "property": "data", "value": "sv"}, {"id": "map-drawn", "property": "data"}],
            "changedPropIds": ["wave.value"], "parsedChangedPropsIds": ["wave.value"]}
    answers = [session.post(two_instances["url"] + "/_dash-update-component", data=json.dumps(body),
                            headers={"Content-Type": "application/json"}, timeout=20) for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4, answers[0].text[:300]
    assert {a.headers["X-Instance"] for a in answers} == {"a", "b"}
    assert len({a.content for a in answers}) == 1
    figure = answers[0].json()["response"]["map"]["figure"]
    assert figure["data"][0]["geojson"].startswith("/geo/deso.geojson")  # a new page: the whole figure
    # The first answer was computed; the others came from the shared cache, also on the other instance.
    assert answers[0].headers.get("X-Cache") != "hit"
    assert all(a.headers.get("X-Cache") == "hit" for a in answers[1:])


def test_each_instance_answers_on_its_own_too(two_instances):
    for url in two_instances["instances"]:
        response = requests.get(url + "/api/v1/questions", timeout=10)
        assert response.ok and response.headers["X-Instance"] in ("a", "b")
