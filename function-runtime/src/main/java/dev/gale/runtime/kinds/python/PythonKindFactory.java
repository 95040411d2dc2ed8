package dev.gale.runtime.kinds.python;

import dev.gale.runtime.spi.FunctionKind;
import dev.gale.runtime.spi.FunctionKindFactory;
import dev.gale.runtime.spi.KindEnvironment;

/** Registers the {@code python} kind with the {@link java.util.ServiceLoader}. */
public final class PythonKindFactory implements FunctionKindFactory {
  @Override
  public String key() {
    return "python";
  }

  @Override
  public FunctionKind create(KindEnvironment environment) {
    return new PythonKind(environment);
  }
}
