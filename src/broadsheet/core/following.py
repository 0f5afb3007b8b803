"""Followed topics, kept up: which of a reader's stories are on which topic, the topic a story
proposes, and the "Make a Difference" links its text offers.

The judging is pure (`broadsheet.similar.keyterms`, `broadsheet.similar.topics`,
`broadsheet.extract.actions`); this module reads and writes the rows. Services call it for the
one story a reader follows; the worker calls it for every story that becomes ready and for a
topic's whole library when its query changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from broadsheet.core.models import (
    ACTION_TITLE_MAX_CHARS,
    ACTIONS_PER_TOPIC_MAX,
    TOPIC_NAME_MAX_CHARS,
    ActionLink,
    FeedEntry,
    Item,
    PageSnapshot,
    Topic,
    TopicMatch,
)
from broadsheet.core.snapshots import decompress
from broadsheet.extract.actions import action_candidates, story_link_html
from broadsheet.similar.keyterms import key_terms, topic_query
from broadsheet.similar.topics import QueryError, TopicQuery, format_term, parse_query

log = logging.getLogger("broadsheet.following")

# How many key terms name a topic made from a story, and how many make its query.
NAME_TERMS = 3
QUERY_TERMS = 6
# A rematch reads the library this many stories at a time.
CHUNK = 500


@dataclass(frozen=True)
class Proposal:
    name: str
    query: str


def propose(item: Item) -> Proposal | None:
    """The topic a story is about: its key terms as the query, the first few as the name. None
    when the story has no terms to follow (not fetched yet, or too short)."""
    terms = key_terms(item.title, item.text, language=item.language)
    if not terms:
        return None
    query = topic_query(terms, max_terms=QUERY_TERMS)
    try:
        parsed = parse_query(query)
    except QueryError:
        return None
    name = ", ".join(t.term for t in terms[:NAME_TERMS])[:TOPIC_NAME_MAX_CHARS]
    return Proposal(name=name, query=parsed.canonical())


def proposal_terms(proposal: Proposal) -> list[str]:
    """A proposed topic's terms, as the reader view shows them before the reader follows it."""
    return [format_term(t.text, exclude=t.exclude) for t in parse_query(proposal.query).terms]


def compiled(topic: Topic) -> TopicQuery | None:
    try:
        return parse_query(topic.query)
    except QueryError:
        # A stored query is canonical, so this is an older syntax: the topic matches nothing
        # until the reader edits it.
        log.warning("topic %s: its stored query no longer parses", topic.pk)
        return None


def record(
    topic: Topic, query: TopicQuery | None, title: str, text: str, **story: Item | FeedEntry
) -> bool:
    """Match one story (`item=` a saved one, or `entry=` a feed's) against one topic and keep
    its TopicMatch row true; whether it matches."""
    found = query.matches(title, text) if query is not None else None
    rows = TopicMatch.objects.filter(topic=topic, **story)
    if found is None:
        rows.delete()
        return False
    matched = ", ".join(found.matched)[:500]
    if not rows.update(score=found.score, matched=matched):
        try:
            with transaction.atomic():
                TopicMatch.objects.create(topic=topic, score=found.score, matched=matched, **story)
        except IntegrityError:
            pass  # a concurrent run recorded it first
    return True


def match_item(item: Item) -> list[Topic]:
    """Match a ready story against every topic its reader follows; propose the action links
    its text holds to the topics it is on. The topics it is on."""
    if item.status != Item.Status.READY or item.deleted_at is not None:
        return []
    on: list[Topic] = []
    for topic in Topic.objects.filter(user_id=item.user_id):
        if record(topic, compiled(topic), item.title, item.text, item=item):
            on.append(topic)
            propose_actions(topic, item)
    return on


def rematch_topic(topic: Topic) -> int:
    """Match the topic against the reader's whole library (after it was made or its query
    changed); how many stories are on it. The story it was made from stays on it."""
    query = compiled(topic)
    kept: set[int] = set()
    stories = Item.objects.filter(
        user_id=topic.user_id, status=Item.Status.READY, deleted_at__isnull=True
    ).only("id", "title", "text", "html", "url", "final_url", "status", "user_id", "deleted_at")
    for item in stories.iterator(chunk_size=CHUNK):
        if record(topic, query, item.title, item.text, item=item) or item.pk == topic.from_item_id:
            kept.add(item.pk)
    if topic.from_item_id is not None and topic.from_item_id in kept:
        pin(topic, topic.from_item_id)
    TopicMatch.objects.filter(topic=topic).exclude(item_id__in=kept).delete()
    return len(kept)


def pin(topic: Topic, item_id: int) -> None:
    """The story a topic was made from is on it, whatever its query says now."""
    if not TopicMatch.objects.filter(topic=topic, item_id=item_id).exists():
        try:
            with transaction.atomic():
                TopicMatch.objects.create(topic=topic, item_id=item_id, score=1.0)
        except IntegrityError:
            pass


def propose_actions(topic: Topic, item: Item) -> int:
    """Add the saved story's action-link candidates to the topic as proposals: the links of
    its kept page that stand in the story's own paragraphs (the stored body has no links)."""
    snapshot = PageSnapshot.objects.filter(item=item).first()
    if snapshot is None:
        return 0
    page = decompress(snapshot.content).decode(snapshot.charset or "utf-8", errors="replace")
    html = story_link_html(page, item.text)
    return propose_links(topic, html, item.final_url or item.url, source=item)


def propose_links(topic: Topic, html: str, base_url: str, *, source: Item | None) -> int:
    """Add a story's action-link candidates (from its sanitised HTML) to the topic as proposals
    (never again one the reader dismissed: its row stays); how many were added."""
    room = (
        ACTIONS_PER_TOPIC_MAX
        - ActionLink.objects.filter(topic=topic).exclude(state=ActionLink.State.DISMISSED).count()
    )
    if room <= 0 or not html:
        return 0
    known = set(ActionLink.objects.filter(topic=topic).values_list("url", flat=True))
    added = 0
    for candidate in action_candidates(html, base_url):
        if added >= room:
            break
        if candidate.url in known or len(candidate.url) > 4096:
            continue
        try:
            with transaction.atomic():
                ActionLink.objects.create(
                    topic=topic,
                    url=candidate.url,
                    title=candidate.title[:ACTION_TITLE_MAX_CHARS] or candidate.url[:200],
                    kind=candidate.kind,
                    state=ActionLink.State.PROPOSED,
                    source_item=source,
                )
        except IntegrityError:
            continue
        known.add(candidate.url)
        added += 1
    return added
