import { ObjectType } from 'type-graphql';
import { Connection } from '../../server/graphql/connection.js';
import { RepertorioEntry } from './repertorio-entry.entity.js';

@ObjectType({
  simpleResolvers: true,
  description: 'A page of the entries of a repertorio the caller may see',
})
export class RepertorioEntryConnection extends Connection(RepertorioEntry, 'RepertorioEntry') {}
