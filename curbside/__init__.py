"""curbside: an offline clinical answer engine over your own library of guidelines and research."""

__version__ = "0.2.0"
