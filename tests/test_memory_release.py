"""Handing memory back between steps changes no result."""

import gc
import weakref

import dagster as dg

from assets import step
from assets.memory import release_freed_memory
from pipelines.automation import customer_master_job
from validators import phones, text
from validators.caches import PER_VALUE_CACHE, clear_value_caches


def test_per_value_caches_are_emptied_and_loaded_resources_kept() -> None:
    before = phones.parse_phone("+86 138 0013 8000")
    text.to_simplified("張偉")  # loads the converter (a cache of size 1) and memoises a value
    assert phones._parse_text.cache_info().currsize > 0
    converter = text._t2s_converter.cache_info().currsize
    assert clear_value_caches() > 0
    assert phones._parse_text.cache_info().currsize == 0
    assert text._to_simplified_cached.cache_info().maxsize >= PER_VALUE_CACHE
    assert text._to_simplified_cached.cache_info().currsize == 0
    assert text._t2s_converter.cache_info().currsize == converter  # not rebuilt for nothing
    assert phones.parse_phone("+86 138 0013 8000") == before


def test_a_step_body_releases_freed_memory_first_and_runs_without_the_collector(monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(step, "release_freed_memory", lambda run=None: calls.append("released"))

    @step.step_body
    def body() -> str:
        calls.append(f"body, collector {'on' if gc.isenabled() else 'off'}")
        return "out"

    assert body() == "out" and calls == ["released", "body, collector off"]
    assert gc.isenabled()
    assert release_freed_memory(above=0)  # the real one: only collects where there is no malloc_trim
    assert not release_freed_memory(above=1 << 50)  # a small process skips it


def test_the_main_job_has_no_hook() -> None:
    # Any hook makes Dagster keep each step's outputs for the hook's context.
    assert not customer_master_job.hooks


class _Node:
    """A container that can sit in a reference cycle and be watched by a weak reference."""


def test_a_runs_frozen_objects_are_collected_again_from_the_next_runs_first_step() -> None:
    gc.collect()
    try:
        cycle = _Node()
        cycle.me = cycle  # garbage only the cycle collector can free
        watched = weakref.ref(cycle)
        assert release_freed_memory(above=0, run="run-1")
        assert gc.get_freeze_count() > 0  # what was alive is skipped by later collections
        del cycle
        gc.collect()
        assert watched() is not None  # frozen: even a full collection leaves it
        release_freed_memory(above=0, run="run-1")
        assert watched() is not None  # the same run: still frozen
        assert not release_freed_memory(above=1 << 50, run="run-2")  # a small process skips the rest...
        assert gc.get_freeze_count() == 0  # ...but a new run unfreezes first
        gc.collect()
        assert watched() is None
    finally:
        gc.unfreeze()


def test_a_step_body_knows_its_run(monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(step, "release_freed_memory", lambda run=None: seen.append(run))

    @dg.asset(check_specs=[dg.AssetCheckSpec("fine", asset="numbers")])
    @step.step_body
    def numbers() -> dg.MaterializeResult:
        return dg.MaterializeResult(check_results=[dg.AssetCheckResult(check_name="fine", passed=True)])

    @dg.asset_check(asset=numbers)
    @step.step_body
    def numbers_are_few() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    result = dg.materialize([numbers, numbers_are_few])
    assert result.success
    assert seen == [result.run_id, result.run_id]  # the asset's and the check's
    assert step._current_run_id() is None  # outside a run
