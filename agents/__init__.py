"""What makes an agent think: the model gateway, the OpenAI-compatible client, and the doubles that
stand in for a model (offline players, scripts, replays) behind the same interface."""

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

__all__ = [
    "DEFAULT_REQUEST_TIMEOUT_S",
    "REQUEST_TIMEOUT_ENV",
    "AgentModel",
    "Casting",
    "ChatMessage",
    "ChatModel",
    "ChatReply",
    "ChatRequest",
    "Endpoint",
    "Gateway",
    "HumanModel",
    "Knob",
    "ModelConfigError",
    "ModelError",
    "ModelAskNode",
    "ModelRejected",
    "ModelReplyNode",
    "ModelSettings",
    "ModelTurn",
    "ModelUnavailable",
    "OfflineModel",
    "OpenAIModel",
    "Persona",
    "PersonaError",
    "PersonaLibrary",
    "PersonaNotFound",
    "PlayerLeft",
    "Prompt",
    "Problem",
    "ReplayDiverged",
    "ReplayModel",
    "RetryPolicy",
    "RoleSpec",
    "ScriptExhausted",
    "ScriptedModel",
    "Secret",
    "TerminalReader",
    "TransientModelError",
    "Usage",
    "UsageLedger",
    "UsageTotals",
    "builtin_personas",
    "read_persona",
    "redact_url",
    "reply_for",
    "resolve_request_timeout",
    "looping",
]
