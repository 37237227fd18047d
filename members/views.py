from functools import cache

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache

from society import hooks
from society.csv import csv_streaming_response
from society.emails import email_preferences, set_email_preferences
from society.markdown import render_markdown
from society.page_cache import public_page
from society.privacy import collect_personal_data
from society.records import RECORD_LATEST, collect_record
from society.uploads import upload_limited

from . import services
from .forms import (
    CommitteeRoleForm,
    DeleteAccountForm,
    DirectoryFilterForm,
    EmailPreferencesForm,
    HandoverForm,
    MergeTopicsForm,
    ProfileForm,
    SiteTextForm,
    TopicNameForm,
    UnionListForm,
    WelcomeForm,
)
from .models import CommitteeChange, Membership, Profile, PublicRecord, SiteText, Topic, User
from .permissions import committee_required
from .selectors import (
    ACCOUNTS,
    HOLDERS,
    counts_attendance,
    current_committee,
    member_directory,
    newest_site_texts,
    role_years,
    roles_in_year,
    search_people,
    site_text_history,
    site_texts,
    topics_with_counts,
)
from .union_csv import UnionRow
from .years import academic_year_label, academic_year_of, academic_year_term, current_academic_year

MEMBERS_PER_PAGE = 50
UNION_IMPORT_SESSION_KEY = "members:union-import"
UNION_REPORT_SESSION_KEY = "members:union-report"
SITE_TEXT_VERSIONS_SHOWN = 50


def get_member_for_committee(user_id: int) -> User:
    """The one way committee views find an account: active ones only."""
    return get_object_or_404(User, pk=user_id, is_active=True)


def profile_or_blank(user: User) -> Profile:
    """The member's profile, or an unsaved blank one (pages never create rows by being looked at)."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


# --- Public -----------------------------------------------------------------------


@public_page("members")
def about(request):
    texts = cache(site_texts)  # read once, and only when the page's shared part is drawn
    context = {
        "roles": current_committee(),
        "about_text": lambda: render_markdown(texts()[SiteText.Key.ABOUT]),
        "contact_text": lambda: render_markdown(texts()[SiteText.Key.CONTACT]),
    }
    return render(request, "members/about.html", context)


@public_page("members")
def privacy_policy(request):
    context = {
        "retention_years": round(settings.RETENTION_DAYS / 365, 1),
        "warning_days": settings.RETENTION_WARNING_DAYS,
        "contact_text": render_markdown(site_texts()[SiteText.Key.PRIVACY_CONTACT]),
    }
    return render(request, "members/privacy_policy.html", context)


# --- The member's own pages ------------------------------------------------------


@login_required
def me(request):
    year = current_academic_year()
    context = {
        "emails": EmailAddress.objects.filter(user=request.user).order_by("-primary", "email"),
        "profile": profile_or_blank(request.user),
        "membership": Membership.objects.filter(user=request.user, academic_year=year).first(),
        "year_label": academic_year_label(year),
        "email_preferences": email_preferences(request.user),
        "cards": me_cards(request.user),
    }
    return render(request, "members/me.html", context)


def me_cards(user) -> list[hooks.MeCard]:
    """The cards other apps add to the member's page (society.hooks.ME_CARDS), lowest order first."""
    cards = [card for make in hooks.contributions(hooks.ME_CARDS).values() if (card := make(user)) is not None]
    return sorted(cards, key=lambda card: card.order)


@login_required
def edit_email_preferences(request):
    wanted_now = [kind for kind, wanted in email_preferences(request.user).items() if wanted]
    # Not `request.POST or None`: every box unticked is an empty POST, and a valid answer.
    form = EmailPreferencesForm(request.POST if request.method == "POST" else None, initial={"wanted": wanted_now})
    if request.method == "POST" and form.is_valid():
        set_email_preferences(user=request.user, wanted=set(form.cleaned_data["wanted"]))
        messages.success(request, _("Your email preferences are saved."))
        return redirect("members:me")
    return render(request, "members/email_preferences.html", {"form": form})


@login_required
def join(request):
    year_label = academic_year_label(current_academic_year())
    if request.method == "POST":
        services.join_society(user=request.user)
        messages.success(request, _("Welcome aboard: you are a member for %(year)s.") % {"year": year_label})
        return redirect("members:me")
    already = services.is_member(request.user)
    return render(request, "members/join.html", {"year_label": year_label, "already": already})


