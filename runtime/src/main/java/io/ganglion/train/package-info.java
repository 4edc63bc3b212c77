/**
 * The training loop ({@link io.ganglion.train.Trainer}): validation, metrics, early stopping,
 * listeners, progress output and divergence detection, with results in a {@link
 * io.ganglion.train.History} and {@link io.ganglion.train.Evaluation}.
 */
package io.ganglion.train;
