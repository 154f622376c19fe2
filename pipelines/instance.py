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
    """Set ``DAGSTER_HOME`` if unset; make sure the folder and its dagster.yaml exist."""
    home = Path(os.environ.get("DAGSTER_HOME") or output_dir() / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    project_yaml = PROJECT_ROOT / "dagster.yaml"
    instance_yaml = home / "dagster.yaml"
    if project_yaml.exists() and (
        not instance_yaml.exists() or instance_yaml.read_bytes() != project_yaml.read_bytes()
    ) and instance_yaml.resolve() != project_yaml.resolve():
        shutil.copyfile(project_yaml, instance_yaml)
    return home
