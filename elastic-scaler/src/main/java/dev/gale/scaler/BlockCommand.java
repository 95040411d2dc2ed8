package dev.gale.scaler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The command a block runs on each of its nodes (normally a node agent), given to a provider by the
 * assembly: the scaler itself knows nothing of the command line.
 *
 * <p>In argv elements and env values these placeholders are replaced per block: {@code {block}}
 * (the block id), {@code {pool}}, {@code {slots}} (slots per node) and {@code {nodes}}.
 *
 * @param argv the program and its arguments; no shell interprets them
 * @param env variables added to the block's environment (secrets belong here, not in argv)
 * @param standbyArgs arguments that, appended to {@code argv}, make the command get ready and then
 *     wait for a line on its stdin before it serves, exiting when stdin closes first ({@code gale
 *     worker --standby}); empty when the command has no such mode. A provider that can keep a block
 *     ready ahead of demand ({@link dev.gale.scaler.spi.Provider#keepReady}) uses it.
 */
public record BlockCommand(List<String> argv, Map<String, String> env, List<String> standbyArgs) {
  public BlockCommand {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
    standbyArgs = List.copyOf(standbyArgs);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must not be empty");
    }
  }

  /** A command without a standby mode. */
  public BlockCommand(List<String> argv, Map<String, String> env) {
    this(argv, env, List.of());
  }

  /** A command with no extra environment. */
  public static BlockCommand of(String... argv) {
    return new BlockCommand(List.of(argv), Map.of());
  }

  /** argv with the placeholders of one block replaced. */
  public List<String> argvFor(String blockId, BlockRequest req) {
    List<String> out = new ArrayList<>(argv.size());
    argv.forEach(a -> out.add(expand(a, blockId, req)));
    return out;
  }

  /** env with the placeholders of one block replaced. */
  public Map<String, String> envFor(String blockId, BlockRequest req) {
    Map<String, String> out = new HashMap<>();
    env.forEach((k, v) -> out.put(k, expand(v, blockId, req)));
    return out;
  }

  private static String expand(String s, String blockId, BlockRequest req) {
    if (s.indexOf('{') < 0) {
      return s;
    }
    return s.replace("{block}", Objects.requireNonNull(blockId))
        .replace("{pool}", req.pool())
        .replace("{slots}", Integer.toString(req.slotsPerNode()))
        .replace("{nodes}", Integer.toString(req.nodes()));
  }
}
