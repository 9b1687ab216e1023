"""The staff upload (staff/upload.py) against the app under gunicorn, on a build of its own (publishing replaces it).

- Without a staff session the page and the API answer 401.
- A broken export: the report names file, row and column; publishing it fails; the published files are
  byte-identical and the app, polled every 50 ms throughout, answers every request with the same body.
- A good export: checked, published; the app then serves the new numbers without a restart, and the poller saw
  nothing but 200s during the swap.
- In Chromium (the issue's walk-through): a staff member logs in, uploads a broken file (refused), then an export
  with an unknown village, maps it to a known one on the page, the check passes, the comparison shows the changes,
  Publicera, then one click restores the previous build; the public API answers 200 throughout and gives the
  previous numbers again.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import secrets
import threading
import time
from pathlib import Path

import pytest
import requests
from werkzeug.security import generate_password_hash

from .conftest import CHROMIUM_ARGS, ROOT, STAFF_PASSWORD, gunicorn, in_a_thread, password_login

DEMO = (ROOT / "data/demo/responses.csv").read_text(encoding="utf-8").splitlines()
VIEW = "/api/v1/results?question=q_otrygg_kvall&wave=2019"


def csv_bytes(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def broken_export() -> bytes:
    lines = DEMO[:]
    lines[4] = lines[4].replace(",Älvdalen,", ",Atlantis,", 1)  # row 5 as Excel numbers it
    assert lines[4] != DEMO[4]
    return csv_bytes(lines)


def good_export() -> bytes:
    """The demo without its first 400 respondents of 2016: the 2016 numbers change, the file is valid."""
    return csv_bytes(DEMO[:1] + DEMO[401:])


def file_hashes(folder: Path) -> dict[str, str]:
    folder = folder.resolve()
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def own_build(tmp_path_factory) -> Path:
    from survey.build import build
    from survey.config import load_config

    out = tmp_path_factory.mktemp("upload-data") / "processed"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        build(dataclasses.replace(load_config(ROOT / "config/demo.toml"), output_dir=out))
    finally:
        os.chdir(cwd)
    return out


@pytest.fixture(scope="module")
def upload_server(own_build, tmp_path_factory):
    env = {**os.environ, "DATA_DIR": str(own_build), "SECRET_KEY": secrets.token_urlsafe(32),
           "TRYGG_STAFF_PASSWORD_HASH": generate_password_hash(STAFF_PASSWORD), "WARM_SECONDS": "0"}
    with gunicorn(env, tmp_path_factory.mktemp("upload-server") / "gunicorn.log") as url:
        yield url


@pytest.fixture
def staff(upload_server) -> requests.Session:
    session, response = password_login(upload_server)
    assert response.status_code == 302, response.text[:300]
    return session


class Poller(threading.Thread):
    """GETs one public view every 50 ms until stopped; keeps (status, body) of every answer."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.answers, self.done = url, [], threading.Event()

    def run(self):
        with requests.Session() as http:
            while not self.done.is_set():
                try:
                    r = http.get(self.url + VIEW, timeout=10)
                    self.answers.append((r.status_code, r.content))
                except requests.RequestException as err:
                    self.answers.append((0, repr(err).encode()))
                time.sleep(0.05)

    def stop(self) -> list:
        time.sleep(0.3)
        self.done.set()
        self.join(timeout=15)
        return self.answers


def upload(session, url, files: list[tuple[str, bytes]]) -> requests.Response:
    return session.post(url + "/personal/api/uppladdning", files=[("filer", f) for f in files], timeout=60)


def test_without_a_staff_session_the_upload_is_closed(upload_server):
    assert requests.get(upload_server + "/personal/uppladdning", timeout=10).status_code == 401
    r = requests.post(upload_server + "/personal/api/uppladdning", files=[("filer", ("svar.csv", good_export()))],
                      timeout=10)
    assert r.status_code == 401
    r = requests.post(upload_server + "/personal/api/publicera", json={"upload_id": "x"}, timeout=10)
    assert r.status_code == 401


