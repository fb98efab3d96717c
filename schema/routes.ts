import type { RouteInstaller } from '../server/http/app-server.js';

/** Plain-HTTP routes of the core modules (file bytes move beside GraphQL, not through it). */
export const coreRoutes: RouteInstaller[] = [];
