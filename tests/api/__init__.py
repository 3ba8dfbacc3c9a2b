"""Tests of the DSM client on its own, without Home Assistant."""
