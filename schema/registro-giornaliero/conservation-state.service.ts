import { LockMode } from '@mikro-orm/core';
import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { DomainError } from '../../server/errors/domain-error.js';
import { DailyRegister, DailyRegisterState } from './daily-register.entity.js';
import { DailyRegisterConservationChanged } from './daily-register.events.js';

const { READY_FOR_CONSERVATION, IN_CONSERVATION, CONSERVED, CONSERVATION_FAILED } = DailyRegisterState;

/** Where a register may go from each state: conserved is final (the database says so too). */
const NEXT: Readonly<Record<DailyRegisterState, readonly DailyRegisterState[]>> = {
  [READY_FOR_CONSERVATION]: [IN_CONSERVATION, CONSERVED, CONSERVATION_FAILED],
  [IN_CONSERVATION]: [CONSERVED, CONSERVATION_FAILED, IN_CONSERVATION],
  [CONSERVATION_FAILED]: [IN_CONSERVATION, CONSERVED, CONSERVATION_FAILED],
  [CONSERVED]: [CONSERVED],
};

/**
 * Moves a daily register on its way to conservation (the conservation plugin calls it in the
 * transaction that records the conservator's outcome): audited, published after the commit.
 * Setting the state it already has changes nothing.
 */
export async function setDailyRegisterConservationState(
  tx: UnitOfWork,
  dailyRegisterId: string,
  state: DailyRegisterState,
): Promise<DailyRegister> {
  const register = await tx.em.findOne(
    DailyRegister,
    { id: dailyRegisterId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
  );
  if (!register) {
    throw new DomainError('NOT_FOUND', `No daily register ${dailyRegisterId}`, { dailyRegisterId });
  }
  if (register.state === state) return register;
  if (!NEXT[register.state].includes(state)) {
    throw new DomainError(
      'DAILY_REGISTER_CONSERVED',
      `The daily register of ${register.day} is conserved: its state no longer changes`,
      { dailyRegisterId, state: register.state, requested: state },
    );
  }
  const from = register.state;
  register.state = state;
  register.stateChangedAt = tx.clock.now();
  await tx.em.flush();
  await tx.audit({
    aooId: register.aooId,
    operation: 'dailyRegister.conservationState',
    targetType: 'DailyRegister',
    targetId: register.id,
    changes: { state: { from, to: state } },
  });
  tx.publish(
    new DailyRegisterConservationChanged({
      dailyRegisterId: register.id,
      aooId: register.aooId,
      day: register.day,
      state,
    }),
  );
  return register;
}
