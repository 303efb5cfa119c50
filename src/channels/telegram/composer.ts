import { Composer, type Context, type Middleware, type MiddlewareFn, type NextFunction } from 'grammy';

type MaybeArray<T> = T | T[];

/** A middleware as one function, resolved when it runs (a composer may still get middleware after it is passed). */
function asFunction<C extends Context>(mw: MaybeArray<Middleware<C>>): MiddlewareFn<C> {
  if (Array.isArray(mw)) return new KorpuComposer<C>(...mw).middleware();
  if (typeof mw === 'function') return mw;
  if (mw instanceof KorpuComposer) return mw.middleware();
  return (ctx, next) => mw.middleware()(ctx, next);
}

/**
 * grammY's `Composer`, cheaper per update, with the same behaviour. Every composer Körpü's
 * Telegram channel builds is one, so that the filters chained on a filter's composer
 * (`chatType('private').on(…)`) are too.
 *
 * Why: a person's message passes about forty layers of middleware before its conversation
 * answers it — the case workers' features (their commands, alert buttons, phone calls, talks)
 * come first, each a few filters. In grammY every layer is two async functions and a closure
 * made for each update, and every filter (`on`, `command`, `chatType` …, through `branch` and
 * `lazy`) also builds a new `Composer` per update, matched or not. Measured with
 * bench/profile.ts that was ≈ 50 µs of grammY's own CPU and ≈ 30 KB of garbage per update.
 *
 * Here a composer keeps its middleware in a list and runs it with one small `next` per layer;
 * a filter whose predicate answers at once (grammY's filter queries all do) decides at once, a
 * miss costing a call of `next`; an async predicate is awaited. Kept as grammY does: `next`
 * always returns a promise, calling it twice throws, an error (thrown or rejected) reaches the
 * caller, and middleware added to a composer after it was installed is seen.
 */
export class KorpuComposer<C extends Context> extends Composer<C> {
  private readonly layers: MiddlewareFn<C>[];
  /** This composer's middleware, stable: it reads the list when it runs. */
  private readonly run: MiddlewareFn<C>;

  constructor(...middleware: Array<Middleware<C>>) {
    super();
    const layers = middleware.map((m) => asFunction(m));
    this.layers = layers;
    this.run = (ctx, next) => runFrom(layers, 0, ctx, next);
  }

  override middleware(): MiddlewareFn<C> {
    return this.run;
  }

  override use(...middleware: Array<Middleware<C>>): Composer<C> {
    const composer = new KorpuComposer<C>(...middleware);
    this.layers.push(composer.run);
    return composer;
  }

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

/** Runs `layers` from `i` on, then `next`: always a promise, a thrown error as a rejection. */
function runFrom<C extends Context>(layers: MiddlewareFn<C>[], i: number, ctx: C, next: NextFunction): Promise<void> {
  if (i >= layers.length) return next();
  let called = false;
  try {
    // The layer's `next` is written inline: under tsx (npm start) a closure bound to a name costs
    // a __name call each time it is made, here once per layer per update.
    return Promise.resolve(
      layers[i]!(ctx, () => {
        if (called) return Promise.reject(new Error('`next` already called before!'));
        called = true;
        return runFrom(layers, i + 1, ctx, next);
      }),
    ) as Promise<void>;
  } catch (err) {
    return Promise.reject(err);
  }
}
