package dev.gale.runtime.spi;

/**
 * A function whose spec a {@link FunctionKind} validated and pre-processed (templates parsed,
 * sources hashed). The runtime caches it per function id and runs every task of the function
 * through it.
 *
 * <p><b>Threading.</b> {@link #run} is called on a runtime slot thread, concurrently for different
 * attempts (at most one call per slot), and may block for as long as the function runs. It must
 * return promptly (within a couple of seconds) once the attempt's cancellation fires; an attempt
 * that does not is abandoned by the runtime, reported as timed out or cancelled, and its slot
 * replaced.
 */
@FunctionalInterface
public interface PreparedFunction {

  /**
   * Runs one attempt.
   *
   * <p>Failures of the function itself (non-zero exit, exception, bad args) are returned as {@link
   * AttemptOutcome.Failure} with a code from {@link ErrorCodes}, never thrown. When the attempt was
   * cancelled, the kind may return any failure: the runtime reports it with the cancellation's
   * reason, keeping the failure's details.
   *
   * @param attempt the attempt, never null
   * @return the outcome, never null
   * @throws InterruptedException when the calling thread is interrupted (the runtime interrupts a
   *     slot thread only to cancel its attempt)
   */
  AttemptOutcome run(Attempt attempt) throws InterruptedException;
}
