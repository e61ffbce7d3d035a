/**
 * JMH benchmarks of the serving hot paths (routing one query, one feedback update). Run after
 * {@code mvn -o -q -pl core test-compile} with
 * {@code java -cp $(cat core/target/test-classpath.txt):core/target/classes:core/target/test-classes org.openjdk.jmh.Main RouterBenchmark -f 1 -wi 3 -i 5}.
 */
package ai.metarouter.core.bench;
