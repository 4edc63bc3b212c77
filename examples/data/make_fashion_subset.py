#!/usr/bin/env python3
"""Writes the Fashion-MNIST subset embedded in the examples jar.

Takes the first 10,000 training and the first 2,000 test images (with their labels) from the
standard IDX files of Debian's dataset-fashion-mnist package and writes them as gzipped IDX files
with the same layout. Deterministic: gzip is written with mtime 0, so the bytes are reproducible.

    python3 examples/data/make_fashion_subset.py /usr/share/datasets/fashion-mnist \
        examples/src/main/resources/io/ganglion/examples/fashion
"""
import gzip
import struct
import sys
from pathlib import Path

TRAIN, TEST = 10_000, 2_000


def read(path):
    with gzip.open(path, "rb") as f:
        return f.read()


def subset(data, count):
    magic, n = struct.unpack(">II", data[:8])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * (dims - 1), data[8:8 + 4 * (dims - 1)])
    per = 1
    for d in shape:
        per *= d
    header = struct.pack(">II", magic, count) + data[8:8 + 4 * (dims - 1)]
    start = 8 + 4 * (dims - 1)
    assert count <= n
    return header + data[start:start + count * per]


def write(path, payload):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(payload)


def main(src, dst):
    src, dst = Path(src), Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    for name, count in [("train-images-idx3-ubyte", TRAIN), ("train-labels-idx1-ubyte", TRAIN),
                        ("t10k-images-idx3-ubyte", TEST), ("t10k-labels-idx1-ubyte", TEST)]:
        write(dst / (name + ".gz"), subset(read(src / (name + ".gz")), count))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
