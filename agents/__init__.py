"""What makes an agent think: the model gateway, the OpenAI-compatible client, and the doubles that
stand in for a model (offline players, scripts, replays) behind the same interface."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runtime.lazy import lazy_names

if TYPE_CHECKING:  # what a type checker sees; at run time each name is imported on first use
    from agents.chat import ChatMessage, ChatModel, ChatReply, ChatRequest, ModelSettings, Usage
    from agents.doubles import OfflineModel, ReplayModel, ScriptedModel, reply_for
    from agents.endpoint import Endpoint, Secret, redact_url
    from agents.errors import (
        ModelConfigError,
        ModelError,
        ModelRejected,
        ModelUnavailable,
        PlayerLeft,
        ReplayDiverged,
        ScriptExhausted,
        TransientModelError,
    )
    from agents.gateway import AgentModel, Gateway, RetryPolicy
    from agents.human import HumanModel, TerminalReader
    from agents.nodes import ModelAskNode, ModelReplyNode, ModelTurn, Prompt, looping
    from agents.openai_model import OpenAIModel
    from agents.persona_files import read_persona
    from agents.persona_library import PersonaLibrary, builtin_personas
    from agents.personas import Casting, Knob, Persona, PersonaError, PersonaNotFound, Problem, RoleSpec
    from agents.request_timeout import DEFAULT_REQUEST_TIMEOUT_S, REQUEST_TIMEOUT_ENV, resolve_request_timeout
    from agents.usage import UsageLedger, UsageTotals

# Each name and its module: `import agents` imports none of them (an offline game never loads the
# openai client, a replay no persona files).
_MODULE_OF = {
    "ChatMessage": "agents.chat",
    "ChatModel": "agents.chat",
    "ChatReply": "agents.chat",
    "ChatRequest": "agents.chat",
    "ModelSettings": "agents.chat",
    "Usage": "agents.chat",
    "OfflineModel": "agents.doubles",
    "ReplayModel": "agents.doubles",
    "ScriptedModel": "agents.doubles",
    "reply_for": "agents.doubles",
    "Endpoint": "agents.endpoint",
    "Secret": "agents.endpoint",
    "redact_url": "agents.endpoint",
    "ModelConfigError": "agents.errors",
    "ModelError": "agents.errors",
    "ModelRejected": "agents.errors",
    "ModelUnavailable": "agents.errors",
    "PlayerLeft": "agents.errors",
    "ReplayDiverged": "agents.errors",
    "ScriptExhausted": "agents.errors",
    "TransientModelError": "agents.errors",
    "AgentModel": "agents.gateway",
    "Gateway": "agents.gateway",
    "RetryPolicy": "agents.gateway",
    "HumanModel": "agents.human",
    "TerminalReader": "agents.human",
    "ModelAskNode": "agents.nodes",
    "ModelReplyNode": "agents.nodes",
    "ModelTurn": "agents.nodes",
    "Prompt": "agents.nodes",
    "looping": "agents.nodes",
    "OpenAIModel": "agents.openai_model",
    "read_persona": "agents.persona_files",
    "PersonaLibrary": "agents.persona_library",
    "builtin_personas": "agents.persona_library",
    "Casting": "agents.personas",
    "Knob": "agents.personas",
    "Persona": "agents.personas",
    "PersonaError": "agents.personas",
    "PersonaNotFound": "agents.personas",
    "Problem": "agents.personas",
    "RoleSpec": "agents.personas",
    "DEFAULT_REQUEST_TIMEOUT_S": "agents.request_timeout",
    "REQUEST_TIMEOUT_ENV": "agents.request_timeout",
    "resolve_request_timeout": "agents.request_timeout",
    "UsageLedger": "agents.usage",
    "UsageTotals": "agents.usage",
}

__all__ = sorted(_MODULE_OF)
__getattr__, __dir__ = lazy_names(__name__, _MODULE_OF)
