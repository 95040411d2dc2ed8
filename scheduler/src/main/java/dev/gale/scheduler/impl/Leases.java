package dev.gale.scheduler.impl;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gale.scheduler.Lease;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Leases with fencing tokens on the {@code gale.leases} map. Acquiring, renewing and releasing each
 * run as one entry processor in the lease's partition, so two contenders cannot both win. Expiry
 * compares the caller's clock with the stored deadline; members and gateways should keep their
 * clocks in step (NTP), and a lease's time to live should be well above the clock skew.
 */
final class Leases {
  static final String MAP = "gale.leases";

  private final IMap<String, Held> map;

  Leases(IMap<String, Held> map) {
    this.map = map;
  }

  Optional<Lease> acquire(String name, String holder, long ttlMillis, long now) {
    Held h = map.executeOnKey(name, new Acquire(holder, now, now + ttlMillis));
    return h == null ? Optional.empty() : Optional.of(h.toLease(name));
  }

  boolean release(Lease lease) {
    return Boolean.TRUE.equals(
        map.executeOnKey(lease.name(), new Release(lease.holder(), lease.fence())));
  }

  Optional<Lease> current(String name, long now) {
    Held h = map.get(name);
    return h == null || h.expiresAt <= now ? Optional.empty() : Optional.of(h.toLease(name));
  }

  /** The stored state of a lease. */
  static final class Held implements IdentifiedDataSerializable {
    String holder;
    long fence;
    long expiresAt;

    Held() {}

    Lease toLease(String name) {
      return new Lease(name, holder, fence, Instant.ofEpochMilli(expiresAt));
    }

    @Override
    public int getFactoryId() {
      return SchedulerSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.LEASE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(holder);
      out.writeLong(fence);
      out.writeLong(expiresAt);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      holder = in.readString();
      fence = in.readLong();
      expiresAt = in.readLong();
    }
  }

  /**
   * Takes the lease when it is free or lapsed (with the next fence), renews it when the caller
   * already holds it (same fence); answers null when someone else holds it.
   */
  static final class Acquire
      implements EntryProcessor<String, Held, Held>, IdentifiedDataSerializable {
    String holder;
    long now;
    long until;

    Acquire() {}

    Acquire(String holder, long now, long until) {
      this.holder = holder;
      this.now = now;
      this.until = until;
    }

    @Override
    public Held process(Map.Entry<String, Held> entry) {
      Held h = entry.getValue();
      if (h != null && h.expiresAt > now && !h.holder.equals(holder)) {
        return null;
      }
      Held next = new Held();
      next.holder = holder;
      next.fence =
          h == null ? 1 : h.holder.equals(holder) && h.expiresAt > now ? h.fence : h.fence + 1;
      next.expiresAt = until;
      entry.setValue(next);
      return next;
    }

    @Override
    public int getFactoryId() {
      return SchedulerSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.LEASE_ACQUIRE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(holder);
      out.writeLong(now);
      out.writeLong(until);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      holder = in.readString();
      now = in.readLong();
      until = in.readLong();
    }
  }

  /** Gives the lease up if the caller still holds it with this fence; keeps the fence counter. */
  static final class Release
      implements EntryProcessor<String, Held, Boolean>, IdentifiedDataSerializable {
    String holder;
    long fence;

    Release() {}

    Release(String holder, long fence) {
      this.holder = holder;
      this.fence = fence;
    }

    @Override
    public Boolean process(Map.Entry<String, Held> entry) {
      Held h = entry.getValue();
      if (h == null || !h.holder.equals(holder) || h.fence != fence) {
        return false;
      }
      h.expiresAt = 0;
      entry.setValue(h);
      return true;
    }

    @Override
    public int getFactoryId() {
      return SchedulerSerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return SchedulerSerialization.LEASE_RELEASE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(holder);
      out.writeLong(fence);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      holder = in.readString();
      fence = in.readLong();
    }
  }
}
