"""Qt-free core of the Hub Operations Console: sources, simulated hub, cache, alarms, models."""
