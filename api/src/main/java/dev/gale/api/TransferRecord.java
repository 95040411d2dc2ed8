package dev.gale.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A site-to-site transfer ({@code /v1/transfers}) as the cluster keeps it, so that any gateway can
 * answer for it. The copy itself runs in the gateway that accepted it ({@code gatewayId}), which
 * refreshes {@code heartbeatAt} while the transfer is not finished; a transfer whose gateway
 * stopped refreshing is failed by the cluster's sweep.
 *
 * @param id the transfer's id ({@code tr-…})
 * @param tenant the owning tenant
 * @param gatewayId the gateway running the copy
 * @param heartbeatAt when that gateway last vouched for it
 * @param job the transfer's public JSON (id, redacted URLs, state, bytes and files done/total,
 *     rate, error, times), as {@code GET /v1/transfers/{id}} serves it
 */
public record TransferRecord(
    String id, String tenant, String gatewayId, Instant heartbeatAt, JsonNode job) {

  public TransferRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(job, "job");
  }

  /** The transfer's state on the wire ({@code queued}, {@code running}, ...). */
  public String state() {
    return job.path("state").asText();
  }

  /** True once the transfer succeeded, failed or was cancelled. */
  public boolean isFinished() {
    String s = state();
    return s.equals("succeeded") || s.equals("failed") || s.equals("cancelled");
  }
}
