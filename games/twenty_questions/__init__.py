"""Twenty Questions: an Answerer knows a secret thing and answers yes, no or unknown; a Questioner asks
up to N questions and guesses; the referee relays, enforces the formats and judges the guess.

The rules are in docs/twenty-questions.md; `definition.GAME` is the hook the common command line uses.
"""
