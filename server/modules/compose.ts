import type { MigrationObject } from '@mikro-orm/core';
import type { IdentityProvider } from '../auth/principal.js';
import { MAX_PERMISSIONS, PermissionRegistry, type PermissionDefinition } from '../auth/permissions.js';
import { ErrorCodeRegistry, PLATFORM_ERROR_CODES, type ErrorCodeDefinition } from '../errors/error-codes.js';
import type { DomainEventClass } from '../events/domain-event.js';
import type {
  CliCommand,
  DmsModule,
  EventHandlerDefinition,
  JobDefinition,
  RouteInstaller,
} from './module.js';

/** Two modules (or a module and the platform) that declare the same thing, or a module that is malformed. */
export class ModuleCompositionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModuleCompositionError';
  }
}

export interface Owned<T> {
  module: string;
  item: T;
}

/** Everything the modules contribute, checked and in module order. */
export interface ComposedModules {
  modules: readonly DmsModule[];
  entities: Function[];
  migrations: MigrationObject[];
  resolvers: Function[];
  routes: RouteInstaller[];
  jobs: Array<Owned<JobDefinition>>;
  permissions: PermissionRegistry;
  errorCodes: ErrorCodeRegistry;
  events: DomainEventClass[];
  eventHandlers: Array<Owned<EventHandlerDefinition>>;
  identity: IdentityProvider;
  commands: Array<Owned<CliCommand>>;
}

const PLATFORM = 'the platform';
const MODULE_NAME = /^[a-z][a-z0-9-]*$/;
const PERMISSION_NAME = /^[A-Z][A-Z0-9_]*$/;
const JOB_NAME = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const MIGRATION_NAME = /^Migration\d{14}_[A-Za-z0-9_]+$/;

/** Records owners by key and refuses a second owner, naming both. */
class Claims {
  private readonly owners = new Map<string, string>();

  constructor(private readonly what: string) {}

  claim(key: string, owner: string): void {
    const first = this.owners.get(key);
    if (first !== undefined) {
      throw new ModuleCompositionError(`${this.what} ${key} is declared by both ${first} and ${owner}`);
    }
    this.owners.set(key, owner);
  }
}

/**
 * Composes modules in the given order (core modules first, then plugins). Refuses, with a message
 * naming both parties: two modules of one name; a permission, error code, job, event topic,
 * command or migration declared twice; migrations of a module out of order; no identity provider
 * or two.
 */
export function composeModules(
  modules: readonly DmsModule[],
  reservedCommands: readonly string[] = [],
): ComposedModules {
  const names = new Claims('Module');
  const permissions = new Claims('Permission');
  const codes = new Claims('Error code');
  const jobs = new Claims('Job');
  const topics = new Claims('Event topic');
  const migrations = new Claims('Migration');
  const commands = new Claims('Command');
  for (const code of PLATFORM_ERROR_CODES) codes.claim(code.code, PLATFORM);
  for (const command of reservedCommands) commands.claim(command, PLATFORM);

  const composed: Omit<ComposedModules, 'permissions' | 'errorCodes' | 'identity'> & {
    permissionList: PermissionDefinition[];
    codeList: ErrorCodeDefinition[];
    identities: Array<Owned<NonNullable<DmsModule['identity']>>>;
  } = {
    modules,
    entities: [],
    migrations: [],
    resolvers: [],
    routes: [],
    jobs: [],
    events: [],
    eventHandlers: [],
    commands: [],
    permissionList: [],
    codeList: [...PLATFORM_ERROR_CODES],
    identities: [],
  };
  for (const m of modules) {
    if (!MODULE_NAME.test(m.name)) {
      throw new ModuleCompositionError(`Module name "${m.name}" must be lowercase letters, digits and -`);
    }
    const owner = `module ${m.name}`;
    names.claim(m.name, owner);
    for (const p of m.permissions ?? []) {
      if (!PERMISSION_NAME.test(p.name)) {
        throw new ModuleCompositionError(`Permission "${p.name}" of ${owner} must be UPPER_SNAKE_CASE`);
      }
      permissions.claim(p.name, owner);
      composed.permissionList.push(p);
    }
    for (const c of m.errorCodes ?? []) {
      codes.claim(c.code, owner);
      composed.codeList.push(c);
    }
    for (const j of m.jobs ?? []) {
      if (!j.name.startsWith(`${m.name}.`) || !JOB_NAME.test(j.name)) {
        throw new ModuleCompositionError(
          `Job "${j.name}" of ${owner} must be named ${m.name}.<what> (lowercase, digits, -)`,
        );
      }
      jobs.claim(j.name, owner);
      composed.jobs.push({ module: m.name, item: j });
    }
    for (const e of m.events ?? []) {
      topics.claim(e.topic, owner);
      composed.events.push(e);
    }
    for (const c of m.commands ?? []) {
      commands.claim(c.name, owner);
      composed.commands.push({ module: m.name, item: c });
    }
    let previous = '';
    for (const migration of m.migrations ?? []) {
      if (!MIGRATION_NAME.test(migration.name)) {
        throw new ModuleCompositionError(
          `Migration "${migration.name}" of ${owner} must be named Migration<14 digits>_<what>`,
        );
      }
      if (migration.name <= previous) {
        throw new ModuleCompositionError(
          `Migrations of ${owner} are out of order: ${migration.name} comes after ${previous}`,
        );
      }
      previous = migration.name;
      migrations.claim(migration.name, owner);
      composed.migrations.push({ name: migration.name, class: migration.class });
    }
    composed.entities.push(...(m.entities ?? []));
    composed.resolvers.push(...(m.resolvers ?? []));
    composed.routes.push(...(m.routes ?? []));
    composed.eventHandlers.push(...(m.eventHandlers ?? []).map((item) => ({ module: m.name, item })));
    if (m.identity) composed.identities.push({ module: m.name, item: m.identity });
  }
  if (composed.permissionList.length > MAX_PERMISSIONS) {
    throw new ModuleCompositionError(
      `The modules declare ${composed.permissionList.length} permissions; the platform takes at most ${MAX_PERMISSIONS}`,
    );
  }
  const [identity, second] = composed.identities;
  if (!identity)
    throw new ModuleCompositionError('No module supplies the identity provider (users and grants)');
  if (second) {
    throw new ModuleCompositionError(
      `Identity provider is declared by both module ${identity.module} and module ${second.module}`,
    );
  }
  const { permissionList, codeList, identities, ...rest } = composed;
  void identities;
  const registry = new PermissionRegistry(permissionList);
  return {
    ...rest,
    permissions: registry,
    errorCodes: new ErrorCodeRegistry(codeList),
    identity: identity.item(registry),
  };
}
