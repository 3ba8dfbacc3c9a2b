"""The chat app's Home Assistant side."""
