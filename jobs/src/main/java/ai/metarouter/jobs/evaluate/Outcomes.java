package ai.metarouter.jobs.evaluate;

/**
 * What a policy realised for one user: mean true utility, quality and cost (USD) per scored query.
 */
public record Outcomes(double utility, double quality, double costUsd) {}
