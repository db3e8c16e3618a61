"""The install paths agree: pyproject, environment.yml and CI pin and run the same things."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(re.fullmatch(r"([\w-]+)==([\w.]+)", dep).groups() for dep in project["dependencies"] if "==" in dep)


def test_pyproject_pins_the_torch_pair_that_installs_offline():
    assert pins() == {"torch": "2.14.1", "torchvision": "0.29.1"}


def test_environment_yml_pins_the_same_versions_and_installs_utils_editable():
    text = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in text
    for name, version in pins().items():
        assert f"{name}=={version}" in text
    assert "-e .[lab,test]" in text


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme and "make refresh" in readme
    commands = [line for line in (ROOT / ".ci/run").read_text().splitlines() if line and not line.startswith("#")]
    assert commands[-1] == "make test"
