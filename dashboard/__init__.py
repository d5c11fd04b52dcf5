"""Geopolitical tension dashboard: ingest news, score tone/threat/actors, explore by actor."""
