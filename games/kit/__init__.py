"""The game kit: what a game is built from (its definition, one game in its runtime, the referee's
moves, outcomes, flag types, data files, word matching). Imports nothing from games/cli or games/logtools."""
