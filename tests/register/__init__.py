"""Tests of the association register (a package, so its conftest never shadows the top one)."""
