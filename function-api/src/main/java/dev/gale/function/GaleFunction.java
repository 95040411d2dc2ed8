package dev.gale.function;

import java.util.Map;

/**
 * A function that Gale runs with the {@code java} kind.
 *
 * <p>Implementations need a public no-argument constructor. One instance is created per worker slot
 * and kept warm, so {@link #call} may be invoked many times, but never concurrently on the same
 * instance.
 *
 * <p>Arguments arrive as plain Java values decoded from JSON: {@code Map<String, Object>} for
 * objects, {@code List<Object>} for arrays, {@code String}, {@code Boolean}, {@code Integer},
 * {@code Long}, {@code Double} or {@code BigInteger}/{@code BigDecimal} for numbers, and {@code
 * null}. The returned value must be made of the same types (or be {@code null}); it becomes the
 * task's JSON result.
 */
@FunctionalInterface
public interface GaleFunction {

  /**
   * Runs the function once.
   *
   * @param args the invocation's {@code args} object, never null
   * @param context facts about this attempt
   * @return the result, made of JSON-compatible values
   * @throws Exception any exception fails the attempt with code {@code exception}, its type,
   *     message and stack trace
   */
  Object call(Map<String, Object> args, FunctionContext context) throws Exception;
}
