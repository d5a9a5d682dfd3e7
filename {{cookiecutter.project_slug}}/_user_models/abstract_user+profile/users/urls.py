from django.urls import path

from users import views
from users.second_factor import SignInView

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("account/", views.AccountView.as_view(), name="account"),
]
