"""Following a topic and its "Make a Difference" links (issue 12): services, matching in the
worker, the API and the pages."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import following, queries, services
from broadsheet.core.errors import (
    Conflict,
    InvalidInput,
    InvalidQuery,
    InvalidURL,
    LimitReached,
    NotFound,
)
from broadsheet.core.models import (
    ACTIONS_PER_TOPIC_MAX,
    TOPICS_PER_USER_MAX,
    ActionLink,
    Item,
    PageSnapshot,
    Topic,
    TopicMatch,
)
from broadsheet.core.snapshots import compress
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

SUMMIT = (
    "Negotiators at the COP29 climate summit in Baku agreed on Sunday to a new climate finance "
    "goal after talks ran two days past their deadline.\n\n"
    "Mukhtar Babayev, the summit's president, said the deal on climate finance was the best "
    "that could be reached. António Guterres, the UN secretary-general, said he had hoped for "
    "more ambition on emissions.\n\n"
    "Babayev told delegates in Baku that the Paris Agreement remained the frame for every "
    "country's emissions plans. Guterres urged rich countries to honour the climate finance "
    "pledge.\n\n"
    "Campaigners asked readers to sign the petition for a fossil fuel treaty."
)
SUMMIT_HTML = (
    "<p>Negotiators at the COP29 climate summit in Baku agreed a climate finance goal.</p>"
    '<p>Campaigners urged readers to <a href="https://treaty.example.org/petition/sign">sign '
    "the petition</a> for a fossil fuel treaty, and to "
    '<a href="https://www.climatefund.example.org/donate">donate to the climate fund</a>.</p>'
)


def _ready(user: AbstractBaseUser, n: int, title: str, text: str, html: str = "") -> Item:
    """A ready story whose kept page holds `html` (with its links) inside the site's chrome,
    and whose extracted text holds `text` and the words of `html`'s paragraphs."""
    body = html or f"<p>{text}</p>"
    words = "\n\n".join(p.text_content() for p in lxml.html.fragments_fromstring(body))
    page = (
        "<html><body><nav><a href='https://donate.example.org/give'>Donate to us</a></nav>"
        f"<article>{body}</article></body></html>"
    ).encode()
    item = services.save_item(user, f"https://site{n}.example/story-{n}")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY,
        title=title,
        text=f"{text}\n\n{words}",
        html=body,
        final_url=f"https://site{n}.example/story-{n}",
        language="en",
    )
    PageSnapshot.objects.create(
        item=item, content=compress(page), final_url=item.url, raw_size=len(page)
    )
    item.refresh_from_db()
    return item


def test_follow_a_story_makes_a_topic_of_its_key_terms(alice: AbstractBaseUser) -> None:
    story = _ready(alice, 1, "COP29 deal in Baku on climate finance", SUMMIT, SUMMIT_HTML)
    topic = services.follow_item(alice, story.pk)
    terms = [t.casefold() for t in queries.terms_of(topic.query)]
    assert "baku" in terms and any("cop" in t for t in terms)
    assert topic.from_item_id == story.pk and topic.name
    assert TopicMatch.objects.filter(topic=topic, item=story).exists()
    proposed = ActionLink.objects.filter(topic=topic, state=ActionLink.State.PROPOSED)
    assert {a.url for a in proposed} >= {"https://treaty.example.org/petition/sign"}
    # The site's own "Donate to us" in its navigation is not the story's: not proposed.
    assert "https://donate.example.org/give" not in {a.url for a in proposed}


def test_a_later_story_on_the_topic_is_found_and_a_passing_mention_is_not(
    alice: AbstractBaseUser,
) -> None:
    topic = services.create_topic(alice, "COP29", "COP29, Baku, climate finance, Guterres")
    later = _ready(
        alice,
        2,
        "Rich nations defend their pledge",
        "Delegates leaving Baku said the climate finance goal would be tested next year.",
    )
    passing = _ready(
        alice,
        3,
        "Cup final in Madrid",
        "The final was played in Madrid. Guterres was not in the stands.",
    )
    assert [t.pk for t in following.match_item(later)] == [topic.pk]
    assert following.match_item(passing) == []
    assert following.rematch_topic(topic) == 1
    assert list(queries.topic_items(topic)) == [later]


def test_changing_the_query_finds_the_stories_again(
    alice: AbstractBaseUser, run_tasks: Callable[[], int]
) -> None:
    river = _ready(alice, 4, "The river dam opens", "The dam on the river opened on Monday.")
    topic = services.create_topic(alice, "Budget", "budget, council")
    run_tasks()
    assert not TopicMatch.objects.filter(topic=topic).exists()
    services.update_topic(alice, topic.pk, query="dam, river")
    run_tasks()
    assert list(queries.topic_items(Topic.objects.get(pk=topic.pk))) == [river]


