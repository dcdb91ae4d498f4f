"""Corpus-level drivers, one module per job: the code behind each ``alloava`` command.

A driver takes a corpus (or its folder), maps the per-clip functions of the
analysis packages over it, and returns one result dict. Modules:
:mod:`.validate`, :mod:`.convert`, :mod:`.stats`, :mod:`.correlate`,
:mod:`.sensitivity`, :mod:`.audit`, :mod:`.evaluate`, :mod:`.export`, :mod:`.gestures`.
"""
