package dev.gale.runtime.spi;

/** The error codes the runtime and its kinds report in a failed {@code TaskResult}. */
public final class ErrorCodes {
  /** A shell command exited with a non-zero status; details hold the shell result object. */
  public static final String NONZERO_EXIT = "nonzero_exit";

  /** The function raised an exception; details hold its type, message and stack. */
  public static final String EXCEPTION = "exception";

  /** The attempt ran longer than the function's {@code timeoutSeconds}. */
  public static final String TIMEOUT = "timeout";

  /** The task was cancelled while queued on or running on this worker. */
  public static final String CANCELLED = "cancelled";

  /** The JSON result is larger than the gateway's {@code maxResultBytes}. */
  public static final String RESULT_TOO_LARGE = "result_too_large";

  /** The function's spec is not valid for its kind, or its kind or artifact is unknown. */
  public static final String INVALID_FUNCTION = "invalid_function";

  /**
   * The invocation's args do not fit the function (a missing placeholder argument, not an object).
   */
  public static final String INVALID_ARGS = "invalid_args";

  /** The function returned a value that cannot be encoded as JSON. */
  public static final String INVALID_RESULT = "invalid_result";

  /** The kind's runtime (e.g. {@code python3}) cannot be started on this worker. */
  public static final String RUNTIME_UNAVAILABLE = "runtime_unavailable";

  /** A shell command's program could not be started (not found, not executable). */
  public static final String EXEC_FAILED = "exec_failed";

  /** A warm interpreter process died while running the function (crash, {@code os._exit}). */
  public static final String PROCESS_DIED = "process_died";

  /** The function's JAR could not be fetched from the gateway in time. */
  public static final String ARTIFACT_UNAVAILABLE = "artifact_unavailable";

  /** The task arrived after the worker started draining; it was not started. */
  public static final String WORKER_DRAINING = "worker_draining";

  /** The node agent stopped while the task was queued or running on it. */
  public static final String WORKER_STOPPED = "worker_stopped";

  /** A bug in the runtime or a kind: an unexpected exception outside the function. */
  public static final String INTERNAL_ERROR = "internal_error";

  private ErrorCodes() {}
}
