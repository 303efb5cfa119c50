import type { PageModule } from '../web-kit';
import { caseFilePages } from './case-file';
import { casePages } from './cases';
import { closeCasePages } from './forms/close-case';
import { bookOnBehalfPages } from './book-on-behalf';
import { firstMeetingPages } from './forms/first-meeting';
import { incidentPages } from './forms/incidents';
import { homePages } from './home';
import { adminPages } from './reports/admin-pages';
import { calendarPages } from './reports/calendar-pages';
import { exportsPages } from './reports/exports-pages';
import { numbersPages } from './reports/numbers-pages';

/**
 * The workspace's page modules, mounted under `/desk` in this order after sign-in and the CSRF
 * check. A feature adds its module with one line here (see src/web/README.md).
 */
export const PAGE_MODULES: readonly PageModule[] = [homePages, casePages, caseFilePages, firstMeetingPages, incidentPages, closeCasePages, calendarPages, numbersPages, exportsPages, adminPages, bookOnBehalfPages];
