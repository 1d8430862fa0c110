"""A prices file: what a model's tokens cost, so the report can show cost. The project ships no prices.

```toml
# prices.toml: per model, the price of one million input (prompt) and output (completion) tokens
[model."gpt-4o-mini"]
input = 0.15
output = 0.60
```

Every problem is one line naming the file, the line and the key (runtime.tomlfile); UsageError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from games.kit.exits import UsageError
from runtime.tomlfile import Problem, TomlFileError, describe_value, did_you_mean, parse_toml

PER = 1_000_000


@dataclass(frozen=True)
class Price:
    input: float  # per million prompt tokens
    output: float  # per million completion tokens


@dataclass(frozen=True)
class Prices:
    by_model: Mapping[str, Price]

    def cost(self, model: str, prompt: int, completion: int) -> float | None:
        """What these tokens cost, or None when the file gives no price for `model`."""
        price = self.by_model.get(model)
        if price is None:
            return None
        return (prompt * price.input + completion * price.output) / PER


MAX_BYTES = 1 << 20
_KEYS = ("input", "output")


def load_prices(path: str) -> Prices:
    """Read a prices file; UsageError with `FILE:LINE: KEY: what is wrong` on the first problem."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the prices file: {exc.strerror or exc}") from None
    try:
        document = parse_toml(data, file=path, kind="prices file", max_bytes=MAX_BYTES, empty="no prices")
    except TomlFileError as exc:
        raise UsageError(str(exc)) from None
    values = document.values

    def problem(key: tuple[str, ...], message: str) -> UsageError:
        return UsageError(str(Problem(path, message, ".".join(key), document.line(key))))

    for name in values:
        if name != "model":
            raise problem((name,), f"unknown key{did_you_mean(name, ['model'])} (prices go in [model.NAME])")
    models = values.get("model", {})
    if not isinstance(models, dict) or not models:
        raise problem(("model",), "expected one table [model.NAME] per model, with input and output prices")
    found = {}
    for model, table in models.items():
        if not isinstance(table, dict):
            raise problem(("model", model), "expected a table with input and output")
        for key in table:
            if key not in _KEYS:
                hint = did_you_mean(key, _KEYS)
                raise problem(("model", model, key), f"unknown key{hint} (keys: input, output)")
        for key in _KEYS:
            value = table.get(key)
            if value is None:
                raise problem(("model", model), f"no {key} price (per million {key} tokens)")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                shown = describe_value(value)
                raise problem(("model", model, key), f"expected a price of 0 or more, got {shown}")
        found[model] = Price(float(table["input"]), float(table["output"]))
    return Prices(found)
