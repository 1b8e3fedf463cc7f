"""The API's alerts resources (owned by apires; mounted by habeas/api/api.py)."""

from ninja import Router

router = Router(tags=["alerts"])
