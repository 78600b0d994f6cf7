from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from . import views, views_imports, views_merge, views_staff, views_twofactor
from .forms_auth import LoginForm

person_patterns = (
    [
        path("", views.person_list, name="list"),
        path("recherche/", views.person_quick_search, name="quick_search"),
        path("nouvelle/", views.person_create_view, name="create"),
        path("<uuid:public_id>/", views.person_detail, name="detail"),
        path("<uuid:public_id>/modifier/", views.person_update_view, name="update"),
        path("<uuid:public_id>/supprimer/", views.person_delete_view, name="delete"),
        path("<uuid:public_id>/droit-d-acces/", views.person_export_view, name="export"),
        path("<uuid:public_id>/fusionner/", views_merge.person_merge_view, name="merge"),
    ],
    "persons",
)

account_patterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/modifier/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("mot-de-passe/oubli/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

# Django's admin has its own login page; everyone logs in through ours (axes, journal, 2FA).
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "CEIS — administration"
admin.site.site_title = "CEIS"

staff_patterns = (
    [
        path("", views_staff.staff_list, name="list"),
        path("nouveau/", views_staff.staff_create_view, name="create"),
        path("compte/<str:username>/", views_staff.staff_update_view, name="update"),
        path("compte/<str:username>/invitation/", views_staff.staff_invite_view, name="invite"),
        path(
            "compte/<str:username>/desactiver/",
            views_staff.staff_deactivate_view,
            name="deactivate",
        ),
        path(
            "compte/<str:username>/reactiver/", views_staff.staff_reactivate_view, name="reactivate"
        ),
        path(
            "compte/<str:username>/double-authentification/",
            views_staff.staff_second_factor_reset_view,
            name="second_factor_reset",
        ),
    ],
    "staff",
)

import_patterns = (
    [
        path("<uuid:public_id>/", views_imports.job_detail, name="job"),
        path("<uuid:public_id>/confirmer/", views_imports.job_confirm, name="confirm"),
        path("<uuid:public_id>/relancer/", views_imports.job_retry, name="retry"),
    ],
    "imports",
)

twofactor_patterns = (
    [
        path("configurer/", views_twofactor.setup, name="setup"),
        path("verifier/", views_twofactor.verify, name="verify"),
        path("codes-de-secours/", views_twofactor.backup_codes, name="backup_codes"),
    ],
    "twofactor",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("personnes/", include(person_patterns)),
    path("documents/", include("documents.urls")),
    path("journal/", views.journal, name="journal"),
    path("equipe/", include(staff_patterns)),
    path("securite/2fa/", include(twofactor_patterns)),
    path("donnees/", include("ceis.package.urls")),
    path("imports/", include(import_patterns)),
    path("unisvers/", include("unisvers.urls")),
    path("villages/", include("villages.urls")),
    path("rendez-vous/", include("appointments.urls")),
    path("messages/", include("messaging.urls")),
    path("coordination/", include("coordination.urls")),
    path("bilans/", include("reporting.urls")),
    path("administration/", admin.site.urls),
    *account_patterns,
]

handler403 = "ceis.views.error_403"
handler404 = "ceis.views.error_404"
handler500 = "ceis.views.error_500"
