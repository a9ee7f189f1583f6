"""Shop API entry point."""

from fastapi import FastAPI

app = FastAPI(title="shop-api")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/readyz")
def readyz() -> dict[str, str]:
    return {"status": "ready"}
