from society.celery import app


def test_celery_speaks_json_only_and_acknowledges_late():
    conf = app.conf

    assert (conf.task_serializer, conf.result_serializer, conf.accept_content) == ("json", "json", ["json"])
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert (conf.task_soft_time_limit, conf.task_time_limit) == (240, 300)
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
