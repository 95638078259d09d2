"""Screening: the index over a list snapshot, its on-disk cache, batch files, party screening.

Pure core (index, query, qualifiers, document, parties, rows) over names/ and matching/;
cache.py and batch.py do the file I/O. Imports core, names, matching, lists, rulebook.
"""
