"""What the sign-up forms of a username login share."""


class EmailRequiredMixin:
    """Require the email address, where a forgotten password's reset is mailed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
