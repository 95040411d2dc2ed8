package dev.gale.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a token may do. */
public enum Role {
  /** Everything, including minting tokens and managing pools. */
  ADMIN,
  /** The user API for its own tenant. */
  USER,
  /** Only the worker WebSocket endpoint. */
  WORKER;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @throws InvalidRequestException for an unknown role
   */
  @JsonCreator
  public static Role fromWire(String s) {
    for (Role r : values()) {
      if (r.wireName().equals(s)) {
        return r;
      }
    }
    throw new InvalidRequestException("unknown role '" + s + "' (known: user, worker, admin)");
  }
}
