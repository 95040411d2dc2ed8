package dev.gale.runtime.kinds.java;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.GaleException;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.RawJson;
import dev.gale.api.protocol.FunctionSpec;
import dev.gale.function.FunctionContext;
import dev.gale.function.GaleFunction;
import dev.gale.runtime.spi.Attempt;
import dev.gale.runtime.spi.AttemptOutcome;
import dev.gale.runtime.spi.Cancellation;
import dev.gale.runtime.spi.ErrorCodes;
import dev.gale.runtime.spi.FunctionKind;
import dev.gale.runtime.spi.KindEnvironment;
import dev.gale.runtime.spi.PreparedFunction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.regex.Pattern;

/**
 * The {@code java} kind: calls a {@link GaleFunction} class.
 *
 * <p>Spec: {@code {"class": "org.example.Add", "artifact"?: "sha256:<hex>"}}. With an artifact the
 * class comes from that uploaded JAR, in its own class loader that sees only the platform and the
 * function API; without one, from the runtime's own class path (built-ins such as {@code
 * dev.gale.function.builtin.Echo}). Classes and loaders are cached; instances are pooled so that
 * each is used by one slot at a time and stays warm.
 *
 * <p>Args become {@code Map<String, Object>} (numbers as Integer, Long, BigInteger or Double); the
 * returned value is serialized with Jackson. A thrown exception fails with {@code exception} and
 * {@code {type, message, stackTrace}} details. Timeout and cancellation interrupt the calling
 * thread.
 */
public final class JavaKind implements FunctionKind {
  private static final Pattern CLASS_NAME =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
  private static final int MAX_TRACE = 64 << 10;

  /** Function values: nulls kept, floats as Double, ISO dates. */
  private static final ObjectMapper VALUES =
      new ObjectMapper()
          .findAndRegisterModules()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private static final ObjectReader ARGS_READER =
      VALUES.readerFor(new TypeReference<LinkedHashMap<String, Object>>() {});
  private static final ObjectWriter RESULT_WRITER = VALUES.writer();

  private final ClassLoader runtimeLoader;
  private final ArtifactClassLoaders artifacts;
  private final ConcurrentHashMap<String, FunctionClass> classes = new ConcurrentHashMap<>();

  public JavaKind(KindEnvironment environment) {
    this.runtimeLoader = JavaKind.class.getClassLoader();
    this.artifacts =
        new ArtifactClassLoaders(
            environment.workDir().resolve("artifacts"),
            environment.artifacts(),
            new FunctionApiClassLoader(runtimeLoader));
  }

  @Override
  public String key() {
    return "java";
  }

  @Override
  public PreparedFunction prepare(FunctionSpec function) {
    JsonNode spec = function.spec();
    if (spec == null || !spec.isObject()) {
      throw invalid("java spec must be an object with a \"class\"");
    }
    JsonNode cls = spec.get("class");
    if (cls == null || !cls.isTextual() || !CLASS_NAME.matcher(cls.asText()).matches()) {
      throw invalid("java spec needs \"class\": the binary name of a GaleFunction class");
    }
    JsonNode artifact = spec.get("artifact");
    String digest = null;
    if (artifact != null && !artifact.isNull()) {
      if (!artifact.isTextual()
          || !ArtifactClassLoaders.DIGEST.matcher(artifact.asText()).matches()) {
        throw invalid("java \"artifact\" must be a digest like sha256:<64 lowercase hex digits>");
      }
      digest = artifact.asText();
    }
    return new JavaFunction(cls.asText(), digest);
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(ErrorCodes.INVALID_FUNCTION, message, null);
  }

  /** A loaded function class with its pool of warm instances. */
  private static final class FunctionClass {
    private final Constructor<? extends GaleFunction> constructor;
    private final ConcurrentLinkedDeque<GaleFunction> idle = new ConcurrentLinkedDeque<>();

    FunctionClass(Constructor<? extends GaleFunction> constructor) {
      this.constructor = constructor;
    }

    GaleFunction borrow() throws ReflectiveOperationException {
      GaleFunction f = idle.pollFirst();
      return f != null ? f : constructor.newInstance();
    }

    void giveBack(GaleFunction f) {
      idle.offerFirst(f);
    }
  }

