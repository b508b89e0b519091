"""Dossier status, DOSIS-style: back offices push dossiers, a person reads those of the capacity
they act in.

``validation`` checks a pushed dossier (pure, no Flask), ``store`` writes and reads them,
``api`` is the HTTP layer, ``bulk`` generates many for benchmarks, ``demo`` is the demo set.
"""
