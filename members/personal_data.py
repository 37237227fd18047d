"""What members/ holds about a person, for their copy of their data (see society.privacy)."""

from allauth.account.models import EmailAddress

from .models import CommitteeRole, Membership, Profile, RetentionWarning
from .years import academic_year_label


def export(user) -> dict:
    profile = Profile.objects.filter(user=user).prefetch_related("interests").first()
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "profile": (
            {
                "course": profile.course,
                "year_of_study": profile.get_year_of_study_display() if profile.year_of_study else "",
                "student_number": profile.student_number,
                "bio": profile.bio,
                "interests": [topic.name for topic in profile.interests.all()],
                "github": profile.github_url,
                "linkedin": profile.linkedin_url,
                "website": profile.website_url,
                "photo": profile.avatar.url if profile.avatar else None,
            }
            if profile
            else None
        ),
        "memberships": [
            {"academic_year": membership.year_label, "source": membership.get_source_display()}
            for membership in Membership.objects.filter(user=user).order_by("academic_year")
        ],
        "committee_roles": [
            {"title": role.title, "from": role.starts_on.isoformat(), "to": role.ends_on.isoformat()}
            for role in CommitteeRole.objects.filter(user=user).order_by("starts_on")
        ],
        "retention_warnings": [
            {
                "member_until": academic_year_label(warning.for_year) if warning.for_year else None,
                "warned": warning.warned_at.isoformat(),
            }
            for warning in RetentionWarning.objects.filter(user=user).order_by("warned_at")
        ],
    }
