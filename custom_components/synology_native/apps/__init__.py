"""The apps of the integration, each in a package of its own."""
