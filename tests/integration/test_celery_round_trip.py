import pytest

from members.models import User
from tests.factories import UserFactory
from tests.integration.celery_tasks import rename_member
from tests.integration.worker import celery_workers, wait_until


@pytest.mark.django_db(transaction=True)
def test_task_sent_through_redis_is_run_by_a_worker_process_and_lands_in_postgres(postgres, redis_url):
    member = UserFactory(name="Before")

    with celery_workers(broker_url=redis_url):
        rename_member.delay(member.pk, "After the worker")

        wait_until(lambda: User.objects.get(pk=member.pk).name == "After the worker")
