"""Shared fixtures."""

from pathlib import Path

import pytest


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    for kind in ("web_forms", "wechat", "spreadsheets", "legacy"):
        (root / kind).mkdir(parents=True)
    return root
