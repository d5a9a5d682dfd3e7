"""Mail printed to the console while developing."""

from django.core.mail.backends import console


class ConsoleEmailBackend(console.EmailBackend):
    """
    Django's console backend, printing each message's text as it was written.

    From Django 6.0 the console shows a message encoded as it would travel to a
    mail server, where a line longer than 78 characters, as most links are, is
    quoted-printable and broken with "=" at the ends of lines: a link copied from
    the console would not work.
    """

    def write_message(self, message):
        headers = {
            "Subject": message.subject,
            "From": message.from_email,
            "To": ", ".join(message.to),
        }
        for name, value in headers.items():
            self.stream.write(f"{name}: {value}\n")
        self.stream.write(f"\n{message.body}\n")
        self.stream.write("-" * 79 + "\n")
