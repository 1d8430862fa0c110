"""The manner of speech of an offline player (a persona's `voice` knob): the same clue said as a pirate
or a poet would say it, so that personas differ in what they say, not only in how well they play.

A voice only frames a text (words before and after it); the player checks the framed text against the
rules as it checks any other and says it plainly when the frame would break one.
"""

from __future__ import annotations

import random

PLAIN = ""
VOICES: dict[str, tuple[tuple[str, str], ...]] = {
    PLAIN: (("", ""),),
    "pirate": (
        ("arr, ", ""),
        ("ahoy matey, ", ""),
        ("", ", arr"),
        ("shiver me timbers, ", ""),
        ("", ", me hearty"),
    ),
    "poet": (
        ("", ", as the verses sing"),
        ("hear my rhyme: ", ""),
        ("o muse, ", ""),
        ("", ", so sings the bard"),
    ),
}


def voiced(text: str, voice: str, rng: random.Random) -> str:
    """`text` framed in `voice` (an unknown or empty voice: as it is). Draws from `rng` only for a
    voice with several frames, so plain players' seeded choices stay as they were."""
    frames = VOICES.get(voice, VOICES[PLAIN])
    before, after = frames[0] if len(frames) == 1 else rng.choice(frames)
    return f"{before}{text}{after}"


def unvoiced(text: str, voice: str) -> str:
    """`text` without the frame `voice` put around it (what the player meant to say)."""
    for before, after in VOICES.get(voice, VOICES[PLAIN]):
        if text.startswith(before) and text.endswith(after) and len(text) > len(before) + len(after):
            return text[len(before) : len(text) - len(after)]
    return text
