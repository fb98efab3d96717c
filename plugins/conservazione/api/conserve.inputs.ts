import { Field, ID, InputType } from 'type-graphql';
import { MAX_SERIES_DOCUMENTS } from '../package/index.js';

@InputType({ description: 'Documents of a series the archivist chose, sent as one package' })
export class ConserveSeriesInput {
  @Field(() => ID, { description: 'The AOO' })
  aooId!: string;

  @Field({ description: 'What to call the package (1 to 300 characters), e.g. "Contratti 2025"' })
  label!: string;

  @Field(() => [ID], { description: `The registered documents (at most ${MAX_SERIES_DOCUMENTS})` })
  documentIds!: string[];
}
