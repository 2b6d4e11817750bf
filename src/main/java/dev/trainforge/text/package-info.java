/**
 * Text in and out, written once for every stage: canonical JSON (what config hashes and recorded
 * pins are computed from), SHA-256 of text, and small text files beside a table through Iceberg's
 * {@code FileIO} (local disk or S3 alike). Depends on nothing of the project.
 */
package dev.trainforge.text;
