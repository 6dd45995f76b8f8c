/// <reference lib="dom" />
import type { Page } from 'playwright-core';

/**
 * Keyboard-only walking: Tab / Shift+Tab from one control to the next, each focused
 * control named as a screen reader would roughly name it ("link Contenu", "button
 * J’autorise", "textbox Identifiant"), and its focus checked visible — the DSFR draws
 * it as an outline (or, on radio buttons and checkboxes, on the label's ::before).
 */
export interface Focus {
  /** `role name`, e.g. `button Se connecter avec Passerelle`. */
  control: string;
  /** Why the focus is not visible, if it is not. */
  invisible?: string;
}

/** The focused element, named, with its focus visibility. */
export function focus(page: Page): Promise<Focus> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { control: 'body' };
    const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const input = el as HTMLInputElement;
    const tag = el.tagName.toLowerCase();
    const role =
      el.getAttribute('role') ??
      (tag === 'a'
        ? 'link'
        : tag === 'button'
          ? 'button'
          : tag === 'select'
            ? 'combobox'
            : tag === 'input'
              ? (({ radio: 'radio', checkbox: 'checkbox' } as Record<string, string>)[input.type] ?? 'textbox')
              : tag);
    // A field's name is its label without the hint (the DSFR puts the hint inside the label).
    const label = input.labels?.[0];
    const labelText = label ? (label.childNodes[0]?.textContent ?? '').trim() : '';
    const labelledBy = el.getAttribute('aria-labelledby');
    const name = el.getAttribute('aria-label') ?? (labelledBy ? text(document.getElementById(labelledBy)) : '') ?? '';
    const control = `${role} ${name || labelText || text(el) || el.id}`;

    // Visible focus: `:focus-visible` applies, and it draws something.
    if (!el.matches(':focus-visible')) return { control, invisible: 'not :focus-visible' };
    const drawn = (style: CSSStyleDeclaration) =>
      (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    const onLabel = (input.type === 'radio' || input.type === 'checkbox') && label;
    const style = onLabel ? getComputedStyle(label, '::before') : getComputedStyle(el);
    if (!drawn(style))
      return { control, invisible: `no outline nor box-shadow (outline: ${style.outlineStyle} ${style.outlineWidth})` };
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return { control, invisible: 'zero-sized' };
    return { control };
  });
}

/** Presses `key` (Tab or Shift+Tab) `times` times; the controls focused on the way. */
export async function press(page: Page, key: 'Tab' | 'Shift+Tab', times: number): Promise<Focus[]> {
  const seen: Focus[] = [];
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    seen.push(await focus(page));
  }
  return seen;
}

/** Tabs until `control` has the focus (at most `max` presses); the controls focused on the way, `control` last. */
export async function tabTo(page: Page, control: string, max = 40): Promise<Focus[]> {
  const seen: Focus[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    seen.push(await focus(page));
    if (seen.at(-1)!.control === control) return seen;
  }
  throw new Error(`"${control}" not reached in ${max} Tab presses; focused: ${seen.map((f) => f.control).join(' → ')}`);
}

/** The controls' names, and those whose focus was invisible. */
export function order(seen: Focus[]): string[] {
  return seen.map((f) => f.control);
}

export function invisible(seen: Focus[]): string[] {
  return seen.filter((f) => f.invisible).map((f) => `${f.control}: ${f.invisible}`);
}
