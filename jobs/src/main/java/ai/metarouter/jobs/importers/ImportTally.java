package ai.metarouter.jobs.importers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The counts of an import's decisions (rows of {@link DecisionRows#SCHEMA}), taken in two small
 * aggregations: the figures of {@link ImportReport}.
 *
 * @param accepted rows accepted or merged
 * @param quarantined rows quarantined
 * @param queries rows accepted as queries of the outcome table
 * @param merged rows merged into an identical accepted row
 * @param byReason quarantined rows per reason code
 * @param problemsByKind rows per problem kind (a row may have several)
 * @param acceptedPerFile accepted (or merged) rows per file name
 * @param quarantinedPerFile quarantined rows per file name
 */
record ImportTally(long accepted, long quarantined, long queries, long merged,
                   Map<String, Long> byReason, Map<String, Long> problemsByKind,
                   Map<String, Long> acceptedPerFile, Map<String, Long> quarantinedPerFile) {
    static ImportTally of(Dataset<Row> decisions) {
        long accepted = 0;
        long quarantined = 0;
        long queries = 0;
        long merged = 0;
        Map<String, Long> byReason = new TreeMap<>();
        Map<String, Long> acceptedPerFile = new TreeMap<>();
        Map<String, Long> quarantinedPerFile = new TreeMap<>();
        for (Row r : decisions.groupBy("source_file", "status", "reason").count().collectAsList()) {
            String file = r.getString(0);
            Decision.Status status = Decision.Status.valueOf(r.getString(1));
            long n = r.getLong(3);
            if (status == Decision.Status.QUARANTINED) {
                quarantined += n;
                byReason.merge(r.getString(2), n, Long::sum);
                quarantinedPerFile.merge(file, n, Long::sum);
            } else {
                accepted += n;
                acceptedPerFile.merge(file, n, Long::sum);
                if (status == Decision.Status.ACCEPTED) queries += n;
                else merged += n;
            }
        }
        Map<String, Long> problems = countBy(decisions.select(explode(col("problem_kinds")).as("kind"))
                .groupBy("kind").count());
        return new ImportTally(accepted, quarantined, queries, merged, byReason, problems, acceptedPerFile, quarantinedPerFile);
    }

    /** A (string key, count) aggregate as a sorted map. */
    static Map<String, Long> countBy(Dataset<Row> keyAndCount) {
        Map<String, Long> out = new TreeMap<>();
        for (Row r : keyAndCount.collectAsList()) out.put(r.getString(0), r.getLong(1));
        return out;
    }
}
