import { ObjectType } from 'type-graphql';
import { Connection } from '../../server/graphql/connection.js';
import { Administration } from './administration.entity.js';
import { User } from './user.entity.js';

@ObjectType({ simpleResolvers: true, description: 'A page of administrations the caller may see' })
export class AdministrationConnection extends Connection(Administration, 'Administration') {}

@ObjectType({ simpleResolvers: true, description: 'A page of users of an AOO' })
export class UserConnection extends Connection(User, 'User') {}
