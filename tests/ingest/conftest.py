"""The `project` fixture: a fresh project folder per test (helpers and the hand-counted data are in corpus.py)."""
from __future__ import annotations

import pytest
from corpus import Project


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)
