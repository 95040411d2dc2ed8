package dev.gale.api.protocol;

import dev.gale.api.Json;

/** Encoding of {@link WorkerMessage}s as JSON text frames. */
public final class WorkerProtocol {
  /** The WebSocket path on the gateway. */
  public static final String PATH = "/v1/workers/connect";

  private WorkerProtocol() {}

  public static String encode(WorkerMessage message) {
    return Json.write(message);
  }

  /**
   * Decodes one frame.
   *
   * @throws dev.gale.api.InvalidRequestException when the frame is not a known message
   */
  public static WorkerMessage decode(String frame) {
    return Json.readSliced(frame, WorkerMessage.class);
  }
}
