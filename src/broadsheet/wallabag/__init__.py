"""The wallabag v2 compatible API over core: a door like `api` (../shared/contracts/wallabag-api.md)."""
