package larder.extract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import larder.core.FeatureTable;
import larder.core.IdMap;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.formats.Decimals;
import larder.extract.table.BadRowCollector;
import larder.extract.table.FieldRef;
import larder.extract.table.Fields;
import larder.extract.table.Header;
import larder.extract.table.RowHandler;

/**
 * Reads a per-customer feature table from a file or a query ({@link FeatureSpec#input()}), streamed into one
 * row-major array. Feature names are the header's (or query's) names, else the column as chosen ("#3").
 * Bad rows are reported as {@code features.csv:9: field 'spend': 'n/a' is not a number}, a repeated customer
 * as {@code features.csv:12: field 'customer': 'c7' already appeared on line 4}.
 */
public final class TableFeatureSource implements FeatureSource {
  private final FeatureSpec spec;

  public TableFeatureSource(FeatureSpec spec) {
    if (spec == null) throw new IllegalArgumentException("spec is null");
    this.spec = spec;
  }

  public FeatureSpec spec() { return spec; }

  @Override public String label() { return spec.input().label(); }

  @Override public FeatureResult read(Progress p) {
    Rows rows = new Rows(new BadRowCollector(label(), spec.maxBadRows(), p));
    spec.input().read(rows, rows.collector);
    BadRowCollector rc = rows.collector;
    int n = rows.customers.size();
    rc.finish("customers", n, null);
    FeatureTable table = new FeatureTable(rows.customers, rows.names,
        Arrays.copyOf(rows.values, n * rows.features.length));
    return new FeatureResult(table, rc.rowsRead(), n, rc.badRows(), rc.samples());
  }

  private final class Rows implements RowHandler {
    final BadRowCollector collector;
    final IdMap customers = new IdMap(1 << 12);
    Header header;
    FieldRef customer;
    FieldRef[] features;
    List<String> names;
    double[] scratch;
    double[] values = new double[0];
    long[] firstLine = new long[1 << 12];

    Rows(BadRowCollector collector) {
      this.collector = collector;
    }

    @Override public void start(Header h) {
      header = h;
      customer = h.field(spec.customer(), "customer");
      int d = spec.features().size();
      features = new FieldRef[d];
      names = new ArrayList<>(d);
      for (int k = 0; k < d; k++) {
        Column c = spec.features().get(k);
        features[k] = h.field(c, c.toString());
        names.add(features[k].name());
        // A name and a position may still pick one column; the spec can only see the same spelling twice.
        if (features[k].index() == customer.index()) {
          throw new InputException(h.source(), h.line(), null, "feature " + c + " is the customer column "
              + customer.name(), "choose feature columns other than the customer id");
        }
        for (int j = 0; j < k; j++) {
          if (features[j].index() == features[k].index()) {
            throw new InputException(h.source(), h.line(), null, "features " + spec.features().get(j) + " and "
                + c + " are the same column", "choose each feature column once");
          }
        }
      }
      scratch = new double[d];
      values = new double[(1 << 12) * d];
    }

    @Override public void row(long line, Fields f) {
      BadRowCollector rc = collector;
      if (rc.missing(line, f, customer)) return;
      for (FieldRef ref : features) if (rc.missing(line, f, ref)) return;
      String id = rc.id(line, f, customer);
      if (id == null) return;
      int seen = customers.idOf(id);
      if (seen >= 0) {
        rc.bad(line, customer.name(), "'" + id + "' already appeared on " + header.where(firstLine[seen]));
        return;
      }
      for (int k = 0; k < features.length; k++) {
        FieldRef ref = features[k];
        String s = f.text(ref.index());
        if (s == null) { rc.bad(line, ref.name(), "NULL, expected a number"); return; }
        try {
          scratch[k] = Decimals.parse(s);
        } catch (IllegalArgumentException e) {
          rc.bad(line, ref.name(), e.getMessage());
          return;
        }
      }
      int row = customers.intern(id);
      if (row == firstLine.length) grow();
      firstLine[row] = line;
      System.arraycopy(scratch, 0, values, row * scratch.length, scratch.length);
    }

    private void grow() {
      int cap = firstLine.length * 2;
      firstLine = Arrays.copyOf(firstLine, cap);
      values = Arrays.copyOf(values, Math.multiplyExact(cap, scratch.length)); // one array holds the table
    }
  }
}
