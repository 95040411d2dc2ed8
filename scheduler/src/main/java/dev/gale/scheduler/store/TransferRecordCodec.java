package dev.gale.scheduler.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.ErrorInfo;
import dev.gale.api.Json;
import dev.gale.api.TransferRecord;
import java.time.Instant;

/**
 * The codec of the transfer map ({@code gale.transfers}, whose values are {@link TransferRecord}s
 * as JSON text). A transfer's copy runs inside the gateway that accepted it; after a full restart
 * of the cluster that copy is gone, so {@link #afterRestart} loads every unfinished transfer as
 * failed with {@code transfer_lost}. Its {@code finishedAt} is the last heartbeat of its gateway
 * (when it was last known to run), so loading the same row twice gives the same record.
 */
public final class TransferRecordCodec implements RecordCodec<String> {
  /** The error code of a transfer whose gateway stopped while it ran. */
  public static final String LOST = "transfer_lost";

  private final RecordCodec<String> text = Codecs.text();

  @Override
  public byte[] encode(String value) {
    return text.encode(value);
  }

  @Override
  public String decode(byte[] bytes) {
    return text.decode(bytes);
  }

  /**
   * The record failed with {@code transfer_lost} when it was not finished; else unchanged.
   *
   * @throws StoreException when the text is not a transfer record
   */
  @Override
  public String afterRestart(String value) {
    TransferRecord t;
    try {
      t = Json.read(value, TransferRecord.class);
    } catch (RuntimeException e) {
      throw new StoreException("a stored transfer cannot be read: " + e.getMessage(), e);
    }
    if (t.isFinished()) {
      return value;
    }
    Instant lastSeen = t.heartbeatAt() != null ? t.heartbeatAt() : Instant.EPOCH;
    ObjectNode job = t.job().deepCopy();
    job.put("state", "failed");
    job.put("finishedAt", lastSeen.toString());
    job.set(
        "error",
        Json.mapper()
            .valueToTree(
                ErrorInfo.of(
                    LOST,
                    "the cluster stopped while gateway "
                        + t.gatewayId()
                        + " ran this transfer (last heartbeat "
                        + lastSeen
                        + "); submit it again")));
    return Json.write(new TransferRecord(t.id(), t.tenant(), t.gatewayId(), lastSeen, job));
  }
}
