#!/usr/bin/env python3
"""Writes flowers.csv: a synthetic, iris-style 3-class data set with 4 features (150 rows).

The real iris data is not available offline here, so the rows are drawn from one normal
distribution per class and feature, with the means and standard deviations of Fisher's iris
measurements (cm). Seeded: rerunning gives the same file. Labels are class indexes:
0 setosa-like, 1 versicolor-like, 2 virginica-like.
"""
import random
import sys

STATS = [  # (mean, standard deviation) of sepal length, sepal width, petal length, petal width
    [(5.01, 0.35), (3.43, 0.38), (1.46, 0.17), (0.25, 0.11)],
    [(5.94, 0.52), (2.77, 0.31), (4.26, 0.47), (1.33, 0.20)],
    [(6.59, 0.64), (2.97, 0.32), (5.55, 0.55), (2.03, 0.27)],
]

def main(path):
    rng = random.Random(7)
    rows = []
    for label, stats in enumerate(STATS):
        for _ in range(50):
            rows.append([max(0.1, round(rng.gauss(m, s), 1)) for m, s in stats] + [label])
    rng.shuffle(rows)
    with open(path, "w") as out:
        out.write("sepal_length,sepal_width,petal_length,petal_width,species\n")
        for r in rows:
            out.write("%.1f,%.1f,%.1f,%.1f,%d\n" % tuple(r))

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1
         else "src/main/resources/io/ganglion/examples/tabular/flowers.csv")