def test_files_of_a_type_not_taken_are_refused_by_name(staff, upload_server):
    r = upload(staff, upload_server, [("svar.pdf", b"%PDF-1.4")])
    assert r.status_code == 400
    assert r.json()["error"] == "svar.pdf: den filtypen tas inte emot (väntade .csv, .xlsx, .sav, .yaml, .yml)."
    r = staff.post(upload_server + "/personal/api/uppladdning?lang=en", files=[("filer", ("svar.pdf", b"%PDF"))],
                   timeout=60)
    assert r.json()["error"] == "svar.pdf: that type of file is not accepted (expected .csv, .xlsx, .sav, .yaml, .yml)."


def test_a_failed_build_changes_nothing_and_the_app_keeps_answering(staff, upload_server, own_build):
    before = file_hashes(own_build)
    target = os.readlink(own_build)
    poller = Poller(upload_server)
    poller.start()
    time.sleep(0.3)
    r = upload(staff, upload_server, [("svar.csv", broken_export())])
    assert r.status_code == 422 and r.json()["ok"] is False
    report = r.json()["report"]
    assert "svar.csv, kolumn by: 1 värde finns inte bland områdena på nivån by" in report
    assert "'Atlantis': rad 5; närmast (closest): Kåtilla, Älvdalen" in report
    assert "/uploads/" not in report  # the staff member's file name, not the server's folder
    # Publishing it anyway runs the build, which fails on the same error and swaps nothing in.
    r = staff.post(upload_server + "/personal/api/publicera", json={"upload_id": r.json()["upload_id"]}, timeout=60)
    assert r.status_code == 422 and "'Atlantis': rad 5" in r.json()["report"] and r.json()["build_id"] is None
    answers = poller.stop()
    assert os.readlink(own_build) == target
    assert file_hashes(own_build) == before
    assert len(answers) >= 5
    assert {status for status, _ in answers} == {200}
    assert len({body for _, body in answers}) == 1  # the same numbers during and after


def test_a_good_export_is_published_and_served_without_a_restart(staff, upload_server, own_build):
    view_2016 = VIEW.replace("2019", "2016") + "&level=kommun"
    old = requests.get(upload_server + view_2016, timeout=10).json()["rows"]
    r = upload(staff, upload_server, [("trygghet 2024.csv", good_export())])
    assert r.status_code == 200, r.text
    assert "trygghet_2024.csv | 1200 | 1200 | 0" in r.json()["report"]
    assert r.json()["report"].endswith("Kontrollen gick bra; inget publicerades än (check passed; nothing published "
                                       "yet).")
    poller = Poller(upload_server)
    poller.start()
    published = staff.post(upload_server + "/personal/api/publicera", json={"upload_id": r.json()["upload_id"]},
                           timeout=60)
    assert published.status_code == 200, published.text
    build_id = published.json()["build_id"]
    assert build_id and os.path.basename(os.readlink(own_build)) == build_id
    assert "Klart: 1200 svarande" in published.json()["report"]
    answers = poller.stop()
    assert {status for status, _ in answers} == {200}
    assert len({body for _, body in answers}) <= 2  # the old numbers, then the new ones
    new = requests.get(upload_server + view_2016, timeout=10).json()["rows"]
    assert new[0]["n"] < old[0]["n"]  # 400 fewer respondents in 2016, served without a restart


def misspelt_export() -> bytes:
    """The demo without its first 100 respondents (of 2016), with the village Väsa spelt 'Wäsa' (unknown until it
    is mapped to Väsa): 680 respondents in 2016, 820 in 2019."""
    lines = DEMO[:1] + [line.replace(",Väsa,", ",Wäsa,") for line in DEMO[101:]]
    assert sum(",Wäsa," in line for line in lines) > 0
    return csv_bytes(lines)


