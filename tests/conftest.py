"""Fixtures shared by every test package. The doubles themselves live in tests/support/."""
