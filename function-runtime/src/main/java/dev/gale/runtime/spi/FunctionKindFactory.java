package dev.gale.runtime.spi;

/**
 * Creates a {@link FunctionKind} for one node agent. Implementations are registered in {@code
 * META-INF/services/dev.gale.runtime.spi.FunctionKindFactory} and need a public no-argument
 * constructor that does no I/O.
 */
public interface FunctionKindFactory {

  /** The key of the kinds this factory creates; equal to {@link FunctionKind#key()}. */
  String key();

  /**
   * Creates the kind. Called once per agent, on the thread that starts the agent; must not block
   * (start processes lazily, on first use).
   *
   * @param environment what the agent offers its kinds, never null
   */
  FunctionKind create(KindEnvironment environment);
}
