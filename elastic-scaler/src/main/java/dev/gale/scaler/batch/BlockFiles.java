package dev.gale.scaler.batch;

import java.nio.file.Path;

/**
 * The files of one batch block, all in the provider's script directory and named after the block.
 *
 * @param script the job script ({@code BLOCK.sh}, 0700, no secrets in it)
 * @param env the block's environment ({@code BLOCK.env}, 0600; the job removes it once read)
 * @param output the job's stdout and stderr ({@code BLOCK.out})
 * @param exit where the script writes the node agent's exit code ({@code BLOCK.exit}), for
 *     schedulers that do not report it
 */
public record BlockFiles(Path script, Path env, Path output, Path exit) {

  /** The files of block {@code blockId} in {@code dir}. */
  public static BlockFiles in(Path dir, String blockId) {
    return new BlockFiles(
        dir.resolve(blockId + ".sh"),
        dir.resolve(blockId + ".env"),
        dir.resolve(blockId + ".out"),
        dir.resolve(blockId + ".exit"));
  }
}
