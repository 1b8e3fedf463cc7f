"""The JSON API under /api/v1/ over the services and selectors: tokens, rate limits, schema."""
