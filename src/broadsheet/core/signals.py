"""Every user has a profile, however the user was created (sign-up, CLI, admin, createsuperuser)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from broadsheet.core.models import Profile
from broadsheet.core.queries import default_quota


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _create_profile(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        Profile.objects.get_or_create(user=instance, defaults={"quota": default_quota(instance)})
