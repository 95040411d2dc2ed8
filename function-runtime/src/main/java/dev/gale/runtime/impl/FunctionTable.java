package dev.gale.runtime.impl;

import dev.gale.api.protocol.FunctionSpec;
import dev.gale.runtime.spi.FunctionKindRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The functions the agent has seen, by id, most recently used kept (an LRU bounded at {@link
 * #CAPACITY}). A spec that differs from the cached one replaces it. Thread-safe.
 */
final class FunctionTable {
  static final int CAPACITY = 4096;

  private final FunctionKindRegistry kinds;
  private final LinkedHashMap<String, FunctionEntry> entries =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FunctionEntry> eldest) {
          return size() > CAPACITY;
        }
      };

  FunctionTable(FunctionKindRegistry kinds) {
    this.kinds = kinds;
  }

  /** The entry for this spec, reusing the cached one when the spec is unchanged. */
  synchronized FunctionEntry resolve(FunctionSpec spec) {
    FunctionEntry entry = entries.get(spec.id());
    if (entry == null || !entry.spec().equals(spec)) {
      entry = new FunctionEntry(spec, kinds);
      entries.put(spec.id(), entry);
    }
    return entry;
  }
}
