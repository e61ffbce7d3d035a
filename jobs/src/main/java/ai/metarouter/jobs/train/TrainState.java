package ai.metarouter.jobs.train;

import ai.metarouter.core.learn.AdamState;
import ai.metarouter.core.model.MetaParameters;
import java.util.List;

/**
 * Where meta-training stands between two outer iterations: everything a resumed run needs to
 * continue bit-identically (what a checkpoint holds).
 *
 * @param nextIteration the iteration to run next (iterations {@code [0, nextIteration)} are done)
 * @param params the meta-parameters
 * @param adam Adam's moments (unused by L-BFGS)
 * @param lbfgsState Breeze's L-BFGS state ({@link BreezeLbfgs.Iteration#state()}), null for Adam or before the first iteration
 * @param log the iterations done so far
 */
public record TrainState(int nextIteration, MetaParameters params, AdamState adam, byte[] lbfgsState, List<IterationRecord> log) {
    public TrainState {
        if (nextIteration < 0) throw new IllegalArgumentException("nextIteration must be >= 0");
        if (adam.size() != params.size()) throw new IllegalArgumentException("Adam state and parameters differ in size");
        log = List.copyOf(log);
        lbfgsState = lbfgsState == null ? null : lbfgsState.clone();
    }

    /** Before the first iteration. */
    public static TrainState start(MetaParameters params) {
        return new TrainState(0, params, AdamState.initial(params.size()), null, List.of());
    }

    @Override
    public byte[] lbfgsState() {
        return lbfgsState == null ? null : lbfgsState.clone();
    }
}
