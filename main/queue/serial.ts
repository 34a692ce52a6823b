/**
 * Runs async tasks one at a time, in call order (a promise-chain mutex): the kiosk chain is built by
 * one task at a time, so a seq is never taken twice even while a signer awaits.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