def test_in_chromium_map_an_unknown_village_compare_publish_and_restore(upload_server, own_build, tmp_path):
    """The issue's walk-through: a broken file is refused; an export with an unknown village is mapped to a known
    one on the page, the check passes, the comparison shows the changes, Publicera, then one click restores the
    previous build. The public API answers 200 throughout and shows the previous numbers again after the restore."""
    view = VIEW.replace("2019", "2016") + "&level=kommun"
    before = requests.get(upload_server + view, timeout=10).json()
    poller = Poller(upload_server)
    poller.start()
    try:
        in_a_thread(upload_in_chromium, upload_server, tmp_path, view, before)
    finally:
        answers = poller.stop()
    assert len(answers) >= 20 and {status for status, _ in answers} == {200}
    assert requests.get(upload_server + view, timeout=10).json() == before  # the previous numbers, exactly
    saved = (own_build.parent / "area_aliases.toml").read_text(encoding="utf-8")
    assert '"Wäsa" = "by_vasa"' in saved


def upload_in_chromium(upload_server, tmp_path, view: str, before: dict):
    from browser.meeting import choose
    from playwright.sync_api import expect, sync_playwright

    bad, misspelt = tmp_path / "fel.csv", tmp_path / "svar.csv"
    bad.write_bytes(broken_export())
    misspelt.write_bytes(misspelt_export())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(upload_server + "/personal/logga-in")
            page.fill("#password", STAFF_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("#staff-answer-list", timeout=30_000)
            page.goto(upload_server + "/personal/uppladdning")
            page.wait_for_selector("#staff-upload", timeout=30_000)
            publish, report = page.locator("#staff-publish"), page.locator("#staff-upload-report")
            expect(publish).to_be_disabled()
            page.locator("#staff-upload-files input[type=file]").set_input_files(str(bad))
            expect(report).to_contain_text("'Atlantis': rad 5", timeout=30_000)
            expect(report).to_contain_text("Filerna har fel och kan inte publiceras")
            expect(publish).to_be_disabled()
            # The unknown village: mapped to Väsa on the page, saved, checked again.
            page.locator("#staff-upload-files input[type=file]").set_input_files(str(misspelt))
            form = page.locator("#staff-alias-form")
            expect(form).to_contain_text("'Wäsa'", timeout=30_000)
            expect(form).to_contain_text("Väsa")  # the closest name, beside the choice
            expect(publish).to_be_disabled()
            choose(page, '{"index":0,"type":"staff-alias-area"}', "Väsa")
            page.click("#staff-alias-save")
            expect(report).to_contain_text("Kontrollen gick bra", timeout=60_000)
            expect(publish).to_be_enabled()
            # The comparison: 2016 has 680 respondents in the new build; the shares that moved most are listed.
            waves = page.locator("#staff-compare-waves")
            expect(waves.locator("tr", has_text="2016")).to_contain_text("680")
            expect(waves.locator("tr", has_text="2019")).to_contain_text("820")
            expect(page.locator("#staff-compare-shares tbody tr")).to_have_count(15)
            expect(page.locator("#staff-accounting")).to_contain_text("q_otrygg_kvall")
            publish.click()
            expect(page.locator("#staff-publish-result")).to_contain_text("Publicerat", timeout=60_000)
            expect(publish).to_be_disabled()  # published once; a new upload enables it again
            published = requests.get(upload_server + view, timeout=10).json()
            assert published["rows"][0]["n"] != before["rows"][0]["n"]
            page.click("#staff-restore")
            expect(page.locator("#staff-published")).to_contain_text("Återställt", timeout=30_000)
        finally:
            browser.close()


def test_axe_finds_nothing_on_the_staff_pages(upload_server, tmp_path):
    """axe-core (WCAG 2.0/2.1 A and AA) on the login page, the free-text answers and the upload page with a report,
    as a logged-in staff member sees them, on a desktop and a phone."""
    found = {}
    in_a_thread(staff_pages_with_axe, upload_server, tmp_path, found)
    assert len(found) == 8 and all(v == [] for v in found.values()), {k: v for k, v in found.items() if v}


def staff_pages_with_axe(upload_server, tmp_path, found: dict):
    from browser.meeting import axe_violations  # tests/browser/meeting.py: the same axe run as the public pages
    from playwright.sync_api import sync_playwright

    bad = tmp_path / "fel.csv"
    bad.write_bytes(broken_export())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for name, viewport in (("desktop", {"width": 1400, "height": 1000}),
                                   ("phone", {"width": 360, "height": 740})):
                page = browser.new_page(viewport=viewport)
                page.goto(upload_server + "/personal/logga-in")
                page.wait_for_selector("#password")
                found[f"{name}: login"] = axe_violations(page)
                page.fill("#password", STAFF_PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_selector("#staff-answer-list li", timeout=30_000)
                found[f"{name}: free text"] = axe_violations(page)
                page.goto(upload_server + "/personal/uppladdning")
                page.wait_for_selector("#staff-upload", timeout=30_000)
                found[f"{name}: upload"] = axe_violations(page)
                page.locator("#staff-upload-files input[type=file]").set_input_files(str(bad))
                page.wait_for_selector("#staff-alias-form", timeout=30_000)  # the unknown area: a form
                found[f"{name}: upload report"] = axe_violations(page)
                page.close()
        finally:
            browser.close()


def third_wave_export() -> bytes:
    """The demo and a generated third wave, 2022: the 2019 respondents again (new ids), except that three in four of
    those who saw speeding as a big problem now answer "to some extent" (a clear decrease)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(DEMO))))
    head = rows[0]
    year, rid, speeding = head.index("ar"), head.index("respondent_id"), head.index("p_fortkorning")
    later = []
    for i, row in enumerate(r for r in rows[1:] if r[year] == "2019"):
        row = list(row)
        row[year], row[rid] = "2022", row[rid].replace("2019", "2022", 1)
        if row[speeding] == "3" and i % 4 != 0:
            row[speeding] = "2"
        later.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows + later)
    return out.getvalue().encode("utf-8")


def test_a_new_wave_updates_the_promise_follow_up_without_any_staff_edit(staff, upload_server):
    """Issue 23: a promise's indicator (speeding, the whole municipality, baseline 2019) shows the published 2022
    wave and its verdict on the återkoppling page as soon as the build is swapped in; nobody edits the promise."""
    form = staff.get(upload_server + "/personal/loften/nytt?indicator=1&question=p_fortkorning&wave=2019", timeout=30)
    token = form.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    made = staff.post(upload_server + "/personal/loften/nytt?indicator=1", timeout=30, allow_redirects=False, data={
        "csrf": token, "title": "Lugnare trafik i hela kommunen", "areas": "kommun:2039", "question": "p_fortkorning",
        "level": "kommun", "area_id": "2039", "baseline_wave": "2019", "filters": ""})
    assert made.status_code == 302, made.text[-500:]
    before = requests.get(upload_server + "/aterkoppling/", timeout=30).text
    assert "Fortkörning i Älvdalens kommun (alla): " in before and "ingen ny enkät än" in before
    r = upload(staff, upload_server, [("trygghet 2022.csv", third_wave_export())])
    assert r.status_code == 200, r.text
    published = staff.post(upload_server + "/personal/api/publicera", json={"upload_id": r.json()["upload_id"]},
                           timeout=120)
    assert published.status_code == 200, published.text
    after = requests.get(upload_server + "/aterkoppling/", timeout=30).text
    assert "2022" in after and "minskat, statistiskt säkerställt" in after
    page = staff.get(upload_server + made.headers["Location"], timeout=30).text
    assert "<th scope=\"row\">2022</th>" in page and "minskat, statistiskt säkerställt" in page
