"""Shared fixtures."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests import pg_server

# CI replays the same examples every time (a red build must be reproducible);
# local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    for kind in ("web_forms", "wechat", "spreadsheets", "legacy"):
        (root / kind).mkdir(parents=True)
    return root


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A superuser URL of a throwaway PostgreSQL server (tests/pg_server.py), one per session.

    Skipped when no PostgreSQL binaries are installed, unless
    ``CUSTOMER_TEST_REQUIRE_POSTGRES`` is set (CI sets it), where that is a failure.
    """
    bin_dir = pg_server.find_bin_dir()
    if bin_dir is None:
        reason = ("PostgreSQL server binaries (initdb, postgres) not found on PATH, in "
                  "/usr/lib/postgresql/*/bin or $CUSTOMER_TEST_PG_BIN: install PostgreSQL "
                  "(Debian: apt-get install postgresql) to run the PostgreSQL tests")
        if os.environ.get("CUSTOMER_TEST_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    with pg_server.running_server(bin_dir) as server:
        yield server.url
