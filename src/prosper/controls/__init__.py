"""Export controls: item classification, licence determination, reference tables, item reports.

Pure core: imports the core (model, schema, decide) and rulebook; no I/O, no faces.
"""
