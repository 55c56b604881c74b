package larder.spark;

import java.io.Serializable;

/** One user's list as an executor returns it: dense ids, best first. */
record ScoredList(int user, int[] items, float[] scores) implements Serializable {}
