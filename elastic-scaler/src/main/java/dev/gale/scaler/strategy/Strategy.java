package dev.gale.scaler.strategy;

/**
 * Decides how many blocks a pool should have: a pure function from a {@link PoolSnapshot} to a
 * {@link Decision}.
 *
 * <p><b>Contract.</b>
 *
 * <ul>
 *   <li><b>Pure.</b> No I/O, no clock reads (time comes from {@link PoolSnapshot#now()}), no
 *       randomness, no state kept between calls: the same snapshot always gives the same decision.
 *       Whatever must be remembered (idle times, failures) is carried by the snapshot.
 *   <li><b>Threads.</b> Implementations are thread-safe; the scaler loops of several pools may
 *       share one instance. {@link #decide} does not block and returns in microseconds.
 *   <li><b>Nulls.</b> {@link #decide} never returns null and never throws for a valid snapshot.
 *   <li><b>Safety.</b> A decision never cancels a block with running tasks, never names a block
 *       that is not in the snapshot, and never makes the live blocks exceed {@code maxBlocks}.
 * </ul>
 */
public interface Strategy {

  /** A short name for logs and {@code /v1/pools}, e.g. {@code queue-depth}. */
  String name();

  /**
   * The decision for one snapshot.
   *
   * @param snapshot the pool now; not null
   * @return what to do, with a reason carrying the case labels; never null
   */
  Decision decide(PoolSnapshot snapshot);
}
