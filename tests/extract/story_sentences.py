"""Plain news sentences the extraction tests build their story pages from, and the page
they put them in."""

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

# Summaries of other stories, for teaser rails and recirculation boxes after the story.
TEASER_SENTENCES: tuple[str, ...] = (
    "A quiet village fair grew into the largest food festival in the region this summer.",
    "The harbour museum will open a new wing for the fishing fleet's old boats next year.",
    "The night bus network will add four routes to the suburbs from the first of March.",
)


def article_page(body: str, head: str = "") -> str:
    """A page whose <article> holds ``body``."""
    return f"<html><head><title>T</title>{head}</head><body><article>{body}</article></body></html>"


def story(sentences: tuple[str, ...] = STORY_SENTENCES) -> str:
    """The sentences as one paragraph each."""
    return "".join(f"<p>{s}</p>" for s in sentences)


def story_around(middle: str) -> str:
    """The story's first four sentences, then ``middle`` (markup), then the rest: a line set
    inside the story, where a rule about lines of chrome must find it and the story go on."""
    return story(STORY_SENTENCES[:4]) + middle + story(STORY_SENTENCES[4:])
