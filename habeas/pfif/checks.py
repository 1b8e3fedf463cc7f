"""The check that PFIF's record ids and links say where this installation is.

Left at their defaults, HABEAS_SITE_URL (http://127.0.0.1:8000) and so
HABEAS_PFIF_DOMAIN (its host) make every `source_url` and `photo_url` a link
that works on the server only, and every record id `127.0.0.1/person.…`, the
same in every installation left at the default: a partner merging two such
files mixes their people. The feed still works (a test instance needs no
address); `habeas check`, which `serve` and `migrate` run too, says so.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register


def _is_local(host: str | None) -> bool:
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# A deploy check: a demo or a laptop on loopback is right to stay local, and every
# command (make run included) would otherwise print it.
@register(deploy=True)
def check_pfif_addresses(app_configs: Any = None, **kwargs: Any) -> list:
    messages: list = []
    site = settings.HABEAS_SITE_URL
    if _is_local(urlsplit(site).hostname):
        messages.append(
            Warning(
                f"HABEAS_SITE_URL is {site}, an address of this machine only: the links "
                "in PFIF files and the public feed (and in alert messages) do not open "
                "anywhere else.",
                hint="Set HABEAS_SITE_URL to the address people reach Habeas at "
                "(https://habeas.example.org) before sharing PFIF.",
                id="habeas.W301",
            )
        )
    if not settings.HABEAS_PFIF_DOMAIN and _is_local(urlsplit(site).hostname):
        messages.append(
            Warning(
                "PFIF record ids start with the host of HABEAS_SITE_URL, "
                f"{urlsplit(site).hostname or 'localhost'}: every installation left at the "
                "default writes the same ids, and a partner receiving files from two of "
                "them mixes their people.",
                hint="Set HABEAS_PFIF_DOMAIN (or HABEAS_SITE_URL) to a domain of your "
                "organisation before sharing PFIF, once: partners recognise records by it.",
                id="habeas.W302",
            )
        )
    return messages
