package dev.gale.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The life cycle of a task: {@code waiting → queued → running → succeeded | failed | cancelled}.
 */
public enum TaskState {
  /** Dependencies are not done yet. */
  WAITING,
  /** In its pool's ready queue. */
  QUEUED,
  /** Dispatched to a worker under a lease. */
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** True for states a task never leaves. */
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
  public static TaskState fromWire(String s) {
    for (TaskState t : values()) {
      if (t.wireName().equals(s)) {
        return t;
      }
    }
    throw new InvalidRequestException(
        "unknown task state '"
            + s
            + "' (known: waiting, queued, running, succeeded, failed,"
            + " cancelled)");
  }
}
