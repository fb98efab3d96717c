import { registerEnumType } from 'type-graphql';

/** What a package transfers (DOMAIN §9). */
export enum PackageKind {
  DAILY_REGISTER = 'DAILY_REGISTER',
  FASCICOLO = 'FASCICOLO',
  SERIES = 'SERIES',
}

registerEnumType(PackageKind, {
  name: 'ConservationPackageKind',
  description: 'What a conservation package (pacchetto di versamento) transfers',
  valuesConfig: {
    DAILY_REGISTER: { description: 'The daily protocol register of one day (every day, 001 §6.8)' },
    FASCICOLO: { description: 'A closed fascicolo with its sottofascicoli and every document filed in them' },
    SERIES: {
      description: 'Documents of one type chosen by the archivist (contratti, delibere, registered mail…)',
    },
  },
});

/** The outcome colours of the conservation desk ("Scarica esiti", DOMAIN §9). */
export enum ConservationColour {
  ORANGE = 'ORANGE',
  GREEN = 'GREEN',
  RED = 'RED',
}

registerEnumType(ConservationColour, {
  name: 'ConservationColour',
  description: 'Where a package or document stands at the conservator',
  valuesConfig: {
    ORANGE: { description: 'Sent or waiting to be sent: no feedback from the conservator yet' },
    GREEN: { description: 'Conserved: the conservator accepted it and its rapporto di versamento is stored' },
    RED: { description: 'Rejected: the conservator gave its reasons; correct and resend' },
  },
});
