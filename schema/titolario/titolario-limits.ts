/**
 * Bounds on the titolario's nested lists, enforced where they grow (adding a node, an index
 * term, a draft, an import), so a query can count each list at its maximum when it weighs its
 * cost. Roman codes stop at XXXIX; real titolari have 14-20 titoli and a few dozen classi each.
 */
export const MAX_TITOLI = 39;
export const MAX_CHILDREN_PER_NODE = 100;
export const MAX_INDEX_TERMS_PER_NODE = 50;
export const MAX_TERM_VARIANTS = 20;
export const MAX_NODES_PER_VERSION = 5000;
export const MAX_VERSIONS_PER_AOO = 100;
/** Page size of a version's flat node list. */
export const MAX_NODE_PAGE = 100;
export const MAX_SUGGESTIONS = 20;
