package dev.gale.scaler.spi;

import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockStatus;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Acquires and releases <em>blocks</em> for one pool: a local process, a pod, a batch job. A
 * provider never sees tasks; the node agent started in each block connects to a gateway by itself.
 *
 * <p><b>Contract.</b>
 *
 * <ul>
 *   <li><b>Blocking.</b> Every method may block on I/O (start a process, run {@code sbatch}, call
 *       an API) for seconds; {@link #cancel} may block for the provider's grace period. Never call
 *       them on an event loop.
 *   <li><b>Threads.</b> Implementations are thread-safe: the scaler's loop and a shutdown may call
 *       them concurrently.
 *   <li><b>Construction.</b> Constructors and factories do no I/O (no processes, no network, no
 *       files); the first I/O happens in {@link #submit}, {@link #status} or {@link #cancel}.
 *   <li><b>Ids.</b> Block ids are chosen by the provider, unique within it, and never reused.
 * </ul>
 */
public interface Provider {

  /** The key this provider is registered under, e.g. {@code local}, {@code slurm}. */
  String key();

  /**
   * Starts one block. Returns once the block is requested (a batch job may still be pending).
   *
   * @return the block's id, for {@link #status} and {@link #cancel}
   * @throws dev.gale.scaler.ProviderException when the block cannot be requested; for a failed
   *     command its details carry the command, exit code, stdout and stderr
   */
  String submit(BlockRequest request);

  /**
   * The status of blocks. The answer has an entry for every id asked, keyed by id (never aligned by
   * position); an id the provider does not know maps to {@link dev.gale.scaler.BlockState#MISSING}.
   * Never null.
   *
   * @throws dev.gale.scaler.ProviderException when the provider cannot be queried at all
   */
  Map<String, BlockStatus> status(Collection<String> ids);

  /**
   * Stops blocks and everything they started, gracefully when the provider can (a signal, then a
   * forced stop after a grace period). Returns when they are stopped or the request to stop them is
   * accepted. Unknown or finished ids are ignored; calling it twice is harmless. Cancelled blocks
   * then report {@link dev.gale.scaler.BlockState#CANCELLED}.
   *
   * @throws dev.gale.scaler.ProviderException when the request to stop them fails
   */
  void cancel(Collection<String> ids);

  /**
   * The provider's own name for a block, for people: the batch job id, the process id, the pod's
   * name. Never blocks.
   *
   * @return empty when the block is unknown here or the provider has no such id
   */
  default Optional<String> jobId(String blockId) {
    return Optional.empty();
  }

  /**
   * Takes charge of a block that another instance of this provider started (a scaler that lost its
   * lease, or an earlier configuration of the pool), so that {@link #status} and {@link #cancel}
   * work on it from now on. The record comes from the shared scaler state: {@code jobId} is what
   * {@link #jobId} answered for it. May block briefly (it may check that the block exists).
   *
   * @return true when the block is now known here (a block that has ended meanwhile may be adopted
   *     and then report its end); false when this provider cannot adopt blocks, or the record does
   *     not describe one of its blocks
   */
  default boolean adopt(BlockRecord block) {
    return false;
  }

  /**
   * Keeps a block like {@code request} ready ahead of demand, so that the next {@link #submit} of
   * an equal request serves tasks sooner (the local provider keeps one node agent started and
   * waiting). What is kept ready is not a block: it is never reported, runs no task and holds no
   * slot. The scaler loop calls this after its ticks while the pool may start blocks, and {@link
   * #dropReady} when it stops or may not. Must return quickly. Default: nothing.
   */
  default void keepReady(BlockRequest request) {}

  /** Stops what {@link #keepReady} holds; idempotent. Default: nothing. */
  default void dropReady() {}
}
