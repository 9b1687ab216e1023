"""The staff upload's check and build in a child process with a memory and a time limit (issue 22): whatever a
file makes the reader do (survey/ingest/bombs.py refuses the known bombs before reading; this holds for the
unknown ones), the web worker keeps its memory and its thread comes back.

The child is forked (it inherits the loaded code), limits its address space to what it had plus
TRYGG_BUILD_MEMORY_MB (default 3072) with RLIMIT_AS, and gets TRYGG_BUILD_SECONDS (default 600) of wall time
before it is killed. Its Outcome comes back through a pipe; a child that ran out of memory or time gives an
Outcome that says so, naming the limit.
"""
from __future__ import annotations

import multiprocessing
import os
import resource

from survey.outcome import NOTHING_CHANGED, Outcome

MEMORY_MB = int(os.environ.get("TRYGG_BUILD_MEMORY_MB", "3072"))
SECONDS = int(os.environ.get("TRYGG_BUILD_SECONDS", "600"))


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(conn, memory_mb: int, function, args) -> None:
    limit = _address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(function(*args))
    except MemoryError:
        conn.send(_too_much(f"mer minne än {memory_mb} MB (more memory than {memory_mb} MB)"))
    finally:
        conn.close()


def _too_much(what: str) -> Outcome:
    return Outcome(False, f"Kontrollen avbröts: den behövde {what}; filerna är för stora eller skadade "
                          f"(the check was stopped: the files are too large or damaged). {NOTHING_CHANGED}")


def bounded(function, *args, memory_mb: int = MEMORY_MB, seconds: float = SECONDS) -> Outcome:
    """function(*args) (an Outcome) in a forked child under the limits."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, memory_mb, function, args), daemon=True)
    child.start()
    send.close()
    try:
        outcome = receive.recv() if receive.poll(seconds) else _too_much(f"mer än {seconds:.0f} s "
                                                                           f"(more than {seconds:.0f} s)")
    except EOFError:  # killed (out of memory in C code, where no MemoryError could be raised)
        outcome = _too_much(f"mer minne än {memory_mb} MB (more memory than {memory_mb} MB)")
    finally:
        receive.close()
        child.join(2)
        if child.is_alive():
            child.kill()
            child.join()
    return outcome
