"""Chameleon: a moderator deals a secret word to every player but one, the chameleon; everyone gives a
one-word clue, then votes privately for the player they suspect (docs/chameleon.md)."""
