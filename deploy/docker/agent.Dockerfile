# syntax=docker/dockerfile:1
# The Gantry agent. Build from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile -t gantry-agent:0.1.0 .
ARG NODE_IMAGE=node:22-bookworm-slim

# Bundles apps/agent and the libs it imports into apps/agent/dist/main.mjs (esbuild).
FROM ${NODE_IMAGE} AS bundle
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY libs ./libs
COPY apps/agent ./apps/agent
COPY deploy/docker/bundle-agent.mjs ./deploy/docker/
RUN node deploy/docker/bundle-agent.mjs /app

# Only the agent's runtime dependencies, at the versions of the lock file.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY deploy/docker/image-dependencies.mjs /tmp/
RUN node /tmp/image-dependencies.mjs agent package.json \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOME=/tmp \
    GANTRY_AGENT_STATE_DIR=/var/lib/gantry-agent
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY proto ./proto
COPY --from=bundle /app/apps/agent/dist ./apps/agent/dist
RUN mkdir -p /var/lib/gantry-agent && chown 10001:10001 /var/lib/gantry-agent
# Not root; the Helm chart and the ECS task run it with a read-only root
# filesystem, /tmp and the state dir being the only writable places.
USER 10001:10001
# No --enable-source-maps: it costs ~6 MB of resident memory (bench:agent-footprint).
# The bundle is not minified; set NODE_OPTIONS=--enable-source-maps for TypeScript positions.
ENTRYPOINT ["node", "apps/agent/dist/main.mjs"]
