/**
 * Optimizers with PyTorch's update rules and defaults ({@link io.ganglion.optim.Sgd}, {@link
 * io.ganglion.optim.Adam}, {@link io.ganglion.optim.AdamW}, {@link io.ganglion.optim.RmsProp},
 * {@link io.ganglion.optim.Adagrad}), gradient clipping, checkpointable optimizer state and
 * learning-rate schedules.
 */
package io.ganglion.optim;
