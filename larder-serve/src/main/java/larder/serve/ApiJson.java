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

  private static final class SecondsSerializer extends StdSerializer<Duration> {
    private final boolean zero;

    SecondsSerializer(boolean zero) {
      super(Duration.class);
      this.zero = zero;
    }

    @Override public void serialize(Duration d, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeNumber(zero ? 0 : d.toMillis() / 1000.0);
    }
  }
}
