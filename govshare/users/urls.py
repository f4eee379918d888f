"""Account pages. No namespace: settings refer to "login" and the pages of every app link to these names."""

from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.TokenListView.as_view(), name="token_list"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserEditView.as_view(), name="user_add"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/roles/", views.UserRolesView.as_view(), name="user_roles"),
    path("roles/", views.RoleAssignmentListView.as_view(), name="role_assignment_list"),
]
