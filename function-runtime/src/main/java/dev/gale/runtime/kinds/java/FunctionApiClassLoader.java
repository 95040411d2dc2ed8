package dev.gale.runtime.kinds.java;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The parent of every artifact's class loader: the platform classes plus the classes of package
 * {@code dev.gale.function} (the function API), taken from the runtime so that they are the very
 * classes the runtime calls through. Nothing else of the runtime (Jackson, Vert.x, Gale internals)
 * is visible, so a JAR may bundle its own versions of any library.
 */
final class FunctionApiClassLoader extends ClassLoader {
  private static final String API_PACKAGE = "dev.gale.function.";
  private static final String API_PATH = "dev/gale/function/";

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader runtime;

  FunctionApiClassLoader(ClassLoader runtime) {
    super("gale-function-api", ClassLoader.getPlatformClassLoader());
    this.runtime = runtime;
  }

  static boolean isApiClass(String name) {
    return name.startsWith(API_PACKAGE) && name.indexOf('.', API_PACKAGE.length()) < 0;
  }

  private static boolean isApiResource(String name) {
    return name.startsWith(API_PATH) && name.indexOf('/', API_PATH.length()) < 0;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    if (isApiClass(name)) {
      return runtime.loadClass(name);
    }
    throw new ClassNotFoundException(name);
  }

  @Override
  protected URL findResource(String name) {
    return isApiResource(name) ? runtime.getResource(name) : null;
  }

  @Override
  protected Enumeration<URL> findResources(String name) throws IOException {
    return isApiResource(name) ? runtime.getResources(name) : Collections.emptyEnumeration();
  }
}