  private FunctionClass resolve(String className, String digest) throws InterruptedException {
    String key = (digest == null ? "" : digest) + "!" + className;
    FunctionClass fc = classes.get(key);
    if (fc != null) {
      return fc;
    }
    ClassLoader loader = digest == null ? runtimeLoader : artifacts.loader(digest);
    String where = digest == null ? "the runtime's class path" : "artifact " + digest;
    Class<?> c;
    try {
      c = Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw invalid("class " + className + " is not in " + where);
    } catch (LinkageError e) {
      throw invalid("class " + className + " from " + where + " cannot be loaded: " + e);
    }
    if (!GaleFunction.class.isAssignableFrom(c)) {
      throw invalid("class " + className + " does not implement " + GaleFunction.class.getName());
    }
    if (!Modifier.isPublic(c.getModifiers()) || Modifier.isAbstract(c.getModifiers())) {
      throw invalid("class " + className + " must be public and not abstract");
    }
    Constructor<? extends GaleFunction> constructor;
    try {
      constructor = c.asSubclass(GaleFunction.class).getConstructor();
    } catch (NoSuchMethodException e) {
      throw invalid("class " + className + " needs a public no-argument constructor");
    }
    FunctionClass created = new FunctionClass(constructor);
    FunctionClass previous = classes.putIfAbsent(key, created);
    return previous != null ? previous : created;
  }

  private final class JavaFunction implements PreparedFunction {
    private final String className;
    private final String digest;
    private volatile FunctionClass resolved;

    JavaFunction(String className, String digest) {
      this.className = className;
      this.digest = digest;
    }

    @Override
    public AttemptOutcome run(Attempt attempt) throws InterruptedException {
      Cancellation cancellation = attempt.cancellation();
      if (cancellation.isCancelled()) {
        return AttemptOutcome.failure(cancellation.reason().code(), "not started: cancelled");
      }
      Thread thread = Thread.currentThread();
      FunctionClass fc = resolved;
      Map<String, Object> args;
      GaleFunction instance;
      try (Cancellation.Registration ignored = cancellation.onCancel(thread::interrupt)) {
        if (fc == null) {
          fc = resolve(className, digest);
          resolved = fc;
        }
        try {
          args = readArgs(attempt.args());
        } catch (JsonProcessingException e) {
          return AttemptOutcome.failure(
              ErrorCodes.INVALID_ARGS, "args must be a JSON object: " + e.getOriginalMessage());
        }
        try {
          instance = fc.borrow();
        } catch (InvocationTargetException e) {
          return exception(e.getCause(), "constructor of " + className + " failed");
        } catch (ReflectiveOperationException | LinkageError e) {
          return exception(e, "cannot create " + className);
        }
        Object value;
        try {
          value = instance.call(args, new Context(attempt));
        } catch (Throwable t) {
          return exception(t, null);
        } finally {
          fc.giveBack(instance);
        }
        try {
          return AttemptOutcome.success(RawJson.of(RESULT_WRITER.writeValueAsString(value)));
        } catch (JsonProcessingException e) {
          return AttemptOutcome.failure(
              ErrorCodes.INVALID_RESULT,
              className
                  + " returned a value that is not JSON ("
                  + (value == null ? "null" : value.getClass().getName())
                  + "): "
                  + e.getOriginalMessage());
        }
      } catch (GaleException e) {
        return AttemptOutcome.failure(e.toErrorInfo());
      } finally {
        // an interrupt that raced with the end of the call must not hit the next attempt
        Thread.interrupted();
      }
    }
  }

  private static Map<String, Object> readArgs(RawJson args) throws JsonProcessingException {
    Map<String, Object> map = ARGS_READER.readValue(args.json());
    return map != null ? map : new LinkedHashMap<>();
  }

  private static AttemptOutcome exception(Throwable t, String context) {
    hideRuntimeFrames(t);
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    String stack = trace.toString();
    if (stack.length() > MAX_TRACE) {
      stack = stack.substring(0, MAX_TRACE) + "\n... [truncated]";
    }
    ObjectNode details = Json.object();
    details.put("type", t.getClass().getName());
    details.put("message", t.getMessage());
    details.put("stackTrace", stack);
    String message = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return AttemptOutcome.failure(
        ErrorCodes.EXCEPTION, context == null ? message : context + ": " + message, details);
  }

  /** Cuts each stack at the runtime's call into the function: only the function's frames matter. */
  private static void hideRuntimeFrames(Throwable top) {
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = top; t != null && seen.add(t); t = t.getCause()) {
      StackTraceElement[] frames = t.getStackTrace();
      for (int i = 0; i < frames.length; i++) {
        if (frames[i].getClassName().startsWith(JavaKind.class.getName())) {
          t.setStackTrace(java.util.Arrays.copyOf(frames, i));
          break;
        }
      }
    }
  }

  /** What the function sees of its attempt. */
  private record Context(Attempt current) implements FunctionContext {
    @Override
    public String taskId() {
      return current.taskId();
    }

    @Override
    public int attempt() {
      return current.attempt();
    }

    @Override
    public Path workDir() {
      return current.workDir();
    }

    @Override
    public boolean isCancelled() {
      return current.cancellation().isCancelled();
    }
  }

  @Override
  public void close() {
    classes.clear();
    artifacts.close();
  }
}
