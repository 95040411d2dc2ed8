package dev.gale.scaler.service;

import dev.gale.api.InvalidRequestException;
import dev.gale.scaler.BlockRecord;
import dev.gale.scaler.BlockRequest;
import dev.gale.scaler.BlockState;
import dev.gale.scaler.BlockStatus;
import dev.gale.scaler.spi.Provider;
import dev.gale.scaler.spi.ProviderContext;
import dev.gale.scaler.spi.ProviderFactory;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake batch site shared by every provider instance made by its factory, as a real batch system
 * is shared by the scalers that submit to it: jobs run as soon as they are submitted and stay
 * running until cancelled. The only option is {@code tag} (any string); any other option is
 * refused, as real factories refuse unknown ones.
 */
final class FakeSite implements ProviderFactory {
  /** Job id → state. */
  final Map<String, BlockState> jobs = new ConcurrentHashMap<>();

  /** Job id → the pool it was submitted for. */
  final Map<String, String> poolOf = new ConcurrentHashMap<>();

  final AtomicInteger submits = new AtomicInteger();
  final AtomicInteger providers = new AtomicInteger();
  private final AtomicLong jobSeq = new AtomicLong(1000);
  private final String key;

  FakeSite(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public Provider create(ProviderContext context) {
    context
        .options()
        .fieldNames()
        .forEachRemaining(
            n -> {
              if (!n.equals("tag")) {
                throw new InvalidRequestException("unknown option options." + n + " for " + key);
              }
            });
    return new FakeProvider(providers.incrementAndGet());
  }

  /** Jobs of a pool in a state. */
  long count(String pool, BlockState state) {
    return jobs.entrySet().stream()
        .filter(e -> pool.equals(poolOf.get(e.getKey())) && e.getValue() == state)
        .count();
  }

  final class FakeProvider implements Provider {
    private final String prefix;
    private final AtomicInteger seq = new AtomicInteger();

    /** Block id → job id, for the blocks this instance submitted or adopted. */
    final Map<String, String> blocks = new ConcurrentHashMap<>();

    FakeProvider(int instance) {
      this.prefix = key + "-" + instance + "-";
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public String submit(BlockRequest request) {
      String job = Long.toString(jobSeq.incrementAndGet());
      String id = prefix + seq.incrementAndGet();
      jobs.put(job, BlockState.RUNNING);
      poolOf.put(job, request.pool());
      blocks.put(id, job);
      submits.incrementAndGet();
      return id;
    }

    @Override
    public Map<String, BlockStatus> status(Collection<String> ids) {
      Map<String, BlockStatus> out = new LinkedHashMap<>();
      for (String id : ids) {
        String job = blocks.get(id);
        BlockState s =
            job == null ? BlockState.MISSING : jobs.getOrDefault(job, BlockState.MISSING);
        out.put(id, BlockStatus.of(s, Instant.EPOCH));
      }
      return out;
    }

    @Override
    public void cancel(Collection<String> ids) {
      for (String id : ids) {
        String job = blocks.get(id);
        if (job != null) {
          jobs.computeIfPresent(job, (k, s) -> s.isTerminal() ? s : BlockState.CANCELLED);
        }
      }
    }

    @Override
    public java.util.Optional<String> jobId(String blockId) {
      return java.util.Optional.ofNullable(blocks.get(blockId));
    }

    @Override
    public boolean adopt(BlockRecord block) {
      if (block.jobId() == null || !jobs.containsKey(block.jobId())) {
        return false;
      }
      blocks.put(block.id(), block.jobId());
      return true;
    }
  }
}
