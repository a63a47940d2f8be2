"""The wheel ships the product only: no tests, no fixture makers, and the bundled sample exports as files.

The wheel is built from a copy of the repository root, so the build's ``build/`` and ``*.egg-info`` folders
stay out of the working tree (and a stale ``build/lib`` left there by an earlier build cannot leak into it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from connectors.quickbooks.sample import SAMPLE_DIR
from jobs.notices import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[1]
#: Made by builds, tests and tools; never part of what a build should see.
GENERATED = (".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache",
             ".benchmarks", "ardesk-demo")
#: The fixture makers (now under tests/fixtures) by module or folder name; none may be installed anywhere.
FIXTURE_MAKERS = {"samplebooks", "qbrender", "make_sample", "fixtures"}


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory) -> list[str]:
    tmp = tmp_path_factory.mktemp("wheel")
    src, out = tmp / "src", tmp / "out"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*GENERATED))
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out)], cwd=src, check=True, capture_output=True, text=True)
    wheels = sorted(out.glob("ardesk-*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as whl:
        return whl.namelist()


def test_wheel_holds_the_product(wheel_files):
    assert "receivables/records.py" in wheel_files and "connectors/quickbooks/kinds.py" in wheel_files


def test_wheel_holds_no_tests_and_no_fixture_makers(wheel_files):
    assert not [n for n in wheel_files if n.split("/")[0] in ("tests", "benchmarks")]
    makers = [n for n in wheel_files
              if any(part.split(".")[0] in FIXTURE_MAKERS for part in PurePosixPath(n).parts)
              or n.startswith("connectors/quickbooks/render")]  # the renderers' old home
    assert not makers


def test_wheel_holds_the_bundled_sample_exports(wheel_files):
    bundled = sorted(p.name for p in SAMPLE_DIR.iterdir() if p.suffix in (".csv", ".xlsx"))
    assert bundled
    assert [n for n in bundled if f"connectors/quickbooks/sample/{n}" not in wheel_files] == []


def test_wheel_holds_the_notice_templates(wheel_files):
    shipped = sorted(p.relative_to(TEMPLATES_DIR).as_posix() for p in TEMPLATES_DIR.rglob("*.j2"))
    # every template of the default policy, text and HTML, in English and German, and the layouts they extend
    assert {f"{lang}/{name}.{part}.j2" for lang in ("en", "de") for part in ("txt", "html")
            for name in ("_layout", "friendly", "first", "second", "final")} <= set(shipped)
    assert [n for n in shipped if f"jobs/templates/reminders/{n}" not in wheel_files] == []


def test_wheel_holds_the_service_definitions(wheel_files):
    from jobs import services

    shipped = [name for files in services.FILES.values() for name in files]
    assert [n for n in shipped if f"jobs/services/{n}" not in wheel_files] == []
