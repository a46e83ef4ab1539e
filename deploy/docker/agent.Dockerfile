# syntax=docker/dockerfile:1
# The Gantry agent. Build from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile -t gantry-agent:0.1.0 .
# Runs TypeScript through tsx (as in development); no build step.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY deploy/docker/image-dependencies.mjs /tmp/
# Only the agent's runtime dependencies, at the versions of the lock file.
RUN node /tmp/image-dependencies.mjs agent package.json \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOME=/tmp \
    GANTRY_AGENT_STATE_DIR=/var/lib/gantry-agent
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json tsconfig.base.json ./
COPY proto ./proto
COPY libs/domain/src ./libs/domain/src
COPY libs/proto/src ./libs/proto/src
COPY libs/pipes/src ./libs/pipes/src
COPY libs/code-location/src ./libs/code-location/src
COPY libs/telemetry/src ./libs/telemetry/src
COPY apps/agent/src ./apps/agent/src
RUN mkdir -p /var/lib/gantry-agent && chown 10001:10001 /var/lib/gantry-agent
# Not root; the Helm chart and the ECS task run it read-only with /tmp and the state dir writable.
USER 10001:10001
ENTRYPOINT ["node", "--import", "tsx", "apps/agent/src/main.ts"]
