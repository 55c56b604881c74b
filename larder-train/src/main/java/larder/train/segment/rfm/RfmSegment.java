package larder.train.segment.rfm;

import java.util.List;

/**
 * The usual named RFM segments, with fixed ids 1..11 so that a segment keeps its id in every batch.
 *
 * <p>A customer's segment follows from the R score and FM, the mean of the F and M scores rounded half up
 * ({@code FM = (F + M + 1) / 2} in integers), by this table. Each of the 125 (R, F, M) combinations falls
 * in exactly one cell, and each cell names one segment:
 *
 * <pre>
 *  R \ FM |  1               2                   3                   4            5
 * --------+--------------------------------------------------------------------------------------
 *    5    |  New             Potential loyalist  Potential loyalist  Champions    Champions
 *    4    |  Promising       Potential loyalist  Potential loyalist  Loyal        Loyal
 *    3    |  About to sleep  About to sleep      Need attention      Loyal        Loyal
 *    2    |  Hibernating     Hibernating         At risk             At risk      Cannot lose them
 *    1    |  Lost            Lost                At risk             At risk      Cannot lose them
 * </pre>
 *
 * Read across: recent customers (R 4-5) are New or Promising after little business, Potential loyalists
 * after some, Champions (R 5) or Loyal (R 4) after much; the middle (R 3) is drifting; customers who have
 * not bought for long (R 1-2) are At risk or, when they used to buy much, Cannot lose them, and Hibernating
 * or Lost when they never bought much.
 */
public enum RfmSegment {
  CHAMPIONS(1, "Champions"),
  LOYAL(2, "Loyal"),
  POTENTIAL_LOYALIST(3, "Potential loyalist"),
  NEW(4, "New"),
  PROMISING(5, "Promising"),
  NEED_ATTENTION(6, "Need attention"),
  ABOUT_TO_SLEEP(7, "About to sleep"),
  AT_RISK(8, "At risk"),
  CANNOT_LOSE_THEM(9, "Cannot lose them"),
  HIBERNATING(10, "Hibernating"),
  LOST(11, "Lost");

  /** One cell range of the table: R in [rMin, rMax] and FM in [fmMin, fmMax]. */
  public record Rule(RfmSegment segment, int rMin, int rMax, int fmMin, int fmMax) {
    public boolean matches(int r, int f, int m) {
      int fm = fm(f, m);
      return r >= rMin && r <= rMax && fm >= fmMin && fm <= fmMax;
    }
  }

  /** The table above as rules; every (R, F, M) in 1..5 matches exactly one. */
  public static final List<Rule> RULES = List.of(
      new Rule(CHAMPIONS, 5, 5, 4, 5),
      new Rule(LOYAL, 3, 4, 4, 5),
      new Rule(POTENTIAL_LOYALIST, 4, 5, 2, 3),
      new Rule(NEW, 5, 5, 1, 1),
      new Rule(PROMISING, 4, 4, 1, 1),
      new Rule(NEED_ATTENTION, 3, 3, 3, 3),
      new Rule(ABOUT_TO_SLEEP, 3, 3, 1, 2),
      new Rule(AT_RISK, 1, 2, 3, 4),
      new Rule(CANNOT_LOSE_THEM, 1, 2, 5, 5),
      new Rule(HIBERNATING, 2, 2, 1, 2),
      new Rule(LOST, 1, 1, 1, 2));

  private static final RfmSegment[] BY_CELL = new RfmSegment[125];
  private static final RfmSegment[] BY_ID = new RfmSegment[12];

  static {
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        for (int m = 1; m <= 5; m++) {
          for (Rule rule : RULES) {
            if (rule.matches(r, f, m)) {
              BY_CELL[cell(r, f, m)] = rule.segment();
              break;
            }
          }
        }
      }
    }
    for (RfmSegment s : values()) BY_ID[s.id] = s;
  }

  private final int id;
  private final String label;

  RfmSegment(int id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The fixed segment id, 1..11. */
  public int id() { return id; }

  /** The display name, e.g. "Cannot lose them". */
  public String label() { return label; }

  /** The mean of the F and M scores rounded half up. */
  public static int fm(int f, int m) { return (f + m + 1) / 2; }

  /** The segment of quintile scores r, f, m (each 1..5). */
  public static RfmSegment of(int r, int f, int m) {
    if (r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5) {
      throw new IllegalArgumentException("RFM scores must be 1..5, got " + r + f + m);
    }
    return BY_CELL[cell(r, f, m)];
  }

  /** The segment of a combined score such as 545. */
  public static RfmSegment ofScore(int score) {
    return of(RfmScores.r(score), RfmScores.f(score), RfmScores.m(score));
  }

  /** The segment with id {@code id}, or null when no segment has it. */
  public static RfmSegment byId(int id) {
    return id >= 1 && id < BY_ID.length ? BY_ID[id] : null;
  }

  private static int cell(int r, int f, int m) { return ((r - 1) * 5 + f - 1) * 5 + m - 1; }
}
