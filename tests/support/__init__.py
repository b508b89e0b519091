"""Helpers shared by the tests: live servers, a scripted user agent, databases."""
