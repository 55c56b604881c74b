package larder.core;

import java.util.Arrays;

/**
 * Compressed sparse rows of float values: row r holds columns {@code cols[ptr[r]..ptr[r+1])}, sorted
 * ascending and unique, with {@code vals} beside them. Immutable by convention; the arrays are exposed
 * for the hot loops that read them.
 */
public final class SparseMatrix {
  private final int rows;
  private final int columns;
  private final int[] ptr;
  private final int[] cols;
  private final float[] vals;

  public SparseMatrix(int rows, int columns, int[] ptr, int[] cols, float[] vals) {
    if (ptr.length != rows + 1) throw new IllegalArgumentException("ptr must have rows + 1 entries");
    if (cols.length < ptr[rows] || vals.length < ptr[rows]) throw new IllegalArgumentException("cols/vals too short");
    this.rows = rows;
    this.columns = columns;
    this.ptr = ptr;
    this.cols = cols;
    this.vals = vals;
  }

  public int rows() { return rows; }
  public int columns() { return columns; }
  public long nonZeros() { return ptr[rows]; }
  public int[] ptr() { return ptr; }
  public int[] cols() { return cols; }
  public float[] vals() { return vals; }
  public int rowStart(int r) { return ptr[r]; }
  public int rowEnd(int r) { return ptr[r + 1]; }
  public int rowLength(int r) { return ptr[r + 1] - ptr[r]; }

  /** Value at (r, c), or 0 when absent; binary search in the row. */
  public float get(int r, int c) {
    int i = Arrays.binarySearch(cols, ptr[r], ptr[r + 1], c);
    return i >= 0 ? vals[i] : 0f;
  }

  /** True when (r, c) is stored. */
  public boolean contains(int r, int c) {
    return Arrays.binarySearch(cols, ptr[r], ptr[r + 1], c) >= 0;
  }

  /** The transpose, also with sorted columns (a counting sort keeps it O(nnz)). */
  public SparseMatrix transpose() {
    int nnz = ptr[rows];
    int[] tptr = new int[columns + 1];
    for (int i = 0; i < nnz; i++) tptr[cols[i] + 1]++;
    for (int c = 0; c < columns; c++) tptr[c + 1] += tptr[c];
    int[] fill = Arrays.copyOf(tptr, columns);
    int[] tcols = new int[nnz];
    float[] tvals = new float[nnz];
    for (int r = 0; r < rows; r++) {
      for (int i = ptr[r]; i < ptr[r + 1]; i++) {
        int at = fill[cols[i]]++;
        tcols[at] = r;
        tvals[at] = vals[i];
      }
    }
    return new SparseMatrix(columns, rows, tptr, tcols, tvals);
  }

  /** The same structure with every stored value replaced by {@code f(value)}. */
  public SparseMatrix mapValues(FloatUnaryOperator f) {
    int nnz = ptr[rows];
    float[] out = new float[nnz];
    for (int i = 0; i < nnz; i++) out[i] = f.apply(vals[i]);
    return new SparseMatrix(rows, columns, ptr, cols, out);
  }

  /** A float -> float function without boxing. */
  @FunctionalInterface
  public interface FloatUnaryOperator {
    float apply(float v);
  }
}
