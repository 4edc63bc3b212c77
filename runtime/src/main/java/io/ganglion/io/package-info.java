/**
 * Reading and writing tensors: the safetensors format ({@link io.ganglion.io.SafeTensors}), a
 * model's parameters in it ({@link io.ganglion.io.ModelFiles}) and NumPy {@code .npy} export
 * ({@link io.ganglion.io.Npy}). Written by hand on the JDK alone.
 */
package io.ganglion.io;
