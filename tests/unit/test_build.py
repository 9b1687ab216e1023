"""The build: atomic swap, a failed build changes nothing, clear errors, the CLI, new data without a restart."""
from __future__ import annotations

import json

import pytest

from survey.__main__ import main
from survey.build import build
from survey.config import ConfigError, load_config
from survey.results import open_results


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_successful_build_swaps_the_link_and_the_app_sees_it_without_restart(tiny):
    config = load_config(tiny)
    first = build(config)
    before = open_results(config.output_dir)
    assert before.manifest["build_id"] == first["build_id"]
    second = build(config)
    assert config.output_dir.is_symlink() and second["build_id"] != first["build_id"]
    after = open_results(config.output_dir)
    assert after is not before and after.manifest["build_id"] == second["build_id"]


def test_failed_build_leaves_previous_data_byte_identical(tiny, capsys):
    config = load_config(tiny)
    build(config)
    target = config.output_dir.resolve()
    before = snapshot(target)
    (tiny.parent / "codebook.yaml").write_text("survey: [this is not a codebook", encoding="utf-8")
    assert main(["build", "--config", str(tiny)]) == 1
    err = capsys.readouterr().err
    assert "codebook.yaml" in err and "YAML" in err and "Traceback" not in err
    assert config.output_dir.resolve() == target and snapshot(target) == before


def test_unknown_parent_is_a_clear_error(tiny, capsys):
    by = tiny.parent / "by.geojson"
    by.write_text(by.read_text().replace('"deso": "D2"', '"deso": "D9"'))
    assert main(["build", "--config", str(tiny)]) == 1
    err = capsys.readouterr().err
    assert "by.geojson" in err and "deso" in err and "D9" in err


def test_check_writes_nothing(tiny, capsys):
    assert main(["check", "--config", str(tiny)]) == 0
    assert "rader in" in capsys.readouterr().out
    assert not (tiny.parent / "data").exists()


def test_build_report_and_manifest(tiny, capsys):
    assert main(["build", "--config", str(tiny)]) == 0
    out = capsys.readouterr().out
    assert "responses.csv | 20 | 19 | 1" in out
    manifest = json.loads((tiny.parent / "data" / "processed" / "manifest.json").read_text())
    assert manifest["respondents"] == 19 and manifest["waves"] == [2016, 2019]
    assert {i["path"].rsplit("/", 1)[-1] for i in manifest["inputs"]} >= {"codebook.yaml", "responses.csv",
                                                                          "by.geojson"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])


@pytest.mark.parametrize("change, message", [
    (("min_n = 5", "min_n = 2"), "min_n"),
    (('label = { sv = "Distrikt", en = "District" }', ""), "label"),
    (('namn = "Testkommun"', ""), "namn"),
])
def test_config_errors_name_the_key(tiny, change, message):
    tiny.write_text(tiny.read_text().replace(*change))
    with pytest.raises(ConfigError, match=message):
        load_config(tiny)
