from django.contrib import admin
from django.urls import include, path, re_path

from broadsheet.api.routes import api
from broadsheet.web import extra_slashes
from broadsheet.web.views import admin_login

urlpatterns = [
    # The admin's login page, behind the login rate limit (before admin.site.urls takes the path).
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # The wallabag v2 API (apps that already exist), behind any extra leading slashes.
    re_path(r"^/*", include("broadsheet.wallabag.urls")),
    path("", include("broadsheet.web.urls")),
    # Any other address with extra leading slashes: the same page, with one (last: it only
    # catches what nothing above answers).
    re_path(r"^/+(?P<rest>.*)$", extra_slashes.one_slash, name="extra-slashes"),
]
