"""The offline hinter's voice: personas differ in what their offline players say, within the rules."""

from __future__ import annotations

from agents import ChatRequest, ModelSettings
from agents.persona_library import PersonaLibrary
from games.cli.personas import PersonaChoice
from games.cli.registry import castings
from games.kit.voices import unvoiced
from games.taboo.deck import load_deck
from games.taboo.offline import HinterStyle, OfflineHinter
from games.taboo.players import card_to_body
from games.taboo.rules import check_clue

CARDS = list(load_deck())[:40]


def clue(hinter: OfflineHinter, card, clues: tuple[str, ...] = ()) -> str:
    context = {"card": card_to_body(card), "clues": list(clues)}
    request = ChatRequest.build("hinter", [], ModelSettings(model="offline"), context=context)
    return hinter(request).removeprefix("CLUE: ")


def test_a_voiced_hinter_says_its_clues_its_own_way_and_keeps_the_rules() -> None:
    """A pirate's and a poet's clues are framed in their voice, never break a rule, unlike plain ones."""
    for voice in ("pirate", "poet"):
        said = [
            clue(OfflineHinter(seed, HinterStyle(voice=voice, slip_rate=0.0)), card)
            for seed, card in enumerate(CARDS)
        ]
        plain = [
            clue(OfflineHinter(seed, HinterStyle(slip_rate=0.0)), card) for seed, card in enumerate(CARDS)
        ]
        assert sum(a != b for a, b in zip(said, plain, strict=True)) >= len(CARDS) // 2, voice
        assert all(check_clue(text, card) is None for text, card in zip(said, CARDS, strict=True))


def test_a_voiced_hinter_does_not_repeat_a_clue() -> None:
    """The clues said before are recognised through the voice: the next clue is another hint."""
    card = CARDS[0]
    hinter = OfflineHinter(3, HinterStyle(voice="pirate", slip_rate=0.0))
    first = clue(hinter, card)
    second = clue(hinter, card, (first,))
    assert unvoiced(second, "pirate") != unvoiced(first, "pirate")


def test_the_built_in_pirate_and_poet_hinters_have_voices() -> None:
    """The built-in personas set the knob, so playing offline with them shows their manner."""
    casting = castings()["taboo"]
    library = PersonaLibrary([])
    voices = {
        name: PersonaChoice.of(library.find(name), casting, "hinter").offline.get("voice")
        for name in ("pirate", "poet", "default")
    }
    assert voices == {"pirate": "pirate", "poet": "poet", "default": None}
