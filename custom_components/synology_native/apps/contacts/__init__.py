"""The contacts app's Home Assistant side."""
