"""Members logged in with database sessions, as a browser would hold them: the
drills' HTTP clients send the session key as their cookie. Runs in the test
process, or in a subprocess against a drill's own database (run as a module:
its imports of models wait until Django is set up)."""


def log_in_members(count: int, *, prefix: str = "student") -> list[tuple[int, str]]:
    """`count` new members, each with a session: [(user id, session key)]."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    User = get_user_model()
    users = User.objects.bulk_create(User(email=f"{prefix}{n}@uni.ac.uk", name=f"Student {n}") for n in range(count))
    logged_in = []
    for user in users:
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        logged_in.append((user.pk, session.session_key))
    return logged_in


def arrange_event_and_members(*, slug: str, members: int) -> dict:
    """A published event a week away and `members` logged-in members, for a drill's
    own database: {"event": slug, "members": [[user id, session key], ...]}."""
    from tests.factories import EventFactory

    EventFactory(slug=slug)
    return {"event": slug, "members": log_in_members(members)}


if __name__ == "__main__":
    # python -m tests.integration.drills.people SLUG COUNT, with DATABASE_URL set: prints JSON.
    import json
    import sys

    import django

    django.setup()
    print(json.dumps(arrange_event_and_members(slug=sys.argv[1], members=int(sys.argv[2]))))
