"""`python main.py report`: run logs read into one row per game, then a leaderboard, breakdowns, paired
comparisons and ratings, shown at the terminal and written as CSV, JSON and an HTML page with plots."""

from games.logtools.report.build import Report, build_report
from games.logtools.report.command import add_parser
from games.logtools.report.rows import GameRow

__all__ = ["GameRow", "Report", "add_parser", "build_report"]
