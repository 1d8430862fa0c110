"""Every game's casting (its roles as personas see them), so a persona's sections for one game are not
mistaken for typos while another game loads it. A new game adds its casting here."""

from __future__ import annotations

from agents.personas import Casting


def castings() -> dict[str, Casting]:
    """Each game's casting, by game name."""
    # Imported here, not at the top: the games' modules import games.common.
    from games.taboo.personas import CASTING as TABOO

    return {TABOO.game: TABOO}
