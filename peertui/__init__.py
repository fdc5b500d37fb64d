"""peertui: run live peer-group meetings in the terminal."""

__version__ = "0.1.0"
