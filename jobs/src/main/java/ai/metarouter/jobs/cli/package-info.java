/** The {@code metarouter} command line: flag parsing and validation, configuration, dispatch. */
package ai.metarouter.jobs.cli;
