from django.db import models, router, transaction


class ProfileManager(models.Manager):
    """Bulk operations that keep the one-profile-per-user rule."""

    def _user_model(self):
        return self.model._meta.get_field("user").related_model

    def _write_db(self):
        return self._db or router.db_for_write(self.model)

    async def aget_for_user(self, user):
        """
        Return the user's profile: the loaded one, else read, else created.

        This is user.profile for async code, where reading an attribute cannot
        run a query.
        """
        field = self.model._meta.get_field("user")
        profile = field.remote_field.get_cached_value(user, default=None)
        if profile is None:
            manager = self.db_manager(hints={"instance": user})
            profile, _ = await manager.aget_or_create(user=user)
            # Cached both ways, as user.profile would: then user.profile and
            # profile.user are plain reads, which async code may do.
            field.remote_field.set_cached_value(user, profile)
            field.set_cached_value(profile, user)
        return profile

    def create_missing(self):
        """Create a profile for every user who has none; return how many."""
        using = self._write_db()
        missing = (
            self._user_model()
            ._base_manager.using(using)
            .filter(profile__isnull=True)
            .values_list("pk", flat=True)
        )
        # One SELECT and one INSERT however many users there are (bulk_create()
        # only splits very large batches); a profile that a concurrent request
        # creates in between is skipped instead of failing the whole run.
        profiles = self.using(using).bulk_create(
            [self.model(user_id=pk) for pk in missing], ignore_conflicts=True
        )
        return len(profiles)

    def bulk_create_with_users(self, profiles, batch_size=None):
        """
        Save new users and their profiles in bulk, in one transaction.

        Each profile's user is an unsaved user; set its password with
        set_password() or set_unusable_password() first. As with bulk_create(),
        no signals are sent and no save() method is called.
        """
        profiles = list(profiles)
        users = [profile.user for profile in profiles]
        user_model = self._user_model()
        using = self._write_db()
        with transaction.atomic(using=using, savepoint=False):
            user_model._base_manager.using(using).bulk_create(
                users, batch_size=batch_size
            )
            if any(user.pk is None for user in users):
                # Some databases (MySQL) return no primary keys from a bulk
                # insert: read them back through the unique username.
                name = user_model.USERNAME_FIELD
                usernames = [getattr(user, name) for user in users]
                pks = dict(
                    user_model._base_manager.using(using)
                    .filter(**{f"{name}__in": usernames})
                    .values_list(name, "pk")
                )
                for user in users:
                    user.pk = pks[getattr(user, name)]
            return self.using(using).bulk_create(profiles, batch_size=batch_size)
