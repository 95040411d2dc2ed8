package dev.gale.transfer.copy;

/**
 * Told of a transfer's changes: each state change, and progress at most once per {@link
 * CopyEngineOptions#progressInterval()} while it runs. Called from the engine's threads, one call
 * at a time per transfer; must not block for long. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface TransferListener {
  void onChange(TransferJob job);

  /** A listener that ignores everything. */
  static TransferListener none() {
    return job -> {};
  }
}
