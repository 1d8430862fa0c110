"""The public surface: a small `runtime` for agent authors, PocketFlow's family in runtime.pocketflow."""

import runtime
from runtime import pocketflow

# PocketFlow's own public classes (pocketflow/__init__.py): code using them changes only its import.
POCKETFLOW_NAMES = {
    "BaseNode",
    "Node",
    "BatchNode",
    "Flow",
    "BatchFlow",
    "AsyncNode",
    "AsyncBatchNode",
    "AsyncParallelBatchNode",
    "AsyncFlow",
    "AsyncBatchFlow",
    "AsyncParallelBatchFlow",
}


def test_runtime_exports_only_what_an_agent_author_needs():
    """`from runtime import *` gives the dozen names an agent author uses, each defined."""
    assert sorted(runtime.__all__) == sorted(
        [
            "CONTINUE",
            "END",
            "AgentContext",
            "AgentNode",
            "AsyncFlow",
            "AsyncNode",
            "FakeClock",
            "Message",
            "RunLog",
            "RunResult",
            "RunStatus",
            "Runtime",
        ]
    )
    assert all(getattr(runtime, name) is not None for name in runtime.__all__)


def test_runtime_pocketflow_offers_pocketflows_whole_family():
    """Every public class of PocketFlow is importable from runtime.pocketflow under the same name."""
    assert POCKETFLOW_NAMES <= set(pocketflow.__all__)
    assert all(isinstance(getattr(pocketflow, name), type) for name in POCKETFLOW_NAMES)
