"""Automatic garbage collection waits while many agents are built and started, and only then."""

import gc
from collections.abc import Iterator

import pytest

from runtime import END, AsyncFlow, AsyncNode, RunStatus
from tests.support.agents import make_runtime, settle


@pytest.fixture
def collector() -> Iterator[None]:
    """Each test starts with the collector on and leaves it as the rest of the suite expects."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


class SeesCollector(AsyncNode):
    """Records, on its agent's first step, whether automatic collection is on."""

    def __init__(self, seen: list[bool]) -> None:
        super().__init__()
        self.seen = seen

    async def prep_async(self, shared: object) -> None:
        self.seen.append(gc.isenabled())

    async def post_async(self, shared: object, prep_res: object, exec_res: object) -> str:
        return END


def test_collection_waits_inside_adding_and_resumes_after_it(collector: None) -> None:
    runtime = make_runtime()
    with runtime.adding():
        assert not gc.isenabled()
        runtime.add("a", AsyncFlow(start=SeesCollector([])))
    assert gc.isenabled()
    assert runtime.agents == ("a",)


def test_adding_resumes_collection_when_the_block_raises(collector: None) -> None:
    runtime = make_runtime()
    with pytest.raises(ValueError, match="agent name"), runtime.adding():
        runtime.add("", AsyncFlow(start=SeesCollector([])))
    assert gc.isenabled()


def test_adding_leaves_a_collector_the_caller_disabled_disabled(collector: None) -> None:
    gc.disable()
    with make_runtime().adding():
        pass
    assert not gc.isenabled()


async def test_collection_waits_until_every_agent_has_taken_its_first_step(collector: None) -> None:
    seen: list[bool] = []
    runtime = make_runtime()
    for name in ("a", "b", "c"):
        runtime.add(name, AsyncFlow(start=SeesCollector(seen)))

    result = await settle(runtime.run())

    assert result.status == RunStatus.DONE
    # The first two start with collection paused; the last one to start resumes it before its step.
    assert seen == [False, False, True]
    assert gc.isenabled()


async def test_a_run_leaves_a_collector_the_caller_disabled_disabled(collector: None) -> None:
    gc.disable()
    seen: list[bool] = []
    runtime = make_runtime()
    runtime.add("a", AsyncFlow(start=SeesCollector(seen)))

    await settle(runtime.run())

    assert seen == [False]
    assert not gc.isenabled()
