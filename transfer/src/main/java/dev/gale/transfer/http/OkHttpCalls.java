package dev.gale.transfer.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import okhttp3.Call;
import okhttp3.Response;

/** Running OkHttp calls from Java. */
public final class OkHttpCalls {
  private OkHttpCalls() {}

  /**
   * {@link Call#execute()}, with one fix: OkHttp 5 is Kotlin and, when the thread is interrupted
   * while it connects, throws an {@link InterruptedException} that its signature does not declare
   * (seen from {@code FastFallbackExchangeFinder.awaitTcpConnect}), which would slip past every
   * {@code catch (IOException)}. It becomes an {@link InterruptedIOException} with the message
   * {@code interrupted}, the way Okio reports interrupts, and the thread's interrupt flag is set
   * again.
   */
  public static Response execute(Call call) throws IOException {
    try {
      return call.execute();
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Exception undeclared) {
      if (undeclared instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      InterruptedIOException e = new InterruptedIOException("interrupted");
      e.initCause(undeclared);
      throw e;
    }
  }
}
