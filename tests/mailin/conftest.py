"""Fixtures of the save-by-mail tests: the mail-in server on loopback, readers with addresses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from broadsheet.mailin.server import MailInServer
from tests.support.mail_in import DOMAIN, mail_in_server


@pytest.fixture
def mail_settings(settings: Any) -> Any:
    settings.BROADSHEET_MAIL_DOMAIN = DOMAIN
    settings.BROADSHEET_MAIL_IN_RATE = 60
    return settings


@pytest.fixture
def mail_in(transactional_db: None, mail_settings: Any) -> Iterator[MailInServer]:
    with mail_in_server() as server:
        yield server


def address_of(user: AbstractBaseUser) -> str:
    from broadsheet.core import mailkeys, services

    services.new_mail_key(user)
    address = mailkeys.address_of(user)
    assert address is not None
    return address
