"""The one way tests and scripts start the app: wait on its output lines, with a deadline."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.tooling.launch import RunningApp


def child(code: str) -> RunningApp:
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return RunningApp(proc, 0)


def test_waits_for_a_line_that_comes_later():
    with child("import time; print('building'); time.sleep(0.3); print('serving on http://127.0.0.1:1/')") as app:
        assert app.wait_for(r"serving on (\S+)", timeout=30).group(1) == "http://127.0.0.1:1/"
        assert app.lines[0] == "building"


def test_an_exit_before_the_line_is_an_error_with_the_output():
    with child("print('error: no index'); raise SystemExit(1)") as app:
        with pytest.raises(RuntimeError, match=r"(?s)app exited \(1\) before printing .*error: no index"):
            app.wait_for("serving on", timeout=30)


def test_the_deadline_holds():
    with child("import time; time.sleep(60)") as app:
        with pytest.raises(RuntimeError, match="did not print 'serving on' within 0 s"):
            app.wait_for("serving on", timeout=0.2)
