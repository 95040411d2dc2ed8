package dev.gale.scheduler.store;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.gale.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The codecs of the maps whose values are {@code dev.gale.api} records, text or bytes. */
public final class Codecs {
  private Codecs() {}

  /** JSON through the shared Jackson configuration ({@link Json#mapper()}). */
  public static <V> RecordCodec<V> json(Class<V> type) {
    ObjectWriter writer = Json.mapper().writerFor(type);
    ObjectReader reader = Json.mapper().readerFor(type);
    return new RecordCodec<>() {
      @Override
      public byte[] encode(V value) {
        try {
          return writer.writeValueAsBytes(value);
        } catch (IOException e) {
          throw new StoreException("cannot encode a " + type.getSimpleName() + ": " + e, e);
        }
      }

      @Override
      public V decode(byte[] bytes) {
        try {
          return reader.readValue(bytes);
        } catch (IOException e) {
          throw new StoreException(
              "a stored " + type.getSimpleName() + " cannot be read: " + e.getMessage(), e);
        }
      }
    };
  }

  /** UTF-8 text. */
  public static RecordCodec<String> text() {
    return new RecordCodec<>() {
      @Override
      public byte[] encode(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    };
  }

  /** Bytes as they are. */
  public static RecordCodec<byte[]> bytes() {
    return new RecordCodec<>() {
      @Override
      public byte[] encode(byte[] value) {
        return value;
      }

      @Override
      public byte[] decode(byte[] bytes) {
        return bytes;
      }
    };
  }
}
