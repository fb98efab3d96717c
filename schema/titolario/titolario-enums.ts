import { registerEnumType } from 'type-graphql';

/** A version is prepared as a draft, then published once approved; published versions never change. */
export enum TitolarioVersionState {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
}

registerEnumType(TitolarioVersionState, {
  name: 'TitolarioVersionState',
  description: 'Whether a titolario version is still being prepared or approved and published',
  valuesConfig: {
    DRAFT: {
      description: 'Being prepared: nodes and index terms may change; nothing can be classified under it',
    },
    PUBLISHED: {
      description:
        'Approved: immutable, in force from validFrom until the next published version takes effect',
    },
  },
});
