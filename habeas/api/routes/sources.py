"""The API's sources resources (owned by apires; mounted by habeas/api/api.py)."""

from ninja import Router

router = Router(tags=["sources"])
