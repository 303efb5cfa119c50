import { Composer, type Context, type Middleware, type MiddlewareFn } from 'grammy';

type MaybeArray<T> = T | T[];

/** A middleware as one function, resolved when it runs (a composer may still get middleware after it is passed). */
function asFunction<C extends Context>(mw: MaybeArray<Middleware<C>>): MiddlewareFn<C> {
  if (Array.isArray(mw)) {
    const composer = new Composer<C>(...mw);
    return (ctx, next) => composer.middleware()(ctx, next);
  }
  if (typeof mw === 'function') return mw;
  return (ctx, next) => mw.middleware()(ctx, next);
}

/**
 * grammY's `Composer` with filters that cost nothing for the updates they do not match.
 *
 * Why: grammY's `filter` (behind `on`, `command`, `chatType`, `callbackQuery` …) goes through
 * `branch` and `lazy`, which for every update builds a new `Composer` around the chosen branch and
 * runs two async functions, whether the filter matches or not. A person's message passes about
 * twenty such filters of the case workers' features (their commands, alert buttons, phone calls,
 * talks) before it reaches the conversation: measured with bench/profile.ts, that was ≈ 50 µs of
 * grammY's own time per update, plus the promises and garbage it made. Here a predicate that
 * answers at once (grammY's filter queries all do) decides at once, and a miss is a call of
 * `next`; an async predicate is awaited as before. Same semantics otherwise: the branch chosen
 * runs with the same `next`, and middleware added later to a filter's composer is seen.
 *
 * Every composer Körpü's Telegram channel builds is one of these, so that the filters chained
 * on a filter's composer (`chatType('private').on(…)`) are too.
 */
export class KorpuComposer<C extends Context> extends Composer<C> {
  // One signature for grammY's two overloads (a type guard narrows the middleware's context there).
  override filter(predicate: (ctx: C) => boolean | Promise<boolean>, ...middleware: Array<Middleware<any>>): Composer<any> {
    const composer = new KorpuComposer<C>(...(middleware as Array<Middleware<C>>));
    this.branch(predicate, composer, (_ctx, next) => next());
    return composer;
  }

  override branch(predicate: (ctx: C) => boolean | Promise<boolean>, trueMiddleware: MaybeArray<Middleware<C>>, falseMiddleware: MaybeArray<Middleware<C>>): Composer<C> {
    const yes = asFunction(trueMiddleware);
    const no = asFunction(falseMiddleware);
    return this.use((ctx, next) => {
      const chosen = predicate(ctx);
      if (typeof chosen === 'boolean') return (chosen ? yes : no)(ctx, next);
      return chosen.then((ok) => (ok ? yes : no)(ctx, next));
    });
  }
}
