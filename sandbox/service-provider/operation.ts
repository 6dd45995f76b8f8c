import { readFileSync } from 'node:fs';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';

/** One GraphQL operation a sandbox service registered at the broker and runs at the gateway. */
export interface RegisteredOperation {
  /** The document, as in its `.graphql` file (and registered in `serviceProviders[].operations`). */
  document: string;
  /** The name of its one operation, under which it is registered. */
  operationName: string;
  /** Its file, for start-up messages (e.g. `sandbox/parking/parking.graphql`). */
  file: string;
}

/** Reads a `.graphql` file holding exactly one named operation. */
export function readOperation(url: URL): RegisteredOperation {
  const document = readFileSync(url, 'utf8');
  const file = url.pathname.replace(/^.*\/(sandbox\/)/, '$1');
  return { document, operationName: operationNameOf(document, file), file };
}

/** The canonical form the federation compares registered documents by (layout and comments do not count). */
export function canonicalDocument(document: string): string {
  return print(parse(document));
}

function operationNameOf(document: string, file: string): string {
  const operations = parse(document).definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const name = operations[0]?.name?.value;
  if (operations.length !== 1 || !name) throw new Error(`${file} must hold exactly one named operation`);
  return name;
}
