package dev.gale.scaler.batch;

import dev.gale.scaler.ProviderException;
import java.util.List;

/**
 * What a command did.
 *
 * @param command the argv that ran
 * @param exitCode its exit code
 * @param stdout what it printed on stdout (bounded)
 * @param stderr what it printed on stderr (bounded)
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
  public CommandResult {
    command = List.copyOf(command);
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
  }

  /** True for exit code 0. */
  public boolean ok() {
    return exitCode == 0;
  }

  /**
   * A {@link ProviderException} for this result; its message is {@code what} followed by the
   * command, the exit code and the first line of stderr (or stdout), its details carry everything.
   */
  public ProviderException failure(String what, boolean retryable) {
    String said = firstLine(stderr.isBlank() ? stdout : stderr);
    return ProviderException.commandFailed(
        what
            + ": '"
            + String.join(" ", command)
            + "' exited with code "
            + exitCode
            + (said.isEmpty() ? "" : ": " + said),
        command,
        exitCode,
        stdout,
        stderr,
        retryable,
        null);
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip();
  }
}
