"""Speaking the field's languages: FollowTheMoney entities, yente's matching API shapes,
the OpenRefine reconciliation protocol, custom watchlists.

* :mod:`prosper.interop.ftm` — list entities → FtM entities (``prosper lists export``); the
  other direction is the FtM list reader :mod:`prosper.lists.ftm`.
* :mod:`prosper.interop.yente` — yente's ``/match``, ``/search``, ``/entities``, ``/catalog``
  request fragments → queries, hits → yente's response shape.
* :mod:`prosper.interop.reconcile` — Reconciliation Service API v0.2: manifest, queries,
  suggest, preview.
* :mod:`prosper.interop.custom` — a user's own watchlist installed as a source.
"""
