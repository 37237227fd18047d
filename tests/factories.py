import io
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from events.models import CalendarFeed, Event, EventHost, Registration, Speaker
from events.services import keep_first_attendances
from members.models import CommitteeRole, Membership, Profile, Topic, User
from members.permissions import committee_group
from members.years import current_academic_year
from workshops.models import Material, SeriesSession, StudyGroup, WorkshopSeries

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A member who can log in: password set, email verified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"student{n}@uni.ac.uk")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=extracted is not False, primary=True)

    @factory.post_generation
    def committee(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(committee_group())


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Workshop {n}: neural networks")
    slug = factory.Sequence(lambda n: f"workshop-{n}")
    kind = Event.Kind.WORKSHOP
    summary = "Bring a laptop."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    venue = "Lab 2.14"
    status = Event.Status.PUBLISHED

    class Params:
        # Check-in is open: the event started half an hour ago.
        underway = factory.Trait(starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=30)))


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    affiliation = "University of Somewhere"
    bio = "Works on machine learning."


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration, made directly (the rules have their own tests via events.services).
    One made checked in updates its holder's first attendance, as checking in does."""

    class Meta:
        model = Registration
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def first_attendance(registration, create, extracted, **kwargs):
        if create and registration.checked_in_at is not None:
            keep_first_attendances(users=[registration.user_id])


class EventHostFactory(factory.django.DjangoModelFactory):
    """A host of an event, made directly (events.services.add_host has its own tests)."""

    class Meta:
        model = EventHost

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    role = EventHost.Role.NAMED


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    course = "Computer Science BSc"
    year_of_study = Profile.YearOfStudy.SECOND
    welcomed_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    academic_year = factory.LazyFunction(current_academic_year)
    source = Membership.Source.JOINED


class CommitteeRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeRole

    title = "President"
    user = factory.SubFactory(UserFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))
    order = 0


def image_upload(
    *, size: tuple[int, int] = (400, 300), image_format: str = "PNG", name: str = "photo.png", exif: bytes | None = None
) -> SimpleUploadedFile:
    """An uploaded image made on the spot (a red and blue picture), optionally carrying EXIF data."""
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    image.save(out, format=image_format, **({"exif": exif} if exif else {}))
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{image_format.lower()}")


# --- Workshops ---------------------------------------------------------------------


def pdf_bytes(text: str = "Slides") -> bytes:
    """A small real one-page PDF."""
    from workshops.demo import make_pdf

    return make_pdf(text)


def notebook_bytes(**kwargs) -> bytes:
    """A small real notebook (nbformat 4)."""
    from workshops.demo import make_notebook

    return make_notebook(**kwargs)


MATERIAL_CONTENT = {
    Material.Kind.SLIDES: ("slides.pdf", "application/pdf", pdf_bytes),
    Material.Kind.NOTEBOOK: ("intro.ipynb", "application/x-ipynb+json", notebook_bytes),
    Material.Kind.FILE: ("code.zip", "application/zip", lambda: b"PK\x05\x06" + b"\0" * 18),
}


class WorkshopSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopSeries

    name = factory.Sequence(lambda n: f"Intro to Machine Learning {n}")
    slug = factory.Sequence(lambda n: f"intro-ml-{n}")
    description = "Ten weeks from Python to neural networks."


class SeriesSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeriesSession

    series = factory.SubFactory(WorkshopSeriesFactory)
    event = factory.SubFactory(EventFactory)
    order = factory.Sequence(int)


class MaterialFactory(factory.django.DjangoModelFactory):
    """A material of `kind` with a real file (or a URL for a link); a notebook comes rendered."""

    class Meta:
        model = Material

    event = factory.SubFactory(EventFactory)
    kind = Material.Kind.SLIDES
    title = factory.Sequence(lambda n: f"Material {n}")
    visibility = Material.Visibility.MEMBERS
    url = factory.LazyAttribute(lambda m: "https://github.com/society/workshops" if m.kind == "link" else "")
    original_name = factory.LazyAttribute(lambda m: MATERIAL_CONTENT[m.kind][0] if m.kind != "link" else "")
    content_type = factory.LazyAttribute(lambda m: MATERIAL_CONTENT[m.kind][1] if m.kind != "link" else "")
    file = factory.LazyAttribute(
        lambda m: (
            ContentFile(MATERIAL_CONTENT[m.kind][2](), name=MATERIAL_CONTENT[m.kind][0]) if m.kind != "link" else ""
        )
    )
    size = factory.LazyAttribute(lambda m: m.file.size if m.file else 0)
    rendered_html = factory.LazyAttribute(lambda m: "<div><p>Rendered</p></div>" if m.kind == "notebook" else "")
    rendered_at = factory.LazyAttribute(lambda m: timezone.now() if m.kind == "notebook" else None)


class StudyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyGroup

    name = factory.Sequence(lambda n: f"Attention papers {n}")
    slug = factory.Sequence(lambda n: f"attention-papers-{n}")
    meeting_pattern = "Thursdays 6pm, Lab 2.14"
    capacity = 8
