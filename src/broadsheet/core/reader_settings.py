"""How a reader likes to read: text size, line width, serif or sans, and a colour theme.

Kept with the account (the Profile's ``reader_*`` fields) and, when the reader says "on this
device only", in a cookie of that browser, which wins over the account's (a phone in bed may want
dark and large, the desk light and narrow). The page shows them as classes on ``<html>`` (no
inline style: the CSP allows none), so every value is one of a short list of steps that the
stylesheet has a rule for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from broadsheet.core import profiles, queries
from broadsheet.core.errors import InvalidInput, NotFound
from broadsheet.core.models import Profile

#: Text size, percent of the reader view's normal size (app.css has a `size-N` rule for each).
FONT_SIZES = (80, 90, 100, 110, 120, 135, 150)
#: Line width of the story, in em of its text (app.css has a `width-N` rule for each).
WIDTHS = (28, 31, 34, 38, 42)
FACES = tuple(Profile.Face.values)
THEMES = tuple(Profile.Theme.values)
#: The browser's own choice, when it has one: "SIZE.WIDTH.FACE.THEME", e.g. "110.38.sans.dark".
COOKIE_NAME = "broadsheet_reader"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie


@dataclass(frozen=True)
class ReaderSettings:
    font_size: int = 100
    width: int = 34
    face: str = Profile.Face.SERIF.value
    theme: str = Profile.Theme.SYSTEM.value

    def classes(self) -> str:
        """The classes on ``<html>`` that apply these settings."""
        return f"theme-{self.theme} face-{self.face} size-{self.font_size} width-{self.width}"

    def cookie_value(self) -> str:
        return f"{self.font_size}.{self.width}.{self.face}.{self.theme}"


DEFAULT = ReaderSettings()


def parse(font_size: object, width: object, face: object, theme: object) -> ReaderSettings:
    """Settings from a form's strings (or numbers); InvalidInput, in the reader's words, for any
    value that is not one of the steps offered."""
    size = _number(font_size)
    if size not in FONT_SIZES:
        raise InvalidInput(
            "The text size is one of " + ", ".join(f"{n} %" for n in FONT_SIZES) + "."
        )
    line = _number(width)
    if line not in WIDTHS:
        raise InvalidInput("The line width is one of " + ", ".join(map(str, WIDTHS)) + " em.")
    if face not in FACES:
        raise InvalidInput("The typeface is serif or sans.")
    if theme not in THEMES:
        raise InvalidInput("The theme is light, sepia, dark or as the device.")
    return ReaderSettings(font_size=size, width=line, face=str(face), theme=str(theme))


def _number(value: object) -> int:
    if isinstance(value, bool):
        return -1
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip()[:4])
    return -1


def _nearest(value: int, steps: tuple[int, ...]) -> int:
    return min(steps, key=lambda step: (abs(step - value), step))


def of_profile(profile: Profile) -> ReaderSettings:
    """The account's settings; a value set outside the form (the admin) snaps to a step."""
    return ReaderSettings(
        font_size=_nearest(profile.reader_font_size, FONT_SIZES),
        width=_nearest(profile.reader_width, WIDTHS),
        face=profile.reader_face if profile.reader_face in FACES else DEFAULT.face,
        theme=profile.reader_theme if profile.reader_theme in THEMES else DEFAULT.theme,
    )


def from_cookie(raw: str | None) -> ReaderSettings | None:
    """This device's settings, or None when the cookie is missing or not ours to trust."""
    if not raw or len(raw) > 40:
        return None
    parts = raw.split(".")
    if len(parts) != 4:
        return None
    try:
        return parse(*parts)
    except InvalidInput:
        return None


@dataclass(frozen=True)
class InForce:
    """What a page applies, and where it came from (the settings form says which)."""

    settings: ReaderSettings
    account: ReaderSettings
    device: ReaderSettings | None


def in_force(user: AbstractBaseUser | AnonymousUser, cookie: str | None) -> InForce:
    """This device's settings when it has its own, else the account's (the defaults for a
    visitor who is not logged in)."""
    account = of_profile(queries.profile_of(user)) if user.is_authenticated else DEFAULT
    device = from_cookie(cookie)
    return InForce(settings=device or account, account=account, device=device)


def save_for_account(user: AbstractBaseUser | AnonymousUser, settings: ReaderSettings) -> None:
    """Keep the settings with the reader's account (every device without its own)."""
    if not user.is_authenticated:
        raise NotFound()
    with transaction.atomic():
        profile = profiles.locked(user)
        profile.reader_font_size = settings.font_size
        profile.reader_width = settings.width
        profile.reader_face = settings.face
        profile.reader_theme = settings.theme
        profile.save(
            update_fields=["reader_font_size", "reader_width", "reader_face", "reader_theme"]
        )
