package dev.gale.api.protocol;

/**
 * The gateway's answer to {@link Hello}.
 *
 * @param workerId the id under which the worker is known
 * @param heartbeatSeconds how often the worker must send {@link Heartbeat}
 * @param maxResultBytes largest JSON result accepted; larger results must fail with {@code
 *     result_too_large}
 * @param maxOutputBytes how much stdout/stderr a shell task may keep before truncating
 */
public record Welcome(
    String workerId, int heartbeatSeconds, long maxResultBytes, int maxOutputBytes)
    implements WorkerMessage {}
