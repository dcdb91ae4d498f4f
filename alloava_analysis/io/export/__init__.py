"""Interoperability: files other tools open with their own readers.

* :mod:`.netcdf` -- pose datasets as NetCDF, the ``movement`` package's format
* :mod:`.intervals` -- words, segments, pauses and gesture units as ELAN ``.eaf`` and Praat TextGrid tiers
* :mod:`.pose_format` -- the sign-language community's ``.pose`` files (pose-format)
* :mod:`.tables` -- tidy per-frame and per-window feature tables as Parquet or CSV, with units

Every clip of a corpus in one of these formats: :mod:`alloava_analysis.runs.export`.
"""
