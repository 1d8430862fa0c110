"""The engine: PocketFlow-compatible flows, messages and mailboxes, the runtime, the run log.

Knows nothing of models, personas or games.
"""

from runtime.agent import CONTINUE, EVERYONE, AgentContext, AgentNode, current_agent
from runtime.clock import Clock, FakeClock, SystemClock
from runtime.errors import (
    DuplicateAgent,
    LogWriteError,
    MailboxClosed,
    NotInAgent,
    ReceiveTimeout,
    RunLogError,
    UnknownAgent,
    UnknownGroup,
)
from runtime.flows import (
    END,
    AsyncBatchFlow,
    AsyncBatchNode,
    AsyncFlow,
    AsyncNode,
    AsyncParallelBatchFlow,
    AsyncParallelBatchNode,
    BaseNode,
    BatchFlow,
    BatchNode,
    Flow,
    Node,
)
from runtime.log import SCHEMA_VERSION, RunLog, configure_logging, new_run_id
from runtime.mailbox import InMemoryMailbox, Mailbox
from runtime.messages import Message
from runtime.result import RunResult, RunStatus
from runtime.runtime import Producer, Runtime
from runtime.turns import RollCall, TurnOrder

__all__ = [
    "CONTINUE",
    "END",
    "EVERYONE",
    "SCHEMA_VERSION",
    "AgentContext",
    "AgentNode",
    "AsyncBatchFlow",
    "AsyncBatchNode",
    "AsyncFlow",
    "AsyncNode",
    "AsyncParallelBatchFlow",
    "AsyncParallelBatchNode",
    "BaseNode",
    "BatchFlow",
    "BatchNode",
    "Clock",
    "DuplicateAgent",
    "FakeClock",
    "Flow",
    "InMemoryMailbox",
    "LogWriteError",
    "Mailbox",
    "MailboxClosed",
    "Message",
    "Node",
    "NotInAgent",
    "Producer",
    "ReceiveTimeout",
    "RunLog",
    "RunLogError",
    "RollCall",
    "RunResult",
    "RunStatus",
    "Runtime",
    "SystemClock",
    "TurnOrder",
    "UnknownAgent",
    "UnknownGroup",
    "configure_logging",
    "current_agent",
    "new_run_id",
]
