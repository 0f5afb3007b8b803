"""The settings page's "Save by e-mail" section: make an address, make a new one (the old one
names nobody from then on), stop taking mail; and what it says when the server takes no mail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from broadsheet.core import mailkeys

pytestmark = pytest.mark.django_db

DOMAIN = "mail.broadsheet.test"
ADDRESS = re.compile(r"save\+[0-9a-f]{32}@mail\.broadsheet\.test")


@pytest.fixture
def mail_on(settings: Any) -> None:
    settings.BROADSHEET_MAIL_DOMAIN = DOMAIN


def _shown(web: Client) -> list[str]:
    page = web.get("/settings/").content.decode()
    assert 'id="save-by-mail"' in page
    return ADDRESS.findall(page)


def test_make_an_address_then_a_new_one_then_stop(
    mail_on: None, web: Client, alice: AbstractBaseUser
) -> None:
    assert _shown(web) == []
    assert "Make my address" in web.get("/settings/").content.decode()
    response = web.post("/settings/mail/new/")
    assert response.status_code == 302
    assert response["Location"] == "/settings/#save-by-mail"
    first = _shown(web)
    assert len(first) == 1 and mailkeys.user_for_recipient(first[0]) == alice
    web.post("/settings/mail/new/")
    second = _shown(web)
    assert len(second) == 1 and second != first
    assert mailkeys.user_for_recipient(first[0]) is None
    assert mailkeys.user_for_recipient(second[0]) == alice
    web.post("/settings/mail/remove/")
    assert _shown(web) == []
    assert mailkeys.user_for_recipient(second[0]) is None


def test_each_reader_sees_only_their_own_address(
    mail_on: None, web: Client, bob: AbstractBaseUser
) -> None:
    from broadsheet.core import services

    services.new_mail_key(bob)
    bobs = mailkeys.address_of(bob)
    assert bobs is not None
    assert bobs not in web.get("/settings/").content.decode()


def test_without_a_mail_domain_the_section_says_so_and_makes_nothing(
    settings: Any, web: Client, alice: AbstractBaseUser
) -> None:
    settings.BROADSHEET_MAIL_DOMAIN = ""
    page = web.get("/settings/").content.decode()
    assert "This server does not take mail yet" in page
    web.post("/settings/mail/new/")
    assert mailkeys.address_of(alice) is None


def test_the_buttons_are_post_only_and_need_a_login(mail_on: None, web: Client) -> None:
    for path in ("/settings/mail/new/", "/settings/mail/remove/"):
        assert web.get(path).status_code == 405
        response = Client().post(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_buttons_need_the_csrf_token(mail_on: None, alice: AbstractBaseUser) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/settings/mail/new/").status_code == 403
    assert mailkeys.address_of(alice) is None
