from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "broadsheet.core"
    label = "core"
    verbose_name = "Broadsheet"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import logging

        from broadsheet.core import signals  # noqa: F401  (connects the profile creation)
        from broadsheet.core.logfilters import RedactSecrets

        # Libraries that log on these loggers directly (django-ninja logs on "django") pass the
        # redaction too; Broadsheet's own handler has it in settings.LOGGING.
        for name in ("django", "django.request", "django.server", "waitress"):
            logger = logging.getLogger(name)
            if not any(isinstance(f, RedactSecrets) for f in logger.filters):
                logger.addFilter(RedactSecrets())
