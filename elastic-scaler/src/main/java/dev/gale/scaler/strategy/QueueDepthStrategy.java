package dev.gale.scaler.strategy;

import dev.gale.scaler.strategy.PoolSnapshot.Block;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Scales a pool by queue depth, with Parsl's parameters and these behaviours:
 *
 * <ul>
 *   <li>The target is {@code ceil((queued + running) * parallelism / (slotsPerNode *
 *       nodesPerBlock))} blocks, at least one while there is work, clamped to {@code [minBlocks,
 *       maxBlocks]}; the first decision aims at least at {@code initBlocks}. Tasks running on
 *       draining blocks count, so that a block drained before its walltime is replaced while it
 *       still works and the replacement has {@code drainSeconds} to start (if the work then ends,
 *       the replacement is scaled in after {@code maxIdleSeconds}).
 *   <li>Pending blocks count as capacity, so nothing is over-submitted while jobs wait in a batch
 *       queue. {@code maxBlocks} caps all live blocks, draining and stopping ones included.
 *   <li>Scale-in takes only blocks beyond the target that have been idle for {@code maxIdleSeconds}
 *       (a pending block: since it was submitted), several at once, down to {@code minBlocks} (zero
 *       allowed). A pending block is cancelled; a running one is drained, and cancelled by a later
 *       decision once it has no running task, so a block with running tasks is never cancelled.
 *   <li>A block is drained {@code drainSeconds} before its walltime end; a replacement starts if
 *       the remaining work needs one.
 *   <li>After a block fails to start, starts back off exponentially and one block probes at a time;
 *       after {@code unhealthyAfterFailures} consecutive failures the pool is unhealthy and no
 *       block is started.
 * </ul>
 *
 * <p>Each branch has a case label that shows in {@link Decision#reason()}:
 *
 * <table>
 *   <caption>cases</caption>
 *   <tr><td>0</td><td>first decision: start up to {@code initBlocks} (or more if demand needs)</td></tr>
 *   <tr><td>1a</td><td>start blocks to keep {@code minBlocks}</td></tr>
 *   <tr><td>1b</td><td>scale out: start blocks for queued and running tasks</td></tr>
 *   <tr><td>1c</td><td>at {@code maxBlocks}: demand wants more but the pool is full</td></tr>
 *   <tr><td>2</td><td>steady: nothing to do</td></tr>
 *   <tr><td>3a</td><td>scale in: cancel pending blocks idle long enough beyond the target</td></tr>
 *   <tr><td>3b</td><td>scale in: drain running blocks idle long enough beyond the target</td></tr>
 *   <tr><td>3c</td><td>blocks beyond the target are busy or not idle long enough: keep them</td></tr>
 *   <tr><td>3d</td><td>above {@code maxBlocks} (lowered live): drain or cancel the surplus now</td></tr>
 *   <tr><td>4a</td><td>drain blocks {@code drainSeconds} before their walltime end</td></tr>
 *   <tr><td>4b</td><td>start blocks replacing draining ones while work remains</td></tr>
 *   <tr><td>4c</td><td>cancel draining blocks that have no running task left</td></tr>
 *   <tr><td>5a</td><td>back off: a block failed to start; wait before the next attempt</td></tr>
 *   <tr><td>5b</td><td>probe: start one block after failures, or wait for the probe to start</td></tr>
 *   <tr><td>5c</td><td>unhealthy: too many consecutive failures; start nothing</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class QueueDepthStrategy implements Strategy {
  /** The strategy's name. */
  public static final String NAME = "queue-depth";

  private static final Comparator<Block> SCALE_IN_ORDER =
      Comparator.comparing((Block b) -> !b.pending())
          .thenComparing(b -> b.idleSince() == null)
          .thenComparing(b -> b.idleSince() == null ? Instant.MAX : b.idleSince())
          .thenComparingInt(Block::runningTasks)
          .thenComparing(Block::id);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Decision decide(PoolSnapshot s) {
    PoolSettings cfg = s.settings();
    Instant now = s.now();
    Reasons why = new Reasons();
    List<String> drain = new ArrayList<>();
    List<String> cancel = new ArrayList<>();

    // 4c: blocks drained by earlier decisions go once their tasks have ended
    for (Block b : s.blocks()) {
      if (b.draining() && b.runningTasks() == 0) {
        cancel.add(b.id());
      }
    }
    if (!cancel.isEmpty()) {
      why.add("4c", "cancel drained " + ids(cancel) + " (no running task)");
    }

    // 4a: drain before the walltime kills the block under its tasks
    List<Block> active = new ArrayList<>();
    for (Block b : s.blocks()) {
      if (b.draining()) {
        continue;
      }
      if (b.walltimeEnd() != null
          && !now.isBefore(b.walltimeEnd().minusSeconds(cfg.drainSeconds()))) {
        drain.add(b.id());
      } else {
        active.add(b);
      }
    }
    if (!drain.isEmpty()) {
      why.add(
          "4a",
          "drain " + ids(drain) + ": " + cfg.drainSeconds() + " s or less before walltime end");
    }
    boolean replacing = s.blocks().size() > active.size();

    long demand = s.queued() + s.running();
    int demandTarget = demandTarget(demand, cfg);
    int target = clamp(demandTarget, cfg.minBlocks(), cfg.maxBlocks());
    boolean init = s.firstDecision() && cfg.initBlocks() > target;
    if (init) {
      target = cfg.initBlocks();
    }
    int live = s.blocks().size() + s.stopping();
    int pending = (int) active.stream().filter(Block::pending).count();
    String shape =
        "target "
            + target
            + " for "
            + demand
            + " task(s) at "
            + cfg.slotsPerBlock()
            + " slot(s)/block, parallelism "
            + cfg.parallelism()
            + "; active "
            + active.size()
            + " ("
            + pending
            + " pending)";

    StartFailures f = s.failures();
    boolean unhealthy = f.consecutive() >= cfg.unhealthyAfterFailures();
    int start = 0;
    if (active.size() < target) {
      int need = target - active.size();
      int room = cfg.maxBlocks() - live;
      if (room <= 0) {
        why.add("1c", "at maxBlocks " + cfg.maxBlocks() + " with " + live + " live; " + shape);
      } else if (unhealthy) {
        why.add("5c", "not starting blocks: " + failureText(f) + "; " + shape);
      } else if (f.consecutive() > 0) {
        start = probe(s, f, why, shape);
      } else {
        start = Math.min(need, room);
        String label = init ? "0" : replacing ? "4b" : demandTarget < cfg.minBlocks() ? "1a" : "1b";
        why.add(
            label,
            "start "
                + start
                + " block(s); "
                + shape
                + (start < need ? "; capped by maxBlocks " + cfg.maxBlocks() : ""));
      }
    } else if (active.size() > target) {
      scaleIn(active, target, cfg, now, drain, cancel, why);
    } else if (demandTarget > cfg.maxBlocks()) {
      why.add("1c", "demand wants " + demandTarget + " blocks, capped at maxBlocks; " + shape);
    }
    if (why.isEmpty()) {
      why.add("2", "steady; " + shape);
    }
    PoolHealth health = unhealthy ? PoolHealth.unhealthy(failureText(f)) : PoolHealth.HEALTHY;
    return new Decision(start, drain, cancel, target, why.labels, why.text(), health);
  }

  /** Start one block after failures once the back-off has passed and no probe is in flight. */
  private static int probe(PoolSnapshot s, StartFailures f, Reasons why, String shape) {
    Duration wait = s.settings().backoffAfter(f.consecutive());
    Instant retryAt = f.lastAt().plus(wait);
    if (s.now().isBefore(retryAt)) {
      why.add(
          "5a",
          "back off "
              + wait.toSeconds()
              + " s after "
              + f.consecutive()
              + " failure(s) to start, next attempt in "
              + Duration.between(s.now(), retryAt).toSeconds()
              + " s; last: "
              + f.lastReason());
      return 0;
    }
    for (Block b : s.blocks()) {
      if (b.submittedAt().isAfter(f.lastAt())) {
        why.add("5b", "waiting for probe block " + b.id() + " to start; " + shape);
        return 0;
      }
    }
    why.add("5b", "probe: start 1 block after " + f.consecutive() + " failure(s); " + shape);
    return 1;
  }

  private static void scaleIn(
      List<Block> active,
      int target,
      PoolSettings cfg,
      Instant now,
      List<String> drain,
      List<String> cancel,
      Reasons why) {
    List<Block> candidates = new ArrayList<>(active);
    candidates.sort(SCALE_IN_ORDER);
    int excess = active.size() - target;
    int overMax = Math.max(0, active.size() - cfg.maxBlocks());
    List<String> forced = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (int i = 0; i < overMax; i++) {
      Block b = candidates.get(i);
      (b.pending() ? cancel : drain).add(b.id());
      forced.add(b.id());
      taken.add(b.id());
    }
    if (!forced.isEmpty()) {
      why.add(
          "3d",
          "above maxBlocks "
              + cfg.maxBlocks()
              + ": cancel pending / drain running "
              + ids(forced)
              + " now");
    }
    List<String> idlePending = new ArrayList<>();
    List<String> idleRunning = new ArrayList<>();
    Instant idleBefore = now.minusSeconds(cfg.maxIdleSeconds());
    int left = excess - forced.size();
    for (Block b : candidates) {
      if (left == 0) {
        break;
      }
      if (taken.contains(b.id()) || b.idleSince() == null || b.idleSince().isAfter(idleBefore)) {
        continue;
      }
      (b.pending() ? idlePending : idleRunning).add(b.id());
      left--;
    }
    String beyond = "idle >= " + cfg.maxIdleSeconds() + " s beyond target " + target;
    if (!idlePending.isEmpty()) {
      cancel.addAll(idlePending);
      why.add("3a", "cancel pending " + ids(idlePending) + " " + beyond);
    }
    if (!idleRunning.isEmpty()) {
      drain.addAll(idleRunning);
      why.add("3b", "drain " + ids(idleRunning) + " " + beyond);
    }
    if (left > 0) {
      why.add(
          "3c",
          "keep "
              + left
              + " block(s) beyond target "
              + target
              + ": busy or idle < "
              + cfg.maxIdleSeconds()
              + " s");
    }
  }

  /** Blocks wanted for {@code demand} tasks, before clamping: at least one while there is work. */
  static int demandTarget(long demand, PoolSettings cfg) {
    if (demand <= 0) {
      return 0;
    }
    // the epsilon keeps 10 * 0.3 from becoming 3.0000000000000004 slots, hence a block too many
    long slots = (long) Math.ceil(demand * cfg.parallelism() - 1e-9);
    long blocks = (slots + cfg.slotsPerBlock() - 1) / cfg.slotsPerBlock();
    return (int) Math.max(1, Math.min(blocks, Integer.MAX_VALUE));
  }

  private static int clamp(int v, int min, int max) {
    return Math.max(min, Math.min(max, v));
  }

  private static String failureText(StartFailures f) {
    return f.consecutive()
        + " consecutive attempt(s) to start blocks failed; last: "
        + f.lastReason();
  }

  private static String ids(List<String> ids) {
    if (ids.size() <= 5) {
      return String.join(", ", ids);
    }
    return String.join(", ", ids.subList(0, 5)) + " and " + (ids.size() - 5) + " more";
  }

  /** Case labels and their texts, in order. */
  private static final class Reasons {
    final List<String> labels = new ArrayList<>();
    final List<String> texts = new ArrayList<>();

    void add(String label, String text) {
      labels.add(label);
      texts.add("case " + label + ": " + text);
    }

    boolean isEmpty() {
      return labels.isEmpty();
    }

    String text() {
      return String.join("; ", texts);
    }
  }
}
