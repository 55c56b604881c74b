package larder.train.tune;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import larder.core.LarderException;
import larder.core.ModelException;
import larder.core.Progress;
import larder.train.eval.Metric;
import larder.train.eval.Metrics;

/**
 * Searches a {@link SearchSpace} through a {@link TrialEvaluator}, sequentially, so the result depends on the seed
 * and the data only (never on timing, except where {@code max_time} stops it, which the result records).
 *
 * <p>A space of choices only is tried exhaustively, each at the full budget; a one-parameter refined ladder (EASE's
 * λ) then tries the winner's two half-step neighbours. Any other space is sampled: {@value Tpe#STARTUP} random
 * configurations, then {@link Tpe}, with synchronous successive halving (Jamieson &amp; Talwalkar, AISTATS 2016)
 * over the evaluator's budgets: configurations enter at the lowest rung, and after every {@value #WAVE} new ones
 * (and at the end) the best third of each rung so far that has not gone up yet is continued at the next, in a fixed
 * order, until each rung holds a third of the one below (at least one). TPE models each configuration's value at the
 * highest rung holding at least {@value Tpe#STARTUP} observations, as BOHB does.
 */
public final class Search {
  /**
   * How much better on validation the search's best must be than the model as configured for it to win (relative).
   * The validation part is one draw: on ml-latest-small (610 users, about 11 held-out items each) winners of a
   * 30-trial ALS search and of the 96-cell item-kNN grid that beat the defaults by 1-8% on validation lost 5-10% to
   * them on the test part. The configured model is always measured at the full budget, so it can win.
   */
  static final double KEEP_MARGIN = 0.02;

  /** New configurations between promotion passes. */
  static final int WAVE = 9;
  private static final int ETA = 3;

  private final SearchSpace space;
  private final TrialEvaluator evaluator;
  private final Metric metric;
  private final int trials;
  private final Duration maxTime;
  private final long seed;
  private final Progress progress;
  private boolean randomOnly;
  private Map<String, Object> first;
  private List<Map<String, Object>> priors = List.of();

  /**
   * @param trials configurations to start (a sampled space; an exhaustive one tries all of its own)
   * @param maxTime stop before the next fit once this much time has gone, or null for no cap
   * @param seed of every draw the search makes
   */
  public Search(SearchSpace space, TrialEvaluator evaluator, Metric metric, int trials, Duration maxTime, long seed,
      Progress progress) {
    if (trials < 1) throw new IllegalArgumentException("trials must be >= 1, not " + trials);
    this.space = space;
    this.evaluator = evaluator;
    this.metric = metric;
    this.trials = trials;
    this.maxTime = maxTime;
    this.seed = seed;
    this.progress = progress;
  }

  /**
   * Starts the search with {@code params} (the model as configured) when every value lies in the space, so that the
   * configuration in use competes with what the search finds. Returns this.
   */
  public Search startingFrom(Map<String, Object> params) {
    this.first = params;
    return this;
  }

  /**
   * Tries {@code points} (keyed as in the space) after the configured model and before any random configuration,
   * each that lies in the space and differs from those before it; they count as trials. Returns this.
   */
  public Search thenTrying(List<Map<String, Object>> points) {
    this.priors = List.copyOf(points);
    return this;
  }

  /** The internal values of {@code params}, or null when one is missing or outside the space. */
  double[] internalOf(Map<String, Object> params) {
    if (params == null) return null;
    List<Param> ps = space.params();
    double[] x = new double[ps.size()];
    for (int j = 0; j < x.length; j++) {
      Param p = ps.get(j);
      Object v = params.get(p.name());
      if (v == null) return null;
      if (p instanceof Param.Choice c) {
        int i = -1;
        for (int k = 0; k < c.values().size() && i < 0; k++) {
          Object w = c.values().get(k);
          boolean same = w instanceof Number a && v instanceof Number b ? a.doubleValue() == b.doubleValue()
              : String.valueOf(w).equals(String.valueOf(v));
          if (same) i = k;
        }
        if (i < 0) return null;
        x[j] = i;
      } else {
        if (!(v instanceof Number n)) return null;
        double d = n.doubleValue();
        boolean log = p instanceof Param.Real r ? r.log() : ((Param.Int) p).log();
        double lo = p instanceof Param.Real r ? r.lo() : ((Param.Int) p).lo();
        double hi = p instanceof Param.Real r ? r.hi() : ((Param.Int) p).hi();
        if (!(d >= lo && d <= hi)) return null;
        x[j] = log ? Math.log(d) : d;
      }
    }
    return x;
  }

  /** The same search drawing every configuration at random: the control TPE is measured against. */
  static Search randomOnly(Search s) {
    Search r = new Search(s.space, s.evaluator, s.metric, s.trials, s.maxTime, s.seed, s.progress);
    r.randomOnly = true;
    return r;
  }

