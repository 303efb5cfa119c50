import type { PageModule } from '../web-kit';
import { homePages } from './home';

/**
 * The workspace's page modules, mounted under `/desk` in this order after sign-in and the CSRF
 * check. A feature adds its module with one line here (see src/web/README.md).
 */
export const PAGE_MODULES: readonly PageModule[] = [homePages];
