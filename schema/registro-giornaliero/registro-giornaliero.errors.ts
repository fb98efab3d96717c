import type { ErrorCodeDefinition } from '../../server/errors/error-codes.js';

/** Why a daily register could not be produced (the job retries on its next run). */
export const DAILY_REGISTER_ERROR_CODES: readonly ErrorCodeDefinition[] = [
  {
    code: 'DAILY_REGISTER_DAY_NOT_CLOSED',
    httpStatus: 409,
    description:
      'The register of a day is produced only once the day is over in Europe/Rome (and not for a day before the AOO existed)',
  },
  {
    code: 'DAILY_REGISTER_NO_RGD',
    httpStatus: 409,
    description:
      'The AOO has no RGD (designated, or an active member with the RGD profile): the register names its RGD and is recorded as created by them; designate one',
  },
  {
    code: 'DAILY_REGISTER_CONSERVED',
    httpStatus: 409,
    description:
      'The daily register is conserved (the conservator accepted it): its conservation state is final',
  },
];
