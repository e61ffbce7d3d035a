package ai.metarouter.core.artifact;

import java.util.Arrays;

/**
 * An immutable dense tensor of float64 values: a shape and its row-major data. Rank 0 is a
 * scalar (shape {@code []}, one value). Values must be finite: a NaN or infinite weight is a
 * diverged training run, and refusing it here keeps it out of every artifact and every server.
 */
public final class Tensor {
    /** Higher ranks are not needed by any model and would only hide corrupt headers. */
    public static final int MAX_RANK = 16;

    private final int[] shape;
    private final double[] data;

    private Tensor(int[] shape, double[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** A tensor of the given shape; {@code data} is row-major and copied. */
    public static Tensor of(int[] shape, double[] data) {
        int[] s = shape.clone();
        double[] d = data.clone();
        long size = checkedSize(s);
        if (size != d.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " holds " + size
                    + " values but data has " + d.length);
        }
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                throw new IllegalArgumentException("non-finite value " + d[i] + " at flat index " + i);
            }
        }
        return new Tensor(s, d);
    }

    public static Tensor scalar(double value) {
        return of(new int[0], new double[] {value});
    }

    public static Tensor vector(double[] values) {
        return of(new int[] {values.length}, values);
    }

    /** A rank-2 tensor from rows of equal length (a 0 x 0 matrix for no rows). */
    public static Tensor matrix(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[Math.multiplyExact(rows.length, cols)];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("ragged matrix: row " + r + " has " + rows[r].length
                        + " columns, row 0 has " + cols);
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return of(new int[] {rows.length, cols}, flat);
    }

    /**
     * Number of values a shape holds; rejects negative dimensions and sizes a Java array cannot hold.
     */
    static long checkedSize(int[] shape) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds " + MAX_RANK);
        }
        long size = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
            }
        }
        return size;
    }

    public int rank() {
        return shape.length;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    /** A copy of the row-major data. */
    public double[] data() {
        return data.clone();
    }

    /** One value by flat row-major index. */
    public double at(int flatIndex) {
        return data[flatIndex];
    }

    /** Whether this tensor has exactly {@code expected} as its shape. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public boolean equals(Object o) {
        // Arrays.equals(double[]) compares bit patterns, so -0.0 != 0.0: exactly what a format needs.
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
