from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person working in the organisation. Roles narrow what they may manage;
    which cases they see is decided by case teams (`cases.CaseMember`)."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "admin", _("Administrator")
        STAFF = "staff", _("Staff")
        VIEWER = "viewer", _("Viewer")

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)

    def __str__(self) -> str:
        return self.username
