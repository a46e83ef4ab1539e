# syntax=docker/dockerfile:1
# The Gantry control plane and the `gantry` command (the Helm chart's migration
# Job runs `gantry db migrate`). Build from the repository root:
#   docker build -f deploy/docker/control-plane.Dockerfile -t gantry-control-plane:0.1.0 .
# Runs TypeScript through tsx (as in development); the console is built with
# Vite in its own stage and served by the control plane at `/`.
ARG NODE_IMAGE=node:22-bookworm-slim

# Generates the Prisma client (needs the prisma CLI, a dev dependency).
FROM ${NODE_IMAGE} AS generate
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm install --ignore-scripts --no-audit --no-fund
# The generator runs on WebAssembly; pointing the engine variable at any file
# stops the CLI from downloading a native engine it does not use.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/app/package.json PRISMA_HIDE_UPDATE_MESSAGE=1 npx --no-install prisma generate

# Builds the console (GraphQL Code Generator + Vite) into apps/console/dist.
FROM ${NODE_IMAGE} AS console
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
RUN npm install --ignore-scripts --no-audit --no-fund
COPY scripts/build-console.mjs ./scripts/
COPY apps/control-plane/schema.graphql ./apps/control-plane/
COPY apps/console ./apps/console
RUN node scripts/build-console.mjs

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY deploy/docker/image-dependencies.mjs /tmp/
RUN node /tmp/image-dependencies.mjs control-plane package.json \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOME=/tmp \
    GANTRY_BIND_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json tsconfig.base.json ./
COPY proto ./proto
COPY prisma ./prisma
COPY libs ./libs
COPY --from=generate /app/libs/db/src/generated ./libs/db/src/generated
COPY apps/control-plane ./apps/control-plane
COPY --from=console /app/apps/console/dist ./apps/console/dist
COPY apps/cli ./apps/cli
RUN printf '#!/bin/sh\nexec node --import tsx /app/apps/cli/src/main.ts "$@"\n' > /usr/local/bin/gantry \
 && chmod 0755 /usr/local/bin/gantry
USER 10001:10001
EXPOSE 4000 4001
ENTRYPOINT ["node", "--import", "tsx", "apps/control-plane/src/main.ts"]
