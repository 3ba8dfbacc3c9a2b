"""The GitHub workflow runs hassfest, HACS's validator and the README's test command."""

import os
from pathlib import Path
import re
import subprocess
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[1]
WORKFLOW: dict[Any, Any] = yaml.safe_load(
    (ROOT / ".github" / "workflows" / "validate.yml").read_text()
)


def steps_of(job: str) -> list[dict[str, Any]]:
    """Return the steps of one job."""
    steps: list[dict[str, Any]] = WORKFLOW["jobs"][job]["steps"]
    return steps


def test_runs_on_every_push_and_pull_request() -> None:
    """YAML 1.1 reads the key `on` as True."""
    triggers = WORKFLOW[True]
    assert "push" in triggers
    assert "pull_request" in triggers


def test_hassfest_and_hacs_jobs() -> None:
    """Home Assistant's and HACS's own validators, HACS told it is an integration."""
    assert any(
        step.get("uses", "").startswith("home-assistant/actions/hassfest@")
        for step in steps_of("hassfest")
    )
    hacs = [
        step
        for step in steps_of("hacs")
        if step.get("uses", "").startswith("hacs/action@")
    ]
    assert [step["with"]["category"] for step in hacs] == ["integration"]


def test_tests_job_runs_the_readme_test_command() -> None:
    """The same command as .ci/run and the README's table of scripts."""
    runs = [step["run"] for step in steps_of("tests") if "run" in step]
    assert any(re.search(r"(^|\s)scripts/test(\s|$)", run) for run in runs)
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()
    assert "| `scripts/test` | Runs every check" in (ROOT / "README.md").read_text()


def test_every_action_is_pinned() -> None:
    """A version or a commit, never a moving branch."""
    uses = [
        step["uses"]
        for job in WORKFLOW["jobs"].values()
        for step in job["steps"]
        if "uses" in step
    ]
    assert uses
    assert [
        use
        for use in uses
        if not re.fullmatch(r"[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})", use)
    ] == []


@pytest.mark.timeout(600)
def test_the_test_command_runs_one_file_without_the_coverage_gate(
    tmp_path: Path,
) -> None:
    """`scripts/test tests/<one file>` passes: the 95 % gate is for the whole suite.

    A file covers a sliver of the integration, so the gate would fail every such run.
    """
    run = subprocess.run(  # noqa: S603 - the repository's own script
        [
            str(ROOT / "scripts" / "test"),
            "tests/test_brand.py",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env={**os.environ, "COVERAGE_FILE": str(tmp_path / "coverage")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
    assert "FAIL Required test coverage" not in run.stdout
