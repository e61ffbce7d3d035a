/**
 * MetaRouter core: plain Java, embedded by serving tiers. Nothing here may depend on Spark,
 * Hadoop, Scala or Breeze (the build enforces it).
 */
package ai.metarouter.core;
