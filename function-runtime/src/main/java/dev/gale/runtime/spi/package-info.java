/**
 * The plug-in seam for function kinds.
 *
 * <pre>
 * FunctionKindFactory ──create(env)──▶ FunctionKind ──prepare(spec)──▶ PreparedFunction
 *   (ServiceLoader)                      (by key)         (cached per function id)
 *                                                                │ run(Attempt) on a slot thread
 *                                                                ▼
 *                                           AttemptOutcome: Success(json) | Failure(ErrorInfo)
 * </pre>
 *
 * Timeouts and cancellation both arrive through the attempt's {@link
 * dev.gale.runtime.spi.Cancellation}; result size limits are enforced by the runtime after {@code
 * run} returns.
 */
package dev.gale.runtime.spi;
