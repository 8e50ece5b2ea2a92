/**
 * The process-wide MIOeSIM session token. However many requests need a
 * token at once, at most one login is in flight; everyone awaits it.
 */
export class TokenSession {
  private current: { token: string; refreshAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly login: () => Promise<string>,
    private readonly ttlMs: number,
  ) {}

  token(): Promise<string> {
    if (this.current && Date.now() < this.current.refreshAt) return Promise.resolve(this.current.token);
    this.pending ??= this.login()
      .then((token) => {
        // Refresh a little early so a request never leaves with a token about to lapse.
        const margin = Math.min(5 * 60_000, this.ttlMs / 10);
        this.current = { token, refreshAt: Date.now() + this.ttlMs - margin };
        return token;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** When the current token will be replaced by a new login; null when there is none. */
  refreshAt(): Date | null {
    return this.current ? new Date(this.current.refreshAt) : null;
  }

  /**
   * Forgets `token` after MIOeSIM rejected it — unless a concurrent request
   * already replaced it, so a burst of -1 answers causes one login, not many.
   */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = null;
  }
}