@pytest.mark.parametrize("query", ["", "   ", ",,,", "-football", "x" * 81])
def test_a_topic_with_no_term_to_look_for_is_refused(alice: AbstractBaseUser, query: str) -> None:
    with pytest.raises(InvalidQuery):
        services.create_topic(alice, "Sport", query)
    assert not Topic.objects.exists()


def test_topic_names_are_one_line_and_bounded(alice: AbstractBaseUser) -> None:
    topic = services.create_topic(alice, "Dams\r\n<b>and</b>\trivers", "dam")
    assert topic.name == "Dams <b>and</b> rivers"
    with pytest.raises(InvalidInput):
        services.create_topic(alice, "x" * 201, "dam")
    with pytest.raises(InvalidInput):
        services.create_topic(alice, " \n ", "dam")


def test_a_reader_follows_a_bounded_number_of_topics(alice: AbstractBaseUser) -> None:
    Topic.objects.bulk_create(
        Topic(user=alice, name=f"t{n}", query=f"t{n}") for n in range(TOPICS_PER_USER_MAX)
    )
    with pytest.raises(LimitReached, match=str(TOPICS_PER_USER_MAX)):
        services.create_topic(alice, "one more", "dam")


def test_action_links_add_keep_dismiss_and_limits(alice: AbstractBaseUser) -> None:
    topic = services.create_topic(alice, "Dams", "dam")
    action = services.add_action(
        alice, topic.pk, url="https://river.example.org/volunteer", title="Volunteer\r\nnow"
    )
    assert action.state == "kept" and action.title == "Volunteer now"
    with pytest.raises(InvalidURL):
        services.add_action(alice, topic.pk, url="javascript:alert(1)", title="x")
    with pytest.raises(Conflict, match="already has that address"):
        services.add_action(alice, topic.pk, url="https://river.example.org/volunteer", title="y")
    services.update_action(alice, topic.pk, action.pk, state="dismissed")
    assert ActionLink.objects.get(pk=action.pk).state == "dismissed"
    with pytest.raises(InvalidInput):
        services.update_action(alice, topic.pk, action.pk, state="gone")
    with pytest.raises(InvalidInput):
        services.update_action(alice, topic.pk, action.pk, note="n" * 1001)
    ActionLink.objects.bulk_create(
        ActionLink(topic=topic, url=f"https://a.example/{n}", title="a")
        for n in range(ACTIONS_PER_TOPIC_MAX)
    )
    with pytest.raises(LimitReached, match=str(ACTIONS_PER_TOPIC_MAX)):
        services.add_action(alice, topic.pk, url="https://b.example/", title="b")


def test_a_dismissed_proposal_is_not_proposed_again(alice: AbstractBaseUser) -> None:
    story = _ready(alice, 1, "COP29 deal in Baku on climate finance", SUMMIT, SUMMIT_HTML)
    topic = services.follow_item(alice, story.pk)
    for action in ActionLink.objects.filter(topic=topic):
        services.update_action(alice, topic.pk, action.pk, state="dismissed")
    assert following.propose_actions(topic, story) == 0
    assert not ActionLink.objects.filter(topic=topic, state="proposed").exists()


