package dev.gale.gateway.impl;

import static dev.gale.gateway.impl.Fields.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.FunctionDefinition;
import dev.gale.api.InvalidRequestException;
import dev.gale.api.Json;
import dev.gale.api.RetryOn;
import dev.gale.transfer.StagingException;
import dev.gale.transfer.Urls;
import dev.gale.transfer.staging.OutputSpec;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of {@code POST /v1/functions} bodies: {@code {name, kind, spec, pool?, resources?,
 * retries?, timeoutSeconds?, cache?, public?, outputs?, resultTo?}}, with one spec schema per kind.
 * Pure: whether a named artifact exists is checked by the caller ({@link #artifactOf}).
 */
final class FunctionRequests {
  /** The function kinds, in the order error messages list them. */
  public static final List<String> KINDS = List.of("shell", "python", "java");

  static final int MAX_NAME = 200;
  static final Pattern POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  static final Pattern PY_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern JAVA_BINARY_NAME =
      Pattern.compile(
          "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
              + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");
  private static final Set<String> PY_KEYWORDS =
      Set.of(
          "False",
          "None",
          "True",
          "and",
          "as",
          "assert",
          "async",
          "await",
          "break",
          "class",
          "continue",
          "def",
          "del",
          "elif",
          "else",
          "except",
          "finally",
          "for",
          "from",
          "global",
          "if",
          "import",
          "in",
          "is",
          "lambda",
          "nonlocal",
          "not",
          "or",
          "pass",
          "raise",
          "return",
          "try",
          "while",
          "with",
          "yield");
  private static final Set<String> JAVA_KEYWORDS =
      Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "true",
          "false",
          "null",
          "_");
  private static final char[] ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private FunctionRequests() {}

  /** A new function id: {@code fn-} and 24 random lower-case base-36 characters. */
  public static String newId() {
    char[] c = new char[24];
    for (int i = 0; i < c.length; i++) {
      c[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
    }
    return "fn-" + new String(c);
  }

  /**
   * Validates a registration body and builds the function.
   *
   * @throws InvalidRequestException naming the first field that breaks the schema
   */
  public static FunctionDefinition parse(JsonNode body, String id, String tenant, Instant now) {
    ObjectNode o = Fields.object(body, "body");
    String name = Fields.requiredString(o, "name", "");
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw invalid("name", "name must be 1-" + MAX_NAME + " characters and not blank");
    }
    String kind = Fields.requiredString(o, "kind", "");
    if (!KINDS.contains(kind)) {
      ObjectNode d = Fields.details("kind");
      ArrayNode known = d.putArray("known");
      KINDS.forEach(known::add);
      throw new InvalidRequestException(
          "invalid_request",
          "unknown kind '" + kind + "' (known: " + String.join(", ", KINDS) + ")",
          d);
    }
    JsonNode specNode = o.get("spec");
    if (Fields.absent(specNode)) {
      throw invalid("spec", "spec is required");
    }
    if (!specNode.isObject()) {
      throw invalid("spec", "spec must be an object");
    }
    ObjectNode spec = (ObjectNode) specNode;
    switch (kind) {
      case "shell" -> validateShell(spec);
      case "python" -> validatePython(spec);
      default -> validateJava(spec);
    }
    String pool = Fields.optionalString(o, "pool", "");
    if (pool != null && !POOL.matcher(pool).matches()) {
      throw invalid("pool", poolMessage("pool"));
    }
    ObjectNode resources = Fields.optionalObject(o, "resources", "");
    Integer retries = Fields.optionalInt(o, "retries", "", 0, 100);
    List<String> retryOn = retryOn(o.get("retryOn"));
    Integer timeout = Fields.optionalInt(o, "timeoutSeconds", "", 1, 86_400);
    Boolean cache = Fields.optionalBoolean(o, "cache", "");
    Boolean isPublic = Fields.optionalBoolean(o, "public", "");
    JsonNode outputs = outputs(o.get("outputs"));
    String resultTo = resultTo(o);
    return new FunctionDefinition(
        id,
        tenant,
        name,
        kind,
        spec.deepCopy(),
        pool,
        resources == null ? null : resources.deepCopy(),
        retries == null ? 0 : retries,
        retryOn,
        timeout,
        cache != null && cache,
        isPublic != null && isPublic,
        now,
        outputs,
        resultTo);
  }

  /**
   * {@code outputs}: absent for none, else an array of {@code {path, to, optional?}} whose paths
   * stay inside the working directory and whose destinations are URLs ({@link OutputSpec}).
   */
  private static JsonNode outputs(JsonNode n) {
    if (Fields.absent(n)) {
      return null;
    }
    List<OutputSpec> specs;
    try {
      specs = OutputSpec.parseAll(n);
    } catch (InvalidRequestException e) {
      throw invalid("outputs", e.getMessage());
    }
    for (int i = 0; i < specs.size(); i++) {
      String to = specs.get(i).to();
      try {
        Urls.parse(to.replaceAll("\\{[A-Za-z_][A-Za-z0-9_]*\\}", "x"), "outputs[" + i + "].to");
      } catch (StagingException e) {
        throw invalid("outputs", e.getMessage());
      }
    }
    return specs.isEmpty() ? null : n.deepCopy();
  }

  /** {@code resultTo}: absent for none, else a URL prefix with a scheme. */
  private static String resultTo(ObjectNode o) {
    String s = Fields.optionalString(o, "resultTo", "");
    if (s == null) {
      return null;
    }
    try {
      Urls.parse(s, "resultTo");
    } catch (StagingException e) {
      throw invalid("resultTo", e.getMessage());
    }
    return s;
  }

  /**
   * {@code retryOn}: absent means every failure kind; else a non-empty array of kinds from {@link
   * RetryOn#ALL}, kept lower-case without repeats.
   */
  private static List<String> retryOn(JsonNode n) {
    if (Fields.absent(n)) {
      return null;
    }
    if (!n.isArray() || n.isEmpty()) {
      throw invalid(
          "retryOn",
          "retryOn must be a non-empty array of failure kinds: " + String.join(", ", RetryOn.ALL));
    }
    java.util.LinkedHashSet<String> kinds = new java.util.LinkedHashSet<>();
    for (JsonNode k : n) {
      if (!k.isTextual()) {
        throw invalid("retryOn", "retryOn entries must be strings");
      }
      kinds.add(k.textValue().toLowerCase(java.util.Locale.ROOT));
    }
    try {
      RetryOn.mask(kinds);
    } catch (dev.gale.api.InvalidRequestException e) {
      throw invalid("retryOn", e.getMessage());
    }
    return List.copyOf(kinds);
  }

  /** The artifact digest a java function names, or null. */
  public static String artifactOf(FunctionDefinition f) {
    if (!"java".equals(f.kind())) {
      return null;
    }
    JsonNode a = f.spec().get("artifact");
    return Fields.absent(a) ? null : a.textValue();
  }

  static String poolMessage(String field) {
    return field
        + " must be 1-100 characters of letters, digits and . _ - (starting with a letter or"
        + " digit)";
  }

  private static void validateShell(ObjectNode spec) {
    JsonNode cmd = spec.get("command");
    if (Fields.absent(cmd) || !cmd.isArray() || cmd.isEmpty()) {
      throw invalid("spec.command", "spec.command must be a non-empty array of strings");
    }
    for (int i = 0; i < cmd.size(); i++) {
      if (!cmd.get(i).isTextual()) {
        throw invalid(
            "spec.command[" + i + "]",
            "spec.command[" + i + "] must be a string (spec.command is an array of strings)");
      }
    }
    if (cmd.get(0).textValue().isEmpty()) {
      throw invalid("spec.command[0]", "spec.command[0], the program, must not be empty");
    }
    JsonNode env = spec.get("env");
    if (!Fields.absent(env)) {
      if (!env.isObject()) {
        throw invalid("spec.env", "spec.env must be an object of strings");
      }
      for (Map.Entry<String, JsonNode> e : env.properties()) {
        if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0 || e.getKey().indexOf(0) >= 0) {
          throw invalid("spec.env", "spec.env has an invalid variable name '" + e.getKey() + "'");
        }
        if (!e.getValue().isTextual()) {
          throw invalid(
              "spec.env." + e.getKey(),
              "spec.env." + e.getKey() + " must be a string (spec.env maps names to strings)");
        }
      }
    }
  }

  private static void validatePython(ObjectNode spec) {
    JsonNode source = spec.get("source");
    if (Fields.absent(source) || !source.isTextual() || source.textValue().isBlank()) {
      throw invalid("spec.source", "spec.source must be a non-empty string of Python source");
    }
    JsonNode entry = spec.get("entrypoint");
    if (Fields.absent(entry)
        || !entry.isTextual()
        || !PY_IDENTIFIER.matcher(entry.textValue()).matches()
        || PY_KEYWORDS.contains(entry.textValue())) {
      throw invalid("spec.entrypoint", "spec.entrypoint must be a Python identifier");
    }
  }

  private static void validateJava(ObjectNode spec) {
    JsonNode cls = spec.get("class");
    if (Fields.absent(cls) || !cls.isTextual() || !isJavaBinaryName(cls.textValue())) {
      throw invalid(
          "spec.class", "spec.class must be a Java binary class name such as org.example.Add");
    }
    JsonNode artifact = spec.get("artifact");
    if (!Fields.absent(artifact)
        && (!artifact.isTextual() || !DIGEST.matcher(artifact.textValue()).matches())) {
      throw invalid(
          "spec.artifact", "spec.artifact must be sha256: followed by 64 lower-case hex digits");
    }
  }

  static boolean isJavaBinaryName(String s) {
    if (s.length() > 1000 || !JAVA_BINARY_NAME.matcher(s).matches()) {
      return false;
    }
    for (String part : s.split("\\.")) {
      if (JAVA_KEYWORDS.contains(part)) {
        return false;
      }
    }
    return true;
  }

  /** A 400 {@code unknown_artifact} for a java spec naming an artifact never uploaded. */
  public static InvalidRequestException unknownArtifact(String digest) {
    return new InvalidRequestException(
        "unknown_artifact",
        "spec.artifact " + digest + " was never uploaded (POST /v1/artifacts first)",
        Json.object().put("field", "spec.artifact").put("artifact", digest));
  }
}
