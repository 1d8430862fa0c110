"""The engine: agents as PocketFlow-style flows with mailboxes, the runtime that runs them, the run log.

Knows nothing of models, personas or games. These are the names an agent author needs; everything else
is imported from its own module: the whole PocketFlow family from `runtime.pocketflow`, mailboxes from
`runtime.mailbox`, errors from `runtime.errors`, a run's events from `runtime.events`, turn order from
`runtime.turns`, the log reader from `runtime.logread`.
"""

from runtime.agent import CONTINUE, AgentContext, AgentNode
from runtime.clock import FakeClock
from runtime.log import RunLog
from runtime.messages import Message
from runtime.pocketflow import END, AsyncFlow, AsyncNode
from runtime.result import RunResult, RunStatus
from runtime.runtime import Runtime

__all__ = [
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
