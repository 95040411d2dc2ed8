package dev.gale.runtime.kinds.shell;

/**
 * Every {@link ShellKindTest} with programs started by the JVM ({@code gale.runtime.spawn=jvm}).
 */
class ShellKindJvmSpawnTest extends ShellKindTest {
  @Override
  String spawnMode() {
    return "jvm";
  }
}