@login_required
@upload_limited
def profile_edit(request):
    form = ProfileForm(
        request.POST or None, request.FILES or None, instance=profile_or_blank(request.user), user=request.user
    )
    if form.is_valid():
        services.update_profile(**form.profile_update())
        keep_language(request, form.cleaned_data["language"])
        messages.success(request, _("Your profile is saved."))
        return redirect("members:me")
    return render(request, "members/profile_edit.html", {"form": form})


@login_required
@upload_limited
def welcome(request):
    profile = profile_or_blank(request.user)
    if request.method == "POST" and "skip" in request.POST:
        services.finish_welcome(user=request.user)
        messages.info(request, _("No problem: you can fill in your profile any time from My account."))
        return redirect("members:me")
    form = WelcomeForm(request.POST or None, request.FILES or None, instance=profile, user=request.user)
    if form.is_valid():
        services.update_profile(**form.profile_update())
        keep_language(request, form.cleaned_data["language"])
        services.finish_welcome(user=request.user)
        messages.success(request, _("Thanks! Your profile is ready."))
        return redirect("members:me")
    return render(request, "members/welcome.html", {"form": form})


def keep_language(request, language: str | None) -> None:
    """The language chosen on the profile form, kept on the account (None: none was sent);
    this response, and its message, already speak it."""
    if language is None:
        return
    services.choose_language(user=request.user, language=language)
    translation.activate(language)
    request.LANGUAGE_CODE = language


@login_required
def privacy(request):
    return render(request, "members/privacy.html")


@never_cache
@login_required
def my_sessions(request):
    """Where you are logged in: each session's browser, IP address and last visit."""
    found = services.sessions_of(request)
    others = [session for session in found if session.session_key != request.session.session_key]
    return render(request, "members/sessions.html", {"sessions": found, "others": others})


@never_cache
@login_required
def end_other_sessions(request):
    """GET asks, POST logs you out everywhere but here."""
    if request.method == "POST":
        services.end_other_sessions(request=request, user=request.user)
        messages.success(request, _("You are logged out everywhere else."))
        return redirect("members:sessions")
    others = [s for s in services.sessions_of(request) if s.session_key != request.session.session_key]
    return render(request, "members/end_other_sessions.html", {"others": others})


@never_cache
@login_required
def export_data(request):
    response = JsonResponse(collect_personal_data(request.user), json_dumps_params={"indent": 2})
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_valid():
        services.anonymise_account(user=request.user)
        logout(request)
        messages.success(request, _("Your account is deleted and your personal data with it. Goodbye, and thank you."))
        return redirect("/")
    return render(request, "members/delete_account.html", {"form": form})


# --- The participation record ------------------------------------------------------

RECORD_ACTIONS = {
    "publish": (
        lambda user: services.share_record(user=user, public=True),
        gettext_lazy("Your record is public at the address below."),
    ),
    "hide": (
        lambda user: services.share_record(user=user, public=False),
        gettext_lazy("Your record is private again."),
    ),
    "new-link": (
        lambda user: services.reset_record_link(user=user),
        gettext_lazy("Your record has a new address; the old one no longer works."),
    ),
}


@login_required
def my_record(request):
    if request.method == "POST":
        action = RECORD_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("That is not something you can do with your record."))
        else:
            change, message = action
            change(request.user)
            messages.success(request, str(message))
        return redirect("members:record")
    context = {
        "record": services.record_of(request.user),
        "person": request.user,
        "profile": Profile.objects.filter(user=request.user).first(),
        **record_sections(request, request.user),
    }
    return render(request, "members/record.html", context)


def record_sections(request, user: User) -> dict:
    """The record's sections for its pages: the latest entries of each, or (`?whole=1`) every
    entry, for printing; `earlier` counts the entries left out."""
    sections = collect_record(user, whole=request.GET.get("whole") == "1")
    return {"sections": sections, "earlier": sum(section.earlier for section in sections), "latest": RECORD_LATEST}


def public_record(request, token: str):
    """The record a member chose to share: 404 for a wrong token or a private record."""
    record = get_object_or_404(
        PublicRecord.objects.select_related("user"), token=token, is_public=True, user__is_active=True
    )
    context = {
        "record": record,
        "person": record.user,
        "profile": Profile.objects.filter(user=record.user).first(),
        **record_sections(request, record.user),
        "today": timezone.localdate(),
    }
    return render(request, "members/public_record.html", context)


# --- The committee's pages -------------------------------------------------------


