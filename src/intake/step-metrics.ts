import type { KorpuMetrics } from '../core/metrics';
import type { ConversationStore } from '../core/ports';
import type { ConversationRunner, HandledMessage } from './conversation-runner';

/**
 * The conversation store, counting each commit's outcome (`korpu_commits_total`): `conflict`
 * is the compare-and-set race of two updates of one chat, which the runner runs again. The
 * commit's own round trip is unchanged; the count is a label lookup.
 */
export function countCommits(store: ConversationStore, metrics: Pick<KorpuMetrics, 'commits'>): ConversationStore {
  return {
    // Every argument passed on whole, as timeSteps does: a parameter added later must not be dropped here.
    load: (...args) => store.load(...args),
    takeReply: (...args) => store.takeReply(...args),
    releaseReply: (...args) => store.releaseReply(...args),
    confirmReply: (...args) => store.confirmReply(...args),
    replySent: (...args) => store.replySent(...args),
    idsFor: (...args) => store.idsFor(...args),
    async commit(...args) {
      const outcome = await store.commit(...args);
      metrics.commits.inc({ outcome });
      return outcome;
    },
  };
}

/** How a step ended, for `korpu_step_duration_seconds{outcome}`. */
export function stepOutcome(h: HandledMessage): string {
  if (h.retryLater) return 'retry_later';
  if (h.duplicate) return 'duplicate';
  if (h.talk) return 'talk';
  return 'ok';
}

/**
 * Times every step of `runner` (load, engine, commit, hydration) by outcome, a thrown step
 * as `error`. Wraps this one runner's `handle` in place, so every channel that holds it is
 * measured without knowing about metrics.
 */
export function timeSteps(runner: ConversationRunner, metrics: Pick<KorpuMetrics, 'stepSeconds'>): void {
  const handle = runner.handle.bind(runner);
  // Every argument passed on as it came: a parameter added to `handle` later must not be dropped here.
  runner.handle = async (...args: Parameters<ConversationRunner['handle']>) => {
    const end = metrics.stepSeconds.startTimer();
    try {
      const handled = await handle(...args);
      end({ outcome: stepOutcome(handled) });
      return handled;
    } catch (e) {
      end({ outcome: 'error' });
      throw e;
    }
  };
}
