"""Prometheus metrics of one app, served at ``/metrics`` in the text exposition format.

Each app has its own registries (tests build many apps in one process). Request metrics are
labelled by the route *template* (``/v1/audit/{record_id}``), never the raw path, so that
the number of series stays bounded.

Two registries: ``registry`` holds operational series (requests, latencies, jobs, readiness);
``business`` holds what says something about the decisions themselves (decisions by verdict,
screening matches). ``/metrics`` serves both to a reviewer key; with
``PROSPER_METRICS_PUBLIC=1`` it serves the operational ones to anybody, without a key.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The app's counters, histograms and gauges."""

    def __init__(self) -> None:
        """Create the metrics in a fresh registry."""
        self.registry = CollectorRegistry()
        self.business = CollectorRegistry()
        self.requests = Counter(
            "prosper_http_requests",
            "HTTP requests by method, route template and status code.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "prosper_http_request_duration_seconds",
            "Time from request start to the end of the response, by route template.",
            ("route",),
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.decisions = Counter(
            "prosper_decisions",
            "Decisions made by POST /v1/check, by overall verdict and mode.",
            ("verdict", "mode"),
            registry=self.business,
        )
        self.screen_hits = Counter(
            "prosper_screen_matches",
            "Screening queries answered, by whether any hit was a match.",
            ("matched",),
            registry=self.business,
        )
        self.jobs = Gauge(
            "prosper_batch_jobs",
            "Batch screening jobs kept in memory, by status.",
            ("status",),
            registry=self.registry,
        )
        self.ready = Gauge(
            "prosper_ready",
            "1 when lists, index and rulebook are loaded.",
            registry=self.registry,
        )
        self.list_age = Gauge(
            "prosper_list_age_days",
            "Days since the publication date of each loaded list source (-1: date unknown).",
            ("source",),
            registry=self.registry,
        )
        self.list_refresh_ok = Gauge(
            "prosper_list_refresh_ok",
            "1 when the last update of a source succeeded (installed or unchanged), 0 when it "
            "failed or was refused (the last good data stays in force).",
            ("source",),
            registry=self.registry,
        )
        self.list_refresh_time = Gauge(
            "prosper_list_refresh_timestamp_seconds",
            "Unix time of the last update of a source, whatever its result.",
            ("source",),
            registry=self.registry,
        )
