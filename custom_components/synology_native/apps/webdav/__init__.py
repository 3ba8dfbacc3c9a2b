"""The webdav app's Home Assistant side."""
