"""ardesk's core: records, money, the ledger and the engine (aging, DSO, behaviour, forecast).

Nothing here imports from ``connectors``, ``excel`` or ``jobs``.
"""
