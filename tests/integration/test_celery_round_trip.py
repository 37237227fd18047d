import pytest

from members.models import User
from tests.factories import UserFactory
from tests.integration.celery_tasks import rename_member
from tests.integration.worker import celery_worker, wait_until


@pytest.mark.django_db(transaction=True)
def test_task_sent_through_redis_is_run_by_a_worker_process_and_lands_in_postgres(postgres, redis_url):
    member = UserFactory(name="Before")

    with celery_worker(broker_url=redis_url) as queue:
        rename_member.apply_async(args=[member.pk, "After the worker"], queue=queue)

        wait_until(lambda: User.objects.get(pk=member.pk).name == "After the worker")