@committee_required
def directory(request):
    form = DirectoryFilterForm(request.GET)
    users = member_directory(**form.filters())
    page = Paginator(users, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    for person in page.object_list:  # None for no profile: a failed lookup in the template costs more
        person.profile_shown = getattr(person, "profile", None)
    context = {
        "form": form,
        "page": page,
        "year_label": academic_year_label(current_academic_year()),
        "counts_attendance": counts_attendance(),
    }
    return render(request, "members/manage/directory.html", context)


@committee_required
def directory_export(request):
    form = DirectoryFilterForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("The filters were not valid, so nothing was exported. Check them and try again."))
        return redirect("members:directory")
    year_label = academic_year_label(current_academic_year())
    attendance = counts_attendance()
    header = [
        _("Name"), _("Email"), _("Student number"), _("Course"), _("Year of study"), _("Interests"),
        *([_("Events attended")] if attendance else []), _("Member in %(year)s") % {"year": year_label},
    ]  # fmt: skip
    # Every member: read a thousand at a time (each thousand's interests in one more query), sent as read.
    people = member_directory(**form.filters()).iterator(chunk_size=1000)
    rows = (directory_csv_row(user, attendance=attendance) for user in people)
    return csv_streaming_response(f"members-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def directory_csv_row(user: User, *, attendance: bool) -> list:
    profile = getattr(user, "profile", None)  # None for accounts that never saved a profile
    return [
        user.name,
        user.email,
        profile.student_number if profile else "",
        profile.course if profile else "",
        profile.get_year_of_study_display() if profile and profile.year_of_study else "",
        "; ".join(topic.name for topic in profile.interests.all()) if profile else "",
        *([user.attended] if attendance else []),
        _("yes") if user.is_member_now else _("no"),
    ]


def back_to_directory(request):
    """Back to the directory page the committee member came from (this site only)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("members:directory")


@committee_required
def renew(request, user_id: int):
    person = get_member_for_committee(user_id)
    year_label = academic_year_label(current_academic_year())
    if request.method == "POST":
        _membership, created = services.renew_membership(user=person)
        if created:
            messages.success(
                request, _("%(name)s is a member for %(year)s.") % {"name": person.display_name, "year": year_label}
            )
        else:
            messages.info(
                request,
                _("%(name)s was already a member for %(year)s.") % {"name": person.display_name, "year": year_label},
            )
        return back_to_directory(request)
    return render(request, "members/manage/renew.html", {"person": person, "year_label": year_label})


@committee_required
def lapse(request, user_id: int):
    person = get_member_for_committee(user_id)
    year_label = academic_year_label(current_academic_year())
    if request.method == "POST":
        if services.lapse_membership(user=person):
            messages.success(
                request,
                _("%(name)s is no longer a member for %(year)s.") % {"name": person.display_name, "year": year_label},
            )
        else:
            messages.info(
                request,
                _("%(name)s was not a member for %(year)s: nothing changed.")
                % {"name": person.display_name, "year": year_label},
            )
        return back_to_directory(request)
    is_member = services.is_member(person)
    return render(
        request,
        "members/manage/lapse.html",
        {"person": person, "year_label": year_label, "is_member": is_member, "next": request.GET.get("next", "")},
    )


@committee_required
@upload_limited
def union_upload(request):
    # Bound on any POST, even an empty one, so that "no file" is an error too.
    form = UnionListForm(request.POST, request.FILES) if request.method == "POST" else UnionListForm()
    if form.is_valid():
        # The parsed rows wait in the session (server side) until confirmed;
        # the browser never sends the list back.
        request.session[UNION_IMPORT_SESSION_KEY] = {
            "year": current_academic_year(),
            "filename": request.FILES["file"].name[:100],
            "rows": [row.as_dict() for row in form.cleaned_data["file"]],
        }
        return redirect("members:union_preview")
    return render(request, "members/manage/union_upload.html", {"form": form})


@committee_required
def union_preview(request):
    pending = request.session.get(UNION_IMPORT_SESSION_KEY)
    if not pending:
        if request.method == "POST":
            messages.error(request, _("There is no uploaded list to confirm (it may have been imported already)."))
            return redirect("members:union_upload")
        return render(request, "members/manage/union_preview.html", {"plan": None})
    rows = [UnionRow(**row) for row in pending["rows"]]
    year = pending["year"]
    if request.method == "POST":
        if "cancel" in request.POST:
            del request.session[UNION_IMPORT_SESSION_KEY]
            messages.info(request, _("The upload was discarded: nothing changed."))
            return redirect("members:directory")
        result = services.import_union_list(rows=rows, year=year, by=request.user, filename=pending["filename"])
        del request.session[UNION_IMPORT_SESSION_KEY]
        request.session[UNION_REPORT_SESSION_KEY] = {
            "year": year,
            "filename": pending["filename"],
            "added": [[user.display_name, user.email] for user in result.new_members],
            "already": len(result.already_members),
            "confirmed_numbers": len(result.confirmed_numbers),
            "to_review": [union_review_entry(review) for review in result.to_review],
            "unmatched": [row.as_dict() for row in result.unmatched],
        }
        return redirect("members:union_report")
    plan = services.plan_union_import(rows=rows, year=year)
    context = {
        "plan": plan,
        "to_review": [union_review_entry(review) for review in plan.to_review],
        "filename": pending["filename"],
        "year_label": academic_year_label(year),
    }
    return render(request, "members/manage/union_preview.html", context)


def union_review_entry(review: services.UnionReview) -> dict:
    """A row left to the committee, as the preview and the report show it (kept in the session)."""
    return {
        **review.row.as_dict(),
        "reason": review.reason,
        "claimants": [
            {"name": user.display_name, "email": user.email, "renew_url": reverse("members:renew", args=[user.pk])}
            for user in review.claimants
        ],
    }


@committee_required
def union_report(request):
    report = request.session.get(UNION_REPORT_SESSION_KEY)
    year_label = academic_year_label(report["year"]) if report else ""
    return render(request, "members/manage/union_report.html", {"report": report, "year_label": year_label})


# --- The committee: roles and the hand-over ----------------------------------------


def chosen_year(value: str, *, default: int) -> int:
    """An academic year from the query string ("2026"), or `default` when it is not one."""
    return int(value) if value.isdecimal() and 2000 <= int(value) <= 2999 else default


@committee_required
def committee_roles(request):
    this_year = current_academic_year()
    year = chosen_year(request.GET.get("year", ""), default=this_year)
    context = {
        "roles": roles_in_year(year),
        "year": year,
        "year_label": academic_year_label(year),
        "years": [(choice, academic_year_label(choice)) for choice in sorted({*role_years(), year}, reverse=True)],
        "today": timezone.localdate(),
        "changes": CommitteeChange.objects.select_related("holder", "by")[:20],
    }
    return render(request, "members/manage/committee_roles.html", context)


def roles_page_of(year: int) -> str:
    return f"{reverse('members:committee_roles')}?year={year}"


@committee_required
def committee_role_new(request):
    starts_on, ends_on = academic_year_term(current_academic_year())
    form = CommitteeRoleForm(request.POST or None, initial={"starts_on": starts_on, "ends_on": ends_on, "order": 0})
    if form.is_valid():
        try:
            role = services.give_role(**form.cleaned_data, by=request.user)
        except services.CommitteeProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                _("%(name)s is %(title)s; they have been emailed.")
                % {"name": role.user.display_name, "title": role.title},
            )
            return redirect(roles_page_of(academic_year_of(role.starts_on)))
    return render(request, "members/manage/committee_role_form.html", {"form": form})


@committee_required
def person_search(request, among: str):
    """Suggestions for the console's person fields (members.forms.PersonField): people of
    `among` whose name or email contains `q`, as JSON for static/js/person-search.js."""
    if among not in (HOLDERS, ACCOUNTS):
        raise Http404("There is no such set of people.")
    people = search_people(request.GET.get("q", "")[:254], among=among)
    return JsonResponse({"people": [{"name": person.display_name, "email": person.email} for person in people]})


def handover_from_year(value: str) -> int:
    """The year whose committee hands over: the one asked for, else this year once it has
    roles, else last year (early in a year, before anyone handed over to it)."""
    this_year = current_academic_year()
    if value:
        return chosen_year(value, default=this_year)
    return this_year if roles_in_year(this_year).exists() else this_year - 1


@committee_required
def committee_handover(request):
    from_year = handover_from_year(request.GET.get("from", ""))
    to_year = from_year + 1
    handed_over = {role.title.lower(): role for role in roles_in_year(to_year)}
    rows = {}
    for role in roles_in_year(from_year):
        rows.setdefault(role.title.lower(), role)  # one row a title, even when two people held it in turn
    to_hand_over = [role for title, role in rows.items() if title not in handed_over]
    starts_on, ends_on = academic_year_term(to_year)
    form = HandoverForm(request.POST or None, roles=to_hand_over, initial={"starts_on": starts_on, "ends_on": ends_on})
    if form.is_valid():
        try:
            created = services.hand_over(
                handovers=form.handovers(),
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                by=request.user,
            )
        except services.CommitteeProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s role for %(year)s; the new holders have been emailed.",
                    "%(count)s roles for %(year)s; the new holders have been emailed.",
                    len(created),
                )
                % {"count": len(created), "year": academic_year_label(to_year)},
            )
            return redirect(roles_page_of(to_year))
    context = {
        "form": form,
        "rows": [(role, handed_over.get(title), form.field_of(role)) for title, role in rows.items()],
        "from_label": academic_year_label(from_year),
        "to_label": academic_year_label(to_year),
        "from_year": from_year,
    }
    return render(request, "members/manage/committee_handover.html", context)


# --- The committee: the site's texts ---------------------------------------------------


@committee_required
def site_text_list(request):
    newest = newest_site_texts()
    rows = [(key, label, newest.get(key)) for key, label in SiteText.Key.choices]
    return render(request, "members/manage/site_texts.html", {"rows": rows})


@committee_required
def site_text_edit(request, key: str):
    if key not in SiteText.Key.values:
        raise Http404("There is no such text.")
    label = SiteText.Key(key).label
    history = list(site_text_history(key)[:SITE_TEXT_VERSIONS_SHOWN])
    current = history[0].body if history else str(SiteText.DEFAULTS[key])
    based_on = history[0].version if history else 0
    form = SiteTextForm(request.POST or None, initial={"body": current, "based_on": based_on})
    if form.is_valid():
        try:
            services.edit_site_text(
                key=key, body=form.cleaned_data["body"], based_on=form.cleaned_data["based_on"], by=request.user
            )
        except services.SiteTextProblem as problem:
            form.add_error(None, str(problem))
            # Their text stays in the box; sent again, it is saved on the newest version they now see.
            form.data = form.data.copy()
            form.data["based_on"] = str(based_on)
        else:
            messages.success(request, _("Saved: %(text)s.") % {"text": label})
            return redirect("members:site_text_edit", key=key)
    context = {
        "form": form,
        "key": key,
        "label": label,
        "preview": render_markdown(current),
        "history": history,
        "is_default": not history,
    }
    return render(request, "members/manage/site_text_edit.html", context)


# --- Topics (the committee's console) ----------------------------------------------


@committee_required
def manage_topics(request):
    """Topics with what points at them; a new topic (POST), and the merge form."""
    form = TopicNameForm(request.POST or None)
    if form.is_valid():
        try:
            topic = services.create_topic(name=form.cleaned_data["name"], by=request.user)
        except services.TopicError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": topic.name})
            return redirect("members:manage_topics")
    topics, columns = topics_with_counts()
    rows = [(topic, [getattr(topic, name) for name, _ in columns]) for topic in topics]
    context = {"form": form, "merge_form": MergeTopicsForm(), "rows": rows, "labels": [label for _, label in columns]}
    return render(request, "members/manage/topics.html", context, status=400 if form.errors else 200)


@committee_required
def rename_topic(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    form = TopicNameForm(request.POST or None, initial={"name": topic.name})
    if form.is_valid():
        try:
            services.rename_topic(topic=topic, name=form.cleaned_data["name"], by=request.user)
        except services.TopicError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Renamed to “%(name)s”.") % {"name": form.cleaned_data["name"]})
            return redirect("members:manage_topics")
    context = {"form": form, "topic": topic}
    return render(request, "members/manage/topic_rename.html", context, status=400 if form.errors else 200)


@committee_required
def merge_topics(request):
    """GET shows the form; POST merges one topic into another (refused into itself)."""
    form = MergeTopicsForm(request.POST or None)
    if form.is_valid():
        merged, kept = form.cleaned_data["merged"], form.cleaned_data["kept"]
        try:
            moved = services.merge_topics(merged=merged, kept=kept, by=request.user)
        except services.TopicError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "“%(merged)s” merged into “%(kept)s”: %(count)s link moved.",
                    "“%(merged)s” merged into “%(kept)s”: %(count)s links moved.",
                    sum(moved.values()),
                )
                % {"merged": merged.name, "kept": kept.name, "count": sum(moved.values())},
            )
            return redirect("members:manage_topics")
    return render(request, "members/manage/topic_merge.html", {"form": form}, status=400 if form.errors else 200)
