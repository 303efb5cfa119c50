import { ROLES, type Role } from '../caseworkers/desk';

/** One entry of the workspace's navigation. */
export interface NavItem {
  /** Its text: `web:nav.<id>`. */
  id: string;
  /** Under `/desk`. */
  path: string;
  /** The least role that sees it (and that the page itself requires). */
  role: Role;
}

/**
 * The navigation, in order. A page module that adds a section adds its entry here (and the
 * `web:nav.<id>` text in every locale); the page checks the same role with requireRole.
 */
export const NAV: readonly NavItem[] = [
  { id: 'cases', path: '/desk/cases', role: 'caseworker' },
  { id: 'calendar', path: '/desk/calendar', role: 'caseworker' },
  { id: 'incidents', path: '/desk/incidents', role: 'caseworker' },
  { id: 'numbers', path: '/desk/numbers', role: 'supervisor' },
  { id: 'exports', path: '/desk/exports', role: 'supervisor' },
  // Supervisors see the queues, the flows and the simulator link there; the roster, offices and audit trail are admins'.
  { id: 'admin', path: '/desk/admin', role: 'supervisor' },
];

/**
 * Whether `role` is at least `least` (caseworker < supervisor < admin).
 * @example atLeast('supervisor', 'caseworker') // true
 */
export const atLeast = (role: Role, least: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(least);

/** The entries a role sees. */
export const navFor = (role: Role): NavItem[] => NAV.filter((n) => atLeast(role, n.role));
