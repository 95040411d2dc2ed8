package dev.gale.api;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The kinds of failure a function's {@code retryOn} may name, and which error codes belong to which
 * kind. A failed attempt is retried only when its kind is in the function's {@code retryOn} (all
 * kinds by default) and retries remain. Errors that running again cannot mend (bad args, an invalid
 * function, a result too large, cancellation, a failed dependency) have no kind and are never
 * retried.
 */
public final class RetryOn {
  /** The worker running the attempt died, disconnected or stopped. */
  public static final String WORKER_LOST = "worker_lost";

  /** The attempt ran longer than the function's {@code timeoutSeconds}. */
  public static final String TIMEOUT = "timeout";

  /** A shell command exited with a non-zero status. */
  public static final String NONZERO_EXIT = "nonzero_exit";

  /** The function raised an exception (or its interpreter died under it). */
  public static final String EXCEPTION = "exception";

  /** Every kind, in a stable order. */
  public static final List<String> ALL = List.of(WORKER_LOST, TIMEOUT, NONZERO_EXIT, EXCEPTION);

  private static final int ALL_MASK = (1 << ALL.size()) - 1;

  /** Error codes → kind; codes not listed here and not {@link #NEVER} count as exceptions. */
  private static final Map<String, String> KIND_OF_CODE =
      Map.ofEntries(
          Map.entry("worker_lost", WORKER_LOST),
          Map.entry("worker_stopped", WORKER_LOST),
          Map.entry("worker_draining", WORKER_LOST),
          Map.entry("artifact_unavailable", WORKER_LOST),
          Map.entry("staging_failed", WORKER_LOST),
          Map.entry("timeout", TIMEOUT),
          Map.entry("nonzero_exit", NONZERO_EXIT),
          Map.entry("exception", EXCEPTION),
          Map.entry("process_died", EXCEPTION),
          Map.entry("internal_error", EXCEPTION));

  /** Error codes that are never retried: another attempt would fail the same way. */
  private static final java.util.Set<String> NEVER =
      java.util.Set.of(
          "cancelled",
          "dependency_failed",
          "invalid_args",
          "invalid_function",
          "invalid_result",
          "result_too_large",
          "runtime_unavailable",
          "exec_failed");

  private RetryOn() {}

  /**
   * The bit mask of the given kinds; null means all of them.
   *
   * @throws InvalidRequestException for an unknown kind, naming the known ones
   */
  public static int mask(Collection<String> kinds) {
    if (kinds == null) {
      return ALL_MASK;
    }
    int m = 0;
    for (String k : kinds) {
      int i = k == null ? -1 : ALL.indexOf(k.toLowerCase(Locale.ROOT));
      if (i < 0) {
        throw new InvalidRequestException(
            "retryOn: unknown failure kind '" + k + "'; known kinds are " + String.join(", ", ALL));
      }
      m |= 1 << i;
    }
    return m;
  }

  /** Whether an attempt that failed with {@code errorCode} may be retried under {@code mask}. */
  public static boolean retries(int mask, String errorCode) {
    if (errorCode == null || NEVER.contains(errorCode)) {
      return false;
    }
    String kind = KIND_OF_CODE.getOrDefault(errorCode, EXCEPTION);
    return (mask & (1 << ALL.indexOf(kind))) != 0;
  }
}
