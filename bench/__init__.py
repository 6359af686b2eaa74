"""Benchmarks: each module has ``run(quick: bool = False) -> dict[str, float]``.

``python main.py bench`` runs them all and prints one JSON object of figures.
"""
