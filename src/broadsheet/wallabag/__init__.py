"""The wallabag v2 compatible API over core: a door like `api`.

The contract it keeps is ../shared/contracts/wallabag-api.md (docs/wallabag.md says which parts).
"""
