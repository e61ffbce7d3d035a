/** Spark session set-up shared by every job. */
package ai.metarouter.jobs.spark;
