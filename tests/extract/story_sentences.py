"""Plain news sentences the extraction tests build their story pages from."""

STORY_SENTENCES: tuple[str, ...] = (
    "The council voted on Tuesday to reopen the old river crossing after a year of repairs.",
    "Engineers said the new deck would carry buses, bicycles and people on foot all year.",
    "Residents on both banks had collected signatures for the reopening since last spring.",
    "The first buses are expected to use the crossing before the end of the month.",
    "A ceremony is planned for the weekend, with a brass band and the mayor in attendance.",
    "Shops near the bridge said the closure had cost them a third of their trade.",
    "Traffic on the ring road is expected to fall by a fifth once the crossing reopens.",
    "The old ferry, which carried commuters during the repairs, will return to its museum.",
)
