from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("account/language/", views.account_language, name="account_language"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path("account/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("account/sessions/end/", views.sessions_end_others, name="sessions_end_others"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:user_id>/", views.user_detail, name="user_detail"),
    path("users/<uuid:user_id>/role/", views.user_role, name="user_role"),
    path("users/<uuid:user_id>/disable/", views.user_disable, name="user_disable"),
    path("users/<uuid:user_id>/enable/", views.user_enable, name="user_enable"),
    path(
        "users/<uuid:user_id>/two-factor/reset/",
        views.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
]
