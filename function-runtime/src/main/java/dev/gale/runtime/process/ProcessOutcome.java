package dev.gale.runtime.process;

/**
 * How a launched program ended.
 *
 * @param exitCode the exit status, or 128 + the signal number when a signal ended it (as {@link
 *     Process#exitValue()} reports it); -1 when the program was lost
 * @param stdout the kept stdout, decoded as UTF-8 (malformed sequences replaced)
 * @param stderr the kept stderr, likewise
 * @param truncated true when output beyond the limit was dropped
 * @param lost null, or why the program's end could not be observed (its spawn helper died; the
 *     program was then killed)
 */
public record ProcessOutcome(
    int exitCode, String stdout, String stderr, boolean truncated, String lost) {

  /** An outcome for a program whose end was not observed. */
  public static ProcessOutcome lost(String why) {
    return new ProcessOutcome(-1, "", "", false, why);
  }
}
