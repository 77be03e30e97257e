"""Model adapters: typed requests/responses, one Protocol per capability, a registry.

Importing this package imports neither torch nor any adapter; adapters are loaded
lazily by :func:`gazex_bench.models.registry.create_adapter`.
"""
