/**
 * Quick-fix requests to a folder's analysis worker: the fixes of some findings, which the posted
 * findings do not carry. Numbered apart from the analyses; the worker answers each after the
 * analysis sent before it, for the graph it then serves (a finding that graph does not have gets
 * undefined). The answer is kept per finding object (the light bulb asks again on every cursor
 * move); each graph brings new finding objects, so nothing is kept past its graph. A worker that
 * stops answers every waiting request with no fixes.
 */
import type { Finding, Fix } from '../core/rules/types';
import type { FromWorker, ToWorker } from './worker/protocol';

export type FixesAnswer = (Fix[] | undefined)[];

export class FixRequests {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (fixes: FixesAnswer) => void; count: number }>();
  private readonly known = new WeakMap<Finding, Promise<Fix[] | undefined>>();

  /** The fixes of `findings`, one entry per finding in order; those not asked before are asked in one message sent with `post`. */
  ask(post: (msg: ToWorker) => void, findings: Finding[]): Promise<FixesAnswer> {
    const missing = findings.filter((f) => !this.known.has(f));
    if (missing.length) {
      const answer = this.send(post, missing);
      missing.forEach((f, i) => this.known.set(f, answer.then((fixes) => fixes[i])));
    }
    return Promise.all(findings.map((f) => this.known.get(f)!));
  }

  answer(m: Extract<FromWorker, { type: 'fixes' }>): void {
    this.settle(m.seq, m.fixes);
  }

  /** The worker is gone: nothing waiting will be answered. */
  dropAll(): void {
    for (const seq of [...this.waiting.keys()]) this.settle(seq, []);
  }

  private send(post: (msg: ToWorker) => void, findings: Finding[]): Promise<FixesAnswer> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(seq, { resolve, count: findings.length });
      try {
        post({ type: 'fixes', seq, findings });
      } catch {
        this.settle(seq, []);
      }
    });
  }

  private settle(seq: number, fixes: FixesAnswer): void {
    const w = this.waiting.get(seq);
    if (!w) return;
    this.waiting.delete(seq);
    w.resolve(Array.from({ length: w.count }, (_, i) => fixes[i]));
  }
}
