from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "broadsheet.web"
    label = "broadsheet_web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from broadsheet.web import device_sessions

        user_logged_in.connect(
            device_sessions.forget_on_login, dispatch_uid="broadsheet.web.device_sessions"
        )
