package larder.train.segment;

import java.util.HashMap;
import java.util.Map;
import larder.generate.CustomerParams;
import larder.generate.SyntheticCustomers;
import larder.train.segment.rfm.Monetary;
import larder.train.segment.rfm.RfmFeatures;

/** Generated customers with planted types, their RFM features and the planted type of each RFM row. */
record Planted(SyntheticCustomers generator, RfmFeatures rfm, int[] type) {

  static Planted of(CustomerParams p) {
    SyntheticCustomers g = new SyntheticCustomers(p);
    RfmFeatures rfm = RfmFeatures.compute(g.transactions(), null, Monetary.TOTAL);
    int[] type = new int[rfm.size()];
    for (int i = 0; i < type.length; i++) type[i] = g.typeOf(rfm.sourceId()[i]);
    return new Planted(g, rfm, type);
  }

  int types() { return generator.params().types().size(); }

  int typeIndex(String name) {
    for (int t = 0; t < types(); t++) if (generator.typeName(t).equals(name)) return t;
    throw new IllegalArgumentException(name);
  }

  /** Per planted type, the segment id most of its customers got. */
  int[] majoritySegment(int[] segment) {
    int[] best = new int[types()];
    for (int t = 0; t < types(); t++) {
      Map<Integer, Integer> count = new HashMap<>();
      for (int i = 0; i < segment.length; i++) if (type[i] == t) count.merge(segment[i], 1, Integer::sum);
      best[t] = count.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
    return best;
  }

  /** Share of a type's customers whose segment is one of {@code ids}. */
  double shareIn(int[] segment, int t, int... ids) {
    int in = 0;
    int all = 0;
    for (int i = 0; i < segment.length; i++) {
      if (type[i] != t) continue;
      all++;
      for (int id : ids) if (segment[i] == id) in++;
    }
    return (double) in / all;
  }

  /** Per customer of {@code later}, its segment in {@code earlier}'s result (0 when it was not there). */
  static int[] previousSegments(RfmFeatures later, RfmFeatures earlier, int[] earlierSegment) {
    int[] out = new int[later.size()];
    for (int i = 0; i < out.length; i++) {
      int j = earlier.customers().idOf(later.customers().name(i));
      out[i] = j < 0 ? 0 : earlierSegment[j];
    }
    return out;
  }
}
