package larder.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Duration;

/**
 * Larder's JSON, one contract for the HTTP API and the CLI's {@code --format json}: snake_case names like the SQL
 * views ({@code user_id}, {@code batch_id}), instants as ISO-8601 UTC text, durations ({@code age}) as seconds,
 * nulls left out (an explicit {@code NullNode} where absent would mislead), floats as floats (shortest text).
 */
public final class ApiJson {
  public static final ObjectMapper MAPPER = mapper(false);

  /**
   * The same JSON with every duration written as 0: what an answer says apart from how old it is at this
   * instant, so two reads of an unchanged answer give the same bytes (for ETags).
   */
  public static final ObjectMapper AGELESS = mapper(true);

  /** The ageless JSON's text of a duration, which {@link Written#body} replaces with the real age. */
  private static final byte[] ZERO_AGE = {'0', '.', '0'};

  private ApiJson() {}

  private static ObjectMapper mapper(boolean ageless) {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .registerModule(new SimpleModule().addSerializer(Duration.class, new SecondsSerializer(ageless)))
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  /** A value as one line of JSON, as the API sends it: NDJSON is one of these per line. */
  public static String line(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * Writes {@code value} once, as {@link #AGELESS} does, remembering where each age went: the ageless bytes (what
   * an ETag digests) and the bytes {@link #MAPPER} would write (what is sent) then both come from one pass, where
   * they took two serialisations.
   */
  public static Written write(Object value) {
    Written w = new Written();
    try {
      AGELESS.writer().withAttribute(Written.class, w).writeValue(w.out, value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    return w;
  }

  /** One answer written by {@link #write}: its ageless bytes, and its ages with where they stand in them. */
  public static final class Written {
    private final Bytes out = new Bytes();
    private int[] at = new int[2];
    private Duration[] ages = new Duration[2];
    private int count;

    private Written() {}

    /** The answer with every age written as 0, the same bytes as {@link #AGELESS} writes. */
    public byte[] ageless() {
      return out.toByteArray();
    }

    /** The answer as {@link #MAPPER} writes it: the ageless bytes with each age, in seconds, in place of its 0. */
    public byte[] body() {
      byte[] plain = out.array();
      int size = out.size();
      if (count == 0) return java.util.Arrays.copyOf(plain, size);
      byte[][] texts = new byte[count][];
      int length = size;
      for (int i = 0; i < count; i++) {
        texts[i] = Double.toString(seconds(ages[i])).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        length += texts[i].length - ZERO_AGE.length;
      }
      byte[] body = new byte[length];
      int from = 0, to = 0;
      for (int i = 0; i < count; i++) {
        int n = at[i] - from;
        System.arraycopy(plain, from, body, to, n);
        to += n;
        System.arraycopy(texts[i], 0, body, to, texts[i].length);
        to += texts[i].length;
        from = at[i] + ZERO_AGE.length;
      }
      System.arraycopy(plain, from, body, to, size - from);
      return body;
    }

    /** Notes that the age {@code d} was just written as {@link #ZERO_AGE}, ending at {@code end}. */
    private void wrote(Duration d, int end) {
      int start = end - ZERO_AGE.length;
      byte[] b = out.array();
      if (start < 0 || b[start] != '0' || b[start + 1] != '.' || b[start + 2] != '0') {
        throw new IllegalStateException("an age was not written as 0.0 at byte " + start);
      }
      if (count == at.length) {
        at = java.util.Arrays.copyOf(at, count * 2);
        ages = java.util.Arrays.copyOf(ages, count * 2);
      }
      at[count] = start;
      ages[count++] = d;
    }

    /** A byte buffer whose array can be read without a copy. */
    private static final class Bytes extends java.io.ByteArrayOutputStream {
      Bytes() {
        super(1024);
      }

      byte[] array() {
        return buf;
      }
    }
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static final class SecondsSerializer extends StdSerializer<Duration> {
    private final boolean zero;

    SecondsSerializer(boolean zero) {
      super(Duration.class);
      this.zero = zero;
    }

    @Override public void serialize(Duration d, JsonGenerator g, SerializerProvider p) throws IOException {
      if (!zero) {
        g.writeNumber(seconds(d));
        return;
      }
      g.writeNumber(0.0);
      if (p.getAttribute(Written.class) instanceof Written w) {
        g.flush(); // the bytes reach w.out, so their position is known
        w.wrote(d, w.out.size());
      }
    }
  }
}
