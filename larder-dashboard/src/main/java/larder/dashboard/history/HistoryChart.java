package larder.dashboard.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import larder.core.BatchInfo;
import larder.core.BatchMetrics;
import larder.serve.GateVerdict;
import larder.serve.Headline;

/**
 * The history chart: the headline metrics against batch id (categories, oldest first, not time), with the gate's
 * floor and the popularity baseline as dashed reference lines. Every batch of the history is a category, so the
 * chart has one point per row of the table beneath it (null where a batch measured nothing), and the table shows
 * the same numbers.
 *
 * @param batches the categories: batch ids, oldest first
 * @param failed whether each batch's run failed (its points are triangles: measured, never served)
 * @param series each line, its values in category order
 * @param description what the chart shows in words, its {@code aria-label}
 * @param shares whether every line is a share (evaluation metrics), so the axis stops at 1
 */
public record HistoryChart(List<String> batches, List<Boolean> failed, List<Series> series, String description,
    boolean shares) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One line; {@code reference} lines (baseline, floor) are dashed. */
  public record Series(String name, List<Double> values, boolean reference) {
    /** The value at category {@code i} as the table prints it ("" for none). */
    public String text(int i) {
      Double v = values.get(i);
      return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
  }

  /** @param newestFirst the history's batches */
  static HistoryChart of(List<BatchInfo> newestFirst) {
    List<BatchInfo> batches = new ArrayList<>(newestFirst);
    java.util.Collections.reverse(batches);
    List<String> ids = batches.stream().map(b -> Long.toString(b.id())).toList();
    List<Boolean> failed = batches.stream().map(b -> !larder.serve.BatchHistory.isKept(b)).toList();
    List<Series> series = new ArrayList<>();
    if (BatchLine.evaluated(batches)) {
      String at = batches.stream().map(BatchInfo::metrics).filter(m -> m.k().isPresent()).findFirst()
          .map(BatchLine::at).orElse("@k");
      series.add(line("NDCG" + at, batches, BatchMetrics::ndcg, false));
      series.add(line("P" + at, batches, m -> m.number(BatchMetrics.MODEL, "precision"), false));
      series.add(line("MAP" + at, batches, m -> m.number(BatchMetrics.MODEL, "map"), false));
      series.add(line("popularity NDCG" + at, batches, BatchMetrics::popularityNdcg, true));
      Series floor = line("gate floor NDCG" + at, batches, m -> {
        GateVerdict g = GateVerdict.of(m);
        return g == null ? OptionalDouble.empty() : g.floor("ndcg", m);
      }, true);
      if (floor.values().stream().anyMatch(v -> v != null)) series.add(floor);
    } else {
      // one line per headline, newest batch's first: a segments job's first batch measures its segment count,
      // the later ones the share that kept their id; one line mixing the two would compare unlike figures
      List<String> names = new ArrayList<>();
      for (int i = batches.size() - 1; i >= 0; i--) {
        String name = Headline.of(batches.get(i)).name();
        if (!name.isEmpty() && !names.contains(name)) names.add(name);
      }
      if (names.isEmpty()) names.add("headline");
      for (String name : names) {
        series.add(new Series(name, batches.stream().map(b -> {
          Headline h = Headline.of(b);
          return h.name().equals(name) ? value(h.value()) : null;
        }).toList(), false));
      }
    }
    String description = "Line chart of " + String.join(", ", series.stream().map(Series::name).toList())
        + " for " + ids.size() + " batches (" + (ids.isEmpty() ? "none" : ids.get(0) + " to " + ids.get(ids.size() - 1))
        + ")" + failedText(ids, failed) + "; the table below has the same numbers.";
    return new HistoryChart(ids, failed, series, description, BatchLine.evaluated(batches));
  }

  private static String failedText(List<String> ids, List<Boolean> failed) {
    List<String> f = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) if (failed.get(i)) f.add(ids.get(i));
    return f.isEmpty() ? "" : "; failed runs, drawn as triangles: " + String.join(", ", f);
  }

  private static Series line(String name, List<BatchInfo> batches, Function<BatchMetrics, OptionalDouble> f,
      boolean reference) {
    return new Series(name, batches.stream().map(b -> value(f.apply(b.metrics()))).toList(), reference);
  }

  private static Double value(OptionalDouble v) {
    return v.isPresent() && Double.isFinite(v.getAsDouble()) ? v.getAsDouble() : null;
  }

  /**
   * The ECharts option as JSON, for the page's script: SVG, no animation, aria on with this description; the
   * reference lines dashed and without markers.
   */
  public String option() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("animation", false);
    o.put("aria", Map.of("enabled", true, "label", Map.of("description", description)));
    o.put("tooltip", Map.of("trigger", "axis"));
    o.put("legend", Map.of("top", 0));
    o.put("grid", Map.of("left", 56, "right", 24, "top", 40, "bottom", 48));
    o.put("xAxis", Map.of("type", "category", "name", "batch", "nameLocation", "middle", "nameGap", 28,
        "data", batches));
    // Metrics are shares: a floor above 1 (a min_lift no model can meet) is in the table, and clipped here
    // rather than squashing every line to the bottom.
    double top = series.stream().flatMap(s -> s.values().stream()).filter(v -> v != null).mapToDouble(v -> v)
        .max().orElse(1);
    o.put("yAxis", shares ? Map.of("type", "value", "min", 0, "max", Math.min(1.0, Math.ceil(top * 1.1 * 20) / 20))
        : Map.of("type", "value", "min", 0));
    List<Map<String, Object>> lines = new ArrayList<>();
    for (Series s : series) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("name", s.name());
      l.put("type", "line");
      List<Object> data = new ArrayList<>();
      for (int i = 0; i < s.values().size(); i++) {
        Double v = s.values().get(i);
        data.add(!s.reference() && failed.get(i) && v != null
            ? Map.of("value", v, "symbol", "triangle", "symbolSize", 11) : v);
      }
      l.put("data", data);
      l.put("connectNulls", false);
      l.put("clip", true);
      if (s.reference()) {
        l.put("lineStyle", Map.of("type", "dashed", "width", 1.5));
        l.put("symbol", "none");
      } else {
        l.put("symbolSize", 7);
      }
      lines.add(l);
    }
    o.put("series", lines);
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
