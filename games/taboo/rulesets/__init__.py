"""Taboo's rule sets, by name: `strict` (this project's, the default) and `clembench` (clembench's
exactly). Each implements games.taboo.rulesets.base.RuleSet, and its module is imported when a game
plays by it: a game by the default rules loads nothing of clembench's."""

from __future__ import annotations

import importlib

from games.taboo.rulesets.base import ClueRuling, GuessRuling, RuleSet

_WHERE = {  # name: (module, attribute)
    "strict": ("games.taboo.rulesets.strict", "STRICT"),
    "clembench": ("games.taboo.rulesets.clembench", "CLEMBENCH"),
}
DEFAULT_RULES = "strict"
RULE_SET_NAMES = (DEFAULT_RULES, *sorted(name for name in _WHERE if name != DEFAULT_RULES))


def rule_set(name: str) -> RuleSet:
    """The rule set called `name`, one of RULE_SET_NAMES (KeyError for any other)."""
    module, attribute = _WHERE[name]
    found: RuleSet = getattr(importlib.import_module(module), attribute)
    return found


__all__ = ["DEFAULT_RULES", "RULE_SET_NAMES", "ClueRuling", "GuessRuling", "RuleSet", "rule_set"]
