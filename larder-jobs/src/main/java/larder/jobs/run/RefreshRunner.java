package larder.jobs.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import larder.core.BatchInfo;
import larder.core.BatchParams;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.InputException;
import larder.core.ModelException;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.extract.ExtractResult;
import larder.extract.InteractionSource;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.RefreshConfig;
import larder.publish.Publisher;
import larder.publish.RefreshLoader;
import larder.serve.PredictionReader;
import larder.serve.Serving;
import larder.core.BatchKind;
import larder.store.UserHistories;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.kept.ItemSide;
import larder.train.recommend.kept.KeptModel;
import larder.train.recommend.kept.UserHistory;
import larder.train.score.TopNScoring;

/**
 * Refreshes one recommendations job ({@code larder run --refresh}): reads the interactions newer than the serving
 * state's high-water mark, scores every user who has any (users the batch has never seen too) again against the
 * model the base batch kept, from the user's merged history, and publishes their new lists as a refresh of the base
 * ({@link RefreshLoader}): one transaction that replaces only those users' lists, so its cost follows the changed
 * users, not the total. Unchanged users keep their rows; similar items, fallback lists and segments stay as the full
 * run made them. Items the base never saw stay out of the lists until the next full run, which also compacts the
 * refreshes away. Any failure leaves the previous state serving.
 */
final class RefreshRunner {
  private final Publisher publisher;
  private final Progress progress;
  private final RunReport.Listener listener;

  RefreshRunner(Publisher publisher, Progress progress, RunReport.Listener listener) {
    this.publisher = publisher;
    this.progress = progress;
    this.listener = listener;
  }

  RefreshReport run(RecommendationsJob job) {
    long start = System.nanoTime();
    String name = job.name();
    String refusal = KeptModel.refreshable(job.model());
    if (refusal != null) {
      throw new ConfigException("jobs." + name + ".model", job.model().name(), "cannot be refreshed: " + refusal,
          "run the job in full (larder run without --refresh)");
    }
    RefreshConfig config = job.refreshOrDefault();
    InteractionSource source = job.refreshSource();

    // Where the serving state's data ends, read before the lock: a refresh with nothing new publishes nothing.
    Serving serving = serving(name);
    Instant hwm = serving.dataUntil();
    if (hwm == null) {
      throw new ConfigException("jobs." + name + ".source", job.source().label(), "batch " + serving.base().id()
          + " has no data high-water mark (its source gave no timestamps), so no interaction can be told newer",
          "give the source a timestamp column and run the job in full; then refresh");
    }
    listener.step(name, "reading " + source.label() + " after " + hwm + " (batch " + serving.base().id()
        + (serving.refresh() == null ? "" : ", refresh " + serving.refresh().id()) + ")");
    long t0 = System.nanoTime();
    ExtractResult fresh = source.after(hwm).read(progress);
    long readNanos = System.nanoTime() - t0;
    Interactions rows = fresh.interactions();
    RefreshReport.Builder report = new RefreshReport.Builder(name, job.model().name(), serving.base().id());
    report.read(fresh, readNanos);
    for (String bad : fresh.badRowSamples()) listener.step(name, "skipped bad row: " + bad);
    if (rows.size() == 0) {
      listener.step(name, String.format("nothing newer than %s: %,d rows read, all covered", hwm, fresh.rowsRead()));
      return report.done(System.nanoTime() - start); // no batch: nothing newer
    }
    long limit = config.maxChangedUsers().limit(serving.base().keys());
    if (rows.userCount() > limit) {
      throw new InputException(source.label(), 0, null, String.format("%,d users have new interactions, above"
          + " jobs.%s.refresh.max_changed_users (%,d of the %,d users of batch %d); nothing was refreshed and the"
          + " serving lists stay", rows.userCount(), name, limit, serving.base().keys(), serving.base().id()),
          "run the job in full, or raise refresh.max_changed_users if this many changes are expected");
    }

    ItemFilter filter = ItemFilter.read(name, job.filters());
    RefreshLoader refresh = publisher.beginRefresh(name, job.model().name(), BatchParams.of(job.model().params()));
    try {
      if (refresh.baseBatchId() != serving.base().id() || !hwm.equals(refresh.highWaterMark())) {
        throw new ModelException("job '" + name + "': another run published while this refresh read its source",
            "run the refresh again; it starts from the new state");
      }
      long base = refresh.baseBatchId();
      t0 = System.nanoTime();
      IdMap items;
      ItemSide side;
      try {
        KeptBatch keptBatch = new KeptBatch(publisher.store());
        items = keptBatch.items(base);
        side = keptBatch.itemSide(base);
      } catch (NotFoundException e) {
        throw new ModelException("batch " + base + " of job '" + name + "' kept no model to refresh with",
            "run the job in full with keep_model: true (the default; popularity on engine: spark keeps none yet)");
      }
      List<String> users = new ArrayList<>(rows.userCount());
      for (int u = 0; u < rows.userCount(); u++) users.add(rows.users().name(u));
      Map<String, byte[]> kept = new UserHistories(publisher.store()).read(base, users);
      List<byte[]> merged = merge(rows, items, kept, job.source().binary(), report);
      SparseMatrix histories = UserHistory.matrix(merged, items.size());
      report.loaded(kept.size(), System.nanoTime() - t0);
      listener.step(name, String.format("%,d users changed (%,d new to batch %d), %,d new interactions;"
          + " %,d item(s) unknown to the model wait for the next full run", rows.userCount(),
          rows.userCount() - kept.size(), base, rows.size(), report.unknownItems()));

      t0 = System.nanoTime();
      TrainedModel model = side.forUsers(histories, job.threads(), progress);
      BitSet allowed = filter.apply(items, message -> listener.step(name, message));
      boolean[] listed = new boolean[rows.userCount()];
      TopNScoring.ScoringSummary scored = TopNScoring.scoreUsers(model, job.excludeSeen() ? histories : null, null,
          job.topN(), allowed, job.threads(), (u, top, scores, count) -> {
            if (histories.rowLength(u) == 0) return;
            synchronized (listed) {
              listed[u] = true;
              refresh.putList(users.get(u), top, scores, count, items);
            }
          }, progress);
      for (int u = 0; u < listed.length; u++) {
        // A user with no interaction the model knows is one the base and every refresh never listed (a known
        // user's history is never empty): nothing to replace, and a list scored from nothing is no list of theirs,
        // so the fallback keeps serving them and nothing is written until they interact with a known item.
        if (histories.rowLength(u) == 0) continue;
        if (!listed[u]) refresh.putList(users.get(u), new int[0], new float[0], 0, items); // emptied: fallback serves
        refresh.putHistory(users.get(u), merged.get(u));
      }
      report.scored(scored.rows(), System.nanoTime() - t0);

      Instant newest = fresh.newest();
      refresh.setDataUntil(newest != null && newest.isAfter(hwm) ? newest : hwm);
      refresh.setInputRows(fresh.rowsKept());
      t0 = System.nanoTime();
      BatchInfo published = refresh.publish();
      report.published(published, System.nanoTime() - t0);
      return report.done(System.nanoTime() - start);
    } catch (RuntimeException e) {
      throw refresh.failedBy(e); // the previous state keeps serving
    } catch (Error e) {
      throw refresh.failedBy(e);
    } finally {
      refresh.close();
    }
  }

