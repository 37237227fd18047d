"""Profiles, avatars and the participation record: what members say about themselves."""

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from society import languages

from ..models import Profile, PublicRecord, Topic, User, new_record_token


def profile_of(user: User) -> Profile:
    """The user's profile, made empty on first need (accounts made by admins have none yet)."""
    return Profile.objects.get_or_create(user=user)[0]


def start_welcome(*, user: User) -> Profile:
    """Called at sign-up: the new member will be shown the welcome step once verified."""
    return Profile.objects.update_or_create(user=user, defaults={"welcomed_at": None})[0]


def needs_welcome(user: User) -> bool:
    """True for a member who signed up and has neither finished nor skipped the welcome step."""
    return Profile.objects.filter(user=user, welcomed_at__isnull=True).exists()


def finish_welcome(*, user: User, now: datetime | None = None) -> None:
    """The welcome step is done (or skipped): it is not shown again."""
    Profile.objects.filter(user=user, welcomed_at__isnull=True).update(
        welcomed_at=now or timezone.now(), updated_at=timezone.now()
    )


def update_profile(
    *,
    user: User,
    name: str,
    details: dict,
    interests: Iterable[Topic],
    avatar: dict[int, bytes] | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Save what the member wrote about themselves; `avatar` holds renditions from members.avatars."""
    with transaction.atomic():
        user.name = name.strip()
        user.save(update_fields=["name", "updated_at"])
        profile = profile_of(user)
        for field_name, value in details.items():
            if field_name == "student_number":
                profile.set_student_number(value)
            else:
                setattr(profile, field_name, value)
        profile.save()
        profile.interests.set(interests)
        if avatar:
            set_avatar(profile=profile, renditions=avatar)
        elif remove_avatar:
            delete_avatar(profile=profile)
    return profile


def choose_language(*, user: User, language: str) -> str:
    """Keep `language` on the member's account: the site and their emails speak it from now
    on. An unknown code is read as the default language; returns the one kept."""
    user.language = languages.supported(language)
    user.save(update_fields=["language", "updated_at"])
    return user.language


def set_avatar(*, profile: Profile, renditions: dict[int, bytes]) -> None:
    """Store re-encoded avatar renditions under new random names, and drop the old files."""
    old_files = [profile.avatar.name, profile.avatar_small.name]
    token = secrets.token_hex(16)  # unguessable: avatars are served without a permission check
    profile.avatar.save(f"{token}-256.jpg", ContentFile(renditions[256]), save=False)
    profile.avatar_small.save(f"{token}-64.jpg", ContentFile(renditions[64]), save=False)
    profile.save(update_fields=["avatar", "avatar_small", "updated_at"])
    delete_files_on_commit(old_files)


def delete_avatar(*, profile: Profile) -> None:
    old_files = [profile.avatar.name, profile.avatar_small.name]
    profile.avatar = profile.avatar_small = ""
    profile.save(update_fields=["avatar", "avatar_small", "updated_at"])
    delete_files_on_commit(old_files)


def delete_files_on_commit(names: Iterable[str]) -> None:
    """Delete stored files once the change that dropped them is committed (never before)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def record_of(user: User) -> PublicRecord:
    """The member's record settings (private until they choose otherwise)."""
    return PublicRecord.objects.get_or_create(user=user)[0]


def share_record(*, user: User, public: bool) -> PublicRecord:
    record = record_of(user)
    record.is_public = public
    record.save(update_fields=["is_public", "updated_at"])
    return record


def reset_record_link(*, user: User) -> PublicRecord:
    """A new address for the record: the old one stops working at once."""
    record = record_of(user)
    record.token = new_record_token()
    record.save(update_fields=["token", "updated_at"])
    return record
