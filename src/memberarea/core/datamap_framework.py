"""Data-map declarations for the framework's and third-party apps' models (see datamap.py).

Imported from CoreConfig.ready(), when every model is loaded. Third-party models are named by their
class, not by a label written by hand: django-tasks-db's app label is `django_tasks_database`, not
its package name, and a wrong label would leave the real model undeclared.
"""

from django_tasks_db.models import DBTaskResult

from . import datamap
from .datamap import ACTIVITY, GENERATED, ONLINE_IDENTIFIER, SECURITY, NotPersonal, Personal

_config = NotPersonal("configuration, about no person")

datamap.declare("contenttypes.ContentType", id=_config, app_label=_config, model=_config)
datamap.declare("auth.Permission", id=_config, name=_config, content_type=_config, codename=_config)
datamap.declare("auth.Group", id=_config, name=_config, permissions=_config)
datamap.declare(
    "sessions.Session",
    session_key=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY]),
    session_data=Personal(ONLINE_IDENTIFIER, GENERATED, [SECURITY], note="account id and flow state"),
    expire_date=Personal(ACTIVITY, GENERATED, [SECURITY]),
)
_task = NotPersonal("background-task bookkeeping; tasks carry row ids, never personal values")
datamap.declare(
    DBTaskResult,
    id=_task,
    status=_task,
    enqueued_at=_task,
    started_at=_task,
    finished_at=_task,
    args_kwargs=_task,
    priority=_task,
    task_path=_task,
    worker_ids=_task,
    queue_name=_task,
    backend_name=_task,
    run_after=_task,
    return_value=_task,
    exception_class_path=_task,
    traceback=Personal(
        ACTIVITY, GENERATED, [SECURITY], note="exception text could quote a value; pruned with the task row"
    ),
)
datamap.subject_unlinked("sessions.Session", "opaque session data; listed through the session registry")
datamap.subject_unlinked(DBTaskResult, "task rows carry ids only; pruned once the task is finished")
