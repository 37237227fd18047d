"""Workshop workflows, one module a concern. Views, the admin, tasks and the demo
call these, so callers write `from workshops import services; services.x(...)`:

- materials: adding, rendering notebooks, ordering and deleting materials; written feedback
- series: the committee's workshop series, their sessions in order, retiring a series
- preparation: reminding the hosts of member-led sessions of their materials
- groups: study groups, their places, their meetings (study-group events) and who is told
"""

from .errors import WorkshopError
from .groups import (
    archive_last_years_study_groups,
    cancel_meeting,
    generate_meetings,
    groups_to_archive,
    join_study_group,
    leave_study_group,
    meeting_plan,
    meeting_plan_problem,
    places_problem,
    register_for_meeting,
    save_study_group,
    tell_member_of_meeting,
)
from .materials import (
    add_material,
    delete_material,
    give_feedback,
    move_material,
    render_material,
    render_unrendered_notebooks,
)
from .preparation import materials_due_soon, queue_materials_reminders
from .series import (
    add_series_sessions,
    add_session,
    move_session,
    remove_session,
    retire_series,
    save_series,
    unique_series_slug,
    workshop_series_choices,
)

__all__ = [
    "WorkshopError",
    "add_material",
    "add_series_sessions",
    "add_session",
    "archive_last_years_study_groups",
    "cancel_meeting",
    "delete_material",
    "generate_meetings",
    "give_feedback",
    "groups_to_archive",
    "join_study_group",
    "leave_study_group",
    "materials_due_soon",
    "meeting_plan",
    "meeting_plan_problem",
    "move_material",
    "move_session",
    "places_problem",
    "queue_materials_reminders",
    "register_for_meeting",
    "remove_session",
    "render_material",
    "render_unrendered_notebooks",
    "retire_series",
    "save_series",
    "save_study_group",
    "tell_member_of_meeting",
    "unique_series_slug",
    "workshop_series_choices",
]  # fmt: skip
