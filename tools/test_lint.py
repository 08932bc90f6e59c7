"""The linters, run by ``./kbe test`` after the addon's tests so one pytest summary covers both."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import check_addon  # noqa: E402


def run(*cmd):
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def test_ruff():
    code, out = run(sys.executable, "-m", "ruff", "check", "crm_kbe", "tools", "conftest.py")
    assert code == 0, out


def test_ruff_format():
    code, out = run(sys.executable, "-m", "ruff", "format", "--check", "--diff", "crm_kbe", "tools", "conftest.py")
    assert code == 0, out


def test_pylint_odoo():
    code, out = run(sys.executable, "-m", "pylint", "--rcfile", str(ROOT / ".pylintrc"), "crm_kbe")
    assert code == 0, out


def test_addon_structure():
    problems = check_addon.check()
    assert not problems, "\n".join(problems)
