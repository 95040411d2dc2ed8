package dev.gale.runtime.spi;

/**
 * Size limits announced by the gateway in its {@code welcome}.
 *
 * @param maxResultBytes the largest JSON result (UTF-8 bytes) the gateway accepts; the runtime
 *     fails larger results with {@code result_too_large}
 * @param maxOutputBytes how much of stdout and of stderr a process-based kind keeps, each
 */
public record Limits(long maxResultBytes, int maxOutputBytes) {
  /** Limits used before a gateway announced its own: 1 MiB results, 64 KiB of output. */
  public static final Limits DEFAULT = new Limits(1 << 20, 64 << 10);

  public Limits {
    if (maxResultBytes <= 0 || maxOutputBytes < 0) {
      throw new IllegalArgumentException(
          "limits must be positive: maxResultBytes="
              + maxResultBytes
              + ", maxOutputBytes="
              + maxOutputBytes);
    }
  }
}
