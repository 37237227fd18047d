"""The workshops admin keeps the rules: a material's file goes with it, and study-group
places are taken on the site (join_study_group keeps to the places), not typed in here."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MaterialFactory, StudyGroupFactory, UserFactory, WorkshopSeriesFactory
from workshops import services
from workshops.models import Material

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(admin_client):
    return admin_client


def test_deleting_a_material_in_the_admin_deletes_its_file(admin_client_):
    material = MaterialFactory()
    storage, name = material.file.storage, material.file.name

    response = admin_client_.post(reverse("admin:workshops_material_delete", args=[material.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert (Material.objects.count(), storage.exists(name)) == (0, False)


def test_study_group_members_are_shown_not_added_in_the_admin(admin_client_):
    group = StudyGroupFactory(capacity=1)

    page = admin_client_.get(reverse("admin:workshops_studygroup_change", args=[group.pk]))

    [inline] = [i for i in page.context["inline_admin_formsets"] if i.opts.model.__name__ == "StudyGroupMembership"]
    assert (inline.has_add_permission, inline.has_delete_permission) == (False, False)


def test_study_group_places_below_its_members_are_refused_in_the_admin(admin_client_):
    group = StudyGroupFactory(capacity=3, name="Kaggle team")
    for _ in range(2):
        services.join_study_group(group=group, user=UserFactory())
    data = {
        "name": group.name, "slug": group.slug, "meeting_pattern": group.meeting_pattern, "capacity": 1,
        "meeting_minutes": 60, "memberships-TOTAL_FORMS": 2, "memberships-INITIAL_FORMS": 2,
    }  # fmt: skip

    response = admin_client_.post(reverse("admin:workshops_studygroup_change", args=[group.pk]), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"] == [
        "Kaggle team has 2 members: its places cannot be fewer. Nobody is removed by hand."
    ]
    group.refresh_from_db()
    assert group.capacity == 3


def test_a_retired_series_takes_no_new_sessions_in_the_admin(admin_client_):
    series = WorkshopSeriesFactory(retired_at=timezone.now())

    page = admin_client_.get(reverse("admin:workshops_workshopseries_change", args=[series.pk]))

    [inline] = [i for i in page.context["inline_admin_formsets"] if i.opts.model.__name__ == "SeriesSession"]
    assert inline.has_add_permission is False
