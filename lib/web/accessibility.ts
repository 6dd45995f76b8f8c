/**
 * Where the accessibility statement is (on the broker) and the conformity it
 * declares, which every page's footer repeats ("Accessibilité : non conforme").
 *
 * RGAA 4.1: a service that has not had a conformity audit against the RGAA's
 * criteria is declared "non conforme", whatever its automated checks say. The
 * automated checks (docs/accessibility.md) are not such an audit: the status changes
 * here, with the statement's results (auth/views/accessibility-fr.eta, auth/views/accessibility-en.eta), after one.
 */
export const ACCESSIBILITY_STATEMENT_PATH = '/accessibilite';

export const CONFORMITY_STATUSES = ['non-conforme', 'partiellement-conforme', 'totalement-conforme'] as const;
export type ConformityStatus = (typeof CONFORMITY_STATUSES)[number];

export const CONFORMITY: ConformityStatus = 'non-conforme';
