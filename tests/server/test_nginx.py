"""Scaling out: two app instances behind nginx on loopback, with the shared response cache in Redis (deploy/).

Any instance answers any request with the same answer: round robin alternates between them, and a callback answer
one instance computed is served by the other from Redis. Skipped, with the reason, only when nginx (or
redis-server) is not installed: `make test` installs nginx-light and redis-server when it runs as root.
"""
from __future__ import annotations

import pytest
import requests

from deploy.cluster import cluster, nginx_binary, redis_binary

from .map_request import map_request

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
    body = map_request(two_instances["url"], "p_fortkorning", 2016, "deso")
    answers = [session.post(two_instances["url"] + "/_dash-update-component", data=body,
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
