"""Demo proposals, one in each state, by the demo's students, reviewed by its committee
through the services (so their emails sit in the outbox): comments, internal notes,
votes, co-hosts, and Sam's session, proposed, scheduled and run three weeks ago, with
its attendance and ratings, for Sam's record. Safe to run again: a proposal found by
its proposer and title is left as it is."""

from datetime import time, timedelta

from django.utils import timezone

from events import services as events
from events.demo import at, attend
from events.models import Event, Registration
from members.models import User

from . import services
from .models import Proposal

TRANSFORMERS = "Transformers from scratch in PyTorch"
# The attendees of Sam's session rated it so (one score each, in order of registration).
SCORES = [5, 4, 5, 5, 4, 3]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _propose(email: str, *, co_hosts: list[str] = (), when, **fields) -> Proposal | None:
    """A new proposal from `email`, submitted at `when` (None when it is there already,
    or the demo's people are not)."""
    proposer = _user(email)
    if proposer is None or Proposal.objects.filter(proposer=proposer, title=fields["title"]).exists():
        return None
    people = [user for user in map(_user, co_hosts) if user]
    return services.submit_proposal(proposal=Proposal(**fields), proposer=proposer, co_hosts=people, now=when)


def load(stdout) -> None:
    now = timezone.now()
    priya, mei, jonas = _user("priya@demo.ac.uk"), _user("mei@demo.ac.uk"), _user("jonas@demo.ac.uk")
    if not (priya and mei and jonas):
        return
    _sams_past_session(now=now, committee=[priya, mei, jonas])

    reading = _propose(
        "lin@demo.ac.uk",
        when=now - timedelta(days=3),
        kind=Proposal.Kind.PAPER_READING,
        title="Reading “Attention Is All You Need”",
        abstract="We read the transformer paper together, section by section, and redraw its figures.\n\n"
        "Bring questions: nobody is expected to understand it all before.",
        level=Event.Level.INTERMEDIATE,
        outcomes="How self-attention and positional encodings work, and how to read an ML paper.",
        prerequisites="Matrix multiplication; a printed or downloaded copy of the paper.",
        length_minutes=60,
        preferred_weeks="Any week after reading week",
        materials_plan="Annotated PDF and a one-page summary, shared after the session.",
    )
    if reading:
        services.vote(proposal=reading, by=priya, score=5, note="Lin ran the study group well.")
        services.vote(proposal=reading, by=mei, score=4)
        services.add_message(
            proposal=reading, by=jonas, internal=True, now=now - timedelta(days=2),
            body="Could pair with the transformers workshop; check room 2.14 is free.",
        )  # fmt: skip

    robot = _propose(
        "aisha@demo.ac.uk",
        when=now - timedelta(days=10),
        kind=Proposal.Kind.PROJECT_DEMO,
        title="A Raspberry Pi robot that sees",
        abstract="My robot follows people around the lab with a small vision model running on a Raspberry Pi.",
        level=Event.Level.BEGINNER,
        outcomes="How to run a vision model on a small board, and what goes wrong.",
        length_minutes=30,
    )
    if robot:
        services.vote(proposal=robot, by=mei, score=3, note="Fun, but what will people take away?")
        services.request_changes(
            proposal=robot, by=mei, now=now - timedelta(days=8),
            message="We love it! Could you add 15 minutes where people try the model on their laptops?",
        )  # fmt: skip

    kaggle = _propose(
        "lukas@demo.ac.uk",
        co_hosts=["grace@demo.ac.uk"],
        when=now - timedelta(days=14),
        kind=Proposal.Kind.TALK,
        title="Feature engineering for Kaggle",
        abstract="What moved me from the bottom half to the top 5% in three tabular competitions.",
        level=Event.Level.INTERMEDIATE,
        outcomes="Five feature-engineering habits, and how to check them with cross-validation.",
        prerequisites="pandas basics.",
        length_minutes=45,
        preferred_weeks="Weeks 7 or 8",
    )
    if kaggle:
        services.vote(proposal=kaggle, by=priya, score=4)
        services.accept(proposal=kaggle, by=priya, now=now - timedelta(days=12), message="Yes! We will find a date.")

    prompts = _propose(
        "grace@demo.ac.uk",
        when=now - timedelta(days=20),
        kind=Proposal.Kind.TALK,
        title="Prompt engineering 101",
        abstract="Tips and tricks for getting better answers from chatbots.",
        outcomes="A list of prompts that work.",
        length_minutes=30,
    )
    if prompts:
        services.decline(
            proposal=prompts, by=priya, now=now - timedelta(days=18),
            message="Tom gave this talk last month (the slides are on the site). Would you propose something "
            "on evaluating LLM answers instead? We would love that.",
        )  # fmt: skip

    rl = _propose(
        "oliver@demo.ac.uk",
        co_hosts=["daniel@demo.ac.uk"],
        when=now - timedelta(days=6),
        kind=Proposal.Kind.WORKSHOP,
        title="Teach an agent to play Snake",
        abstract="# Reinforcement learning, hands on\n\nWe write Q-learning from scratch, then a small network.",
        level=Event.Level.INTERMEDIATE,
        outcomes="A Snake agent that learns, and a feel for rewards, exploration and replay buffers.",
        prerequisites="Python; numpy installed.",
        length_minutes=120,
        preferred_weeks="Next month",
        materials_plan="A starter repository and a notebook, a week before.",
    )
    if rl:
        co_host = rl.co_hosts.get()
        services.answer_invitation(co_host=co_host, user=co_host.user, accept=True, now=now - timedelta(days=5))
        services.schedule(
            proposal=rl, by=jonas, day=(now + timedelta(days=16)).date(), at=time(18), room="Lab 2.14",
            now=now - timedelta(days=2),
        )  # fmt: skip

    _propose(
        "sam@demo.ac.uk",
        when=now - timedelta(days=1),
        kind=Proposal.Kind.WORKSHOP,
        title="Fine-tuning small language models on a laptop",
        abstract="LoRA on a 1B model, on the laptop you already have.",
        level=Event.Level.ADVANCED,
        outcomes="A fine-tuned model that writes society event blurbs.",
        prerequisites="PyTorch; 16 GB of memory.",
        length_minutes=90,
    )
    stdout.write("Proposals: one in each state (see /manage/proposals/); Sam's past session is on his record.\n")


