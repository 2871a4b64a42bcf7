"""A Server-Timing header with the time a request spent in SQL, for the load benchmark only.

Enabled by FWB_SERVER_TIMING=true (`make bench-load` sets it; a deployment never does: the
header tells a client how long the database took). For each request it adds

    Server-Timing: db;dur=12.3;desc="14 queries", cpu;dur=40.1, app;dur=61.0

`db` sums the wall time of every SQL statement the request ran on the default connection
(through `connection.execute_wrapper`, so the sessions, sign-in and audit queries count too),
`cpu` is the CPU time of the thread that served it, and `app` the whole request as seen from
inside this middleware, which is first in the list.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse


class _SqlClock:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clock = _SqlClock()
        start, cpu = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(clock):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.thread_time() - cpu) * 1000
        response["Server-Timing"] = (
            f'db;dur={clock.seconds * 1000:.1f};desc="{clock.queries} queries", '
            f"cpu;dur={cpu_ms:.1f}, app;dur={app_ms:.1f}"
        )
        return response
