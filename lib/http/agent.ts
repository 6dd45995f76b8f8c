/**
 * A minimal browser for driving the platform over HTTP (protocol tests, the
 * demo): keeps cookies as browsers do (per host name whatever the port, and per
 * path), follows redirects only when asked, can re-target a request at another
 * broker process (same issuer, other port).
 */
export class Agent {
  /** host name -> "path name" -> { path, name, value } */
  private readonly jar = new Map<string, Map<string, { path: string; name: string; value: string }>>();

  async fetch(url: string | URL, init: RequestInit & { form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookies = [...(this.jar.get(target.hostname)?.values() ?? [])]
      .filter(
        (c) => target.pathname === c.path || target.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .sort((a, b) => b.path.length - a.path.length);
    if (cookies.length) headers.set('cookie', cookies.map((c) => `${c.name}=${c.value}`).join('; '));
    let body = init.body;
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, {
      ...init,
      body,
      headers,
      redirect: 'manual',
      method: init.method ?? (init.form ? 'POST' : 'GET'),
    });
    for (const line of response.headers.getSetCookie()) this.store(target.hostname, line);
    return response;
  }

  /** Follows redirects until a page (or until `stopAt` says so); returns the last response and URL. */
  async follow(
    url: string | URL,
    options: {
      stopAt?: (url: URL) => boolean;
      rewrite?: (url: URL) => URL;
      init?: RequestInit & { form?: Record<string, string> };
    } = {},
  ): Promise<{ response: Response; url: URL }> {
    let current = new URL(url);
    let init = options.init;
    for (let hops = 0; hops < 20; hops++) {
      if (options.stopAt?.(current)) return { response: new Response(null, { status: 299 }), url: current };
      const response = await this.fetch(options.rewrite ? options.rewrite(current) : current, init);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      await response.arrayBuffer();
      current = new URL(location, current);
      init = undefined;
    }
    throw new Error('too many redirects');
  }

  cookieNames(hostname: string): string[] {
    return [...(this.jar.get(hostname)?.values() ?? [])].map((c) => c.name);
  }

  private store(hostname: string, line: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const index = pair.indexOf('=');
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    const path =
      attributes
        .map((a) => a.trim())
        .find((a) => /^path=/i.test(a))
        ?.slice(5) || '/';
    const cookies = this.jar.get(hostname) ?? new Map();
    this.jar.set(hostname, cookies);
    const key = `${path} ${name}`;
    if (!value || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) cookies.delete(key);
    else cookies.set(key, { path, name, value });
  }
}

/** The action of a page's first POST form. */
export function formAction(html: string): string | undefined {
  return /<form method="post" action="([^"]+)"/.exec(html)?.[1];
}
