"""Shared test helpers; the fixtures themselves come from the tridb pytest plugin."""
