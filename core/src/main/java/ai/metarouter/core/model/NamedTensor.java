package ai.metarouter.core.model;

import java.util.Arrays;

/**
 * One named block of parameters, the unit the artifact code serialises (it maps one-to-one onto
 * a TensorBundle tensor). Row-major; {@link #of} copies, accessors copy, so a block can never alias
 * a live model's weights.
 *
 * @param name block name, unique within a model (e.g. {@code meta.W1}, {@code outcome.armEmbeddings})
 * @param shape dimensions
 * @param values row-major values, {@code product(shape)} of them
 */
public record NamedTensor(String name, int[] shape, double[] values) {
    public NamedTensor {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("tensor name is missing");
        long size = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
            size *= s;
        }
        if (size != values.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + size + " values, got " + values.length);
        }
        shape = shape.clone();
        values = values.clone();
    }

    public static NamedTensor of(String name, int[] shape, double[] values) {
        return new NamedTensor(name, shape, values);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** Whether the shape is exactly {@code expected}. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The values, after checking the shape; a mismatch is a one-line error naming the block. */
    public double[] require(int... expected) {
        if (!hasShape(expected)) {
            throw new IllegalArgumentException("parameter block " + name + " has shape " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(expected));
        }
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "NamedTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
