package ai.metarouter.core.model;

import ai.metarouter.core.data.ModelInfo;
import java.util.Arrays;

/**
 * What the router knows about one routable model: its catalog entry (prices, mean cost) and the
 * learned parameters the outcome predictor scores it with. Every score is a function of a query,
 * a descriptor and a user state, never of an output slot, so arms can be added and removed per
 * request.
 *
 * @param info the catalog entry (id, input/output price per million tokens, mean cost)
 * @param embedding e_a in R^(r+1); its last component multiplies the constant 1 of the query
 *                  representation, so it is the arm's quality bias (logit of its typical quality)
 * @param costIntercept k_a0 of {@code c^ = exp(k_a0 + k_a1 log1p(tokens))}
 * @param costSlope k_a1 of the same
 */
public record ArmDescriptor(ModelInfo info, double[] embedding, double costIntercept, double costSlope) {
    public ArmDescriptor {
        if (info == null) throw new IllegalArgumentException("arm descriptor needs its catalog entry");
        if (embedding.length < 1) throw new IllegalArgumentException("arm " + info.id() + ": embedding is empty");
        for (double v : embedding) if (!Double.isFinite(v)) throw new IllegalArgumentException("arm " + info.id() + ": non-finite embedding");
        if (!Double.isFinite(costIntercept) || !Double.isFinite(costSlope)) {
            throw new IllegalArgumentException("arm " + info.id() + ": non-finite cost coefficients");
        }
        embedding = embedding.clone();
    }

    public String id() {
        return info.id();
    }

    @Override
    public double[] embedding() {
        return embedding.clone();
    }

    /** Expected cost (USD) of a query of {@code tokenCount} tokens. */
    public double expectedCost(int tokenCount) {
        return Math.exp(costIntercept + costSlope * Math.log1p(tokenCount));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArmDescriptor a && info.equals(a.info) && Arrays.equals(embedding, a.embedding)
                && Double.compare(costIntercept, a.costIntercept) == 0 && Double.compare(costSlope, a.costSlope) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * info.hashCode() + Arrays.hashCode(embedding);
    }

    @Override
    public String toString() {
        return "ArmDescriptor[" + info.id() + "]";
    }
}
