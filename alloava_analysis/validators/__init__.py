"""Validation of clips (:mod:`.corpus`) and of demographic label tables (:mod:`.labels`).

Option checks at function entry live in :mod:`alloava_analysis.checks`; the
corpus-level ``validate_corpus`` in :mod:`alloava_analysis.runs.validate`.
"""
