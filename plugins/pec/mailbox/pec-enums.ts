import { registerEnumType } from 'type-graphql';

/** A certified (PEC) mailbox, or an ordinary one (PEO) whose messages carry no legal receipt. */
export enum PecMailboxKind {
  PEC = 'PEC',
  PEO = 'PEO',
}

/** Where an incoming message stands for the operators of its mailbox. */
export enum PecMessageState {
  /** A message an operator registers or discards (busta, anomalia, ordinary mail). */
  TO_REGISTER = 'TO_REGISTER',
  /** A provider's receipt of an outgoing message: matched by the send side, never registered. */
  RECEIPT = 'RECEIPT',
  REGISTERED = 'REGISTERED',
  DISCARDED = 'DISCARDED',
}

/** What the provider delivered (parsePecMessage's kind). */
export enum PecMessageKind {
  /** A busta di trasporto: a certified message with its postacert.eml. */
  BUSTA = 'BUSTA',
  RECEIPT = 'RECEIPT',
  /** A busta di anomalia: the provider could not certify the message it wraps. */
  ANOMALIA = 'ANOMALIA',
  /** Ordinary mail (not a PEC message). */
  PEO = 'PEO',
}

registerEnumType(PecMailboxKind, {
  name: 'PecMailboxKind',
  description: 'Certified (PEC) or ordinary (PEO) mailbox',
  valuesConfig: {
    PEC: { description: 'Posta elettronica certificata: messages and receipts with legal value' },
    PEO: { description: 'Posta elettronica ordinaria: plain e-mail' },
  },
});

registerEnumType(PecMessageState, {
  name: 'PecMessageState',
  description: 'Where an incoming message stands',
  valuesConfig: {
    TO_REGISTER: { description: 'Waiting for an operator to register or discard it' },
    RECEIPT: { description: 'A receipt of an outgoing message (matched to its delivery, not registered)' },
    REGISTERED: { description: 'Registered in the protocol (recordId is the registration)' },
    DISCARDED: { description: 'Discarded by an operator, with the reason' },
  },
});

registerEnumType(PecMessageKind, {
  name: 'PecMessageKind',
  description: 'What the provider delivered',
  valuesConfig: {
    BUSTA: { description: 'A busta di trasporto with the certified message' },
    RECEIPT: { description: "A provider's receipt (accettazione, avvenuta consegna…)" },
    ANOMALIA: { description: 'A busta di anomalia: a message the provider could not certify' },
    PEO: { description: 'Ordinary e-mail, not a PEC message' },
  },
});
