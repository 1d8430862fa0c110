"""Taboo's rule sets, by name: `strict` (this project's, the default) and `clembench` (clembench's
exactly). Each implements games.taboo.rulesets.base.RuleSet."""

from __future__ import annotations

from games.taboo.rulesets.base import ClueRuling, GuessRuling, RuleSet
from games.taboo.rulesets.clembench import CLEMBENCH
from games.taboo.rulesets.strict import STRICT

RULE_SETS: dict[str, RuleSet] = {STRICT.name: STRICT, CLEMBENCH.name: CLEMBENCH}
DEFAULT_RULES = STRICT.name

__all__ = ["DEFAULT_RULES", "RULE_SETS", "ClueRuling", "GuessRuling", "RuleSet"]
