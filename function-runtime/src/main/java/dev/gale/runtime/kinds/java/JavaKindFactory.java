package dev.gale.runtime.kinds.java;

import dev.gale.runtime.spi.FunctionKind;
import dev.gale.runtime.spi.FunctionKindFactory;
import dev.gale.runtime.spi.KindEnvironment;

/** Registers the {@code java} kind with the {@link java.util.ServiceLoader}. */
public final class JavaKindFactory implements FunctionKindFactory {
  @Override
  public String key() {
    return "java";
  }

  @Override
  public FunctionKind create(KindEnvironment environment) {
    return new JavaKind(environment);
  }
}
