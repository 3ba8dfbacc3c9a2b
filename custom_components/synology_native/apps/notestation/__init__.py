"""The notestation app's Home Assistant side."""
