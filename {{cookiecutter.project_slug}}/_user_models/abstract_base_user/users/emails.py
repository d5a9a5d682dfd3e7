import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

INVALID = EmailValidator.message
INVISIBLE = _("Enter an email address without spaces or invisible characters.")

# The dots that browsers and mail clients treat as the one between domain labels
# (UTS #46); NFKC already turns the fullwidth one into ".".
LABEL_SEPARATORS = str.maketrans({"\u3002": ".", "\uff61": "."})


def canonical_email(address):
    """
    Return the one spelling stored for an email address, or raise ValidationError.

    Two spellings that reach the same mailbox give the same result: the address
    is stripped, NFKC-normalized (fullwidth letters, the Kelvin sign) and
    lower-cased, and its domain is written in ASCII, each internationalized label
    as the "xn--" label that DNS and SMTP use. An address holding a space, a
    control character or an invisible formatting character (Unicode category
    Cf: the soft hyphen, zero-width spaces and joiners, the byte order mark) is
    refused rather than cleaned, since what is shown would differ from what is
    stored.
    """
    if address is None:
        return ""
    # RFC 5321 lets the part before "@" be case-sensitive, but no provider
    # delivers Foo@ and foo@ to different people, and one account per person
    # matters more.
    address = unicodedata.normalize("NFKC", str(address).strip()).lower()
    if any(unicodedata.category(char)[0] in "CZ" for char in address):
        raise ValidationError(INVISIBLE, code="invalid")
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    if not local:
        raise ValidationError(INVALID, code="invalid")
    labels = domain.translate(LABEL_SEPARATORS).split(".")
    return f"{local}@{'.'.join(map(ascii_label, labels))}"


def ascii_label(label):
    """Return a normalized domain label in ASCII, or raise ValidationError."""
    if not label:
        raise ValidationError(INVALID, code="invalid")
    if label.isascii() and not label.startswith("xn--"):
        return label
    if label.isascii():
        # An "xn--" label is kept only if it is the one spelling of a name typed
        # in Unicode; any other, such as one hiding a soft hyphen, is refused.
        try:
            name = label[4:].encode("ascii").decode("punycode")
        except UnicodeError:
            raise ValidationError(INVALID, code="invalid") from None
        if name.isascii() or canonical_email(name) != name:
            raise ValidationError(INVALID, code="invalid")
    else:
        name = label
    return f"xn--{name.encode('punycode').decode('ascii')}"
