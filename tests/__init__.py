"""Tests of Synology Native, and the DSM simulator they run against."""
