"""Handing memory back between steps changes no result."""

from assets.memory import release_freed_memory
from pipelines.automation import customer_master_job, release_memory_after_step
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


def test_the_main_job_releases_memory_after_each_step() -> None:
    release_freed_memory()  # no-op where the C library has no malloc_trim
    assert release_memory_after_step in customer_master_job.hooks
