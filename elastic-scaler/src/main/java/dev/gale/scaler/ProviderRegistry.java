package dev.gale.scaler;

import dev.gale.api.InvalidRequestException;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.spi.ProviderFactory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** Provider factories by key. Immutable and thread-safe. */
public final class ProviderRegistry {
  private final Map<String, ProviderFactory> factories;

  private ProviderRegistry(Map<String, ProviderFactory> factories) {
    this.factories = factories;
  }

  /** The factories listed in {@code META-INF/services} on the class path of this class. */
  public static ProviderRegistry fromServiceLoader() {
    return of(
        ServiceLoader.load(ProviderFactory.class, ProviderRegistry.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  /**
   * A registry of the given factories.
   *
   * @throws IllegalArgumentException when two factories share a key
   */
  public static ProviderRegistry of(Collection<? extends ProviderFactory> factories) {
    Map<String, ProviderFactory> byKey = new TreeMap<>();
    for (ProviderFactory f : factories) {
      ProviderFactory old = byKey.put(f.key(), f);
      if (old != null) {
        throw new IllegalArgumentException(
            "two provider factories for key '"
                + f.key()
                + "': "
                + old.getClass().getName()
                + " and "
                + f.getClass().getName());
      }
    }
    return new ProviderRegistry(Map.copyOf(byKey));
  }

  /** A registry of the given factories. */
  public static ProviderRegistry of(ProviderFactory... factories) {
    return of(List.of(factories));
  }

  /** The known keys, sorted. */
  public Set<String> keys() {
    return new java.util.TreeSet<>(factories.keySet());
  }

  /**
   * The factory for a key.
   *
   * @throws InvalidRequestException with code {@code unknown_provider} listing the known keys
   */
  public ProviderFactory factory(String key) {
    ProviderFactory f = key == null ? null : factories.get(key);
    if (f == null) {
      throw new InvalidRequestException(
          "unknown_provider",
          "unknown provider '" + key + "' (known: " + String.join(", ", keys()) + ")",
          null);
    }
    return f;
  }

  /** Creates a provider of the given key; see {@link #factory}. */
  public Provider create(String key, ProviderContext context) {
    return factory(key).create(context);
  }
}
