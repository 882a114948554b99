"""Shared test support: real servers, corpus access, golden files."""
