from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from familyworkbook.access import signin
from familyworkbook.core.views import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="core/sign_in.html"),
        name="login",
    ),
    path("sign-in/code/", signin.enter_code, name="login_code"),
    path("sign-in/set-up/", signin.set_up, name="login_set_up"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("people/", include("familyworkbook.people.urls")),
    path("record/", include("familyworkbook.cases.urls")),
    path("access/", include("familyworkbook.access.urls")),
    path("workbook/", include("familyworkbook.workbook.urls")),
    path("measures/", include("familyworkbook.measures.urls")),
    path("returns/", include("familyworkbook.returns.urls")),
    path("meetings/", include("familyworkbook.meetings.urls")),
    path("insights/", include("familyworkbook.insights.urls")),
    path("documents/", include("familyworkbook.documents.urls")),
    path("retention/", include("familyworkbook.retention.urls")),
    path("imports/", include("familyworkbook.importing.urls")),
    path("subject-access/", include("familyworkbook.subject_access.urls")),
    path("changes/", include("familyworkbook.history.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