def test_topics_and_actions_are_private(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    topic = services.create_topic(alice, "Dams", "dam")
    action = services.add_action(alice, topic.pk, url="https://a.example/", title="a")
    other = services.create_topic(bob, "Bob's", "bob")
    for call in (
        lambda: services.update_topic(bob, topic.pk, name="mine"),
        lambda: services.delete_topic(bob, topic.pk),
        lambda: services.add_action(bob, topic.pk, url="https://b.example/", title="b"),
        lambda: services.update_action(bob, topic.pk, action.pk, state="dismissed"),
        lambda: services.update_action(bob, other.pk, action.pk, state="dismissed"),
        lambda: services.delete_action(bob, other.pk, action.pk),
    ):
        with pytest.raises(NotFound):
            call()
    assert Topic.objects.get(pk=topic.pk).name == "Dams"
    assert ActionLink.objects.get(pk=action.pk).state == "kept"


# --- the API --------------------------------------------------------------------------------------


def test_api_follow_from_a_story_and_by_hand(api: ApiClient, alice: AbstractBaseUser) -> None:
    story = _ready(alice, 1, "COP29 deal in Baku on climate finance", SUMMIT, SUMMIT_HTML)
    r = api.post("/api/v1/topics", {"from_item": story.pk})
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["from_item"] == story.pk and made["stories"] == 1 and made["terms"]
    r = api.post("/api/v1/topics", {"name": "Dams", "query": "dam, river, -football"})
    assert r.status_code == 201 and r.json()["terms"] == ["dam", "river", "-football"]
    topics = api.get("/api/v1/topics").json()
    assert topics["count"] == 2
    r = api.patch(f"/api/v1/topics/{made['id']}", {"name": "Climate talks"})
    assert r.status_code == 200 and r.json()["name"] == "Climate talks"
    items = api.get(f"/api/v1/topics/{made['id']}/items").json()
    assert [i["id"] for i in items["items"]] == [story.pk]
    actions = api.get(f"/api/v1/topics/{made['id']}/actions").json()["actions"]
    proposed = [a for a in actions if a["state"] == "proposed"]
    assert proposed and proposed[0]["source_item"] == story.pk
    r = api.patch(f"/api/v1/topics/{made['id']}/actions/{proposed[0]['id']}", {"state": "kept"})
    assert r.status_code == 200 and r.json()["state"] == "kept"
    r = api.post(
        f"/api/v1/topics/{made['id']}/actions",
        {"url": "https://river.example.org/volunteer", "title": "Volunteer"},
    )
    assert r.status_code == 201 and r.json()["kind"] == ""
    assert api.delete(f"/api/v1/topics/{made['id']}/actions/{r.json()['id']}").status_code == 204
    assert api.delete(f"/api/v1/topics/{made['id']}").status_code == 204
    assert api.get("/api/v1/topics").json()["count"] == 1


BAD_TOPICS = [
    "{}", '{"from_item": 1, "name": "x", "query": "y"}', '{"name": "x"}', '{"query": "y"}',
    '{"name": "x", "query": ""}', '{"name": "x", "query": "-a"}', '{"name": null, "query": "y"}',
    '{"from_item": null}', '{"from_item": 0}', '{"name": "x", "query": "y", "z": 1}',
]  # fmt: skip


@pytest.mark.parametrize("body", BAD_TOPICS)
def test_api_a_bad_topic_is_refused(api: ApiClient, body: str) -> None:
    r = api.request("POST", "/api/v1/topics", body)
    assert r.status_code == 422, r.content
    assert r.json()["error"]["code"] in ("invalid_input", "invalid_query")
    assert not Topic.objects.exists()


def test_api_another_readers_story_cannot_be_followed(
    api: ApiClient, bob: AbstractBaseUser
) -> None:
    story = _ready(bob, 1, "COP29 deal in Baku on climate finance", SUMMIT, SUMMIT_HTML)
    r = api.post("/api/v1/topics", {"from_item": story.pk})
    assert r.status_code == 404 and not Topic.objects.exists()


def test_api_me_patch_sets_the_newsletter(api: ApiClient) -> None:
    r = api.patch(
        "/api/v1/me",
        {
            "email": "alice@example.org",
            "digest": "daily",
            "digest_hour": 7,
            "timezone": "Europe/Paris",
        },
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["digest"] == "daily" and body["email"] == "alice@example.org"
    assert body["next_digest_at"] is not None
    for bad in (
        {"email": "a@example.org\r\nBcc: b@example.org"},
        {"digest_hour": 24},
        {"digest_hour": "7"},
        {"timezone": "Nowhere/City"},
        {"digest": None},
        {"digest": "hourly"},
    ):
        r = api.patch("/api/v1/me", bad)
        assert r.status_code == 422, (bad, r.content)
    assert api.get("/api/v1/me").json()["email"] == "alice@example.org"


# --- the pages ------------------------------------------------------------------------------------


def test_follow_from_the_reader_view_and_see_the_action_under_another_story(
    web: Client, alice: AbstractBaseUser
) -> None:
    story = _ready(alice, 1, "COP29 deal in Baku on climate finance", SUMMIT, SUMMIT_HTML)
    page = web.get(f"/items/{story.pk}/").content.decode()
    assert "Come back to this topic" in page and "Follow this topic" in page
    r = web.post(f"/items/{story.pk}/follow/")
    assert r.status_code == 302 and r["Location"] == f"/items/{story.pk}/#topic"
    topic = Topic.objects.get()
    r = web.post(
        f"/topics/{topic.pk}/actions/",
        {"title": "Volunteer with the river trust", "url": "https://river.example.org/volunteer"},
    )
    assert r.status_code == 302
    second = _ready(
        alice, 2, "Baku talks: what the climate finance deal means", "Baku and COP29 again."
    )
    following.match_item(second)
    page = web.get(f"/items/{second.pk}/").content.decode()
    assert "Make a Difference" in page and "Volunteer with the river trust" in page
    assert 'href="https://river.example.org/volunteer"' in page
    following_page = web.get("/following/").content.decode()
    assert topic.name in following_page


def test_a_bad_query_on_the_topic_page_comes_back_with_the_reason(
    web: Client, alice: AbstractBaseUser
) -> None:
    topic = services.create_topic(alice, "Dams", "dam")
    r = web.post(f"/topics/{topic.pk}/", {"name": "Dams", "query": "-football"})
    assert r.status_code == 422 and "-football" in r.content.decode()
    assert Topic.objects.get(pk=topic.pk).query == "dam"
