"""The built-in persona files (package data, read from this folder by agents/persona_library.py); see
docs/personas.md."""
