package larder.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import larder.core.InputException;
import larder.serve.ApiJson;
import larder.store.Events;

/**
 * The body of {@code POST /v1/events}, read and checked before anything is written: one event
 * {@code {"job": "shop", "user": "u42", "item": "i7", "at": "2026-12-05T14:30:00Z"}} or an array of them.
 * {@code at} is optional (default: when the request arrived) and may not be later than now plus {@link #SKEW}, so
 * a wrong clock cannot hide an item for good. Every error names the field, as {@code events[2].user} in an array.
 */
final class EventsBody {
  /** How far ahead of this server's clock an event's time may be. */
  static final Duration SKEW = Duration.ofMinutes(5);
  /** Ids are bounded like the views' keys are in practice: a few hundred bytes, not a document. */
  static final int MAX_ID_BYTES = 512;
  /** Events per request: one transaction stays short, and the body in memory small. */
  static final int MAX_EVENTS = 10_000;

  private static final String SOURCE = "POST /v1/events body";
  private static final Set<String> FIELDS = Set.of("job", "user", "item", "at");

  private EventsBody() {}

  static List<Events.Event> parse(String body, Instant now) {
    JsonNode root;
    try {
      root = ApiJson.MAPPER.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw new InputException(SOURCE, 0, null, "not JSON (" + e.getOriginalMessage() + ")",
          "send {\"job\": ..., \"user\": ..., \"item\": ...} or an array of such objects");
    }
    if (root == null || root.isMissingNode()) {
      throw new InputException(SOURCE, 0, null, "empty", "send one event object or an array of them");
    }
    List<Events.Event> out = new ArrayList<>();
    if (root.isArray()) {
      if (root.isEmpty()) throw new InputException(SOURCE, 0, "events", "the array is empty", "send at least one event");
      if (root.size() > MAX_EVENTS) {
        throw new InputException(SOURCE, 0, "events", root.size() + " events is more than " + MAX_EVENTS,
            "send them in several requests");
      }
      for (int i = 0; i < root.size(); i++) out.add(event(root.get(i), "events[" + i + "].", now));
    } else {
      out.add(event(root, "", now));
    }
    return out;
  }

  private static Events.Event event(JsonNode n, String prefix, Instant now) {
    if (!n.isObject()) {
      throw new InputException(SOURCE, 0, prefix.isEmpty() ? "event" : prefix.substring(0, prefix.length() - 1),
          "is " + n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + ", not an object",
          "each event is {\"job\": ..., \"user\": ..., \"item\": ..., \"at\": ...}");
    }
    for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new InputException(SOURCE, 0, prefix + name, "is not a field of an event", "the fields are job, user,"
            + " item and the optional at");
      }
    }
    String job = id(n, prefix + "job", "job");
    String user = id(n, prefix + "user", "user");
    String item = id(n, prefix + "item", "item");
    return new Events.Event(job, user, item, at(n.get("at"), prefix + "at", now));
  }

  private static String id(JsonNode n, String field, String name) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) throw new InputException(SOURCE, 0, field, "is missing", "every event names its " + name);
    if (!v.isTextual()) throw new InputException(SOURCE, 0, field, "is not a string", "send ids as JSON strings");
    String s = v.asText();
    if (s.isEmpty()) throw new InputException(SOURCE, 0, field, "is empty", "send the " + name + "'s id");
    int bytes = s.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_ID_BYTES) {
      throw new InputException(SOURCE, 0, field, "is " + bytes + " UTF-8 bytes, more than " + MAX_ID_BYTES,
          "send the id the job's source uses");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw new InputException(SOURCE, 0, field, "holds a control character at position " + i,
            "send the id the job's source uses");
      }
    }
    return s;
  }

  private static Instant at(JsonNode v, String field, Instant now) {
    if (v == null || v.isNull()) return now;
    if (!v.isTextual()) {
      throw new InputException(SOURCE, 0, field, "is not a string", "send an ISO-8601 instant like 2026-12-05T14:30:00Z");
    }
    Instant t;
    try {
      t = OffsetDateTime.parse(v.asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw new InputException(SOURCE, 0, field, "'" + v.asText() + "' is not an ISO-8601 time with an offset",
          "send e.g. 2026-12-05T14:30:00Z, or leave at out for now");
    }
    if (t.isAfter(now.plus(SKEW))) {
      throw new InputException(SOURCE, 0, field, "'" + v.asText() + "' is more than " + SKEW.toMinutes()
          + " minutes in the future", "check the sender's clock, or leave at out for now");
    }
    return t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }
}
