"""Killing the main process mid-run leaves no reader worker, no temporary file and the previous outputs whole.

``jwmodel consolidate`` runs as a real process on a folder big enough to be mid-read when it is
killed (the Hampshire returns linked many times over); its reader workers are found with psutil
before the kill, and must all be gone within 5 seconds after it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "examples" / "hampshire-2012"
PREVIOUS = {"c.xlsx": b"the previous run's workbook", "s.json": b'{"previous": true}\n'}


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory) -> Path:
    """3,000 returns: the 10 Hampshire files, each linked 300 times (reading takes seconds)."""
    folder = tmp_path_factory.mktemp("many")
    for f in sorted(EXAMPLE.glob("*.xlsx")):
        first = folder / f"000-{f.name}"
        shutil.copy(f, first)
        for i in range(1, 300):
            os.link(first, folder / f"{i:03d}-{f.name}")
    return folder


def outputs(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for name, data in PREVIOUS.items():
        (out / name).write_bytes(data)
    return out


def start(folder: Path, out: Path, *, prelude: str = "") -> subprocess.Popen:
    args = [
        "consolidate",
        str(folder),
        "-o",
        str(out / "c.xlsx"),
        "--json",
        str(out / "s.json"),
        "-q",
        "--workers",
        "2",
    ]
    code = f"{prelude}\nimport sys\nfrom jwmodel.cli import main\nsys.exit(main({args!r}))"
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE)


def workers_of(process: subprocess.Popen, *, at_least: int = 2, within: float = 60) -> list[psutil.Process]:
    """The reader workers once they are all running and reading."""
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        children = parent.children(recursive=True)
        if len(children) >= at_least:
            time.sleep(0.5)  # well into reading
            return parent.children(recursive=True)
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.02)
    raise AssertionError("the reader workers never started")


def gone(p: psutil.Process) -> bool:
    try:
        return not p.is_running() or p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def assert_all_gone_within(workers: list[psutil.Process], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all(gone(w) for w in workers):
        time.sleep(0.05)
    left = [w for w in workers if not gone(w)]
    for w in left:  # do not leave them behind for the rest of the suite
        w.kill()
    assert not left, f"reader workers left running after the main process went: {left}"


def assert_outputs_untouched(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == sorted(PREVIOUS), "a temporary file was left behind"
    for name, data in PREVIOUS.items():
        assert (out / name).read_bytes() == data


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_main_process_while_reading_leaves_no_worker_and_the_previous_outputs(big_folder, tmp_path, sig):
    out = outputs(tmp_path)
    process = start(big_folder, out)
    workers = workers_of(process)
    os.kill(process.pid, sig)
    status = process.wait(timeout=10)
    assert status == (-signal.SIGKILL if sig == signal.SIGKILL else 128 + signal.SIGTERM)
    assert_all_gone_within(workers, 5)
    assert_outputs_untouched(out)
    if sig == signal.SIGTERM:
        assert b"Traceback" not in process.stderr.read()


def test_workers_see_the_pipe_close_when_the_main_process_is_killed_even_without_the_kernels_help(big_folder, tmp_path):
    """Without PR_SET_PDEATHSIG (not Linux), closing the inherited pipe ends is what stops the workers."""
    out = outputs(tmp_path)
    process = start(
        big_folder, out, prelude="import jwmodel.excel.intake as i; i._die_with_parent = lambda parent: None"
    )
    workers = workers_of(process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert_all_gone_within(workers, 5)
    assert_outputs_untouched(out)


SLOW_WRITE = """
import pathlib, time, xlsxwriter
_close = xlsxwriter.Workbook.close
def close(self):
    pathlib.Path({flag!r}).write_text("writing")
    time.sleep(60)
    _close(self)
xlsxwriter.Workbook.close = close
"""


def test_sigterm_while_the_workbook_is_being_written_removes_the_temporary_file(tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(EXAMPLE, folder)
    out = outputs(tmp_path)
    flag = tmp_path / "writing"
    process = start(folder, out, prelude=SLOW_WRITE.format(flag=str(flag)))
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()
        time.sleep(0.02)
    assert any(p.name.startswith(".tmp-") for p in out.iterdir())  # caught mid-write
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=10) == 128 + signal.SIGTERM
    assert_outputs_untouched(out)
    assert b"Traceback" not in process.stderr.read()


def test_sigterm_inside_an_atomic_write_removes_the_temporary_file_in_any_program(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")
    code = (
        "import os, signal, time\n"
        "from jwmodel.excel.atomic import replacing\n"
        f"with replacing({str(target)!r}, '.json') as tmp:\n"
        "    tmp.write_text('half of it', encoding='utf-8')\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(30)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=60)
    assert result.returncode == 128 + signal.SIGTERM
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    assert target.read_text(encoding="utf-8") == "previous"
