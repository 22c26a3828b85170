"""Server time of pages, the way the page benchmarks measure it.

Each page is requested through Django's test client as the client's signed-in user (the
whole server side of a request: middleware, views, queries, templates; no network), with
the plain static-files storage (collected static files are not needed to render a page).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

WARM_UP = 3  # untimed requests per page first: caches, connections, compiled templates

# Collected static files (the manifest) are not needed to render a page here.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@dataclass(frozen=True)
class PageTiming:
    url: str
    median_ms: float
    p95_ms: float
    queries: int

    def figures(self, name: str) -> dict[str, Any]:
        """The JSON keys of this page: `<name>_median_ms`, `<name>_p95_ms`, `<name>_queries`."""
        return {
            f"{name}_median_ms": round(self.median_ms, 1),
            f"{name}_p95_ms": round(self.p95_ms, 1),
            f"{name}_queries": self.queries,
        }


def time_pages(client: Any, pages: dict[str, str], *, requests: int) -> dict[str, PageTiming]:
    """Request each page (name → URL) WARM_UP times untimed, then `requests` times timed,
    then once more counting its queries; print one line per page (median, 95th percentile,
    queries, URL) and return the figures by name. Every response must be a 200."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    width = max(map(len, pages)) + 1
    timings: dict[str, PageTiming] = {}
    with override_settings(STORAGES=PLAIN_STATIC):
        for name, url in pages.items():
            for _ in range(WARM_UP):
                assert client.get(url).status_code == 200, url
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, url
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timing = PageTiming(
                url=url,
                median_ms=statistics.median(times),
                p95_ms=sorted(times)[max(0, round(0.95 * len(times)) - 1)],
                queries=len(queries),
            )
            print(
                f"{name:<{width}} median {timing.median_ms:7.1f} ms   "
                f"p95 {timing.p95_ms:7.1f} ms   {timing.queries} queries   {url}",
                flush=True,
            )
            timings[name] = timing
    return timings
