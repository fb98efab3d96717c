import type { DmsModule } from '../../../server/modules/module.js';
import {
  DocumentConservationResolver,
  FascicoloConservationResolver,
} from './conservation-state.resolver.js';
import { conservationRoutes } from './conservation.routes.js';
import { ConservationDueResolver } from './due.resolver.js';
import {
  ConservationItemFieldsResolver,
  ConservationPackageFieldsResolver,
} from './package-fields.resolver.js';
import { ConservationPackageResolver } from './package.resolver.js';
import { ConservationSeriesResolver } from './series.resolver.js';

/**
 * What the archivist and the readers of the conservation desk use: the packages and their
 * outcomes, what is due, the series to build packages from, the mutations that create and resend
 * packages, the changes live, and the SIPs, indexes, requests and rapporti over HTTP.
 */
export const CONSERVATION_API = {
  resolvers: [
    ConservationPackageResolver,
    ConservationPackageFieldsResolver,
    ConservationItemFieldsResolver,
    ConservationDueResolver,
    ConservationSeriesResolver,
    DocumentConservationResolver,
    FascicoloConservationResolver,
  ],
  routes: [conservationRoutes],
} satisfies Partial<DmsModule>;

export { ConservationState, conservationStateLoaders } from './conservation-state.js';
export { sipPath, pindexPath, descriptorPath, rapportoPath } from './conservation.routes.js';
