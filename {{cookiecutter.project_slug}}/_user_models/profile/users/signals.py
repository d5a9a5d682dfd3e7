from users.models import Profile


def create_profile(sender, instance, created, raw, using, **kwargs):
    """Give a new user its profile, in the database the user was saved to."""
    # loaddata saves rows as they are (raw): a fixture brings its own profiles,
    # and one created here would collide with the fixture's row.
    if not created or raw:
        return
    try:
        Profile.objects.using(using).get_or_create(user=instance)
    except Exception:
        # post_save is sent after the user's INSERT: in autocommit that row is
        # already committed, and inside atomic() a caller that catches this
        # error would commit it. Either way the user would have no profile.
        instance.delete(using=using)
        raise
