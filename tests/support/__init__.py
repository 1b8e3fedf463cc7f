"""Helpers shared by several test modules. Test modules import from here (or from
conftest's fixtures), never from one another."""
