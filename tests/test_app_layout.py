"""An app is a unit of code: outside its own places, few shared files name it.

"Names the app", for a Python file of the integration (custom_components/) or of the
simulator (tests/fake_dsm/), means any of:

- it uses the app's ``DsmApp`` member (``DsmApp.CHAT``) or ``CatalogSection`` member;
- it imports one of the app's modules: ``apps/<app>/...``, ``api/<app>.py`` or
  ``api/<app>_*.py``, ``tests/fake_dsm/<app>.py`` or ``tests/fake_dsm/<app>_*.py``
  (relative imports resolved, ``from . import chat`` included).

The app's own places are those modules and packages; its tests are not counted (a
test of one app may use another as an example). A new app touches the shared files
that name an app today, so each app's count is what adding one costs; README's
"Adding an app" names them.
"""

import ast
from functools import cache
from pathlib import Path
import re

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "custom_components/synology_native"
SCOPE = (f"{PACKAGE}/", "tests/fake_dsm/")
# The most shared files a new app may have to touch.
MAX_SHARED_FILES = 5

# Each app's package name and the members that name it (WebDAV administration is
# DSM's own: no DsmApp member).
APPS = {
    "calendar": "CALENDAR",
    "chat": "CHAT",
    "contacts": "CONTACTS",
    "drive": "DRIVE",
    "notestation": "NOTESTATION",
    "webdav": "WEBDAV",
}
NAMING_ENUMS = {"DsmApp", "CatalogSection"}


def module_of(path: Path) -> str:
    """Return the dotted module of a file of the repository."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def names_in(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Return the modules a file imports and the enum members it uses."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    imported: set[str] = set()
    members: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            imported.add(base)
            imported.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in NAMING_ENUMS
        ):
            members.add(node.attr)
    return frozenset(imported), frozenset(members)


def own_module(app: str) -> re.Pattern[str]:
    """Match the dotted modules that are the app's own."""
    package = PACKAGE.replace("/", ".")
    return re.compile(
        rf"{package}\.apps\.{app}(\..+)?"
        rf"|{package}\.api\.{app}(_\w+)?"
        rf"|tests\.fake_dsm\.{app}(_\w+)?"
    )


def shared_files_naming(app: str) -> list[str]:
    """Return the shared files that name app, as paths from the repository root."""
    own = own_module(app)
    found = []
    for path in sorted(ROOT.glob("**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(SCOPE) or own.fullmatch(module_of(path)):
            continue
        imported, members = names_in(path)
        if APPS[app] in members or any(own.fullmatch(name) for name in imported):
            found.append(relative)
    return found


@pytest.mark.parametrize("app", sorted(APPS))
def test_an_app_names_few_shared_files(app: str) -> None:
    """Adding an app like this one touches at most MAX_SHARED_FILES shared files."""
    shared = shared_files_naming(app)
    assert len(shared) <= MAX_SHARED_FILES, "\n".join(shared)
    # The app's entry in the table of apps is one of them.
    assert f"{PACKAGE}/apps/__init__.py" in shared


def test_readme_names_every_shared_file() -> None:
    """README's "Adding an app" lists each shared file that names an app today."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Adding an app", 1)[1].split("\n### ", 1)[0]
    for app in APPS:
        for path in shared_files_naming(app):
            assert path.removeprefix(f"{PACKAGE}/") in section, path


def test_the_count_sees_a_new_name() -> None:
    """A file that imports an app's module or uses its member counts; others do not."""
    assert own_module("chat").fullmatch(f"{PACKAGE.replace('/', '.')}.api.chat_socket")
    assert not own_module("chat").fullmatch(f"{PACKAGE.replace('/', '.')}.api.client")
    shared = shared_files_naming("notestation")
    assert f"{PACKAGE}/api/system.py" in shared  # DsmApp.NOTESTATION
    assert "tests/fake_dsm/server.py" in shared  # from . import notestation
    assert f"{PACKAGE}/data.py" not in shared
