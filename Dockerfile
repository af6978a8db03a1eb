# Shoebox's image, one for both processes: docker-compose.yml picks the role with the command.
# The build stage installs everything and turns the TypeScript into plain JavaScript (and converts
# the image models); the image keeps only what runs, and runs it as the unprivileged user `node`.
ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root package's `prepare` would build before the sources are here; nothing the
# image runs needs a dependency's install script (ffmpeg comes from Debian below).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
# Debian's ffmpeg and ffprobe (kept up to date with security fixes) parse uploaded videos; they are
# on PATH, so Shoebox takes them before the 2018 build inside node_modules.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir /data && chown node:node /data
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data HOST=0.0.0.0
COPY --from=build /app/package.json /app/package-lock.json /app/wrangler.toml ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
COPY --from=build /app/migrations ./migrations
USER node
VOLUME /data
EXPOSE 2283
# The web side answers only once the database is migrated (the worker alone: see docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 2283}/api/server/ping`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same entry point as `npm start`, one role per container.
ENTRYPOINT ["node", "dist/app/workers/main.js"]
CMD ["start"]
