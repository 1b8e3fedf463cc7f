"""API benchmark: list and read p95 over N synthetic cases, over HTTP with a token.

    .venv/bin/python bench/api.py --cases 100000

Seeds the same database as bench/pages.py (reused while N and the seed are the same;
the same refusal of the organisation's database), makes an API token for the `bench`
user and one for `bench-caseworker` as the account page makes them, serves Habeas on
a loopback port (wsgiref, one request at a time) and times each API request from the
moment it is sent to the last byte of the answer. One JSON line per resource, like
bench/pages.py; see bench/README.md, "The API".
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from pages import _benchmark_database, arguments, run  # noqa: E402

WARMUP_REQUESTS = 10
# High enough never to refuse the benchmark, while every request is still counted as
# in production (the counting is two UPDATEs per request, and part of what is timed).
RATE_LIMIT = 1_000_000_000


def _arguments() -> argparse.Namespace:
    return arguments(
        prog="bench/api.py",
        description="Seed N fictional cases into a separate database (the one bench/pages.py "
        "uses) and print one JSON line per API resource with p50/p95 response times.",
        each="resource",
    )


@dataclass
class Resource:
    name: str
    paths: list[str]  # requested in turn, under /api/v1
    user: str = "bench"  # or "caseworker"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server:
    """Habeas on 127.0.0.1:<free port>, in a thread; counts each request's queries."""

    def __init__(self) -> None:
        from django.core.wsgi import get_wsgi_application
        from django.db import connection

        django_app = get_wsgi_application()
        self.queries = 0
        self.cpu_ms = 0.0  # CPU time the server's thread spent on the last request

        def counting(environ: dict[str, Any], start_response: Callable) -> Any:
            count = [0]

            def counter(execute, sql, params, many, context):
                count[0] += 1
                return execute(sql, params, many, context)

            cpu_started = time.thread_time()
            # The wrapper must be installed on this (the server's) thread's connection.
            with connection.execute_wrapper(counter):
                response = django_app(environ, start_response)
                try:
                    body = list(response)
                finally:
                    # As a WSGI server does: request_finished closes the connection.
                    response.close()
            self.queries = count[0]
            self.cpu_ms = (time.thread_time() - cpu_started) * 1000
            return body

        self.httpd: WSGIServer = make_server("127.0.0.1", 0, counting, handler_class=_Quiet)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def get(self, path: str, token: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.httpd.shutdown()


def _percentile(sorted_ms: list[float], fraction: float) -> float:
    if len(sorted_ms) == 1:
        return sorted_ms[0]
    return statistics.quantiles(sorted_ms, n=100, method="inclusive")[round(fraction * 100) - 1]


def _resources(*, cases: int, seed: int, server: _Server, token: str, log: Any) -> list[Resource]:
    from habeas.cases.models import Case, Person

    rng = random.Random(seed + 1)
    ids = list(Case.objects.values_list("pk", flat=True).order_by("pk"))
    chosen = rng.sample(ids, min(len(ids), 200))
    case_paths = [
        f"/cases/{public_id}/"
        for public_id in Case.objects.filter(pk__in=chosen).values_list("public_id", flat=True)
    ]
    rng.shuffle(case_paths)
    # A deep page: the one after the 25,000th case, reached as a client reaches it, by
    # following `next` (not timed).
    deep, seen, path = "", 0, "/cases/?limit=100"
    while seen < min(cases, 25_000):
        status, body = server.get(path, token)
        if status != 200:
            raise SystemExit(f"bench/api.py: {path} answered {status} while walking the list.")
        page = json.loads(body)
        seen += len(page["items"])
        if not page["next"]:
            break
        deep = urlencode({"cursor": page["next"]})
        path = f"/cases/?limit=100&{deep}"
    log(f"Walked the case list to its page after case {seen}")
    resources = [
        Resource("api_case_list", ["/cases/"]),
        Resource("api_case_list_filtered", ["/cases/?status=presumed_ed&priority=2"]),
        Resource("api_case_list_open", ["/cases/?open=true"]),
        Resource("api_case_list_deep", [f"/cases/?{deep}" if deep else "/cases/"]),
        Resource("api_case", case_paths),
        Resource("api_case_list_caseworker", ["/cases/"], user="caseworker"),
    ]
    # People, if the API serves them yet (an older checkout may not).
    status, _body = server.get("/people/", token)
    if status == 200:
        people = list(
            Person.objects.filter(cases__pk__in=chosen).values_list("public_id", "display_name")
        )
        resources += [
            Resource("api_person_list", ["/people/"]),
            Resource("api_person", [f"/people/{public_id}/" for public_id, _ in people]),
            # A name search (the search page's selector): full names, namesakes and all.
            Resource(
                "api_person_search",
                [f"/people/?{urlencode({'q': name})}" for _, name in people[:100]],
            ),
        ]
    else:
        log(f"/api/v1/people/ answered {status}: people are not measured")
    return resources


def measure(*, cases: int, requests: int, seed: int, log: Any) -> Iterator[dict[str, Any]]:
    import timing
    from seeding import BENCH_USERNAME

    from habeas.accounts.models import User
    from habeas.api.services import api_token_create

    users = {
        "bench": User.objects.get(username=BENCH_USERNAME),
        "caseworker": timing._caseworker(seed=seed),
    }
    tokens = {
        who: api_token_create(user=user, name="bench/api.py", scope="read", days=1, by=user)[1]
        for who, user in users.items()
    }
    server = _Server()
    try:
        resources = _resources(
            cases=cases, seed=seed, server=server, token=tokens["bench"], log=log
        )
        log("Load average before measuring: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        for resource in resources:
            token = tokens[resource.user]
            for i in range(WARMUP_REQUESTS):
                _check(server, resource, resource.paths[i % len(resource.paths)], token)
            gc.collect()
            timings, queries, cpu = [], [], []
            for i in range(requests):
                path = resource.paths[(WARMUP_REQUESTS + i) % len(resource.paths)]
                started = time.perf_counter()
                status, _body = server.get(path, token)
                timings.append((time.perf_counter() - started) * 1000)
                queries.append(server.queries)
                cpu.append(server.cpu_ms)
                if status != 200:
                    raise SystemExit(f"bench/api.py: {path} answered {status}.")
            timings.sort()
            cpu.sort()
            yield {
                "page": resource.name,
                "cases": cases,
                "p50_ms": round(_percentile(timings, 0.50), 2),
                "p95_ms": round(_percentile(timings, 0.95), 2),
                # CPU time of the serving thread: what a busy machine inflates least.
                "cpu_p50_ms": round(_percentile(cpu, 0.50), 2),
                "cpu_p95_ms": round(_percentile(cpu, 0.95), 2),
                "requests": requests,
                # The usual count: a request that opens a new rate-limit window (once a
                # minute) also deletes the old one's rows.
                "queries": statistics.mode(queries),
            }
    finally:
        server.stop()


def _check(server: _Server, resource: Resource, path: str, token: str) -> None:
    status, body = server.get(path, token)
    if status != 200:
        raise SystemExit(f"bench/api.py: {resource.name}: {path} answered {status}: {body[:200]!r}")


def main() -> None:
    args = _arguments()
    try:
        url = _benchmark_database(args)
    except SystemExit as exc:
        raise SystemExit(str(exc).replace("bench/pages.py", "bench/api.py")) from None
    run(
        prog="bench/api.py",
        args=args,
        url=url,
        measure=lambda log: measure(
            cases=args.cases, requests=args.requests, seed=args.seed, log=log
        ),
        hosts=("127.0.0.1",),
        env={
            "HABEAS_HTTPS": "0",  # plain HTTP on loopback: no redirect to https
            "HABEAS_API_RATE_PER_TOKEN": str(RATE_LIMIT),
            "HABEAS_API_RATE_PER_ADDRESS": str(RATE_LIMIT),
        },
    )


if __name__ == "__main__":
    main()
