/**
 * A minimal browser for driving server-rendered OpenID flows over HTTP: it
 * keeps cookies, follows redirects by hand (so a test sees each hop), and
 * submits forms as `application/x-www-form-urlencoded`.
 */
export interface Page {
  url: URL;
  status: number;
  headers: Headers;
  html: string;
}

export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly maxRedirects = 10) {}

  get(url: string | URL): Promise<Page> {
    return this.navigate(new URL(url), { method: 'GET' });
  }

  /** Submits `fields` to the form whose action contains `actionPart` on `page`. */
  submit(page: Page, actionPart: string, fields: Record<string, string>): Promise<Page> {
    const action = [...page.html.matchAll(/<form[^>]*action="([^"]+)"/g)]
      .map((m) => m[1]!.replaceAll('&amp;', '&'))
      .find((a) => a.includes(actionPart));
    if (!action) throw new Error(`no form with action containing ${actionPart} on ${page.url}`);
    return this.navigate(new URL(action, page.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  private async navigate(url: URL, init: RequestInit): Promise<Page> {
    let current = url;
    let request = init;
    for (let hop = 0; hop <= this.maxRedirects; hop++) {
      const response = await fetch(current, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), cookie: this.cookieHeader() },
      });
      for (const setCookie of response.headers.getSetCookie()) {
        const [pair = ''] = setCookie.split(';');
        const index = pair.indexOf('=');
        const [name, value] = [pair.slice(0, index).trim(), pair.slice(index + 1)];
        if (/expires=Thu, 01 Jan 1970/i.test(setCookie) || value === '') this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        current = new URL(location, current);
        request = { method: 'GET' };
        continue;
      }
      return { url: current, status: response.status, headers: response.headers, html: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
