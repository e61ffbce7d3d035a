package ai.metarouter.core.artifact;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, ordered set of named tensors plus string metadata: what a model's parameters
 * look like on disk. The model code converts its parameter holders to and from a bundle; this
 * class knows nothing about models. Order is insertion order, so encoding is deterministic.
 *
 * <p>The typed getters check shapes and throw {@link ArtifactFormatException} with the tensor's
 * name and both shapes, because a shape mismatch at load time means "this artifact was written
 * for a different model configuration", which an operator must be told plainly.
 *
 * <p>Binary form: {@link TensorBundleCodec}.
 */
public final class TensorBundle {
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private TensorBundle(Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Tensor names in bundle order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Number of tensors. */
    public int size() {
        return tensors.size();
    }

    /** The tensor called {@code name}; a clear error naming the available tensors if absent. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ArtifactFormatException("tensor bundle has no tensor '" + name + "' (it has: "
                    + summarize(tensors.keySet().toString()) + ")");
        }
        return t;
    }

    /** Unmodifiable name -> tensor view, in bundle order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** A rank-2 tensor as rows. */
    public double[][] getMatrix(String name) {
        Tensor t = requireRank(name, 2);
        int rows = t.dim(0);
        int cols = t.dim(1);
        double[] flat = t.data();
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) out[r] = Arrays.copyOfRange(flat, r * cols, r * cols + cols);
        return out;
    }

    /** A rank-2 tensor as rows, checked to be {@code rows x cols}. */
    public double[][] getMatrix(String name, int rows, int cols) {
        requireShape(name, rows, cols);
        return getMatrix(name);
    }

    /** A rank-1 tensor. */
    public double[] getVector(String name) {
        return requireRank(name, 1).data();
    }

    /** A rank-1 tensor, checked to have {@code length} values. */
    public double[] getVector(String name, int length) {
        requireShape(name, length);
        return getVector(name);
    }

    /** A rank-0 tensor's value. */
    public double getScalar(String name) {
        return requireRank(name, 0).at(0);
    }

    /** Checks that {@code name} has exactly {@code expected} as its shape and returns it. */
    public Tensor requireShape(String name, int... expected) {
        Tensor t = tensor(name);
        if (!t.hasShape(expected)) {
            throw new ArtifactFormatException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expected));
        }
        return t;
    }

    /** Unmodifiable metadata, in insertion order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Optional<String> metadata(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    private Tensor requireRank(String name, int rank) {
        Tensor t = tensor(name);
        if (t.rank() != rank) {
            throw new ArtifactFormatException("tensor '" + name + "' has rank " + t.rank() + " (shape "
                    + Arrays.toString(t.shape()) + "), expected rank " + rank);
        }
        return t;
    }

    private static String summarize(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public boolean equals(Object o) {
        // Order is part of the value: two bundles that encode to different bytes are not equal.
        return o instanceof TensorBundle b
                && List.copyOf(tensors.entrySet()).equals(List.copyOf(b.tensors.entrySet()))
                && List.copyOf(metadata.entrySet()).equals(List.copyOf(b.metadata.entrySet()));
    }

    @Override
    public int hashCode() {
        return 31 * tensors.hashCode() + metadata.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TensorBundle{");
        tensors.forEach((k, v) -> sb.append(k).append(Arrays.toString(v.shape())).append(' '));
        return sb.append("metadata=").append(metadata.keySet()).append('}').toString();
    }

    /** Collects tensors and metadata; names must be unique. */
    public static final class Builder {
        /** Long names would only hide corrupt headers; model parameter paths are far shorter. */
        public static final int MAX_NAME_BYTES = 4096;

        private final Map<String, Tensor> tensors = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder() {}

        public Builder put(String name, Tensor tensor) {
            checkName(name, "tensor");
            if (tensors.putIfAbsent(name, tensor) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
            }
            return this;
        }

        public Builder put(String name, int[] shape, double[] data) {
            try {
                return put(name, Tensor.of(shape, data));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
            }
        }

        public Builder putMatrix(String name, double[][] rows) {
            try {
                return put(name, Tensor.matrix(rows));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
            }
        }

        public Builder putVector(String name, double[] values) {
            return put(name, new int[] {values.length}, values);
        }

        public Builder putScalar(String name, double value) {
            return put(name, new int[0], new double[] {value});
        }

        public Builder putMetadata(String key, String value) {
            checkName(key, "metadata key");
            if (value == null) throw new IllegalArgumentException("metadata '" + key + "' has a null value");
            if (metadata.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("duplicate metadata key '" + key + "'");
            }
            return this;
        }

        public boolean hasMetadata(String key) {
            return metadata.containsKey(key);
        }

        public TensorBundle build() {
            return new TensorBundle(new LinkedHashMap<>(tensors), new LinkedHashMap<>(metadata));
        }

        private static void checkName(String name, String what) {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException(what + " name is empty");
            int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                throw new IllegalArgumentException(what + " name is " + bytes + " bytes, at most " + MAX_NAME_BYTES);
            }
        }
    }
}
