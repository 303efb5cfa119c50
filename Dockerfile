# Körpü: multi-stage image. Build: `docker build -t korpu .`; run with docker-compose.yml
# (Redis with appendonly and noeviction, which production requires).

# --- build: compile TypeScript to dist/ -------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsc emits CommonJS to dist/ and the build script copies the simulator page and the Lua
# scripts (src/storage/lua/*.lua) beside it.
RUN npm run build

# --- runtime: production dependencies, compiled code, flows, texts, config --------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time relative to /app: flows/ and config/ (FLOWS_DIR, PROGRAMME_FILE) and
# locales/ (found from dist/i18n as ../../locales).
COPY flows ./flows
COPY locales ./locales
COPY config ./config
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# ROLE=worker answers health on WORKER_PORT (docker-compose.yml sets it), the others on PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + ((process.env.ROLE === 'worker' ? process.env.WORKER_PORT : process.env.PORT) || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
