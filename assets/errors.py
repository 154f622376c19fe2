"""Errors that leave an asset carry no personal data.

Dagster stores a failed step's exception message in its event log. A message
from deep inside pandas, SQLAlchemy or a parser may quote the value it choked
on — a phone, an email, a resident id — so every asset body runs inside
``masked_errors``: the exception is re-raised as ``PipelineStepError`` with
those values masked, and the original (unmasked) chain is not attached.

Being around every body, it is also where each step starts: the memory that
earlier steps freed is handed back to the OS there (``assets.memory``), so a
step's peak does not stand on their leftovers. (A Dagster success hook would
run at the right moment too, but any hook makes Dagster keep every step's
outputs for the hook's context, which held the standardised contacts for the
whole run.)
"""

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from validators.masking import mask_text

from .memory import release_freed_memory

P = ParamSpec("P")
R = TypeVar("R")


class PipelineStepError(RuntimeError):
    """A step failed; the message names the original error type, values masked."""


def masked_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator for asset and check bodies (keeps the signature Dagster reads)."""

    if inspect.isgeneratorfunction(fn):  # a multi-asset that yields its outputs

        @functools.wraps(fn)
        def generator(*args: P.args, **kwargs: P.kwargs):
            release_freed_memory()
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - re-raised, masked
                message = _masked(exc)
            else:
                return
            raise PipelineStepError(message)

        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        release_freed_memory()
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - re-raised, masked
            message = _masked(exc)
        raise PipelineStepError(message)

    return wrapper


def _masked(exc: Exception) -> str:
    return mask_text(f"{type(exc).__name__}: {exc}")
