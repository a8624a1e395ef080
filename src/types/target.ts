/** A concrete place a call can go: a registered provider and a model name it understands. */
export interface Target {
  /** Name the provider was registered under in `createGateway({ providers })`. */
  readonly provider: string;
  /** Model name as the provider knows it (may itself contain `/`). */
  readonly model: string;
  /** `provider/model`. */
  readonly id: string;
}
