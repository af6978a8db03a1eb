# One image for both processes; docker-compose.yml picks the role with the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --include=optional
COPY . .
RUN npm run build
VOLUME /data
# The same entry point as `npm start`, one role per container (see docker-compose.yml).
ENTRYPOINT ["node", "--import", "tsx", "workers/main.ts"]
CMD ["start"]
