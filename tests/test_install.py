"""The install paths agree: pyproject, environment.yml and CI pin and run the same things."""

import re
import tomllib
from pathlib import Path

import yaml

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


def test_make_test_compares_notebooks_strictly_at_one_and_at_four_threads():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\bnbval\b", makefile, re.M)
    assert re.search(r"^NBVAL_THREADS \?= 1 4$", makefile, re.M)
    assert "OMP_NUM_THREADS=$$threads" in makefile and "--nbval " in makefile


def environment_yml() -> tuple[list[str], list[str]]:
    """The conda dependencies and the pip lines of environment.yml."""
    dependencies = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip = next(item["pip"] for item in dependencies if isinstance(item, dict))
    return [item for item in dependencies if isinstance(item, str)], pip


def installed_extras() -> list[str]:
    """The extras that `make` installs into .venv (the $(STAMP) rule of the Makefile)."""
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(r'\$\(STAMP\):.*?pip install --quiet -e "\.\[([\w,]+)\]"', makefile, re.DOTALL)
    assert match, "the Makefile's install rule has moved; update this test"
    return match.group(1).split(",")


def test_environment_yml_installs_the_course_with_the_makefile_extras():
    conda, pip = environment_yml()
    extras = installed_extras()
    assert sorted(extras) == ["lab", "test"]
    editable = [line for line in pip if line.startswith("-e ")]
    assert editable == [f"-e .[{','.join(extras)}]"], "environment.yml must install the course like make does"
    readme = (ROOT / "README.md").read_text()
    assert f'pip install -e ".[{",".join(extras)}]"' in readme  # the README's "Without make" line too


def test_environment_yml_lists_the_same_packages_and_pins_as_pyproject():
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    for extra in installed_extras():
        wanted += [Requirement(r) for r in project["optional-dependencies"][extra]]
    by_name = {}
    for requirement in wanted:  # a package named in two extras must be asked for the same way
        key = requirement.name.lower().replace("_", "-")
        assert str(by_name.setdefault(key, requirement).specifier) == str(requirement.specifier), requirement
    conda, pip = environment_yml()
    # conda installs no Python library: the interpreter (the same minor version as requires-python), pip, make
    assert conda == ["python=3.11", "pip", "make"]
    assert project["requires-python"] == ">=3.11,<3.12"
    listed = {}
    for line in pip:
        if line.startswith("-e "):
            continue
        requirement = Requirement(line)
        key = requirement.name.lower().replace("_", "-")
        assert key in by_name, f"environment.yml installs {line}, which pyproject.toml does not ask for"
        assert str(requirement.specifier) == str(by_name[key].specifier), f"{line} != {by_name[key]} in pyproject"
        listed[key] = requirement
    pinned = {key for key, requirement in by_name.items() if str(requirement.specifier).startswith("==")}
    assert pinned <= set(listed), f"environment.yml must spell out every exact pin: missing {pinned - set(listed)}"
    assert {"torch", "torchvision", "django-static-mathjax", "ruff"} <= pinned


def test_readme_badges_point_at_the_repository_in_pyproject():
    with open(ROOT / "pyproject.toml", "rb") as file:
        slug = tomllib.load(file)["project"]["urls"]["Repository"].removeprefix("https://github.com/")
    readme = (ROOT / "README.md").read_text()
    assert f"colab.research.google.com/github/{slug}/blob/main/notebooks/" in readme
    assert f"mybinder.org/v2/gh/{slug}/HEAD" in readme
