package ai.metarouter.core.featurize;

import java.util.Arrays;

/**
 * A featurised query: a sparse, L2-normalised vector plus two length statistics the cost model
 * uses. Treat the arrays as read-only; they are shared, not copied, because this sits on the
 * routing hot path.
 *
 * @param indices strictly increasing feature indices in [0, dim)
 * @param values the value at each index (same length as indices)
 * @param tokenCount number of word tokens in the query
 * @param charCount number of Unicode code points in the query
 */
public record QueryFeatures(int[] indices, double[] values, int tokenCount, int charCount) {
    public QueryFeatures {
        if (indices.length != values.length) {
            throw new IllegalArgumentException("indices and values differ in length: " + indices.length + " vs " + values.length);
        }
        if (tokenCount < 0 || charCount < 0) throw new IllegalArgumentException("counts must be >= 0");
    }

    /**
     * A caller-supplied dense embedding as features (indices 0..n-1): the method allows an
     * embedding in place of hashed n-grams, as long as training and serving use the same one.
     */
    public static QueryFeatures dense(double[] embedding, int tokenCount, int charCount) {
        int[] idx = new int[embedding.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        return new QueryFeatures(idx, embedding.clone(), tokenCount, charCount);
    }

    public int nonZeros() {
        return indices.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryFeatures f && tokenCount == f.tokenCount && charCount == f.charCount
                && Arrays.equals(indices, f.indices) && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(indices) + Arrays.hashCode(values)) + tokenCount;
    }

    @Override
    public String toString() {
        return "QueryFeatures[nnz=" + indices.length + ", tokens=" + tokenCount + ", chars=" + charCount + "]";
    }
}
