import { registerEnumType } from 'type-graphql';

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction',
  valuesConfig: {
    ASC: { description: 'Smallest, oldest or A first' },
    DESC: { description: 'Largest, newest or Z first' },
  },
});
