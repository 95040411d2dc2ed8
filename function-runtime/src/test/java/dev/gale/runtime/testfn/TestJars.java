package dev.gale.runtime.testfn;

import dev.gale.function.GaleFunction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles Java sources against the function API and packs the classes into JAR bytes. */
public final class TestJars {
  private TestJars() {}

  /**
   * @param sources class name → source
   * @return the JAR's bytes
   */
  public static byte[] compile(Map<String, String> sources) {
    try {
      Path work = Files.createTempDirectory("gale-testjar-");
      Path src = Files.createDirectories(work.resolve("src"));
      Path out = Files.createDirectories(work.resolve("classes"));
      List<String> args = new ArrayList<>();
      String apiPath =
          Path.of(GaleFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
      args.addAll(List.of("-d", out.toString(), "-classpath", apiPath, "--release", "17"));
      for (var e : sources.entrySet()) {
        Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, e.getValue());
        args.add(file.toString());
      }
      JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
      int rc = compiler.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
      if (rc != 0) {
        throw new IllegalStateException("compilation failed:\n" + diagnostics);
      }
      ByteArrayOutputStream jar = new ByteArrayOutputStream();
      try (JarOutputStream jos = new JarOutputStream(jar);
          Stream<Path> files = Files.walk(out)) {
        for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
          jos.putNextEntry(new JarEntry(out.relativize(p).toString().replace('\\', '/')));
          jos.write(Files.readAllBytes(p));
          jos.closeEntry();
        }
      }
      return jar.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code sha256:<hex>} of the bytes. */
  public static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JAR with {@code org.example.Add} (returns {@code {"sum": a + b}}) and friends. */
  public static byte[] exampleJar() {
    return compile(
        Map.of(
            "org.example.Add",
            """
            package org.example;
            import dev.gale.function.*;
            import java.util.Map;
            public class Add implements GaleFunction {
              public Object call(Map<String, Object> args, FunctionContext ctx) {
                long a = ((Number) args.get("a")).longValue();
                long b = ((Number) args.get("b")).longValue();
                return Map.of("sum", a + b, "task", ctx.taskId());
              }
            }
            """,
            "org.example.Peek",
            """
            package org.example;
            import dev.gale.function.*;
            import java.util.*;
            public class Peek implements GaleFunction {
              public Object call(Map<String, Object> args, FunctionContext ctx) {
                Map<String, Object> seen = new TreeMap<>();
                for (String name : List.of("dev.gale.runtime.NodeAgent",
                    "com.fasterxml.jackson.databind.ObjectMapper",
                    "dev.gale.function.builtin.Echo", "dev.gale.function.GaleFunction")) {
                  try {
                    Class.forName(name, false, Peek.class.getClassLoader());
                    seen.put(name, true);
                  } catch (ClassNotFoundException e) {
                    seen.put(name, false);
                  }
                }
                return seen;
              }
            }
            """,
            "org.example.Boom",
            """
            package org.example;
            import dev.gale.function.*;
            import java.util.Map;
            public class Boom implements GaleFunction {
              public Object call(Map<String, Object> args, FunctionContext ctx) {
                throw new UnsupportedOperationException("boom " + args.get("n"));
              }
            }
            """));
  }
}
