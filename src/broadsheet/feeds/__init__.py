"""Feed and OPML bytes in, entries out (no Django, no HTTP: fetching stays in broadsheet.fetch)."""
