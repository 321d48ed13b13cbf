# syntax=docker/dockerfile:1
# Production image for the API and the worker (same image, different command).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Falls back to `npm install` when the lock file lacks an optional binary for this platform.
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.image.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# tsconfig.image.json compiles src/ and migrations/ only: no test code in the runtime image
# (tsconfig.build.json, for development, also compiles the bench and the tests' process fixtures).
RUN npx nest build -p tsconfig.image.json && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    STORAGE_DIR=/data/files
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Attachment content (StorageService, local disk): mount a volume here and back it up with the database.
RUN mkdir -p /data/files && chown -R node:node /data
VOLUME ["/data/files"]
USER node
EXPOSE 3000
# tini forwards SIGTERM so the API drains connections and the worker releases its jobs.
ENTRYPOINT ["/usr/bin/tini", "--"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