  /**
   * What a search found.
   *
   * @param trials every configuration started, in order
   * @param winner the best at the highest rung reached (ties: the lower number)
   * @param stoppedBy {@code trials} (the budget was spent), {@code space} (an exhaustive space was tried in full) or
   *     {@code max_time}
   * @param fits measurements made (rung jobs), the count that reproduces a run stopped by time
   * @param seconds the search's time
   * @param rungs the budgets
   */
  public record Result(List<Trial> trials, Trial winner, String stoppedBy, int fits, double seconds, int[] rungs) {}

  /** A trial while the search runs. */
  private static final class Live {
    final int number;
    final double[] internal;
    final Map<String, Object> params;
    final List<Double> values = new ArrayList<>();
    Metrics metrics;
    double seconds;
    String error;
    int attempted = -1;

    Live(int number, double[] internal, Map<String, Object> params) {
      this.number = number;
      this.internal = internal;
      this.params = params;
    }

    int level() { return values.size() - 1; }
  }

  private final List<Live> live = new ArrayList<>();
  /** The model as configured, when the search measured it (see {@link #KEEP_MARGIN}); null otherwise. */
  private Live configuredTrial;
  private long startNanos;
  private int fits;
  private boolean outOfTime;
  private long unitsDone;
  private long unitsTotal;

  public Result run() {
    startNanos = System.nanoTime();
    int[] rungs = evaluator.rungs();
    String stoppedBy = space.exhaustive() ? runGrid(rungs) : runSampled(rungs);
    if (outOfTime) stoppedBy = "max_time";
    List<Trial> out = new ArrayList<>();
    int top = rungs.length - 1;
    for (Live t : live) {
      Trial.Status s = t.error != null ? Trial.Status.FAILED
          : t.level() >= (space.exhaustive() ? 0 : top) ? Trial.Status.COMPLETE : Trial.Status.PRUNED;
      int budget = t.values.isEmpty() ? 0 : space.exhaustive() ? rungs[top] : rungs[t.level()];
      out.add(new Trial(t.number, t.params, budget, t.values, t.metrics, t.seconds, s, t.error));
    }
    Trial winner = null;
    int best = -1;
    for (Trial t : out) if (t.status() != Trial.Status.FAILED) best = Math.max(best, t.values().size() - 1);
    for (Trial t : out) {
      if (t.status() == Trial.Status.FAILED || t.values().size() - 1 != best) continue;
      if (winner == null || t.value() > winner.value()) winner = t;
    }
    if (winner != null && configuredTrial != null && configuredTrial.error == null
        && configuredTrial.values.size() - 1 == best && winner.number() != configuredTrial.number
        && !(winner.value() > configuredTrial.values.get(best) * (1 + KEEP_MARGIN))) {
      // a search's best is partly luck on one validation part: it must beat the configuration in use clearly
      for (Trial t : out) if (t.number() == configuredTrial.number) winner = t;
    }
    if (winner == null) {
      String why = live.isEmpty() ? "max_time ran out before the first trial" : "every trial failed, the first with: "
          + live.get(0).error;
      throw new ModelException("tune: no configuration was measured: " + why,
          "widen tune.max_time, or narrow tune.space to values the model accepts");
    }
    return new Result(out, winner, stoppedBy, fits, (System.nanoTime() - startNanos) / 1e9, rungs.clone());
  }

  private String runGrid(int[] rungs) {
    List<Param> ps = space.params();
    long product = 1;
    for (Param p : ps) product = Math.multiplyExact(product, ((Param.Choice) p).values().size());
    int n = (int) Math.min(Integer.MAX_VALUE, product);
    Param.Choice ladder = ps.size() == 1 && ((Param.Choice) ps.get(0)).refine() ? (Param.Choice) ps.get(0) : null;
    unitsTotal = (space.excluded().isEmpty() ? n : space.gridSize()) + (ladder != null ? 2 : 0);
    int top = rungs.length - 1;
    for (int g = 0; g < n; g++) {
      double[] x = new double[ps.size()];
      int rest = g;
      for (int j = ps.size() - 1; j >= 0; j--) { // the first parameter changes slowest
        int size = ((Param.Choice) ps.get(j)).values().size();
        x[j] = rest % size;
        rest /= size;
      }
      Map<String, Object> params = paramsOf(x);
      if (space.excludes(params) && !Arrays.equals(x, internalOf(first))) continue; // the configured model competes
      if (!start(x, params, top)) return "max_time";
    }
    double[] configured = internalOf(first);
    if (configured != null) {
      for (Live t : live) if (java.util.Arrays.equals(t.internal, configured)) configuredTrial = t;
    } else if (first != null && ladder != null && first.get(ladder.name()) instanceof Number v) {
      // a λ off the ladder (EASE's default 250) is measured too, so that the model in use can win
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(ladder.name(), v.doubleValue());
      unitsTotal++;
      if (!start(new double[] {Double.NaN}, p, top)) return "max_time";
      configuredTrial = live.get(live.size() - 1);
    }
    if (ladder != null) {
      Live best = bestAt(0);
      if (best != null) {
        double v = ((Number) best.params.get(ladder.name())).doubleValue();
        double step = halfStep(ladder, v);
        for (double w : new double[] {v / step, v * step}) {
          Map<String, Object> p = new LinkedHashMap<>();
          p.put(ladder.name(), w);
          if (!start(new double[] {Double.NaN}, p, top)) return "max_time";
        }
      }
    }
    return "space";
  }

