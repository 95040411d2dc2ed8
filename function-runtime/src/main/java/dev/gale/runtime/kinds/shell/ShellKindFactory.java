package dev.gale.runtime.kinds.shell;

import dev.gale.runtime.spi.FunctionKind;
import dev.gale.runtime.spi.FunctionKindFactory;
import dev.gale.runtime.spi.KindEnvironment;

/** Registers the {@code shell} kind with the {@link java.util.ServiceLoader}. */
public final class ShellKindFactory implements FunctionKindFactory {
  @Override
  public String key() {
    return "shell";
  }

  @Override
  public FunctionKind create(KindEnvironment environment) {
    return new ShellKind(environment);
  }
}
