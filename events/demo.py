"""Demo events: a term of weekly workshops around today, talks with speakers, a
study group, a social, a members-only AGM, a cancelled event and a draft, with
registrations made through the services (so their emails sit in the outbox)."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from members.models import Topic, User
from members.terms import current_term
from society.models import OutboundEmail

from . import services
from .demo_lottery import load_lotteries
from .models import Announcement, Event, EventHost, EventSpeaker, Registration, Speaker, Strike

WORKSHOPS = [
    ("Python for machine learning", "machine-learning", Event.Level.BEGINNER),
    ("Linear models from scratch", "machine-learning", Event.Level.BEGINNER),
    ("Decision trees and random forests", "data-science", Event.Level.BEGINNER),
    ("Neural networks with PyTorch", "deep-learning", Event.Level.INTERMEDIATE),
    ("Convolutional networks for images", "computer-vision", Event.Level.INTERMEDIATE),
    ("Transformers and attention", "natural-language-processing", Event.Level.INTERMEDIATE),
    ("Fine-tuning a language model", "natural-language-processing", Event.Level.ADVANCED),
    ("Reinforcement learning: playing games", "reinforcement-learning", Event.Level.INTERMEDIATE),
    ("Diffusion models demystified", "deep-learning", Event.Level.ADVANCED),
    ("Building a RAG app", "mlops", Event.Level.INTERMEDIATE),
]
# The Chinese titles and summaries the committee wrote, shown to readers of Chinese.
WORKSHOPS_ZH = [
    "面向机器学习的 Python",
    "从零实现线性模型",
    "决策树与随机森林",
    "用 PyTorch 搭建神经网络",
    "用于图像的卷积网络",
    "Transformer 与注意力机制",
    "微调语言模型",
    "强化学习：玩游戏",
    "扩散模型揭秘",
    "构建 RAG 应用",
]
WORKSHOP_SUMMARY_ZH = "动手实践课：带上笔记本电脑，我们提供 Jupyter 笔记本。"
TALKS_ZH = {
    "alignment-research-in-practice": "实践中的对齐研究",
    "from-phd-to-ml-engineer": "从博士到机器学习工程师",
    "how-search-engines-rank-results": "搜索引擎如何为结果排序",
}
WORKSHOP_DESCRIPTION = """\
A hands-on evening: a short introduction, then you code along in a notebook
with committee members on hand to help.

## What to bring

- A laptop with a web browser (we run the notebooks online, nothing to install)
- Curiosity; no experience needed beyond the [previous workshops](/workshops/)

