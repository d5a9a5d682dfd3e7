from django.db import models
from django.db.models.fields.related_descriptors import ReverseOneToOneDescriptor


class AutoCreateReverseOneToOneDescriptor(ReverseOneToOneDescriptor):
    """
    Give a saved instance a related object on first read if it has none yet.

    Rows saved by bulk_create(), update(), loaddata or a data migration never
    received post_save, so "user.profile" would otherwise raise
    RelatedObjectDoesNotExist in whatever code happens to read it first.
    """

    def __get__(self, instance, cls=None):
        try:
            return super().__get__(instance, cls)
        except self.RelatedObjectDoesNotExist:
            # A related row needs the instance's row to point at.
            if instance._state.adding or instance.pk is None:
                raise
        # Routed like any write for this instance; get_or_create() absorbs a
        # concurrent request creating the same row.
        manager = self.related.related_model._base_manager.db_manager(
            hints={"instance": instance}
        )
        related, _ = manager.get_or_create(**{self.related.field.name: instance})
        self.related.set_cached_value(instance, related)
        return related


class AutoCreateOneToOneField(models.OneToOneField):
    """A OneToOneField whose reverse accessor creates the missing related object."""

    related_accessor_class = AutoCreateReverseOneToOneDescriptor

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        # The accessor is Python behaviour, not schema: migrations record a
        # plain OneToOneField, so they never import this module and moving or
        # renaming this class leaves them valid.
        return name, "django.db.models.OneToOneField", args, kwargs
