import type { ComponentCatalog } from './define.ts';

/**
 * Every component's error catalog, in the order `docs/errors.md` lists them.
 * A new component adds its catalog here; a test checks codes are unique and the
 * document is up to date.
 */
export async function allCatalogs(): Promise<ComponentCatalog[]> {
  const modules: Array<Promise<{ errors: ComponentCatalog }>> = [
    import('../pivot/errors.ts'),
    import('../../auth/errors.ts'),
    import('../subgraph/errors.ts'),
    import('../federation/operation-errors.ts'),
    import('../../gateway/errors.ts'),
    import('../../sandbox/parking/errors.ts'),
  ];
  return (await Promise.all(modules)).map((m) => m.errors);
}
