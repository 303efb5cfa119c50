import { FlowRuntimeError, type StepContext } from './context';
import type { Frame } from './state';

/**
 * The entry flow at its main menu: what lies beneath a flow opened by a command, so that the
 * menu follows when that flow ends.
 */
export function menuFrame(ctx: StepContext): Frame {
  const entry = ctx.env.flows.current(ctx.env.entryFlow);
  if (!entry) throw new FlowRuntimeError(`entry flow "${ctx.env.entryFlow}" is not loaded`);
  return { f: entry.def.id, r: entry.revision, n: entry.nodes.has('menu') ? 'menu' : entry.def.start };
}

/**
 * The question a right was used over (/withdraw, /delete, /correct in the middle of a flow,
 * see the frame's `i`) is not returned to: the flows beneath give way to the main menu, which
 * follows when the running flow ends, and their answers go (a right used beneath it too). For
 * what closes the path the person was on: a withdrawal, an erasure, a consent set aside (the
 * question beneath may ask for personal data they may no longer be asked for). Nothing happens
 * when no right was used over a question.
 */
export function leavePlace(ctx: StepContext): void {
  const s = ctx.s;
  // The right in use is the last one opened over a question (one may be used inside another).
  let at = s.frames.length - 1;
  while (at >= 0 && !s.frames[at]!.i) at--;
  if (at < 0) return;
  // The same frame objects: the flow running now goes on from its own (the caller moves it on).
  const kept = s.frames.slice(at);
  for (const f of kept) delete f.i;
  const open = new Set(kept.map((f) => f.f));
  s.frames = [menuFrame(ctx), ...kept];
  for (const name of Object.keys(s.vars)) if (!open.has(name.slice(0, name.indexOf('.')))) delete s.vars[name];
  delete s.sel;
}
