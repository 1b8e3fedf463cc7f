"""The API's advocacy resources (owned by apires; mounted by habeas/api/api.py)."""

from ninja import Router

router = Router(tags=["advocacy"])
