"""Issue 22, uploads that cannot exhaust the machine: an xlsx zip bomb and a .sav whose header claims 10 million
rows are refused before they are read (survey/ingest/bombs.py), with a message naming the file, in a process whose
peak memory (RSS) is measured."""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

from tests.conftest import ROOT

READ = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from survey.ingest.readers import read_table
from survey.ingest import IngestError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    read_table({path!r})
    message = None
except IngestError as err:
    message = str(err)
print(json.dumps({{"message": message, "seconds": time.perf_counter() - started, "rss_before_mb":
                  before / 1024, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def read_in_a_process(path: Path) -> dict:
    """read_table(path) in a fresh Python under a 1.5 GB address-space limit: its message, time and peak RSS."""
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))\n"
    done = subprocess.run([sys.executable, "-c", limit + READ.format(root=str(ROOT), path=str(path))],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def xlsx_bomb(path: Path, megabytes: int) -> None:
    """A workbook whose one sheet is `megabytes` MB of identical rows: a few hundred KB packed."""
    row = b'<row><c t="n"><v>1</v></c><c t="n"><v>2</v></c><c t="n"><v>3</v></c><c t="n"><v>4</v></c></row>' * 100
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                      'package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        book.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                      'main"><sheets><sheet name="svar" sheetId="1"/></sheets></workbook>')
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for _ in range(megabytes * 1024 * 1024 // len(row)):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "svar.xlsx"
    xlsx_bomb(path, 250)
    result = read_in_a_process(path)
    print(f"\nxlsx bomb {path.stat().st_size / 1e6:.2f} MB packed, 250 MB unpacked: refused in "
          f"{result['seconds']:.2f} s, peak RSS {result['rss_mb']:.0f} MB "
          f"(after imports {result['rss_before_mb']:.0f})")
    assert result["message"] and result["message"].startswith("svar.xlsx: Excel-filen packas upp till")
    assert result["rss_mb"] - result["rss_before_mb"] < 50 and result["seconds"] < 5


def test_an_xlsx_that_claims_too_many_cells_is_refused(tmp_path):
    from survey.ingest import IngestError
    from survey.ingest.bombs import check_xlsx

    path = tmp_path / "stor.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:ZZ1000000"/><sheetData/></worksheet>')
    try:
        check_xlsx(path)
    except IngestError as err:
        assert "stor.xlsx: bladet sheet1.xml säger sig ha 702,000,000 celler" in str(err)
    else:
        raise AssertionError("not refused")


def test_a_sav_claiming_10_million_rows_is_refused(tmp_path):
    import pyreadstat

    path = tmp_path / "svar.sav"
    pyreadstat.write_sav(pd.DataFrame({f"q{i}": [1.0, 2.0] * 500 for i in range(20)}), str(path))
    data = bytearray(path.read_bytes())
    assert data[:4] == b"$FL2" and struct.unpack_from("<i", data, 80)[0] == 1000  # the header's case count
    struct.pack_into("<i", data, 80, 10_000_000)
    path.write_bytes(bytes(data))
    result = read_in_a_process(path)
    print(f"\n.sav of {path.stat().st_size / 1e3:.0f} KB claiming 10,000,000 rows: refused in "
          f"{result['seconds']:.2f} s, "
          f"peak RSS {result['rss_mb']:.0f} MB (after imports {result['rss_before_mb']:.0f})")
    assert result["message"] and "svar.sav: filens huvud säger 10,000,000 rader × 20 kolumner" in result["message"]
    assert result["rss_mb"] - result["rss_before_mb"] < 50


def _hog():
    blocks = [bytearray(64 * 2**20) for _ in range(64)]  # 4 GB
    return blocks


def _sleeper():
    import time

    time.sleep(30)


def test_the_staff_check_runs_under_memory_and_time_limits():
    """staff/bounded.py: what the staff upload's check and build run in. A check that wants 4 GB meets the memory
    limit, one that hangs the time limit; each gives a message, the caller keeps its memory."""
    import resource
    import time

    from staff.bounded import bounded

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    outcome = bounded(_hog, memory_mb=300, seconds=60)
    assert not outcome.ok and "mer minne än 300 MB" in outcome.text and time.monotonic() - started < 30
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024
    started = time.monotonic()
    outcome = bounded(_sleeper, seconds=1)
    assert not outcome.ok and "mer än 1 s" in outcome.text and time.monotonic() - started < 5
