"""`.pre-commit-hooks.yaml` and `ddlcompare precommit`, proven with the real pre-commit in a scratch
git repository: a safe schema change commits, a dropped table is blocked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.cli import ROOT, run

SAFE = "CREATE TABLE users (id integer PRIMARY KEY, name text);\nCREATE TABLE orders (id integer);\n"
FIRST = "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE orders (id integer);\n"
DROPPED = "CREATE TABLE users (id integer PRIMARY KEY, name text);\n"  # orders dropped: critical


AUTHOR = {
    "GIT_AUTHOR_NAME": "Dev",
    "GIT_AUTHOR_EMAIL": "dev@example.com",
    "GIT_COMMITTER_NAME": "Dev",
    "GIT_COMMITTER_EMAIL": "dev@example.com",
}


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False, env=env)


def scratch_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for args in (
        ("init", "-q", "-b", "main"),
        ("config", "user.email", "dev@example.com"),
        ("config", "user.name", "Dev"),
        ("config", "commit.gpgsign", "false"),
    ):
        assert git(repo, *args).returncode == 0
    return repo


def hook_env(tmp_path: Path) -> dict[str, str]:
    """The ddlcompare of this checkout first on PATH (the system hook runs what PATH finds), and a
    private pre-commit cache (nothing is fetched: the hooks are local and language: system)."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }


def manifest() -> dict[str, dict[str, object]]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {h["id"]: h for h in hooks}


def test_manifest_hooks() -> None:
    hooks = manifest()
    assert set(hooks) == {"ddlcompare", "ddlcompare-system"}
    for h in hooks.values():
        assert h["entry"] == "ddlcompare precommit" and h["files"] == r"\.sql$"
    assert hooks["ddlcompare"]["language"] == "python"
    assert hooks["ddlcompare-system"]["language"] == "system"


@pytest.fixture
def pre_commit() -> str:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    assert exe is not None, "pre-commit is in the test extra of pyproject.toml"
    return exe


def test_pre_commit_blocks_a_dropped_table(tmp_path: Path, pre_commit: str) -> None:
    repo = scratch_repo(tmp_path)
    env = hook_env(tmp_path)
    hook = dict(manifest()["ddlcompare-system"], args=["--fail-on", "critical"])
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    schema = repo / "schema.sql"
    schema.write_text(FIRST, encoding="utf-8")
    assert git(repo, "add", ".").returncode == 0
    inst = subprocess.run([pre_commit, "install"], cwd=repo, capture_output=True, text=True, env=env)
    assert inst.returncode == 0, inst.stderr

    # a new file: its old side is empty, everything is created (low): it commits
    first = git(repo, "commit", "-q", "-m", "first", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    # a safe change (a column added) commits
    schema.write_text(SAFE, encoding="utf-8")
    git(repo, "add", "schema.sql")
    safe = git(repo, "commit", "-m", "add users.name", env=env)
    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert "Passed" in safe.stdout + safe.stderr
    head = git(repo, "rev-parse", "HEAD").stdout
    assert git(repo, "log", "-1", "--format=%s").stdout.strip() == "add users.name"

    # a dropped table is critical: blocked, HEAD stays where it was
    schema.write_text(DROPPED, encoding="utf-8")
    git(repo, "add", "schema.sql")
    blocked = git(repo, "commit", "-m", "drop orders", env=env)
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert "Failed" in out and "exit code: 3" in out
    assert "schema.sql: blocked (--fail-on critical)" in out
    assert "critical: drop table:public.orders (breaks_clients, data_loss, irreversible)" in out
    assert git(repo, "rev-parse", "HEAD").stdout == head

    # pre-commit try-repo reads the manifest itself (a hook repository holding this checkout's
    # .pre-commit-hooks.yaml as it is now, committed or not; no network: language system)
    hook_repo = tmp_path / "hook-repo"
    hook_repo.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hook_repo / ".pre-commit-hooks.yaml")
    for args in (("init", "-q", "-b", "main"), ("add", "."), ("commit", "-q", "-m", "hooks")):
        assert git(hook_repo, *args, env={**env, **AUTHOR}).returncode == 0
    tried = subprocess.run(
        [pre_commit, "try-repo", str(hook_repo), "ddlcompare-system", "--files", "schema.sql"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )
    assert tried.returncode == 1 and "exit code: 3" in tried.stdout, tried.stdout + tried.stderr


def test_precommit_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = scratch_repo(tmp_path)
    monkeypatch.chdir(repo)
    (repo / "db").mkdir()
    schema = repo / "db" / "schema.sql"
    schema.write_text(SAFE, encoding="utf-8")
    git(repo, "add", ".")
    # before the first commit there is no HEAD: the file is new
    r = run("precommit", "db/schema.sql")
    assert r.code == 0 and r.stdout == ""
    assert r.stderr.startswith("db/schema.sql (new file): 3 to create")
    git(repo, "commit", "-q", "-m", "first")
    r = run("precommit", "db/schema.sql")
    assert (r.code, r.stdout, r.stderr) == (0, "", "")  # nothing changed: silent
    schema.write_text(DROPPED, encoding="utf-8")
    r = run("precommit", "db/schema.sql")  # not staged: the staged version is compared
    assert (r.code, r.stderr) == (0, "")
    git(repo, "add", "db/schema.sql")
    r = run("precommit", "db/schema.sql")
    assert r.code == 3 and "critical: drop table:public.orders" in r.stderr
    r = run("precommit", "--fail-on", "nonsense", "db/schema.sql")
    assert r.code == 2 and "traceback" not in r.stderr.lower()


def test_ci_example_compares_with_the_base_commit(tmp_path: Path) -> None:
    """The example workflow's compare step, run as Actions would (bash, its env, GITHUB_OUTPUT) in a
    scratch repository: a dropped table gives code 3 and the report it comments with."""
    path = ROOT / "examples" / "github-actions-schema-diff.yml"
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["schema-diff"]["steps"]
    diff = next(s for s in steps if s.get("id") == "diff")
    assert workflow[True]["pull_request"]["paths"] == [diff["env"]["SCHEMA"]]  # YAML reads `on` as True
    conditions = [s.get("if", "") for s in steps]
    assert any("steps.diff.outputs.code == '3'" in c for c in conditions)
    repo = scratch_repo(tmp_path)
    (repo / "db").mkdir()
    (repo / "db" / "schema.sql").write_text(SAFE, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    outputs = tmp_path / "github_output"
    for text, code in ((SAFE.replace("name text", "name text, email text"), "1"), (DROPPED, "3")):
        (repo / "db" / "schema.sql").write_text(text, encoding="utf-8")
        env = {**hook_env(tmp_path), "BASE_SHA": base, "SCHEMA": "db/schema.sql"}
        env["GITHUB_OUTPUT"] = str(outputs)
        proc = subprocess.run(
            ["bash", "-e", "-c", diff["run"]], cwd=repo, capture_output=True, text=True, env=env, check=False
        )
        assert proc.returncode == 0, proc.stderr
        assert outputs.read_text(encoding="utf-8").splitlines()[-1] == f"code={code}"
        report = (repo / "schema-diff" / "schema_diff_report.md").read_text(encoding="utf-8")
        assert ("orders" in report) == (code == "3")
