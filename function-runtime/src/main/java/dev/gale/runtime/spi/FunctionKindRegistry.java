package dev.gale.runtime.spi;

import dev.gale.api.InvalidRequestException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The function kinds of one agent, by key. Unknown keys fail fast with a message listing the known
 * ones. Thread-safe and immutable once built.
 */
public final class FunctionKindRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionKindRegistry.class);

  private final Map<String, FunctionKind> kinds;

  private FunctionKindRegistry(Map<String, FunctionKind> kinds) {
    this.kinds = kinds;
  }

  /**
   * Creates one kind from every {@link FunctionKindFactory} on the class path of this class.
   *
   * @throws IllegalStateException when two factories claim the same key or none is found
   */
  public static FunctionKindRegistry load(KindEnvironment environment) {
    ServiceLoader<FunctionKindFactory> loader =
        ServiceLoader.load(FunctionKindFactory.class, FunctionKindRegistry.class.getClassLoader());
    return of(environment, loader.stream().map(ServiceLoader.Provider::get).toList());
  }

  /**
   * Creates one kind from each of the given factories.
   *
   * @throws IllegalStateException when two factories claim the same key or the list is empty
   */
  public static FunctionKindRegistry of(
      KindEnvironment environment, Collection<? extends FunctionKindFactory> factories) {
    Map<String, FunctionKind> kinds = new TreeMap<>();
    for (FunctionKindFactory factory : factories) {
      String key = factory.key();
      if (kinds.containsKey(key)) {
        throw new IllegalStateException("two function kinds claim the key '" + key + "'");
      }
      FunctionKind kind = factory.create(environment);
      if (!key.equals(kind.key())) {
        throw new IllegalStateException(
            "factory "
                + factory.getClass().getName()
                + " made kind '"
                + kind.key()
                + "', not '"
                + key
                + "'");
      }
      kinds.put(key, kind);
    }
    if (kinds.isEmpty()) {
      throw new IllegalStateException("no function kinds found (META-INF/services is missing)");
    }
    return new FunctionKindRegistry(kinds);
  }

  /**
   * The kind with this key.
   *
   * @throws InvalidRequestException with code {@code invalid_function} naming the known kinds when
   *     there is none
   */
  public FunctionKind get(String key) {
    FunctionKind kind = key == null ? null : kinds.get(key);
    if (kind == null) {
      throw new InvalidRequestException(
          ErrorCodes.INVALID_FUNCTION,
          "unknown function kind '"
              + key
              + "'; this worker runs: "
              + String.join(", ", kinds.keySet()),
          null);
    }
    return kind;
  }

  /** The known keys, sorted. */
  public List<String> keys() {
    return List.copyOf(kinds.keySet());
  }

  /** The known keys as a set. */
  public Set<String> keySet() {
    return kinds.keySet();
  }

  /** Closes every kind; failures are logged. */
  @Override
  public void close() {
    for (FunctionKind kind : kinds.values()) {
      try {
        kind.close();
      } catch (RuntimeException e) {
        LOG.warn("closing function kind {} failed", kind.key(), e);
      }
    }
  }
}
