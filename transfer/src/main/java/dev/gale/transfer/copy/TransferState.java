package dev.gale.transfer.copy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.gale.api.InvalidRequestException;
import java.util.Locale;

/** The life cycle of a transfer: {@code queued → running → succeeded | failed | cancelled}. */
public enum TransferState {
  /** Accepted, waiting for a free transfer slot. */
  QUEUED,
  /** Copying. */
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** True for states a transfer never leaves. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** The lower-case name used on the wire. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @throws InvalidRequestException for an unknown name
   */
  @JsonCreator
  public static TransferState fromWire(String s) {
    for (TransferState t : values()) {
      if (t.wireName().equals(s)) {
        return t;
      }
    }
    throw new InvalidRequestException(
        "unknown transfer state '" + s + "' (queued, running, succeeded, failed, cancelled)");
  }
}
