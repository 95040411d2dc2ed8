package dev.gale.runtime.spi;

import dev.gale.api.protocol.FunctionSpec;

/**
 * A way of running functions ({@code shell}, {@code python}, {@code java}, ...): it validates a
 * function's kind-specific {@code spec} into a {@link PreparedFunction} that runs attempts.
 *
 * <p>Kinds are created by a {@link FunctionKindFactory} found with {@link java.util.ServiceLoader}
 * and looked up by {@link #key()} in a {@link FunctionKindRegistry}.
 *
 * <p><b>Threading.</b> Implementations are thread-safe. {@link #prepare} is called on a slot thread
 * the first time a function is needed (and again if its spec changes); it may block briefly but
 * should not do slow I/O (defer that to the first run). {@link #close} is called once, when the
 * agent stops, after which no method is called.
 */
public interface FunctionKind extends AutoCloseable {

  /** The kind's name as it appears in a function's {@code kind}, e.g. {@code shell}. Not null. */
  String key();

  /**
   * Validates a function's spec.
   *
   * @param function the function's id, kind, spec and timeout; never null
   * @return the prepared function, never null
   * @throws dev.gale.api.InvalidRequestException with code {@code invalid_function} and a message
   *     naming the bad field when the spec does not fit this kind
   */
  PreparedFunction prepare(FunctionSpec function);

  /**
   * Releases what the kind holds (warm processes, class loaders). Must not throw; may block briefly
   * while processes stop.
   */
  @Override
  default void close() {}
}
