package larder.http;

import com.fasterxml.jackson.core.JsonGenerator;
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
 * The API's JSON: snake_case names like the SQL views ({@code user_id}, {@code batch_id}), instants as ISO-8601
 * text, durations ({@code age}) as seconds, nulls left out.
 */
final class ApiJson {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .registerModule(new SimpleModule().addSerializer(Duration.class, new SecondsSerializer()))
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private ApiJson() {}

  private static final class SecondsSerializer extends StdSerializer<Duration> {
    SecondsSerializer() { super(Duration.class); }

    @Override public void serialize(Duration d, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeNumber(d.toMillis() / 1000.0);
    }
  }
}
