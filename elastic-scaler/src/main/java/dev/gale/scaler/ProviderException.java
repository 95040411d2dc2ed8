package dev.gale.scaler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.GaleException;
import dev.gale.api.Json;
import java.util.List;

/**
 * A provider could not submit, query or cancel blocks. For a failed command (sbatch, kubectl-like
 * calls, a local program that cannot start) the details carry {@code command}, {@code exitCode},
 * {@code stdout} and {@code stderr}.
 */
public class ProviderException extends GaleException {
  private final boolean retryable;

  public ProviderException(String message, boolean retryable, Throwable cause) {
    super("provider_failed", message, null, cause);
    this.retryable = retryable;
  }

  private ProviderException(
      String message, ObjectNode details, boolean retryable, Throwable cause) {
    super("provider_failed", message, details, cause);
    this.retryable = retryable;
  }

  /**
   * A command that failed.
   *
   * @param exitCode its exit code, or null when it did not start
   */
  public static ProviderException commandFailed(
      String message,
      List<String> command,
      Integer exitCode,
      String stdout,
      String stderr,
      boolean retryable,
      Throwable cause) {
    ObjectNode d = Json.object();
    d.set("command", Json.mapper().valueToTree(command));
    if (exitCode != null) {
      d.put("exitCode", exitCode);
    }
    d.put("stdout", stdout == null ? "" : stdout);
    d.put("stderr", stderr == null ? "" : stderr);
    return new ProviderException(message, d, retryable, cause);
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}