  /** What {@code job} serves, which must be a recommendations batch. */
  private Serving serving(String job) {
    Serving serving = new PredictionReader(publisher.store()).serving(job).orElseThrow(() -> new NotFoundException(
        "job '" + job + "' has no published batch to refresh", "run the job in full first: larder run CONFIG --job " + job));
    if (serving.base().kind() != BatchKind.RECOMMENDATIONS) {
      throw new NotFoundException("job '" + job + "' serves " + serving.base().kind().text() + ", not recommendations",
          "refresh recommendations jobs only");
    }
    return serving;
  }

  /**
   * Each changed user's kept history (none for a new user) with the new interactions added as the extract merges
   * duplicate rows, in the order of {@code rows}' users; new items the model does not know are left out and counted.
   */
  private static List<byte[]> merge(Interactions rows, IdMap items, Map<String, byte[]> kept, boolean binary,
      RefreshReport.Builder report) {
    SparseMatrix m = rows.byUser();
    int[] local = new int[rows.itemCount()];
    BitSet unknown = new BitSet();
    for (int i = 0; i < local.length; i++) {
      local[i] = items.idOf(rows.items().name(i));
      if (local[i] < 0) unknown.set(i);
    }
    report.unknownItems(unknown.cardinality());
    List<byte[]> out = new ArrayList<>(rows.userCount());
    int[] ids = new int[16];
    float[] values = new float[16];
    for (int u = 0; u < rows.userCount(); u++) {
      int n = 0;
      if (ids.length < m.rowLength(u)) {
        ids = new int[m.rowLength(u)];
        values = new float[m.rowLength(u)];
      }
      for (int k = m.rowStart(u); k < m.rowEnd(u); k++) {
        int item = local[m.cols()[k]];
        if (item < 0) continue;
        ids[n] = item;
        values[n++] = m.vals()[k];
      }
      out.add(UserHistory.merge(kept.get(rows.users().name(u)), ids, values, n, binary));
    }
    return out;
  }
}
