import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

INVALID = EmailValidator.message
INVISIBLE = _("Enter an email address without spaces or invisible characters.")


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
    try:
        # UTS #46 reads a typed domain as browsers and mail servers do, the
        # ideographic full stop as a dot among other things. std3_rules=False
        # keeps an ASCII domain that is no host name, such as "[127.0.0.1]", for
        # the email validator to judge.
        domain = idna.uts46_remap(domain, std3_rules=False)
    except idna.IDNAError:
        raise ValidationError(INVALID, code="invalid") from None
    return f"{local}@{'.'.join(map(ascii_label, domain.split('.')))}"


def ascii_label(label):
    """Return a domain label in ASCII, or raise ValidationError."""
    if not label:
        raise ValidationError(INVALID, code="invalid")
    if label.isascii() and not label.startswith("xn--"):
        # Mail servers pass an ASCII label on as it is.
        return label
    try:
        # IDNA 2008: a Unicode label becomes its "xn--" label, and an "xn--" label
        # is kept only if it spells a label IDNA allows, not one hiding a soft
        # hyphen or a capital letter.
        return idna.alabel(label).decode("ascii")
    except idna.IDNAError:
        raise ValidationError(INVALID, code="invalid") from None
