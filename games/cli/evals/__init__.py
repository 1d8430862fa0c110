"""`python main.py eval PLAN.toml`: a grid of games x casts x seeds, played as the game commands play
them, resumable as a whole, its logs and results table in one directory (docs/eval.md)."""
