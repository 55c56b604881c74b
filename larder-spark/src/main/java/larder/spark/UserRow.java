package larder.spark;

import java.io.Serializable;

/**
 * One user's interactions as shipped to the executors: dense ids from the driver's dictionary.
 *
 * @param items the user's items, increasing
 * @param values their values as the model scores them
 */
record UserRow(int user, int[] items, float[] values) implements Serializable {}
