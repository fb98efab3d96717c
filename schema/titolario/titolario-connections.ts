import { ObjectType } from 'type-graphql';
import { Connection } from '../../server/graphql/connection.js';
import { TitolarioNode } from './titolario-node.entity.js';

@ObjectType({ simpleResolvers: true, description: 'A page of the nodes of a titolario version, depth first' })
export class TitolarioNodeConnection extends Connection(TitolarioNode, 'TitolarioNode') {}
