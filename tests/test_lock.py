"""requirements.lock agrees with pyproject.toml: what `./dev` and CI install is what the package asks for.

A dependency added to pyproject.toml without `./dev lock` would install nowhere (`./dev` installs the
lock only, with `--no-deps`): these tests name it. How to update the lock: docs/development.md.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
LOCK_TEXT = (REPO / "requirements.lock").read_text(encoding="utf-8")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def project_requirements() -> list[str]:
    project = PYPROJECT["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def declared() -> list[Requirement]:
    return [Requirement(r) for r in [*project_requirements(), *PYPROJECT["build-system"]["requires"]]]


def locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for name, version in PIN.findall(LOCK_TEXT):
        assert canonicalize_name(name) not in pins, f"{name} pinned twice in requirements.lock"
        pins[canonicalize_name(name)] = version
    return pins


def test_every_declared_requirement_is_pinned_in_the_lock_within_its_bounds() -> None:
    pins = locked()
    problems = []
    for req in declared():
        version = pins.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req} is not in requirements.lock: run ./dev lock")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req} but requirements.lock pins {version}: run ./dev lock --upgrade-package {req.name}")
    assert problems == []


def test_every_pin_carries_hashes() -> None:
    entries = [e for e in re.split(r"\n(?=[A-Za-z0-9])", LOCK_TEXT) if PIN.match(e)]
    unhashed = [e.split()[0] for e in entries if "--hash=sha256:" not in e]
    assert len(entries) == len(locked()) >= len(declared())
    assert unhashed == []


def test_nothing_is_declared_twice() -> None:
    names = [canonicalize_name(Requirement(r).name) for r in project_requirements()]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    # Extras that pull a package we also name directly would name it twice, under other bounds.
    assert [str(r) for r in map(Requirement, PYPROJECT["project"]["dependencies"]) if r.extras] == []
