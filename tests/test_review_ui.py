"""Ops review in a real browser: Debian chromium driven by Playwright against
``dagster dev`` (webserver and daemon) on 127.0.0.1 with a temporary DAGSTER_HOME.

The reviewer opens the review queue asset and sees its items, launches
``review_decisions`` from the Launchpad, and the next run of the pipeline
honours the decision. A screenshot of the review page is kept in
``$CUSTOMER_TEST_ARTIFACTS`` (default ``output/test-artifacts``).
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from assets.store.decisions import read_open_items
from tests.cli_runs import PROJECT_ROOT, cli_env
from tests.webui import free_port, graphql

CHROMIUM = Path("/usr/bin/chromium")
BIN = Path(sys.executable).parent
ARTIFACTS = Path(os.environ.get("CUSTOMER_TEST_ARTIFACTS") or PROJECT_ROOT / "output" / "test-artifacts")
#: Chromium as root in a sandbox without network: no sandbox, no background traffic.
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCATION = "pipelines.definitions"

if os.environ.get("CUSTOMER_TEST_REQUIRE_BROWSER"):
    import playwright.sync_api as playwright_api  # in CI a missing browser fails, never skips
else:
    playwright_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    if os.environ.get("CUSTOMER_TEST_REQUIRE_BROWSER"):
        raise RuntimeError("CUSTOMER_TEST_REQUIRE_BROWSER is set but /usr/bin/chromium is missing "
                           "(apt-get install chromium)")
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _run(env: dict[str, str]) -> None:
    completed = subprocess.run([str(BIN / "customer-master"), "run", "--quiet"], cwd=PROJECT_ROOT,
                               env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The sample materialised once, then ``dagster dev`` on a free port."""
    tmp = tmp_path_factory.mktemp("review_ui")
    (tmp / "home").mkdir()
    store_url = f"sqlite:///{tmp / 'crm.sqlite'}"
    env = cli_env(tmp / "out", store_url, dagster_home=tmp / "home")
    _run(env)
    port = free_port()
    log = (tmp / "dagster_dev.log").open("wb")
    # Its own process group: dagster dev's children go down with it.
    server = subprocess.Popen(
        [str(BIN / "dagster"), "dev", "-m", LOCATION, "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
                nodes = graphql(port, "{ assetNodes { assetKey { path } } }")["assetNodes"]
                if nodes:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((tmp / "dagster_dev.log").read_text()[-3000:])
            time.sleep(1)
        yield {"port": port, "env": env, "store_url": store_url, "tmp": tmp}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()


def _skip_welcome(page) -> None:
    """The "Join the Dagster community" pop-up covers the first page until Skip is clicked."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(state="visible", timeout=8000)
    except playwright_api.TimeoutError:
        return
    skip.click()


def _wait_for_run(port: int, run_id: str, timeout_s: float = 240) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run = graphql(port, f'{{ runOrError(runId: "{run_id}") {{ ... on Run {{ status }} }} }}')
        status = run["runOrError"].get("status")
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status
        time.sleep(1)
    raise AssertionError(f"run {run_id} did not finish in {timeout_s} s")


def test_a_reviewer_sees_the_queue_decides_in_the_launchpad_and_the_next_run_honours_it(
    dagster_ui: dict,
) -> None:
    engine = sa.create_engine(dagster_ui["store_url"], poolclass=sa.NullPool)
    items = read_open_items(engine)
    pairs = items[items["kind"] == "pair"]
    assert len(pairs) > 0, "the sample has grey-zone pairs to review"
    item = pairs.iloc[0]
    port = dagster_ui["port"]
    base = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            # 1. The review queue asset and its open items.
            page.goto(f"{base}/assets/merge_review_queue", wait_until="networkidle")
            _skip_welcome(page)
            page.get_by_text("[Show Markdown]").first.click()
            dialog = page.get_by_role("dialog")
            dialog.get_by_text(item["item_id"]).wait_for(timeout=30000)
            shown = dialog.inner_text()
            assert item["left_record"] in shown and item["right_record"] in shown
            page.wait_for_timeout(1000)  # the dialog fades in
            page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / "review_queue.png"))
            page.keyboard.press("Escape")

            # 2. The decision, from the Launchpad with typed config.
            page.goto(f"{base}/locations/{LOCATION}/jobs/review_decisions/playground",
                      wait_until="networkidle")
            _skip_welcome(page)
            config = (
                "ops:\n  record_review_decisions:\n    config:\n      decisions:\n"
                f"        - item_id: {item['item_id']}\n          decision: merge\n"
                "          reviewer: ops-ui-test\n          reason: same person, checked by phone\n"
            )
            page.locator(".CodeMirror").first.wait_for(timeout=30000)
            page.evaluate("(text) => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", config)
            launch = page.get_by_role("button", name="Launch Run")
            launch.wait_for(timeout=30000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('button')].some("
                "b => b.innerText.includes('Launch Run') && !b.disabled)", timeout=30000)
            launch.click()
            page.wait_for_url("**/runs/**", timeout=60000)
            run_id = page.url.rstrip("/").split("/")[-1].split("?")[0]
            page.screenshot(path=str(ARTIFACTS / "review_decision_run.png"))
        finally:
            browser.close()

    assert _wait_for_run(port, run_id) == "SUCCESS"
    with engine.connect() as conn:
        decision = conn.execute(sa.text(
            "SELECT decision_id, decision, left_record, right_record, reviewer, channel, run_id "
            "FROM merge_decision WHERE item_id = :item"), {"item": item["item_id"]}).one()
    assert decision.decision == "merge" and decision.channel == "launchpad" and decision.run_id == run_id
    assert {decision.left_record, decision.right_record} == {item["left_record"], item["right_record"]}
    # Recorded at once: the item has left the queue before any run.
    assert item["item_id"] not in set(read_open_items(engine)["item_id"])

    # 3. The next run honours it: both records are one customer, and the audit trail says why.
    _run(dagster_ui["env"])
    with engine.connect() as conn:
        owners = conn.execute(sa.text(
            "SELECT DISTINCT customer_id FROM customer_xref "
            "WHERE source_system || ':' || source_record_id IN (:a, :b)"),
            {"a": item["left_record"], "b": item["right_record"]}).scalars().all()
        applied = conn.execute(sa.text(
            "SELECT count(*) FROM merge_event WHERE event_type = 'decision_applied' AND decision_id = :d"),
            {"d": decision.decision_id}).scalar_one()
        link = conn.execute(sa.text(
            "SELECT link_type FROM customer_link WHERE left_record = :a AND right_record = :b"),
            {"a": min(item["left_record"], item["right_record"]),
             "b": max(item["left_record"], item["right_record"])}).scalar_one()
    engine.dispose()
    assert len(owners) == 1 and applied == 1 and link == "decision"
