/** A file placed in a build context: copied from `source`, or written from `content` when it is generated. */
export type ContextFile = { readonly target: string; readonly source: string } | { readonly target: string; readonly content: string };

/** An empty directory the context must hold, with its mode (e.g. /tmp, 0o1777). */
export interface ContextDirectory {
  readonly target: string;
  readonly mode: number;
}

/**
 * Everything an image is made from. Their bytes form the image's content hash, so an image is rebuilt
 * exactly when one of them changes. `facts` are inputs that are not files: recipe arguments, a parent's hash.
 */
export interface ImageInputs {
  readonly files: readonly ContextFile[];
  readonly directories: readonly ContextDirectory[];
  readonly facts: readonly string[];
}
