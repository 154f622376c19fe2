"""One benchmark run as a child process: its wall time and ``wait4`` resource usage.

Shared by the matching and the scale benchmark, so both measure the same way:
the child runs in its own session (a timeout kills its whole process group) and
is reaped with ``wait4``, whose ``ru_maxrss`` and CPU times cover the child and
the children it waited for.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def run_child(argv: list[str], env: dict[str, str], timeout: float, log: Path, cwd: Path,
              preexec_fn: Callable[[], None] | None = None) -> tuple[str, float, os.struct_rusage]:
    """``(status, wall seconds, rusage)``; status is ``ok``, ``failed (exit N)`` or
    ``timeout after N s``. Output (stdout and stderr) goes to ``log``."""
    with open(log, "wb") as out:
        out.write(("$ " + shlex.join(argv) + "\n").encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                start_new_session=True, preexec_fn=preexec_fn)
        status = None
        while True:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, code, usage = os.wait4(proc.pid, 0)
                status = f"timeout after {timeout:.0f} s"
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(code)  # reaped here, not by Popen
    if status is None:
        status = "ok" if proc.returncode == 0 else f"failed (exit {proc.returncode})"
    return status, wall, usage
