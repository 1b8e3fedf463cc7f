"""The page benchmark's measurements: each page requested through Django's test client,
timed, after a warm-up; one result per page. See bench/README.md, "What is measured"."""

from __future__ import annotations

import fnmatch
import gc
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from seeding import BENCH_USERNAME, BenchError, Log

from habeas.accounts.models import User
from habeas.cases.models import Case, CaseMember, PersonName

# The usual caseworker: on a few dozen cases of a large register. Added when pages are
# measured (not seeded), so a database seeded before it existed is still reused.
CASEWORKER_USERNAME = "bench-caseworker"
CASEWORKER_CASES = 30
WARMUP_REQUESTS = 10


@dataclass
class Page:
    name: str
    urls: list[str]  # requested in turn
    # For searches: a link each response should contain (the person searched for).
    expect: list[str] = field(default_factory=list)
    # Who asks: "bench" (on every case) or "caseworker" (on CASEWORKER_CASES of them).
    user: str = "bench"


def _percentile(sorted_ms: list[float], fraction: float) -> float:
    if len(sorted_ms) == 1:
        return sorted_ms[0]
    cuts = statistics.quantiles(sorted_ms, n=100, method="inclusive")
    return cuts[round(fraction * 100) - 1]


def pages_to_measure(*, cases: int, seed: int) -> list[Page]:
    """The pages and the URLs to request: fixed by the seed, so runs compare."""
    rng = random.Random(seed + 1)
    ids = list(Case.objects.values_list("pk", flat=True).order_by("pk"))
    chosen = rng.sample(ids, min(len(ids), 200))
    case_urls = [
        f"/cases/{public_id}/"
        for public_id in Case.objects.filter(pk__in=chosen).values_list("public_id", flat=True)
    ]
    rng.shuffle(case_urls)
    # A deep page of the list: the one starting after the 25,000th case (page 500 of 50
    # cases), found by the cursor of its predecessor as the "Next" links are.
    order = Case.objects.order_by("priority", "reference").values_list("priority", "reference")
    priority, reference = order[min(cases, 25_000) - 1]
    deep = urlencode({"after": f"{priority}:{reference}"})

    people = rng.sample(ids, min(len(ids), 400))
    names = (
        PersonName.objects.filter(person__cases__in=people)
        .order_by("person_id", "id")
        .values_list("person__public_id", "text", "script", "language")
    )
    by_language: dict[str, list[tuple[str, str]]] = {"ru": [], "tk": [], "en": []}
    for public_id, text, _script, language in names:
        by_language[language].append((text, f"/people/{public_id}/"))

    def search(pairs: list[tuple[str, str]], pick: Callable[[str], str]) -> tuple[list, list]:
        pairs = pairs[:100]
        urls = [f"/search/?{urlencode({'q': pick(text)})}" for text, _ in pairs]
        return urls, [link for _, link in pairs]

    pages = [
        Page("dashboard", ["/"]),
        Page("case_list", ["/cases/"]),
        Page("case_list_filtered", ["/cases/?status=presumed_ed&priority=2"]),
        Page("case_list_silent", ["/cases/?silent_days=30"]),
        Page("case_list_deep", [f"/cases/?{deep}"]),
        Page("case_list_last", ["/cases/?last=1"]),
        Page("case", case_urls),
        Page("dashboard_caseworker", ["/"], user="caseworker"),
        Page("case_list_caseworker", ["/cases/"], user="caseworker"),
        Page("case_list_silent_caseworker", ["/cases/?silent_days=30"], user="caseworker"),
    ]
    for name, language, pick in (
        ("search_latin", "en", lambda text: text),
        ("search_cyrillic", "ru", lambda text: text),
        ("search_turkmen", "tk", lambda text: text),
        ("search_surname", "ru", lambda text: text.split()[-1]),
    ):
        urls, expect = search(by_language[language], pick)
        if urls:
            pages.append(Page(name, urls, expect if name != "search_surname" else []))
    return pages


def measure(
    *, cases: int, requests: int, seed: int, log: Log, only: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """One result per page: p50/p95 of `requests` timed requests after a warm-up.
    `only`: names or shell patterns of the pages to measure (all if empty)."""
    pages = pages_to_measure(cases=cases, seed=seed)
    if only:
        pages = [p for p in pages if any(fnmatch.fnmatchcase(p.name, name) for name in only)]
        if not pages:
            raise BenchError(f"No page is called {', '.join(only)}.")
    users = {
        "bench": User.objects.get(username=BENCH_USERNAME),
        "caseworker": _caseworker(seed=seed),
    }
    clients = {who: Client() for who in users}
    for who, client in clients.items():
        client.force_login(users[who])
    # Timings are only comparable on an otherwise idle machine: say if it was not.
    log("Load average before measuring: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    close_old_connections()
    for page in pages:
        client = clients[page.user]
        for i in range(WARMUP_REQUESTS):
            _get(client, page.name, page.urls[i % len(page.urls)])
        gc.collect()
        timings, cpu, missed, shown = [], [], 0, []
        for i in range(requests):
            which = (WARMUP_REQUESTS + i) % len(page.urls)
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(page.urls[which])
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            _check(response, page.name, page.urls[which])
            # Search pages must show the person whose name was searched for.
            if page.expect and page.expect[which].encode() not in response.content:
                missed += 1
            if page.name.startswith("search_"):  # a name shared by more people shows more
                shown.append(response.content.count(b'<li><a href="/people/'))
            # What Habeas does after each request: close the connection unless it may be
            # kept (CONN_MAX_AGE; 0 on SQLite), so the next request pays for opening it.
            close_old_connections()
        with CaptureQueriesContext(connection) as queries:
            _get(client, page.name, page.urls[0])
        close_old_connections()
        timings.sort()
        cpu.sort()
        result = {
            "page": page.name,
            "cases": cases,
            "p50_ms": round(_percentile(timings, 0.50), 2),
            "p95_ms": round(_percentile(timings, 0.95), 2),
            # The CPU time the process spent on the request (SQLite works in-process):
            # what a busy machine inflates least, as it leaves out waiting for a core.
            "cpu_p50_ms": round(_percentile(cpu, 0.50), 2),
            "requests": requests,
            "queries": len(queries),
        }
        if shown:
            result["people_shown"] = round(statistics.mean(shown), 1)
        if page.expect:
            result["missed"] = missed
            if missed:
                log(f"  {page.name}: the person searched for was not shown {missed} times")
        yield result


def _caseworker(*, seed: int) -> User:
    """The caseworker user, on CASEWORKER_CASES cases chosen by the seed (made once)."""
    user = User.objects.filter(username=CASEWORKER_USERNAME).first()
    if user is not None:
        return user
    ids = list(Case.objects.values_list("pk", flat=True).order_by("pk"))
    chosen = random.Random(seed + 2).sample(ids, min(len(ids), CASEWORKER_CASES))
    with transaction.atomic():
        user = User(username=CASEWORKER_USERNAME, role=User.Role.STAFF)
        user.set_unusable_password()
        user.save()
        CaseMember.objects.bulk_create(
            CaseMember(case_id=pk, user=user, role=CaseMember.Role.MEMBER) for pk in chosen
        )
    return user


def _get(client: Client, name: str, url: str):
    response = client.get(url)
    _check(response, name, url)
    close_old_connections()
    return response


def _check(response, name: str, url: str) -> None:
    if response.status_code != 200:
        raise BenchError(f"The {name} page answered {response.status_code} for {url}.")
