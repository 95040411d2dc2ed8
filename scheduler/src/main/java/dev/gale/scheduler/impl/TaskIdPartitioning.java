package dev.gale.scheduler.impl;

import com.hazelcast.partition.PartitioningStrategy;

/**
 * Places every task of a batch in the same partition (see {@link TaskIds}); other keys keep the
 * default placement. Configured through {@code hazelcast.partitioning.strategy.class} on members
 * and clients alike, so both route keys the same way.
 */
public final class TaskIdPartitioning implements PartitioningStrategy<Object> {
  @Override
  public Object getPartitionKey(Object key) {
    if (key instanceof String s) {
      return TaskIds.batchOf(s);
    }
    return null;
  }
}
