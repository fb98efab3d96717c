import { ObjectType } from 'type-graphql';
import { Connection } from '../../server/graphql/connection.js';
import { ProtocolRecord } from './protocol-record.entity.js';

@ObjectType({ simpleResolvers: true, description: 'A page of the registrations the caller may see' })
export class ProtocolRecordConnection extends Connection(ProtocolRecord, 'ProtocolRecord') {}
