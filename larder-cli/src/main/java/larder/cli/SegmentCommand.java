package larder.cli;

import larder.core.CsvFields;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import larder.core.BatchInfo;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.jobs.run.SegmentsReport;
import larder.serve.MemberConsumer;
import larder.serve.MembersCsv;
import larder.serve.SegmentReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code larder segment}: a customer's segment; subcommands for members, profiles and transitions. */
@Command(name = "segment", description = {"Print a customer's current segment in a segments job.",
    "Subcommands export a segment's members and show the profiles and transitions."},
    subcommands = {SegmentCommand.Members.class, SegmentCommand.Profiles.class, SegmentCommand.Transitions.class})
final class SegmentCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  // Not "required": picocli would then demand them before a subcommand too; call() checks them instead.
  @Option(names = "--job", description = "The segments job whose current batch to read.")
  String job;

  @Option(names = "--customer", description = "The customer id, as in the input data.")
  String customer;

  @Spec CommandSpec spec;

  @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
  OutputFormat format;

  @Override
  public Integer call() {
    if (job == null || customer == null) {
      throw new ParameterException(spec.commandLine(), "give --job and --customer to look up a customer's segment,"
          + " or a subcommand: members, profiles, transitions");
    }
    try (Store s = Store.openExisting(store.resolve())) {
      var c = new SegmentReader(s).segmentOf(job, customer);
      switch (format) {
        case json -> System.out.println(Json.write(c));
        case csv -> {
          System.out.println("job,customer_id,segment_id,segment_label,distance,recency_days,frequency,monetary,rfm_score,batch_id");
          System.out.println(String.join(",", CsvFields.quote(c.job()), CsvFields.quote(c.customerId()), String.valueOf(c.segmentId()),
              CsvFields.quote(c.segmentLabel()), String.valueOf(c.distance()), MembersCsv.num(c.recencyDays()), MembersCsv.num(c.frequency()),
              MembersCsv.num(c.monetary()), c.rfmScore() == null ? "" : c.rfmScore(), String.valueOf(c.batchId())));
        }
        case table -> {
          System.out.printf("job %s, customer %s: batch %d (published %s, %s ago)%n", c.job(), c.customerId(), c.batchId(),
              c.publishedAt(), Durations.human(c.age()));
          System.out.printf("  segment   %d  %s%n", c.segmentId(), c.segmentLabel() == null ? "" : c.segmentLabel());
          if (c.recencyDays() != null) {
            System.out.printf(Locale.ROOT, "  recency   %.0f days%n  orders    %.0f%n  spend     %.2f%n", c.recencyDays(),
                c.frequency(), c.monetary());
          }
          if (c.rfmScore() != null) System.out.printf("  RFM score %s%n", c.rfmScore());
          if (c.distance() > 0) System.out.printf(Locale.ROOT, "  distance  %.3f (to the segment's centre)%n", c.distance());
        }
      }
    }
    return 0;
  }

  @Command(name = "members", description = {"Export a segment's members, streamed in customer id order (for campaign tools).",
      "CSV by default: customer_id, distance, recency_days, frequency, monetary, rfm_score."})
  static final class Members implements Callable<Integer> {
    @Mixin StoreOption store;

    @Option(names = "--job", required = true, description = "The segments job.")
    String job;

    @Option(names = "--segment", required = true, description = "The segment id (see 'larder segment profiles').")
    int segment;

    @Option(names = "--format", defaultValue = "csv", description = "csv, or json: one object per line, as the HTTP API writes a member (default ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = {"-o", "--out"}, description = "Write to this file instead of standard output.")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (format == OutputFormat.table) {
        throw new larder.core.ConfigException("--format", "table", "members are exported as csv or json",
            "use --format csv (the default) or json; 'larder segment profiles' shows a table");
      }
      try (Store s = Store.openExisting(store.resolve());
          Writer w = CsvOut.open(out)) {
        MemberConsumer rows = format == OutputFormat.csv ? new MembersCsv(w) : m -> CsvOut.write(w, Json.write(m) + "\n");
        long n = new SegmentReader(s).forEachMember(job, segment, rows);
        w.flush();
        if (out != null) System.err.printf("wrote %,d members of segment %d of job %s to %s%n", n, segment, job, out);
      }
      return 0;
    }
  }

  @Command(name = "profiles", description = "Print the segments of a job's current batch: size, share, R/F/M, centroid, label.")
  static final class Profiles implements Callable<Integer> {
    @Mixin StoreOption store;

    @Option(names = "--job", required = true, description = "The segments job.")
    String job;

    @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
    OutputFormat format;

    @Override
    public Integer call() {
      try (Store s = Store.openExisting(store.resolve())) {
        var p = new SegmentReader(s).profiles(job);
        switch (format) {
          case json -> System.out.println(Json.write(p));
          case csv -> {
            System.out.println("segment_id,segment_label,size,share,recency_mean,recency_median,frequency_mean,"
                + "frequency_median,monetary_mean,monetary_median,centroid");
            for (SegmentProfile x : p.profiles()) {
              System.out.println(String.join(",", String.valueOf(x.segmentId()), CsvFields.quote(x.label()), String.valueOf(x.size()),
                  String.valueOf(x.share()), MembersCsv.num(x.recencyMean()), MembersCsv.num(x.recencyMedian()), MembersCsv.num(x.frequencyMean()),
                  MembersCsv.num(x.frequencyMedian()), MembersCsv.num(x.monetaryMean()), MembersCsv.num(x.monetaryMedian()), CsvFields.quote(Json.write(x.centroid()))));
            }
          }
          case table -> {
            System.out.printf("job %s: batch %d (published %s, %s ago), %d segments%n", p.job(), p.batchId(), p.publishedAt(),
                Durations.human(p.age()), p.profiles().size());
            System.out.print(SegmentsReport.profileTable(p.profiles()));
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "transitions", description = "How many customers moved between segments from the previous batch to the current one.")
  static final class Transitions implements Callable<Integer> {
    @Mixin StoreOption store;

    @Option(names = "--job", required = true, description = "The segments job.")
    String job;

    @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
    OutputFormat format;

    @Override
    public Integer call() {
      try (Store s = Store.openExisting(store.resolve())) {
        var t = new SegmentReader(s).transitions(job);
        switch (format) {
          case json -> System.out.println(Json.write(t));
          case csv -> {
            System.out.println("from_segment,to_segment,customers");
            for (SegmentTransition x : t.transitions()) {
              System.out.println((x.fromSegment() == null ? "" : x.fromSegment()) + "," + (x.toSegment() == null ? "" : x.toSegment())
                  + "," + x.customers());
            }
          }
          case table -> {
            System.out.printf("job %s: batch %d (published %s, %s ago)%n", t.job(), t.batchId(), t.publishedAt(),
                Durations.human(t.age()));
            if (t.transitions().isEmpty()) {
              System.out.println("  no transitions: this is the job's first batch");
              return 0;
            }
            System.out.print(matrix(t.transitions()));
          }
        }
      }
      return 0;
    }
  }

  /**
   * Transitions as a from × to table: a row per previous segment (and "new" customers), a column per current
   * segment (and "left"), so a stable segmentation shows its counts on the diagonal.
   */
  static String matrix(java.util.List<SegmentTransition> transitions) {
    java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
    java.util.Map<String, Long> cells = new java.util.HashMap<>();
    for (SegmentTransition x : transitions) {
      if (x.fromSegment() != null) ids.add(x.fromSegment());
      if (x.toSegment() != null) ids.add(x.toSegment());
      cells.merge(x.fromSegment() + ">" + x.toSegment(), x.customers(), Long::sum);
    }
    java.util.List<Integer> rows = new java.util.ArrayList<>(ids);
    rows.add(null); // new customers: from no segment
    java.util.List<Integer> cols = new java.util.ArrayList<>(ids);
    cols.add(null); // customers that left: to no segment
    int width = 9;
    for (long v : cells.values()) width = Math.max(width, String.format(Locale.ROOT, "%,d", v).length() + 1);
    StringBuilder s = new StringBuilder(String.format("  %-10s", "from \\ to"));
    for (Integer c : cols) s.append(String.format("%" + width + "s", c == null ? "(left)" : c));
    s.append(String.format("%n"));
    for (Integer r : rows) {
      s.append(String.format("  %-10s", r == null ? "(new)" : r));
      for (Integer c : cols) {
        Long v = cells.get(r + ">" + c);
        s.append(String.format(Locale.ROOT, "%" + width + "s", v == null ? "." : String.format(Locale.ROOT, "%,d", v)));
      }
      s.append(String.format("%n"));
    }
    return s.toString();
  }
}
