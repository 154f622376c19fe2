"""Where the Dagster instance lives when nobody said: a git-ignored project folder.

``DAGSTER_HOME`` wins when set. Otherwise ``output/dagster_home`` is used and
the project's ``dagster.yaml`` (instance settings) is copied into it, so runs
started from the command line and from ``dagster dev`` share one history.
"""

import os
import shutil
from pathlib import Path

from assets.resources import PROJECT_ROOT, output_dir


def ensure_dagster_home() -> Path:
    """Set ``DAGSTER_HOME`` if unset; make sure the folder and its dagster.yaml exist.

    A ``dagster.yaml`` already in a ``DAGSTER_HOME`` the user chose (e.g. the
    PostgreSQL instance of ``dagster.postgres.yaml``) is theirs and is kept; the
    project-local home always follows the project's file."""
    explicit = os.environ.get("DAGSTER_HOME")
    home = Path(explicit or output_dir() / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    project_yaml = PROJECT_ROOT / "dagster.yaml"
    instance_yaml = home / "dagster.yaml"
    if not project_yaml.exists() or instance_yaml.resolve() == project_yaml.resolve():
        return home
    if not instance_yaml.exists() or (
        not explicit and instance_yaml.read_bytes() != project_yaml.read_bytes()
    ):
        shutil.copyfile(project_yaml, instance_yaml)
    return home
