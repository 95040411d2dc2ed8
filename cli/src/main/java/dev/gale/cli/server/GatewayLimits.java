package dev.gale.cli.server;

import dev.gale.cli.config.ConfigKey;
import dev.gale.cli.config.Setting;
import dev.gale.gateway.GatewayOptions;
import picocli.CommandLine.Option;

/** The gateway's limits as options, shared by {@code up} and {@code gateway}. */
public final class GatewayLimits {
  @Setting(ConfigKey.GATEWAY_MAX_BODY_BYTES)
  @Option(
      names = "--max-body-bytes",
      paramLabel = "N",
      description = "largest JSON body (default: ${DEFAULT-VALUE})")
  long maxBodyBytes;

  @Setting(ConfigKey.GATEWAY_MAX_ARTIFACT_BYTES)
  @Option(
      names = "--max-artifact-bytes",
      paramLabel = "N",
      description = "largest JAR upload (default: ${DEFAULT-VALUE})")
  long maxArtifactBytes;

  @Setting(ConfigKey.GATEWAY_MAX_ARGS_BYTES)
  @Option(
      names = "--max-args-bytes",
      paramLabel = "N",
      description = "largest task args (default: ${DEFAULT-VALUE})")
  int maxArgsBytes;

  @Setting(ConfigKey.GATEWAY_MAX_RESULT_BYTES)
  @Option(
      names = "--max-result-bytes",
      paramLabel = "N",
      description = "largest task result (default: ${DEFAULT-VALUE})")
  int maxResultBytes;

  @Setting(ConfigKey.GATEWAY_MAX_OUTPUT_BYTES)
  @Option(
      names = "--max-output-bytes",
      paramLabel = "N",
      description = "shell output kept per stream (default: ${DEFAULT-VALUE})")
  int maxOutputBytes;

  @Setting(ConfigKey.GATEWAY_MAX_WAIT_SECONDS)
  @Option(
      names = "--max-wait-seconds",
      paramLabel = "S",
      description = "cap on long-polls (default: ${DEFAULT-VALUE})")
  int maxWaitSeconds;

  @Setting(ConfigKey.GATEWAY_HEARTBEAT_SECONDS)
  @Option(
      names = "--heartbeat-seconds",
      paramLabel = "S",
      description = "worker heartbeat period (default: ${DEFAULT-VALUE})")
  int heartbeatSeconds;

  @Setting(ConfigKey.GATEWAY_MAX_BATCH_SIZE)
  @Option(
      names = "--max-batch-size",
      paramLabel = "N",
      description = "most tasks per batch (default: ${DEFAULT-VALUE})")
  int maxBatchSize;

  /** Gateway options with these limits. */
  GatewayOptions.Builder apply(GatewayOptions.Builder b) {
    return b.maxBodyBytes(maxBodyBytes)
        .maxArtifactBytes(maxArtifactBytes)
        .maxArgsBytes(maxArgsBytes)
        .maxResultBytes(maxResultBytes)
        .maxOutputBytes(maxOutputBytes)
        .maxWaitSeconds(maxWaitSeconds)
        .heartbeatSeconds(heartbeatSeconds)
        .maxBatchSize(maxBatchSize);
  }
}
