/**
 * In-memory data sets ({@link io.ganglion.data.Dataset}), IDX and CSV readers, scaling fitted on
 * training data, one-hot encoding, seeded shuffling and stratified splits.
 */
package io.ganglion.data;
