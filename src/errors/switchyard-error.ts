/** Base class of every error switchyard throws. `code` is stable and low-cardinality. */
export class SwitchyardError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
