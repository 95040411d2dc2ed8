package dev.gale.runtime.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.api.ErrorInfo;
import dev.gale.api.RawJson;
import java.util.Objects;

/** How one attempt ended: a JSON result or an error. */
public sealed interface AttemptOutcome permits AttemptOutcome.Success, AttemptOutcome.Failure {

  /** True for {@link Success}. */
  boolean ok();

  /** The function succeeded with this JSON result (never null; JSON {@code null} is allowed). */
  record Success(RawJson result) implements AttemptOutcome {
    public Success {
      Objects.requireNonNull(result, "result");
    }

    @Override
    public boolean ok() {
      return true;
    }
  }

  /** The attempt failed with this error (never null). */
  record Failure(ErrorInfo error) implements AttemptOutcome {
    public Failure {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public boolean ok() {
      return false;
    }
  }

  static AttemptOutcome success(RawJson result) {
    return new Success(result);
  }

  static AttemptOutcome failure(ErrorInfo error) {
    return new Failure(error);
  }

  static AttemptOutcome failure(String code, String message) {
    return new Failure(ErrorInfo.of(code, message));
  }

  static AttemptOutcome failure(String code, String message, JsonNode details) {
    return new Failure(new ErrorInfo(code, message, details));
  }
}