The code and slides are shared after the session.
"""
SPEAKERS = {
    "alignment-research-in-practice": (
        "Dr Hannah Cole",
        "Research Scientist, Alignment Lab",
        "Hannah studies how language models generalise from human feedback. "
        "She did her PhD on interpretability and now leads a small team testing models before release.",
        "ai-ethics-and-safety",
    ),
    "from-phd-to-ml-engineer": (
        "Ravi Patel",
        "Senior ML Engineer, a London fintech",
        "Ravi left a physics PhD for industry five years ago. He builds fraud-detection models "
        "and will talk frankly about interviews, first jobs and what he wishes he had learnt earlier.",
        "mlops",
    ),
    "how-search-engines-rank-results": (
        "Prof. Elena Garcia",
        "Professor of Information Retrieval",
        "Elena has worked on ranking for twenty years, in academia and at two search companies. "
        "Her talk goes from BM25 to neural re-rankers, with live demos.",
        "natural-language-processing",
    ),
}
TALKS = [
    ("Alignment research in practice", 10),
    ("From PhD to ML engineer", 24),
    ("How search engines rank results", -18),
]
STUDENTS = [
    "sam@demo.ac.uk",
    "aisha@demo.ac.uk",
    "lukas@demo.ac.uk",
    "grace@demo.ac.uk",
    "oliver@demo.ac.uk",
    "sofia@demo.ac.uk",
    "daniel@demo.ac.uk",
    "hannah@demo.ac.uk",
    "lin@demo.ac.uk",
]
WHAT_TO_BRING = "A laptop and its charger. Python 3.11 or newer, with Jupyter installed."
SETUP_CHECKLIST = """- Install Python 3.11 or newer
- pip install jupyter numpy torch
- Open the workshop notebook from the event page and run the first cell"""
# Ratings of past workshops (score per attendee, in order).
DEMO_SCORES = [5, 4, 5, 3, 4, 5, 2]
FULL_WORKSHOP_SEATS = 4  # workshop 6 is full, with a waiting list


def at(day: datetime, hour: int) -> datetime:
    """`hour` o'clock on `day`, in the society's time zone."""
    return timezone.make_aware(datetime.combine(day.date(), time(hour)))


def upsert(slug: str, topics: list[str] = (), *, status: str, by: User | None = None, **fields) -> Event:
    """Create the event, or bring it up to date, and publish or cancel it, all through
    the services (so the demo's action log and outbox are what the console's would be)."""
    topics = Topic.objects.filter(slug__in=topics)
    # Planned and published a fortnight ahead, as the committee would have done.
    published = min(timezone.now(), fields["starts_at"] - timedelta(days=14))
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        planned = published - timedelta(days=1)
        event = services.create_event(event=Event(slug=slug, **fields), by=by, topics=topics, now=planned)
    else:
        changed = [name for name, value in fields.items() if getattr(event, name) != value]
        for name in changed:
            setattr(event, name, fields[name])
        if changed:
            services.update_event(event=event, changed=changed, by=by, tell_registrants=False)
        event.topics.set(topics)
    if status != Event.Status.DRAFT and event.is_draft:
        services.publish_event(event=event, by=by, now=published)
    if status == Event.Status.CANCELLED and not event.is_cancelled:
        services.cancel_event(event=event, by=by, message="The room is closed for repairs.")
    event.refresh_from_db()
    return event


def attend(event: Event, users: list[User], *, by: User | None, check_in: bool) -> None:
    """Register `users` in order, as if two days before the event; check them in if it happened."""
    before = min(event.starts_at - timedelta(days=2), timezone.now())
    for user in users:
        registration, _ = services.register(event=event, user=user, now=before)
        if check_in and registration.is_confirmed:
            services.check_in(registration=registration, by=by, now=event.starts_at + timedelta(minutes=5))


def rate(event: Event) -> None:
    """Some attendees of a past workshop rated it from the follow-up email."""
    attended = Registration.objects.attended().filter(event=event).order_by("created_at", "id")
    for index, (registration, score) in enumerate(zip(attended, DEMO_SCORES, strict=False)):
        if index % 3 != 2:  # not everyone rates
            services.rate_event(registration=registration, score=score)


def load(stdout) -> None:
    today = timezone.localtime()
    students = list(User.objects.filter(email__in=STUDENTS))
    students.sort(key=lambda user: STUDENTS.index(user.email))
    door = User.objects.filter(email="mei@demo.ac.uk").first()
    # Wednesday workshops: four already happened, six to come.
    first_wednesday = today - timedelta(days=today.weekday() - 2) - timedelta(weeks=4)
    workshops = []
    for week, (title, topic, level) in enumerate(WORKSHOPS):
        day = first_wednesday + timedelta(weeks=week)
        workshops.append(
            upsert(
                f"workshop-{week + 1}",
                topics=[topic, "machine-learning"],
                title=f"Workshop {week + 1}: {title}",
                title_zh=f"第 {week + 1} 次工作坊：{WORKSHOPS_ZH[week]}",
                kind=Event.Kind.WORKSHOP,
                summary="Hands-on session: bring a laptop, we provide the notebooks.",
                summary_zh=WORKSHOP_SUMMARY_ZH,
                description=WORKSHOP_DESCRIPTION,
                starts_at=at(day, 18),
                ends_at=at(day, 20),
                venue="Lab 2.14",
                building="Computer Science Building",
                map_url="https://www.openstreetmap.org/search?query=Computer%20Science%20Building",
                capacity=FULL_WORKSHOP_SEATS if week == 5 else 30,
                level=level,
                status=Event.Status.PUBLISHED,
                by=door,
                what_to_bring=WHAT_TO_BRING if week >= 4 else "",
                setup_checklist=SETUP_CHECKLIST if week >= 4 else "",
            )
        )
    for title, days in TALKS:
        day = today + timedelta(days=days)
        slug = slugify(title)
        name, affiliation, bio, topic = SPEAKERS[slug]
        event = upsert(
            slug,
            topics=[topic],
            title=title,
            title_zh=TALKS_ZH[slug],
            kind=Event.Kind.TALK,
            summary="A guest speaker, questions, and pizza afterwards.",
            summary_zh="特邀讲者、问答环节，结束后有披萨。",
            description=f"**{name}** ({affiliation}) joins us. Questions welcome throughout; pizza afterwards.",
            starts_at=at(day, 17),
            ends_at=at(day, 18),
            venue="Lecture Theatre 1",
            building="Main Building",
            online_url="https://meet.example.org/ai-society-talks" if days == 10 else "",
            capacity=120,
            # The second talk's registration opens a few days from now.
            registration_opens_at=at(today + timedelta(days=3), 12) if days == 24 else None,
            status=Event.Status.PUBLISHED,
            by=door,
        )
        contact = {"email": f"{slug[:20]}@speakers.example.org"}
        speaker = Speaker.objects.update_or_create(
            name=name, defaults={"affiliation": affiliation, "bio": bio, **contact}
        )[0]
        # Invitations stand at different points: confirmed with consents, or still invited.
        invite = {
            "invite_status": EventSpeaker.InviteStatus.CONFIRMED if days < 20 else EventSpeaker.InviteStatus.INVITED,
            "consent_to_record": days < 20,
            "consent_to_publish_slides": days < 20,
        }
        EventSpeaker.objects.update_or_create(event=event, speaker=speaker, defaults=invite)
    social = today + timedelta(days=12)
    upsert(
        "end-of-term-social",
        title="End of term social",
        kind=Event.Kind.SOCIAL,
        summary="Board games and snacks to celebrate the term.",
        starts_at=at(social, 19),
        ends_at=at(social, 22),
        venue="Room 3",
        building="Students' Union",
        status=Event.Status.PUBLISHED,
        by=door,
    )
    agm = today + timedelta(days=30)
    upsert(
        "annual-general-meeting",
        title="Annual general meeting",
        kind=Event.Kind.AGM,
        summary="Elect next year's committee and have your say. Members only.",
        starts_at=at(agm, 18),
        ends_at=at(agm, 19),
        venue="Room 3",
        building="Students' Union",
        members_only=True,
        capacity=80,
        status=Event.Status.PUBLISHED,
        by=door,
    )
    study = today + timedelta(days=5)
    upsert(
        "nlp-study-group",
        topics=["natural-language-processing"],
        title="NLP study group: reading 'Attention is all you need'",
        kind=Event.Kind.STUDY_GROUP,
        summary="Cancelled: the room is closed for repairs. We meet next week instead.",
        starts_at=at(study, 13),
        ends_at=at(study, 14),
        online_url="https://meet.example.org/ai-society-nlp",
        capacity=15,
        status=Event.Status.CANCELLED,
        by=door,
    )
    hackathon = today + timedelta(days=40)
    upsert(
        "spring-hackathon",
        title="Spring hackathon (draft)",
        kind=Event.Kind.HACKATHON,
        summary="24 hours, teams of four, AI for good.",
        starts_at=at(hackathon, 10),
        ends_at=at(hackathon + timedelta(days=1), 10),
        venue="Engineering Atrium",
        status=Event.Status.DRAFT,
        by=door,
    )
    load_registrations(workshops, students, door)
    load_last_year(first_wednesday, students, door)
    load_console(committee=door)
    load_announcement_to_members(committee=door)
    load_series(committee=door)
    load_hosts(workshops, committee=door)
    load_strikes(students, committee=door)
    load_lotteries(students, committee=door)
    stdout.write(
        f"Events: {Event.objects.count()} in the calendar, {Registration.objects.active().count()} registrations."
    )
    stdout.write(
        "Fair seats: Sam holds a contested no-show strike (see /me/strikes/ and /manage/strikes/); "
        "one session's seats were drawn by lot (its draw page re-runs it), another's requests are open."
    )


def load_registrations(workshops: list[Event], students: list[User], door: User | None) -> None:
    """Past workshops with attendance (and a no-show), upcoming ones booked, workshop 6 full with a queue."""
    if not students:
        return
    now = timezone.now()
    for index, event in enumerate(workshops[:4]):
        attendees = students[: 5 + index % 3]
        attend(event, attendees, by=door, check_in=True)
        rate(event)
    # Hannah booked the second workshop and did not come: the figures' no-show rate.
    attend(workshops[1], students[7:8], by=None, check_in=False)
    full = workshops[5]
    # Sam waits (number 2) behind Hannah; four others hold the seats.
    attend(full, [*students[1:5], students[7], students[0], students[6]], by=None, check_in=False)
    for event in workshops[6:8]:
        if event.starts_at > now:
            attend(event, students[:6], by=None, check_in=False)
    # Lin reads the site in Chinese: two workshops attended, the next ones booked.
    for event in workshops[2:4]:
        attend(event, students[8:9], by=door, check_in=True)
    for event in workshops[6:8]:
        if event.starts_at > now:
            attend(event, students[8:9], by=None, check_in=False)


def load_last_year(first_wednesday: datetime, students: list[User], door: User | None) -> None:
    """Three workshops of the same term a year ago, so the figures have something to
    compare with: Aisha, Lukas and Grace came (Oliver once), so they are returners this
    term; Sofia registered and did not come (a no-show)."""
    if not students:
        return
    last = current_term().a_year_before()
    # Wednesdays a year before this term's workshops (the same weekday, 52 weeks back), in last year's term.
    days = [first_wednesday - timedelta(weeks=52 - week) for week in range(len(WORKSHOPS))]
    days = [day for day in days if last.starts <= day.date() < last.ends][:3]
    for week, (day, (title, topic, level)) in enumerate(zip(days, WORKSHOPS, strict=False)):
        event = upsert(
            f"{last.term}-{last.year}-workshop-{week + 1}",
            topics=[topic, "machine-learning"],
            title=f"Workshop {week + 1} ({last.label}): {title}",
            kind=Event.Kind.WORKSHOP,
            summary="Hands-on session: bring a laptop, we provide the notebooks.",
            description=WORKSHOP_DESCRIPTION,
            starts_at=at(day, 18),
            ends_at=at(day, 20),
            venue="Lab 2.14",
            capacity=30,
            level=level,
            status=Event.Status.PUBLISHED,
            by=door,
        )
        attend(event, students[1 : 4 + week % 2], by=door, check_in=True)
        attend(event, students[5:6], by=None, check_in=False)


def load_console(*, committee: User | None) -> None:
    """An announcement sent for the first workshop still to come, a declined speaker
    invitation, and a few audit log entries. The webhook is left unset."""
    upcoming = Event.objects.filter(slug__startswith="workshop-", starts_at__gte=timezone.now()).order_by("starts_at")
    event = upcoming.first()
    if event is None or committee is None:
        return
    speaker = Speaker.objects.update_or_create(
        name="Dr Sam Okafor", defaults={"affiliation": "Vision Lab", "email": "sam.okafor@speakers.example.org"}
    )[0]
    if not EventSpeaker.objects.filter(event=event, speaker=speaker).exists():
        services.set_event_speaker(
            event=event,
            speaker=speaker,
            by=committee,
            invite_status=EventSpeaker.InviteStatus.DECLINED,
            consent_to_record=False,
            consent_to_publish_slides=False,
        )
    announcement, created = Announcement.objects.get_or_create(
        event=event,
        subject="Bring a charged laptop",
        defaults={"body": "The lab has few sockets: please come with a charged laptop.", "author": committee},
    )
    if created:
        services.send_announcement(announcement=announcement, by=committee)


MEMBER_LED_SLUG = "pytorch-in-an-hour"
MEMBER_HOST = "sam@demo.ac.uk"


def load_hosts(workshops: list[Event], *, committee: User | None) -> None:
    """Sam, a member, hosts a session of their own in two days (no materials, checklist
    or room yet: the console's member-led list shows what is missing, and the hourly task
    reminds Sam of the materials), with a rehearsal the committee asked for; and was named
    co-host of the latest past workshop people came to (whose feedback Sam may still read)."""
    sam = User.objects.filter(email=MEMBER_HOST).first()
    if sam is None or committee is None or len(workshops) < 4:
        return
    day = timezone.localtime() + timedelta(days=2)
    session = upsert(
        MEMBER_LED_SLUG,
        topics=["machine-learning"],
        title="PyTorch in an hour (led by Sam)",
        title_zh="一小时入门 PyTorch（Sam 主讲）",
        kind=Event.Kind.WORKSHOP,
        summary="A member shows the PyTorch they use every day: tensors, autograd, a tiny training loop.",
        summary_zh="一位成员分享日常使用的 PyTorch：张量、自动求导和一个小小的训练循环。",
        description="Sam walks through tensors, autograd and a 20-line training loop. Questions welcome.",
        starts_at=at(day, 13),
        ends_at=at(day, 14),
        capacity=25,
        status=Event.Status.PUBLISHED,
        by=committee,
    )
    services.add_host(event=session, member=sam, role=EventHost.Role.PROPOSER, by=committee)
    if session.rehearsal_at is None:
        services.set_rehearsal(
            event=session, at=at(day - timedelta(days=1), 17), note="Room 3, Students' Union: 20 minutes.", by=committee
        )
    # The latest past workshop people came to (yesterday's may not have its check-ins yet).
    came = set(Registration.objects.attended().values_list("event_id", flat=True))
    past = [event for event in workshops if event.ends_at < timezone.now() and event.pk in came]
    if past:
        services.add_host(event=past[-1], member=sam, role=EventHost.Role.CO_HOST, by=committee)


MEMBERS_ANNOUNCEMENT = "The AGM is coming: stand for the committee"
# What the worker records when the mail server refuses a mailbox for good.
DEMO_SMTP_ERROR = "SMTPRecipientsRefused: {'oliver@demo.ac.uk': (550, b'5.1.1 Mailbox unavailable')}"


def load_announcement_to_members(*, committee: User | None) -> None:
    """An announcement to all of this year's members, sent once, and one of its emails
    failed with the error the worker would record (for the console's Emails page)."""
    if committee is None or Announcement.objects.filter(subject=MEMBERS_ANNOUNCEMENT).exists():
        return
    try:
        announcement = services.draft_announcement(
            subject=MEMBERS_ANNOUNCEMENT,
            body="Nominations for next year's committee are open until the AGM. Ask any of us what a role involves.",
            audience=Announcement.Audience.MEMBERS,
            by=committee,
        )
    except services.AnnouncementError:
        return  # no members this year (the members' demo made none)
    services.send_announcement(announcement=announcement, by=committee)
    # The demo has no mail server to refuse anything: write down what the worker
    # does when one refuses a mailbox (society.outbox), for one of these emails.
    OutboundEmail.objects.filter(
        key__startswith=f"announcement:{announcement.pk}:", to_email="oliver@demo.ac.uk"
    ).update(state=OutboundEmail.State.FAILED, attempts=1, last_error=DEMO_SMTP_ERROR)


def load_series(*, committee: User | None) -> None:
    """A weekly reading club planned as drafts in one step, waiting for "Publish all"."""
    if committee is None or Event.objects.filter(title="Paper reading club").exclude(series_key="").exists():
        return
    first_day = timezone.localdate() + timedelta(days=21)
    plan = services.SeriesPlan(
        title="Paper reading club", kind=Event.Kind.STUDY_GROUP, first_day=first_day, weekday=3, start=time(17, 0),
        minutes=60, weeks=4, skip=frozenset(), venue="Library seminar room 2", capacity=16,
        summary="One paper a week, read together.", what_to_bring="The paper, read once.",
        level=Event.Level.INTERMEDIATE, topics=tuple(Topic.objects.filter(slug="machine-learning")),
    )  # fmt: skip
    services.create_weekly_series(plan=plan, by=committee)


NO_SHOW_PAST_SLUG = "gpu-programming-hands-on"
NO_SHOW_UPCOMING_SLUG = "fine-tuning-hands-on"


def load_strikes(students: list[User], *, committee: User | None) -> None:
    """The no-show policy: a hands-on session ten days ago had it on; Sam and Grace booked
    and did not come, so each got a strike when check-in closed. Sam contested his and
    waits for the committee; Grace's was waived. A popular session with the policy opens
    registration in three days: Sam's page says it opens an hour later for him."""
    if committee is None or len(students) < 6:
        return
    sam, grace = students[0], students[3]
    today = timezone.localtime()
    past_day = today - timedelta(days=10)
    past = upsert(
        NO_SHOW_PAST_SLUG,
        topics=["deep-learning"],
        title="Hands-on: GPU programming with CUDA",
        kind=Event.Kind.WORKSHOP,
        summary="40 seats, no-show policy: cancel in time if you can't come.",
        starts_at=at(past_day, 18),
        ends_at=at(past_day, 20),
        venue="Lab 2.14",
        capacity=40,
        registration_opens_at=at(past_day - timedelta(days=14), 12),
        no_show_policy=True,
        status=Event.Status.PUBLISHED,
        by=committee,
    )
    attend(past, [students[1], students[2], students[4]], by=committee, check_in=True)
    attend(past, [sam, grace], by=None, check_in=False)
    services.give_strikes(event=past, now=past.check_in_closes)
    strikes = {s.user_id: s for s in Strike.objects.filter(registration__event=past)}
    given = past.check_in_closes
    if sam.pk in strikes and services.contest_problem(strikes[sam.pk], now=given) is None:
        reason = "I was there: my phone died, so I could not show my ticket, and the door list missed me."
        services.contest_strike(strike=strikes[sam.pk], reason=reason, now=given + timedelta(hours=3))
    if grace.pk in strikes and strikes[grace.pk].decided_at is None:
        services.contest_strike(strike=strikes[grace.pk], reason="I was ill.", now=given + timedelta(hours=1))
        services.decide_strike(
            strike=strikes[grace.pk],
            by=committee,
            waive=True,
            reason="Ill on the day, and told us the next morning.",
            now=given + timedelta(days=1),
        )
    upcoming_day = today + timedelta(days=10)
    upsert(
        NO_SHOW_UPCOMING_SLUG,
        topics=["natural-language-processing"],
        title="Hands-on: fine-tuning small language models",
        kind=Event.Kind.WORKSHOP,
        summary="Our most asked-for session. No-show policy: cancel in time if you can't come.",
        starts_at=at(upcoming_day, 18),
        ends_at=at(upcoming_day, 20),
        venue="Lab 2.14",
        capacity=40,
        registration_opens_at=at(today + timedelta(days=3), 12),
        no_show_policy=True,
        status=Event.Status.PUBLISHED,
        by=committee,
    )
