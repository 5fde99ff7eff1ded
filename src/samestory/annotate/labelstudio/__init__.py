"""Label Studio integration: configs derived from the schema, a thin client, push/pull and conversion.

Only `client` and `sync` talk to the network; `config`, `tasks` and `convert` are pure functions.
"""
