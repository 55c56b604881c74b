package larder.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ApiJson#write}: one pass must give exactly the bytes of both mappers, whatever the ages and text. */
class ApiJsonWrittenTest {
  @Test
  void oneListGivesBothMappersBytes() throws Exception {
    var r = new Recommendations("shop", "u\"0.0\"", 7, Instant.parse("2026-01-02T03:04:05.123456Z"),
        Duration.ofMillis(14_728), Recommendations.USER,
        List.of(new RankedItem(1, "0.0", 0.0f), new RankedItem(2, "age", 1.5e-7f)), null, null, null);
    same(r);
  }

  @Test
  void randomAnswersWithManyAgesGiveBothMappersBytes() throws Exception {
    SplittableRandom random = new SplittableRandom(42);
    for (int trial = 0; trial < 500; trial++) {
      List<Object> jobs = new ArrayList<>();
      int n = random.nextInt(0, 6);
      for (int j = 0; j < n; j++) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("job", "j" + random.nextInt(1000) + (random.nextBoolean() ? "0.0" : "\u00e9\"\\"));
        // ages from 0 to years, some with millisecond parts, some whole, some negative (clock skew)
        long millis = switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> random.nextLong(-5_000, 5_000);
          case 2 -> random.nextLong(1, 100_000_000_000L);
          default -> random.nextLong(1, 1_000) * 1000;
        };
        job.put("age", Duration.ofMillis(millis));
        if (random.nextBoolean()) job.put("refresh", Map.of("age", Duration.ofSeconds(random.nextLong(0, 1 << 30))));
        job.put("score", random.nextDouble());
        jobs.add(job);
      }
      same(Map.of("jobs", jobs, "long", "x".repeat(random.nextInt(0, 20_000))));
    }
  }

  private static void same(Object answer) throws Exception {
    ApiJson.Written w = ApiJson.write(answer);
    assertArrayEquals(ApiJson.AGELESS.writeValueAsBytes(answer), w.ageless(), "ageless bytes");
    assertArrayEquals(ApiJson.MAPPER.writeValueAsBytes(answer), w.body(), "body");
  }
}
