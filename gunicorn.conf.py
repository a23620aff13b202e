"""gunicorn for memberarea, production and benchmarks alike (decision 0044):
`gunicorn -c gunicorn.conf.py memberarea.wsgi --chdir src -b 0.0.0.0:8000`.

The service is bound by argon2id, which argon2-cffi runs with the GIL released (~40 ms of one core
per password check), while the rest of a request is Python holding the GIL (a few ms). One worker
process per core with two threads each lets one thread's Python run while the other's hash runs,
so each core stays busy with no more processes (memory, database connections) than cores; more
threads per process would only queue more 19 MiB hashes on the same core. The application is
loaded once before forking (--preload): workers start at once and share the imported code; a code
change therefore needs a restart, not a HUP.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
preload_app = True
