"""The calendar app's Home Assistant side."""
