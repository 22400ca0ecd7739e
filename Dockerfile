FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Dependencies in a layer of their own: rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir bot handlers && touch bot/__init__.py handlers/__init__.py \
    && pip install . && pip uninstall -y cromicle-telegram-bot

COPY bot/ bot/
COPY handlers/ handlers/
RUN pip install --no-deps . && useradd --create-home --uid 10001 bot
USER bot

# `python -m bot health`: in webhook mode GET /healthz answers 200; in polling mode every
# successful getUpdates (with REDIS_URL: every renewal of the replica's leases) touches
# HEARTBEAT_FILE, so a bot whose polling is stuck or failing goes unhealthy within a minute
# even though its process runs.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot"]