def _sams_past_session(*, now, committee: list[User]) -> None:
    """Sam proposed a workshop five weeks ago, with Lin as co-host; it was scheduled and
    run three weeks ago: seven came, six rated it."""
    priya, mei, jonas = committee
    proposed = now - timedelta(weeks=5)
    proposal = _propose(
        "sam@demo.ac.uk",
        co_hosts=["lin@demo.ac.uk"],
        when=proposed,
        kind=Proposal.Kind.WORKSHOP,
        title=TRANSFORMERS,
        abstract="We build a tiny GPT in PyTorch, one layer at a time, and train it on Shakespeare.\n\n"
        "Every step is a cell in a notebook you keep.",
        level=Event.Level.INTERMEDIATE,
        outcomes="A working transformer you wrote yourself, and the intuition for attention.",
        prerequisites="Python and some numpy. Install PyTorch before you come.",
        length_minutes=120,
        preferred_weeks="Weeks 4 to 6",
        materials_plan="A notebook with gaps to fill in, and the finished one after the session.",
    )
    if proposal is None:
        return
    co_host = proposal.co_hosts.get()
    services.answer_invitation(co_host=co_host, user=co_host.user, accept=True, now=proposed + timedelta(hours=3))
    services.vote(proposal=proposal, by=priya, score=5, note="Exactly what members asked for.")
    services.vote(proposal=proposal, by=mei, score=4)
    services.add_message(
        proposal=proposal, by=mei, body="Could the notebook run on Colab too, for people without a GPU?",
        internal=False, now=proposed + timedelta(days=1),
    )  # fmt: skip
    services.add_message(
        proposal=proposal, by=jonas, body="Sam helped at three workshops last term: a safe pair of hands.",
        internal=True, now=proposed + timedelta(days=1),
    )  # fmt: skip
    starts = at(now - timedelta(weeks=3) - timedelta(days=1), 18)
    decided = proposed + timedelta(days=2)
    event = services.schedule(
        proposal=proposal, by=priya, day=timezone.localtime(starts).date(), at=timezone.localtime(starts).time(),
        room="Lab 2.14", message="Scheduled! Mei will help you set up the room.", now=decided,
    )  # fmt: skip
    events.publish_event(event=event, by=priya, now=decided + timedelta(days=1))
    students = [
        _user(email)
        for email in (
            "aisha@demo.ac.uk", "lukas@demo.ac.uk", "grace@demo.ac.uk", "oliver@demo.ac.uk",
            "sofia@demo.ac.uk", "daniel@demo.ac.uk", "hannah@demo.ac.uk",
        )
    ]  # fmt: skip
    event.refresh_from_db()
    attend(event, [user for user in students if user], by=mei, check_in=True)
    attended = Registration.objects.attended().filter(event=event).order_by("created_at", "id")
    for registration, score in zip(attended, SCORES, strict=False):
        events.rate_event(registration=registration, score=score)
