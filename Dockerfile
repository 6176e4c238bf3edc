# syntax=docker/dockerfile:1

# Front-end packages from the npm registry, exactly as package-lock.json says; then Bootstrap
# built from its Sass sources with only the rules the templates, apps and scripts use.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHIBO_VAR_DIR=/var/lib/chibo \
    DEBUG=false \
    WEB_CONCURRENCY=3

# gettext compiles the translations; pango, harfbuzz and the fonts render the PDF documents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-texgyre fontconfig fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --user-group --home-dir /app --no-create-home chibo \
    && mkdir -p /var/lib/chibo/media /var/lib/chibo/mail /var/lib/chibo/celery/queue /var/lib/chibo/celery/processed \
    && chown -R chibo:chibo /var/lib/chibo

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --from=assets /app/node_modules ./node_modules
COPY . .
COPY --from=assets /app/static/build ./static/build

RUN if [ -d locale ]; then python manage.py compilemessages --ignore node_modules -v 0; fi
# collectstatic needs production settings (the manifest storage); this key exists
# only for this build step and is never used by the running site.
RUN DEBUG=false \
    SECRET_KEY=build-only-collectstatic-key-0123456789-abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 0

USER chibo
EXPOSE 8000
# The web service in docker-compose.yml runs migrate first; worker and beat
# override this command. Threads keep a phone's connection open between a page and its files
# (the sync worker closes it after each response: one more round trip per file).
CMD ["gunicorn", "chibo.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "60", "--worker-class", "gthread", "--threads", "4"]
