/**
 * Bounds on the organisation's nested lists. Each is enforced where the list grows, so a query
 * can count a list at its maximum size when it weighs its cost (lists without page arguments
 * must have one), and no nested list can grow without end.
 */
export const MAX_AOOS_PER_ADMINISTRATION = 100;
export const MAX_UORS_PER_AOO = 1000;
export const MAX_ACTIVE_MEMBERS_PER_UOR = 1000;
/** Ended memberships included: a user's history stays listable in full. */
export const MAX_MEMBERSHIPS_PER_USER = 100;
/** AOOs a user works in at once (active memberships): bounds `aoos` and the grants. */
export const MAX_AOOS_PER_USER = 10;
