package dev.gale.api;

import java.io.Serializable;
import java.time.Instant;

/**
 * A connected worker (node agent), as {@code GET /v1/workers} shows it.
 *
 * @param id stable id the agent chose (kept across reconnects)
 * @param pool the pool it serves
 * @param node host or pod name
 * @param slots how many tasks it runs at once
 * @param running tasks it is running now
 * @param gateway the gateway it is connected to
 * @param connectedAt when it connected
 * @param lastHeartbeat when it last spoke
 */
public record WorkerInfo(
    String id,
    String pool,
    String node,
    int slots,
    int running,
    String gateway,
    Instant connectedAt,
    Instant lastHeartbeat)
    implements Serializable {

  /**
   * The block (one local process, pod or batch job of the elastic scaler) a worker belongs to: the
   * node agent of a block is started with the block's id as its worker id, or {@code <block>@<n>}
   * for the n-th node of a multi-node block.
   */
  public static String blockOf(String workerId) {
    int at = workerId.lastIndexOf('@');
    return at > 0 ? workerId.substring(0, at) : workerId;
  }
}
