import { defineModule } from '../../server/modules/module.js';
import { SystemResolver } from './system.resolver.js';

/** What a client may ask before anything else: version, server time, a heartbeat feed. */
export const systemModule = defineModule({
  name: 'system',
  resolvers: [SystemResolver],
});
