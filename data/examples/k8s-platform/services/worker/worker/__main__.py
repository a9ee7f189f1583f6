"""Order-export and e-mail worker."""

from celery import Celery

app = Celery("worker")

if __name__ == "__main__":
    app.worker_main(["worker", "--loglevel=info"])
