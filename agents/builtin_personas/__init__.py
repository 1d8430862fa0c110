"""The built-in persona files (package data, found with importlib.resources); see docs/personas.md."""
