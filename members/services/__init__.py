"""Business rules about members, one module a concern: profiles and the record
(`profiles`), membership and the union list (`membership`), deleting accounts
and retention (`privacy`).

Views, admin actions, commands and Celery tasks call these functions, so each
rule has one home. Arguments are keyword-only; "now" and "today" can be given,
so tests never wait for the clock. Everything is importable from here too
(`from members import services; services.is_member(...)`).
"""

from .committee import CommitteeProblem, Handover, give_role, hand_over, role_problem
from .membership import (
    UnionImport,
    UnionReview,
    import_union_list,
    is_member,
    join_society,
    lapse_membership,
    plan_union_import,
    renew_membership,
)
from .privacy import (
    RetentionRun,
    accounts_due_for_anonymising,
    anonymise_account,
    apply_retention,
    retention_warning_key,
    warn_before_anonymising,
)
from .profiles import (
    choose_language,
    delete_avatar,
    delete_files_on_commit,
    finish_welcome,
    needs_welcome,
    profile_of,
    record_of,
    reset_record_link,
    set_avatar,
    share_record,
    start_welcome,
    update_profile,
)
from .sessions import end_other_sessions, sessions_of
from .site_texts import SiteTextProblem, edit_site_text, latest_version
from .topics import TopicError, create_topic, merge_topics, rename_topic, topic_name_problem, topic_slug, topics_named

__all__ = [
    "CommitteeProblem",
    "Handover",
    "RetentionRun",
    "SiteTextProblem",
    "TopicError",
    "UnionImport",
    "UnionReview",
    "accounts_due_for_anonymising",
    "anonymise_account",
    "apply_retention",
    "choose_language",
    "create_topic",
    "delete_avatar",
    "delete_files_on_commit",
    "edit_site_text",
    "end_other_sessions",
    "finish_welcome",
    "give_role",
    "hand_over",
    "import_union_list",
    "is_member",
    "join_society",
    "lapse_membership",
    "latest_version",
    "merge_topics",
    "needs_welcome",
    "plan_union_import",
    "profile_of",
    "record_of",
    "rename_topic",
    "renew_membership",
    "reset_record_link",
    "retention_warning_key",
    "role_problem",
    "sessions_of",
    "set_avatar",
    "share_record",
    "start_welcome",
    "topic_name_problem",
    "topic_slug",
    "topics_named",
    "update_profile",
    "warn_before_anonymising",
]
