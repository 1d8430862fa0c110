"""The engine: agents as PocketFlow-style flows with mailboxes, the runtime that runs them, the run log.

Knows nothing of models, personas or games. These are the names an agent author needs; everything else
is imported from its own module: the whole PocketFlow family from `runtime.pocketflow`, mailboxes from
`runtime.mailbox`, errors from `runtime.errors`, a run's events from `runtime.events`, turn order from
`runtime.turns`, the log reader from `runtime.logread`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runtime.lazy import lazy_names

if TYPE_CHECKING:  # what a type checker sees; at run time each name is imported on first use
    from runtime.agent import CONTINUE, AgentContext, AgentNode
    from runtime.clock import FakeClock
    from runtime.log import RunLog
    from runtime.messages import Message
    from runtime.pocketflow import END, AsyncFlow, AsyncNode
    from runtime.result import RunResult, RunStatus
    from runtime.runtime import Runtime

# Each name and its module: `import runtime` imports none of them (reading a log needs no structlog).
_MODULE_OF = {
    "CONTINUE": "runtime.agent",
    "AgentContext": "runtime.agent",
    "AgentNode": "runtime.agent",
    "FakeClock": "runtime.clock",
    "RunLog": "runtime.log",
    "Message": "runtime.messages",
    "END": "runtime.pocketflow",
    "AsyncFlow": "runtime.pocketflow",
    "AsyncNode": "runtime.pocketflow",
    "RunResult": "runtime.result",
    "RunStatus": "runtime.result",
    "Runtime": "runtime.runtime",
}

__all__ = sorted(_MODULE_OF)
__getattr__, __dir__ = lazy_names(__name__, _MODULE_OF)
