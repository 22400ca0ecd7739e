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

# Webhook mode answers GET /healthz; in polling mode there is no port and the check passes
# as long as the process runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, sys, urllib.request; url = os.environ.get('WEBHOOK_URL'); port = os.environ.get('WEBHOOK_PORT', '8080'); sys.exit(0 if not url else urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status != 200)"

CMD ["python", "-m", "bot"]
