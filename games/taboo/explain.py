"""A broken Taboo rule in plain words, for people: which word of the clue, which word of the card, and
what the rule forbids ("the clue said 'zebras', a form of 'zebra', the word to guess"). The rule's
name (`variant`) stays in the run log."""

from __future__ import annotations

from games.taboo.deck import Card

# What each rule (games.taboo.entries.RULES, and the clembench rule set's) finds, said of a card's word.
RULE_WORDS = {
    "phrase": "the phrase {word!r} from the card",
    "target_word": "{word!r}",
    "taboo_word": "{word!r}",
    "variant": "a form of {word!r}",
    "family": "a word of the same family as {word!r}",
    "spelling": "another spelling of {word!r}",
    "compound_part": "a part of {word!r}",
    "embedded_word": "{word!r} inside a longer word",
    "digits": "{word!r} with digits for letters",
    "spelled_out": "{word!r} spelled out letter by letter",
    "split_word": "{word!r} split into pieces",
    "clipping": "a short form of {word!r}",
    "target_stem": "a word with the same stem as {word!r}",
    "related_stem": "a word with the same stem as {word!r}",
}


def whose(word: str, card: Card | None) -> str:
    """What `word` is on the card: the word to guess, an accepted answer, or a taboo word."""
    if card is None:
        return ""
    if word.casefold() == card.target.casefold():
        return "the word to guess"
    if any(word.casefold() == alternate.casefold() for alternate in card.alternates):
        return "an accepted answer"
    if any(word.casefold() in answer.casefold().split() for answer in (card.target, *card.alternates)):
        return "a word of the answer"
    return "a taboo word"


def explained(rule: str, text: str, word: str, card: Card | None) -> str:
    """The clue's broken rule in one plain sentence, without a capital or a full stop."""
    found = RULE_WORDS.get(rule, "{word!r}").format(word=word)
    what = whose(word, card)
    if found != repr(word):
        return f"the clue said {text!r}: {found}, {what}" if what else f"the clue said {text!r}: {found}"
    if not what:
        same = text.casefold() == word.casefold()
        return (
            f"the clue said {text!r}, a word on the card"
            if same
            else f"the clue said {text!r}, for {word!r} on the card"
        )
    if text.casefold() == word.casefold():
        return f"the clue said {text!r}, {what}"
    return f"the clue said {text!r}: {what}, {word!r}"
