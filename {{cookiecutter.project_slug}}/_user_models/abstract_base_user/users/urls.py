from django.urls import path

from users import views
from users.forms import LoginForm
from users.second_factor import SignInView

urlpatterns = [
    path("login/", SignInView.as_view(authentication_form=LoginForm), name="login"),
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("signup/done/", views.SignUpDoneView.as_view(), name="signup_done"),
    path("activate/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path(
        "signup/finish/<uidb64>/<token>/",
        views.FinishSignUpView.as_view(),
        name="finish_signup",
    ),
    path("account/", views.AccountView.as_view(), name="account"),
    path(
        "account/email/<token>/",
        views.ConfirmEmailView.as_view(),
        name="confirm_email",
    ),
]
