"""The site's texts the committee edits: the about page, the contact details, the privacy notice's contact."""

import pytest
from django.test import Client
from django.urls import reverse

from members import services
from members.models import SiteText
from members.selectors import site_texts
from tests.factories import UserFactory
from tests.querycount import assert_constant_queries

ABOUT = SiteText.Key.ABOUT


@pytest.mark.django_db
def test_about_page_shows_todays_text_until_someone_edits_it(client):
    page = client.get(reverse("members:about")).content.decode()

    assert (
        '<div class="site-text site-text-lead"><p>We are a student-run society for anyone curious about artificial '
        "intelligence, from first-years writing their first notebook to PhD students who want to share their "
        "research.</p>\n<p>Most weeks we run a hands-on workshop;"
    ) in page
    assert 'id="contact"' not in page  # no contact details until the committee writes them


@pytest.mark.django_db
def test_edited_texts_show_on_the_about_and_privacy_pages_as_sanitised_markdown(client, committee_member):
    services.edit_site_text(key=ABOUT, body="We **build** things.", based_on=0, by=committee_member)
    services.edit_site_text(
        key=SiteText.Key.CONTACT,
        body="Email [us](mailto:ai@uni.ac.uk) <script>alert(1)</script> [x](javascript:alert(1))",
        based_on=0,
        by=committee_member,
    )
    services.edit_site_text(
        key=SiteText.Key.PRIVACY_CONTACT, body="Write to dpo@uni.ac.uk.", based_on=0, by=committee_member
    )

    about = client.get(reverse("members:about")).content.decode()
    privacy = client.get(reverse("members:privacy_policy")).content.decode()

    assert '<div class="site-text site-text-lead"><p>We <strong>build</strong> things.</p>\n</div>' in about
    assert (
        '<div class="site-text"><p>Email <a href="mailto:ai@uni.ac.uk" rel="noopener noreferrer nofollow">us</a> '
        "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>\n</div>"
    ) in about
    assert '<li class="site-text"><p>Write to dpo@uni.ac.uk.</p>\n</li>' in privacy


@pytest.mark.django_db
def test_edit_site_text_keeps_every_version_with_who_saved_it(committee_member, other_member):
    first = services.edit_site_text(key=ABOUT, body="  One.\r\n", based_on=0, by=committee_member)
    second = services.edit_site_text(key=ABOUT, body="Two.", based_on=1, by=other_member)

    assert [(v.version, v.body, v.edited_by) for v in SiteText.objects.filter(key=ABOUT).order_by("version")] == [
        (1, "One.", committee_member),
        (2, "Two.", other_member),
    ]
    assert (first.version, second.version) == (1, 2)
    assert site_texts()[ABOUT] == "Two."


@pytest.mark.django_db
def test_edit_site_text_refuses_an_edit_from_a_version_someone_replaced(committee_member, other_member):
    services.edit_site_text(key=ABOUT, body="Theirs.", based_on=0, by=other_member)

    with pytest.raises(services.SiteTextProblem) as refused:
        services.edit_site_text(key=ABOUT, body="Mine.", based_on=0, by=committee_member)

    assert str(refused.value) == (
        "Someone saved this text while you were editing it: your change was not saved. "
        "Their version is below; make your change again on it."
    )
    assert list(SiteText.objects.values_list("body", flat=True)) == ["Theirs."]


@pytest.mark.django_db
def test_edit_site_text_refuses_too_long_a_text_and_an_unknown_key(committee_member):
    with pytest.raises(services.SiteTextProblem) as too_long:
        services.edit_site_text(key=ABOUT, body="x" * 10_001, based_on=0, by=committee_member)
    with pytest.raises(services.SiteTextProblem) as unknown:
        services.edit_site_text(key="home", body="Hi", based_on=0, by=committee_member)

    assert str(too_long.value) == "The text is 10001 characters long; it may be 10000 at most."
    assert str(unknown.value) == "There is no such text on the site."
    assert SiteText.objects.count() == 0


@pytest.mark.django_db
def test_edit_page_starts_from_the_default_and_saves_a_version(committee_client, committee_member):
    url = reverse("members:site_text_edit", kwargs={"key": "contact"})
    form = committee_client.get(url).context["form"]

    response = committee_client.post(url, {"body": "ai@uni.ac.uk", "based_on": form["based_on"].value()})

    assert (form["body"].value(), form["based_on"].value()) == ("", 0)
    assert response.status_code == 302
    assert response["Location"] == url
    saved = SiteText.objects.get()
    assert (saved.key, saved.version, saved.body, saved.edited_by) == ("contact", 1, "ai@uni.ac.uk", committee_member)
    page = committee_client.get(url)
    assert [(v.version, v.edited_by) for v in page.context["history"]] == [(1, committee_member)]
    assert "Version 1: " in page.content.decode()


@pytest.mark.django_db
def test_edit_page_keeps_a_stale_edit_in_the_box_and_lets_it_be_saved_on_the_newer_version(committee_client):
    url = reverse("members:site_text_edit", kwargs={"key": "about"})
    services.edit_site_text(key=ABOUT, body="Theirs.", based_on=0, by=UserFactory())

    refused = committee_client.post(url, {"body": "Mine.", "based_on": 0})
    form = refused.context["form"]
    again = committee_client.post(url, {"body": form["body"].value(), "based_on": form["based_on"].value()})

    assert refused.status_code == 200
    assert form.non_field_errors()[0].startswith("Someone saved this text while you were editing it")
    assert (form["body"].value(), form["based_on"].value()) == ("Mine.", "1")
    assert again.status_code == 302
    assert list(SiteText.objects.order_by("version").values_list("body", flat=True)) == ["Theirs.", "Mine."]


@pytest.mark.django_db
def test_edit_page_of_an_unknown_text_is_404(committee_client):
    assert committee_client.get(reverse("members:site_text_edit", kwargs={"key": "home"})).status_code == 404


@pytest.mark.django_db
def test_about_and_site_text_pages_cost_the_same_queries_with_5_and_200_versions(committee_client):
    editor = UserFactory()
    visitor = Client()

    def add_versions(count: int) -> None:
        for _ in range(count):
            for key in SiteText.Key.values:
                services.edit_site_text(key=key, body="Text.", based_on=services.latest_version(key), by=editor)

    about = assert_constant_queries(lambda: visitor.get(reverse("members:about")), add_versions)
    SiteText.objects.all().delete()
    assert_constant_queries(lambda: committee_client.get(reverse("members:site_texts")), add_versions)
    SiteText.objects.all().delete()
    assert_constant_queries(
        lambda: committee_client.get(reverse("members:site_text_edit", kwargs={"key": "about"})), add_versions
    )
    assert about == 2
