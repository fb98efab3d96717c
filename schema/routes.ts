import type { RouteInstaller } from '../server/http/app-server.js';
import { fileRoutes } from './documents/file.routes.js';

/** Plain-HTTP routes of the core modules (file bytes move beside GraphQL, not through it). */
export const coreRoutes: RouteInstaller[] = [fileRoutes];
