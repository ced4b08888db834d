"""Writes the built-in data sets `dataset("breast_cancer")` and
`dataset("digits")` as CSV, from the copies scikit-learn ships.

Run once with scikit-learn installed (not by CI):

    python crates/runtime/data/make_datasets.py

Sources and licences (see README.md in this folder):
- breast_cancer.csv: the Breast Cancer Wisconsin (Diagnostic) data set,
  UCI Machine Learning Repository, CC BY 4.0; as `sklearn.datasets.load_breast_cancer`.
- digits.csv: the test part of the UCI Optical Recognition of Handwritten
  Digits data set, CC BY 4.0; as `sklearn.datasets.load_digits`.
scikit-learn itself is BSD-3-Clause.
"""

import os

from sklearn.datasets import load_breast_cancer, load_digits

HERE = os.path.dirname(os.path.abspath(__file__))


def number(x):
    # repr gives the shortest text that reads back to the same double.
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def write(name, header, X, y):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for row, label in zip(X, y):
            f.write(",".join(number(v) for v in row) + "," + str(int(label)) + "\n")
    print(f"wrote {path}: {X.shape[0]} rows, {X.shape[1]} features")


def main():
    bc = load_breast_cancer()
    # Column names without blanks, so the header reads as one line of words.
    names = [n.replace(" ", "_") for n in bc.feature_names]
    write("breast_cancer.csv", names + ["label"], bc.data, bc.target)
    digits = load_digits()
    names = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]
    write("digits.csv", names + ["label"], digits.data, digits.target)


if __name__ == "__main__":
    main()
