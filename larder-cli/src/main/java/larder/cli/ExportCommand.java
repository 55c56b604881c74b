package larder.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import larder.core.BatchInfo;
import larder.core.CsvFields;
import larder.core.NotFoundException;
import larder.core.segment.SegmentProfile;
import larder.serve.MemberConsumer;
import larder.serve.MembersCsv;
import larder.serve.PredictionReader;
import larder.serve.ScoreReader;
import larder.serve.ScoresCsv;
import larder.serve.SegmentMember;
import larder.serve.SegmentReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code larder export}: a job's whole current batch as CSV, for systems that take files (email, CRM, ads). */
@Command(name = "export", description = {"Write a job's whole current batch as CSV, streamed.",
    "Recommendations: user_id,rank,item_id,score. Segments: customer_id,segment_id,segment_label,distance,",
    "recency_days,frequency,monetary,rfm_score. Scores: entity_id,score,label. The batch id goes to standard error."})
final class ExportCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--job", required = true, description = "The job whose current batch to export.")
  String job;

  @Option(names = {"-o", "--out"}, description = "Write to this file instead of standard output.")
  Path out;

  @Override
  public Integer call() throws IOException {
    try (Store s = Store.openExisting(store.resolve());
        Writer w = CsvOut.open(out)) {
      PredictionReader reader = new PredictionReader(s);
      BatchInfo current = reader.current(job).orElseThrow(() -> new NotFoundException("job '" + job
          + "' has no published batch; jobs serving: " + String.join(", ", reader.jobs()), "check the job name"));
      long n = switch (current.kind()) {
        case SEGMENTS -> segments(s, w, current);
        case SCORES -> new ScoreReader(s).forEachScore(job, new ScoresCsv(w));
        case RECOMMENDATIONS -> reader.forEachRecommendation(job, new PredictionReader.RowConsumer() {
          @Override public void start(BatchInfo b) {
            CsvOut.write(w, "user_id,rank,item_id,score\n");
          }

          @Override public void accept(String user, int rank, String item, float score) {
            CsvOut.write(w, CsvFields.quote(user) + "," + rank + "," + CsvFields.quote(item) + "," + score + "\n");
          }
        });
      };
      w.flush();
      System.err.printf("exported %,d rows of job %s, batch %d (%s)%s%n", n, job, current.id(), current.kind(),
          out == null ? "" : " to " + out);
    }
    return 0;
  }

  /** Every segment's members, each segment read in its own snapshot; a batch switch mid-way fails the export. */
  private long segments(Store s, Writer w, BatchInfo current) {
    SegmentReader reader = new SegmentReader(s);
    CsvOut.write(w, "customer_id,segment_id,segment_label,distance,recency_days,frequency,monetary,rfm_score\n");
    long n = 0;
    for (SegmentProfile p : reader.profiles(job).profiles()) {
      String label = CsvFields.quote(p.label());
      n += reader.forEachMember(job, p.segmentId(), new MemberConsumer() {
        @Override public void start(BatchInfo b, String l) {
          if (b.id() != current.id()) {
            throw new NotFoundException("job '" + job + "' published batch " + b.id() + " during the export of batch "
                + current.id(), "run the export again");
          }
        }

        @Override public void accept(SegmentMember m) {
          CsvOut.write(w, CsvFields.quote(m.customerId()) + "," + p.segmentId() + "," + label + "," + MembersCsv.values(m) + "\n");
        }
      });
    }
    return n;
  }
}
