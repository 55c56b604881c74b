package larder.train.kernel;

/**
 * The best {@code n} (item, score) pairs of a stream, kept in a bounded min-heap over parallel
 * {@code int[]}/{@code float[]} arrays: the root is the worst kept pair, so once the heap is full one
 * compare against it rejects most candidates (as in Oryx's {@code TopNConsumer}). Higher scores are
 * better; equal scores are broken by the lower item id, so results are deterministic. NaN scores are
 * never kept. Reusable ({@link #reset}) and not thread-safe: one per worker.
 */
public final class TopN {
  private int[] items;
  private float[] scores;
  private int capacity;
  private int size;

  public TopN(int n) {
    items = new int[0];
    scores = new float[0];
    reset(n);
  }

  /** Empties the heap and sets how many pairs it keeps; grows the arrays only when needed. */
  public void reset(int n) {
    if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
    if (items.length < n) {
      items = new int[n];
      scores = new float[n];
    }
    capacity = n;
    size = 0;
  }

  public int capacity() { return capacity; }

  public int size() { return size; }

  /**
   * The lowest score an offer could still be kept with: negative infinity while the heap has room, the
   * worst kept score once it is full (a tie may still win on item id), positive infinity when it keeps nothing.
   */
  public float floor() {
    if (size < capacity) return Float.NEGATIVE_INFINITY;
    return capacity == 0 ? Float.POSITIVE_INFINITY : scores[0];
  }

  /** Keeps the pair if it is among the best so far; returns whether it was kept. */
  public boolean offer(int item, float score) {
    if (size == capacity) {
      if (size == 0) return false;
      float min = scores[0];
      // Written so that NaN fails both tests and is rejected.
      if (!(score > min) && (score != min || item > items[0])) return false;
      items[0] = item;
      scores[0] = score;
      siftDown(0);
      return true;
    }
    if (score != score) return false;
    int at = size++;
    items[at] = item;
    scores[at] = score;
    siftUp(at);
    return true;
  }

  /**
   * Offers {@code scores[from..to)} as items {@code firstItem, firstItem + 1, ...}; the same result as
   * one {@link #offer} per score. Once the heap is full, a single compare against the worst kept score
   * rejects almost every item in a tight loop over the floats, and only the rare candidate reaches the
   * heap. NaN fails that compare. The compare is {@code >=}, not {@code >}, so that a tie with the
   * worst kept pair is still settled by {@link #offer} on item ids, whatever order items come in.
   */
  public void offerAll(float[] scores, int from, int to, int firstItem) {
    int shift = firstItem - from;
    int i = from;
    for (; i < to && size < capacity; i++) offer(i + shift, scores[i]);
    if (i == to || capacity == 0) return;
    float min = this.scores[0];
    for (; i < to; i++) {
      float s = scores[i];
      if (s >= min) {
        offer(i + shift, s);
        min = this.scores[0];
      }
    }
  }

  /**
   * Offers the listed items {@code items[from..to)}, item i's score at {@code scores[offset + i]}; the same
   * result as one {@link #offer} per item, with the one-compare rejection of {@link #offerAll}.
   */
  public void offerEach(float[] scores, int offset, int[] items, int from, int to) {
    int k = from;
    for (; k < to && size < capacity; k++) offer(items[k], scores[offset + items[k]]);
    if (k == to || capacity == 0) return;
    float min = this.scores[0];
    for (; k < to; k++) {
      int item = items[k];
      float s = scores[offset + item];
      if (s >= min) {
        offer(item, s);
        min = this.scores[0];
      }
    }
  }

  /**
   * Writes the kept pairs best first into the given arrays (each at least {@link #size()} long),
   * empties the heap and returns how many were written.
   */
  public int drainSorted(int[] outItems, float[] outScores) {
    int count = size;
    // Popping the root yields the worst first, so fill from the back.
    for (int at = count - 1; at >= 0; at--) {
      outItems[at] = items[0];
      outScores[at] = scores[0];
      size--;
      if (size > 0) {
        items[0] = items[size];
        scores[0] = scores[size];
        siftDown(0);
      }
    }
    return count;
  }

  /** True when pair a is worse than pair b: a lower score, or the same score and a higher id. */
  private static boolean worse(float sa, int ia, float sb, int ib) {
    return sa < sb || (sa == sb && ia > ib);
  }

  private void siftUp(int at) {
    int item = items[at];
    float score = scores[at];
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (!worse(score, item, scores[parent], items[parent])) break;
      items[at] = items[parent];
      scores[at] = scores[parent];
      at = parent;
    }
    items[at] = item;
    scores[at] = score;
  }

  private void siftDown(int at) {
    int item = items[at];
    float score = scores[at];
    int half = size >>> 1;
    while (at < half) {
      int child = 2 * at + 1;
      int right = child + 1;
      if (right < size && worse(scores[right], items[right], scores[child], items[child])) child = right;
      if (!worse(scores[child], items[child], score, item)) break;
      items[at] = items[child];
      scores[at] = scores[child];
      at = child;
    }
    items[at] = item;
    scores[at] = score;
  }
}