  /** Half a ladder step on a log scale around {@code v}: the square root of the ratio to its nearest neighbour. */
  static double halfStep(Param.Choice ladder, double v) {
    double[] sorted = ladder.values().stream().mapToDouble(o -> ((Number) o).doubleValue()).sorted().toArray();
    double ratio = Double.POSITIVE_INFINITY;
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i - 1] == v || sorted[i] == v) ratio = Math.min(ratio, sorted[i] / sorted[i - 1]);
    }
    return Double.isInfinite(ratio) ? Math.sqrt(10) : Math.sqrt(ratio);
  }

  private String runSampled(int[] rungs) {
    Tpe tpe = new Tpe(space);
    SplittableRandom rnd = new SplittableRandom(seed);
    unitsTotal = plannedUnits(rungs, trials);
    double[] configured = internalOf(first);
    List<double[]> planned = new ArrayList<>();
    if (configured != null) planned.add(configured);
    for (Map<String, Object> p : randomOnly ? List.<Map<String, Object>>of() : priors) {
      double[] x = internalOf(p);
      if (x != null && planned.stream().noneMatch(y -> Arrays.equals(x, y))) planned.add(x);
    }
    for (int started = 0; started < trials; ) {
      double[] x = started < planned.size() ? planned.get(started)
          : randomOnly ? tpe.random(rnd) : tpe.next(observedX(rungs), observedY(rungs), rnd);
      if (!start(x, paramsOf(x), 0)) return "max_time";
      if (started == 0 && configured != null) configuredTrial = live.get(live.size() - 1);
      started++;
      if (started % WAVE == 0 || started == trials) {
        if (!promote(rungs, started == trials)) return "max_time";
      }
    }
    Live c = configuredTrial;
    if (c != null && c.error == null && c.level() >= 0) {
      unitsTotal = Math.max(unitsTotal, unitsDone + rungs[rungs.length - 1] - rungs[c.level()]);
    }
    while (c != null && c.error == null && c.level() >= 0 && c.level() < rungs.length - 1) {
      if (!continueTrial(c, c.level() + 1, rungs)) return "max_time";
    }
    return "trials";
  }

  /** Units (iterations) the whole search runs when nothing fails: N at the first rung, a third of each rung above. */
  static long plannedUnits(int[] rungs, int n) {
    long total = (long) n * rungs[0];
    int count = n;
    for (int l = 1; l < rungs.length; l++) {
      count = Math.max(1, count / ETA);
      total += (long) count * (rungs[l] - rungs[l - 1]);
    }
    return total;
  }

  /**
   * Continues the best third of each rung that have not gone up yet, lowest rung first; at the end at least one
   * configuration reaches the top. Returns false when time ran out.
   */
  private boolean promote(int[] rungs, boolean last) {
    for (int l = 0; l + 1 < rungs.length; l++) {
      int reached = 0;
      int up = 0;
      for (Live t : live) {
        if (t.values.size() > l) reached++;
        if (t.attempted > l) up++;
      }
      int target = reached / ETA;
      if (last && target == 0 && reached > 0) target = 1;
      while (up < target) {
        Live next = bestUnpromoted(l);
        if (next == null) break;
        if (!continueTrial(next, l + 1, rungs)) return false;
        up++;
      }
      releaseHopeless(l, rungs);
    }
    return true;
  }

  /** The best trial measured at level l and not yet continued (ties: the lower number), or null. */
  private Live bestUnpromoted(int l) {
    Live best = null;
    for (Live t : live) {
      if (t.error != null || t.attempted != l || t.values.size() != l + 1) continue;
      if (best == null || t.values.get(l) > best.values.get(l)) best = t;
    }
    return best;
  }

  /**
   * Forgets trials that can no longer go up: at least as many configurations at their rung beat them as the rung
   * above can ever hold, and a rank only gets worse as configurations arrive.
   */
  private void releaseHopeless(int l, int[] rungs) {
    long bound = trials;
    for (int i = 0; i <= l; i++) bound = Math.max(1, bound / ETA);
    for (Live t : live) {
      if (t.error != null || t.level() != l || t == configuredTrial) continue; // it goes to the top in any case
      int better = 0;
      double v = t.values.get(l);
      for (Live o : live) {
        if (o != t && o.values.size() > l && (o.values.get(l) > v || o.values.get(l) == v && o.number < t.number)) {
          better++;
        }
      }
      if (better >= bound) evaluator.release(t.number);
    }
    if (l + 1 == rungs.length - 1) for (Live t : live) if (t.level() == rungs.length - 1) evaluator.release(t.number);
  }

  /** The best trial measured at level l (ties: the lower number), or null. */
  private Live bestAt(int l) {
    Live best = null;
    for (Live t : live) {
      if (t.error != null || t.values.size() <= l) continue;
      if (best == null || t.values.get(l) > best.values.get(l)) best = t;
    }
    return best;
  }

  /** Starts a configuration at rung {@code rung}; false when time ran out first. */
  private boolean start(double[] x, Map<String, Object> params, int rung) {
    if (timeIsUp()) return false;
    Live t = new Live(live.size(), x, params);
    live.add(t);
    measure(t, rung, evaluator.rungs());
    return true;
  }

  private boolean continueTrial(Live t, int rung, int[] rungs) {
    if (timeIsUp()) return false;
    measure(t, rung, rungs);
    return true;
  }

  private void measure(Live t, int rung, int[] rungs) {
    long t0 = System.nanoTime();
    fits++;
    t.attempted = rung;
    try {
      Metrics m = evaluator.evaluate(t.number, t.params, rung, progress);
      t.metrics = m;
      t.values.add(metric.of(m));
    } catch (LarderException | IllegalArgumentException | ArithmeticException e) {
      t.error = e.getMessage();
      evaluator.release(t.number);
    }
    double took = (System.nanoTime() - t0) / 1e9;
    t.seconds += took;
    boolean grid = space.exhaustive();
    unitsDone += grid ? 1 : rungs[rung] - (rung == 0 ? 0 : rungs[rung - 1]);
    String at = grid || rungs.length == 1 ? "" : String.format(Locale.ROOT, " at %d iterations", rungs[rung]);
    String result = t.error != null ? "failed: " + t.error
        : String.format(Locale.ROOT, "%s %.4f%s", metric.key(), t.values.get(t.values.size() - 1), at);
    Live best = bestAt(0);
    String lead = best == null ? "" : String.format(Locale.ROOT, "; best so far #%d", bestOverall().number);
    progress.note("tune", String.format(Locale.ROOT, "trial %d %s: %s (%.1f s)%s", t.number, text(t.params), result,
        took, lead));
    progress.update("tune", Math.min(unitsDone, Math.max(unitsTotal, unitsDone)), Math.max(unitsTotal, unitsDone),
        grid ? "configurations" : "iterations");
  }

  private Live bestOverall() {
    int top = -1;
    for (Live t : live) if (t.error == null) top = Math.max(top, t.level());
    return bestAt(Math.max(0, top));
  }

  private boolean timeIsUp() {
    if (maxTime != null && System.nanoTime() - startNanos >= maxTime.toNanos()) outOfTime = true;
    return outOfTime;
  }

  private Map<String, Object> paramsOf(double[] x) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Param> ps = space.params();
    for (int j = 0; j < x.length; j++) m.put(ps.get(j).name(), ps.get(j).toValue(x[j]));
    return m;
  }

  /** The rung TPE models: the highest holding at least {@value Tpe#STARTUP} values. */
  private int modelLevel(int[] rungs) {
    for (int l = rungs.length - 1; l > 0; l--) {
      int n = 0;
      for (Live t : live) if (t.error == null && t.values.size() > l) n++;
      if (n >= Tpe.STARTUP) return l;
    }
    return 0;
  }

  private List<double[]> observedX(int[] rungs) {
    int l = modelLevel(rungs);
    List<double[]> xs = new ArrayList<>();
    for (Live t : live) if (t.error == null && t.values.size() > l) xs.add(t.internal);
    return xs;
  }

  private double[] observedY(int[] rungs) {
    int l = modelLevel(rungs);
    return live.stream().filter(t -> t.error == null && t.values.size() > l).mapToDouble(t -> t.values.get(l)).toArray();
  }

  /** "alpha=3.2 rho=41 confidence=log". */
  static String text(Map<String, Object> params) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, Object> e : params.entrySet()) {
      if (s.length() > 0) s.append(' ');
      Object v = e.getValue();
      s.append(e.getKey()).append('=').append(v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : v);
    }
    return s.toString();
  }

  @Override public String toString() {
    return "Search" + Arrays.toString(evaluator.rungs());
  }
}
