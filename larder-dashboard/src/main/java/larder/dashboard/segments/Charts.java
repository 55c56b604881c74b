package larder.dashboard.segments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import larder.serve.CustomerSample;

/**
 * ECharts options for the segments page, as JSON the page hands to {@code echarts.setOption} (it adds the SVG
 * renderer, aria and no animation). Built from the same records the tables beneath the charts print, so chart and
 * table show the same numbers.
 */
final class Charts {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Spend is drawn on a log axis (it spans orders of magnitude); lower spend is drawn at this floor. */
  static final double MIN_SPEND = 1;

  private Charts() {}

  /**
   * Okabe and Ito's colours, told apart with any colour vision, then four of Tol's muted ones for the eleven
   * classic RFM segments; a segment keeps its colour across charts.
   */
  private static final List<String> PALETTE = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
      "#D55E00", "#F0E442", "#000000", "#882255", "#44AA99", "#999933", "#AA4499");

  /** The colour of the segment at {@code position} in the table. */
  static String colour(int position) {
    return PALETTE.get(position % PALETTE.size());
  }

  /** Segment sizes as bars, one per segment. */
  static String sizes(List<SegmentLine> lines) {
    List<String> names = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (SegmentLine l : lines) {
      names.add(l.id() + " \u00b7 " + l.label());
      sizes.add(l.size());
    }
    List<String> colours = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) colours.add(colour(i));
    return json(Map.of(
        "color", colours,
        "grid", Map.of("left", 60, "right", 20, "top", 20, "bottom", 20, "containLabel", true),
        "tooltip", Map.of("trigger", "axis"),
        "xAxis", Map.of("type", "value", "name", "customers", "nameLocation", "middle", "nameGap", 25),
        "yAxis", Map.of("type", "category", "data", names, "inverse", true),
        // one colour per segment, in the order the scatter's series take theirs
        "series", List.of(Map.of("type", "bar", "name", "customers", "data", sizes, "colorBy", "data",
            "label", Map.of("show", true, "position", "right")))));
  }

  /** Recency against spend of the sampled customers, one series (colour) per segment. */
  static String scatter(List<CustomerSample.Point> points, Map<Integer, String> names) {
    List<Integer> order = new ArrayList<>(names.keySet());
    Map<Integer, List<List<Object>>> bySegment = new LinkedHashMap<>();
    for (CustomerSample.Point p : points) {
      if (p.recencyDays() == null || p.monetary() == null) continue;
      bySegment.computeIfAbsent(p.segmentId(), k -> new ArrayList<>())
          .add(List.of(p.recencyDays(), Math.max(MIN_SPEND, p.monetary()), p.customerId()));
    }
    List<Object> series = new ArrayList<>();
    List<String> colours = new ArrayList<>();
    bySegment.forEach((id, data) -> {
      series.add(Map.of("type", "scatter", "name", names.getOrDefault(id, id.toString()), "symbolSize", 5, "data", data));
      colours.add(colour(order.indexOf(id) < 0 ? order.size() : order.indexOf(id)));
    });
    // the plot starts below the legend, which wraps: about 6 px a character and 30 px a mark in 600 px lines
    double legendWidth = 0;
    for (Integer id : bySegment.keySet()) legendWidth += 30 + 6 * names.getOrDefault(id, id.toString()).length();
    int legendLines = Math.max(1, (int) Math.ceil(legendWidth / 600));
    return json(Map.of(
        "color", colours,
        "grid", Map.of("left", 60, "right", 30, "top", 30 + 22 * legendLines, "bottom", 50),
        "legend", Map.of("top", 0),
        "tooltip", Map.of("trigger", "item"),
        "xAxis", Map.of("type", "value", "name", "recency (days)", "nameLocation", "middle", "nameGap", 28),
        "yAxis", Map.of("type", "log", "name", "spend", "logBase", 10, "min", MIN_SPEND),
        "series", series));
  }

  /** The transition matrix as a heat map: previous segments down, current across, counts in the cells. */
  static String heatmap(TransitionMatrix m) {
    List<String> columns = m.columns().stream().map(TransitionMatrix.Side::name).toList();
    List<String> rows = m.rows().stream().map(TransitionMatrix.Side::name).toList();
    List<List<Object>> data = new ArrayList<>();
    long max = 1;
    for (int r = 0; r < m.rows().size(); r++) {
      for (int c = 0; c < m.columns().size(); c++) {
        long n = m.cells().get(r).get(c).customers();
        max = Math.max(max, n);
        data.add(List.of(c, r, n));
      }
    }
    return json(Map.of(
        "grid", Map.of("left", 10, "right", 20, "top", 10, "bottom", 70, "containLabel", true),
        "tooltip", Map.of("position", "top"),
        "xAxis", Map.of("type", "category", "data", columns, "name", "this batch", "nameLocation", "middle",
            "nameGap", 28, "axisLabel", Map.of("interval", 0, "width", 110, "overflow", "truncate")),
        "yAxis", Map.of("type", "category", "data", rows, "inverse", true, "name", "previous batch",
            "nameLocation", "start", "axisLabel", Map.of("width", 200, "overflow", "truncate")),
        "visualMap", Map.of("min", 0, "max", max, "calculable", false, "orient", "horizontal", "left", "center",
            "bottom", 0, "itemHeight", 120, "inRange", Map.of("color", List.of("#f4f7f6", "#2f5d50"))),
        "series", List.of(Map.of("type", "heatmap", "name", "customers", "data", data,
            "label", Map.of("show", true)))));
  }

  /** Silhouette and inertia against k. */
  static String kChoice(KChoice k) {
    List<String> ks = new ArrayList<>();
    List<Double> silhouettes = new ArrayList<>();
    List<Double> inertias = new ArrayList<>();
    for (KChoice.Row r : k.rows()) {
      ks.add(Integer.toString(r.k()));
      silhouettes.add(r.silhouette());
      inertias.add(r.inertia());
    }
    return json(Map.of(
        "grid", Map.of("left", 60, "right", 80, "top", 40, "bottom", 40),
        "legend", Map.of("top", 0),
        "tooltip", Map.of("trigger", "axis"),
        "xAxis", Map.of("type", "category", "data", ks, "name", "k", "nameLocation", "middle", "nameGap", 25),
        "yAxis", List.of(Map.of("type", "value", "name", "silhouette"), Map.of("type", "value", "name", "inertia")),
        "series", List.of(Map.of("type", "line", "name", "silhouette", "data", silhouettes),
            Map.of("type", "line", "name", "inertia", "yAxisIndex", 1, "data", inertias))));
  }

  static String number(double v, String format) {
    return String.format(Locale.ROOT, format, v);
  }

  private static String json(Object option) {
    try {
      return JSON.writeValueAsString(option);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
