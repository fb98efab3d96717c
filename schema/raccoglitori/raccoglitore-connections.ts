import { ObjectType } from 'type-graphql';
import { Connection } from '../../server/graphql/connection.js';
import { Raccoglitore } from './raccoglitore.entity.js';
import { RaccoglitoreHistoryEntry } from './raccoglitore-history.types.js';

@ObjectType({ simpleResolvers: true, description: 'A page of raccoglitori the caller may see' })
export class RaccoglitoreConnection extends Connection(Raccoglitore, 'Raccoglitore') {}

@ObjectType({
  simpleResolvers: true,
  description: 'A page of the membership history of a raccoglitore (steps on documents the caller sees)',
})
export class RaccoglitoreHistoryConnection extends Connection(
  RaccoglitoreHistoryEntry,
  'RaccoglitoreHistoryEntry',
) {}
