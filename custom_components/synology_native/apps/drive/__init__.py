"""The drive app's Home Assistant side."""
